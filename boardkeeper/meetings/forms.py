from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Minutes file",
        help_text="Word (.docx), PDF, HTML, markdown or text, up to 50 MB.",
        error_messages={"required": "Choose the minutes file to import."},
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size == 0:
            raise forms.ValidationError("The file is empty.")
        if f.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {settings.MAX_UPLOAD_BYTES // 1048576} MB.")
        return f


class ConfirmForm(forms.Form):
    """The preview's corrections: the meeting date where the minutes lack one, and owners."""

    meeting_date = forms.DateField(required=False, label="Date of the meeting")

    def __init__(
        self,
        *args: Any,
        actions: int = 0,
        commitments: list[int] | None = None,
        owner_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.action_count = actions
        self.commitment_indexes = commitments or []
        for i in range(actions):
            self.fields[f"owner_{i}"] = forms.ChoiceField(
                choices=owner_choices or [], required=False, label="Owner"
            )
        for i in self.commitment_indexes:
            self.fields[f"add_{i}"] = forms.BooleanField(required=False, label="Add to the action log")

    def commitments(self) -> set[int]:
        return {i for i in self.commitment_indexes if self.cleaned_data.get(f"add_{i}")}

    def owner_overrides(self) -> dict[int, str]:
        return {
            i: self.cleaned_data[f"owner_{i}"]
            for i in range(self.action_count)
            if self.cleaned_data.get(f"owner_{i}")
        }

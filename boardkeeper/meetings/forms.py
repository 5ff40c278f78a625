from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings

from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.meetings.models import Meeting


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


class MinutesApprovalForm(forms.Form):
    """The date the board approved a meeting's minutes (the service says whether it may have)."""

    on = GovukDateField(
        label="Date the board approved the minutes",
        help_text="Usually the date of its next meeting. For example, 11 3 2022",
        error_messages={
            "required": "Enter the date the board approved the minutes.",
            "invalid": "Enter a real date, for example 11/03/2022.",
        },
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting, data: Any = None, *, today: dt.date) -> MinutesApprovalForm:
        """Offered with the date of the next meeting as the minutes give it, once it has come: minutes are
        usually approved there."""
        following = meeting.next_meeting_date
        initial = {"on": f"{following:%d/%m/%Y}" if following and following <= today else ""}
        return cls(data, prefix="approval", initial=initial)


class UndoImportForm(forms.Form):
    """The confirmation of an undo, carrying the plan the page showed (see `imports.undo`)."""

    plan = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "This page is out of date: check what undoing the import would do now."},
    )

"""The partnership's rule for flagging an action with no due date (issue 16): edited on its settings page."""

from __future__ import annotations

from typing import Any

from django import forms

from boardkeeper.directory.models import Partnership


class UndatedFlagForm(forms.ModelForm[Partnership]):
    """Amber, then red, after this many months open: red must come after amber."""

    class Meta:
        model = Partnership
        fields = ["undated_amber_months", "undated_red_months"]
        labels = {
            "undated_amber_months": "Amber after this many months open",
            "undated_red_months": "Red after this many months open",
        }
        help_texts = {
            "undated_amber_months": "For an open action with no due date or due meeting. The default is 3.",
            "undated_red_months": "The default is 6.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            field = self.fields[name]
            field.min_value = 1  # type: ignore[attr-defined]
            field.widget.attrs.update({"min": 1, "max": 120, "inputmode": "numeric"})
            field.error_messages["required"] = "Enter a number of months."
            field.error_messages["invalid"] = "Enter a whole number of months, like 3."
        self.fields["undated_amber_months"].validators.append(_at_least_one)
        self.fields["undated_red_months"].validators.append(_at_least_one)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amber, red = data.get("undated_amber_months"), data.get("undated_red_months")
        if amber is not None and red is not None and red <= amber:
            self.add_error(
                "undated_red_months", "Red must come after amber: enter more months than for amber."
            )
        return data


def _at_least_one(value: int) -> None:
    if value < 1 or value > 120:
        raise forms.ValidationError("Enter a number of months from 1 to 120.")

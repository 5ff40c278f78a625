"""Forms of the funding pages: a year, a budget line, a partner's contribution."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from boardkeeper.funding.models import BudgetLine
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.versioning import version_field

COMMON_PARTNERS = ("The council", "The ICB", "The police", "Schools", "Other")
DATE_HINT = "For example, 15 4 2022"
POUNDS_HINT = "In pounds, for example 12,500 or 12,500.50"


class MoneyField(forms.DecimalField):
    """Pounds and pence, typed as people write them: ‘£12,500’ or ‘12500.00’."""

    widget = forms.TextInput

    def __init__(self, *, label: str, what: str, **kwargs: Any):
        message = f"Enter the {what} in pounds, for example 12,500 or 12,500.50."
        super().__init__(
            label=label,
            max_digits=12,
            decimal_places=2,
            min_value=Decimal("0"),
            error_messages={
                "required": f"Enter the {what}.",
                "invalid": message,
                "max_digits": message,
                "max_decimal_places": message,
                "max_whole_digits": message,
                "min_value": f"The {what} cannot be below £0.",
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:  # a Decimal or None
        if isinstance(value, str):
            value = re.sub(r"[£,\s]", "", value)
        return super().to_python(value)


class YearForm(forms.Form):
    starts = forms.IntegerField(
        label="Year it starts",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput,
        help_text="The financial year runs April to March: 2024 for April 2024 to March 2025.",
        error_messages={
            "required": "Enter the year it starts, for example 2024.",
            "invalid": "Enter the year it starts as four figures, for example 2024.",
            "min_value": "Enter the year it starts as four figures, for example 2024.",
            "max_value": "Enter the year it starts as four figures, for example 2024.",
        },
    )
    copy_previous = forms.BooleanField(
        label="Copy the year before’s budget lines and partners, with their amounts", required=False
    )

    def __init__(self, data: Any = None, *, taken: set[int], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.taken = taken

    def clean_starts(self) -> int:
        starts: int = self.cleaned_data["starts"]
        if starts in self.taken:
            raise forms.ValidationError(f"April {starts} to March {starts + 1} is already recorded.")
        return starts


class LineForm(forms.Form):
    version = version_field("funding year")
    kind = forms.ChoiceField(
        label="Budget line",
        choices=BudgetLine.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the budget line.", "invalid_choice": "Choose the budget line."},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=200,
        help_text="For example, ‘Business manager and two officers’.",
        error_messages={"max_length": "Description must be 200 characters or fewer."},
    )
    amount = MoneyField(label="Amount", what="amount", help_text=POUNDS_HINT)


class ContributionForm(forms.Form):
    version = version_field("funding year")
    partner = forms.CharField(
        label="Partner",
        max_length=200,
        help_text="For example, the council, the ICB, the police or schools, or the partner’s own name.",
        error_messages={
            "required": "Enter the partner.",
            "max_length": "Partner must be 200 characters or fewer.",
        },
    )
    agreed = MoneyField(label="Agreed contribution", what="agreed contribution", help_text=POUNDS_HINT)
    invoiced_on = GovukDateField(
        label="Invoiced on (optional)",
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter the date it was invoiced as a real date, for example 15/04/2022."},
    )
    paid_on = GovukDateField(
        label="Paid on (optional)",
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter the date it was paid as a real date, for example 15/04/2022."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="For example, ‘To be sought from the Schools Forum’.",
        error_messages={"max_length": "Note must be 300 characters or fewer."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        invoiced, paid = cleaned.get("invoiced_on"), cleaned.get("paid_on")
        if invoiced and paid and paid < invoiced:
            self.add_error("paid_on", "The date it was paid must be on or after the date it was invoiced.")
        return cleaned


class RemoveForm(forms.Form):
    version = version_field("funding year")

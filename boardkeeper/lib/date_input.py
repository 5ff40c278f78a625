"""GOV.UK's date input (day, month and year in three boxes) as one Django form field.

`GovukDateField` takes the place of `forms.DateField` in every form: it renders through
templates/forms/date_input.html (a fieldset whose legend is the field's label, its hint, its error message
and three numeric boxes, the wrong ones marked) and reports GOV.UK's error messages: 'Date must include a
month', 'Date must be a real date', 'Year must include 4 numbers'.

A date posted as one value under the field's own name ('11/03/2022' or '2022-03-11') is still read, so
that a page from before the change, a script or a test posting one string keeps working.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

PARTS = ("day", "month", "year")
SINGLE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")


class GovukDateInput(forms.MultiWidget):
    """Three text boxes named `<name>_day`, `<name>_month` and `<name>_year`, or one value under `<name>`."""

    template_name = "forms/widgets/govuk_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}) for part in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str]:
        """A date (or a date given as one string) as the three boxes show it."""
        if isinstance(value, str):
            value = parse_single(value) or value
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and len(parts := re.split(r"[/\-. ]+", value.strip())) == 3:
            return parts  # '31/02/2022', not a date: shown as typed, to be corrected
        return ["", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """One value posted under the field's own name (a browser's form never sends one: a script, an
        old page or a test does, and means it); else the three boxes as a list, or None."""
        if name in data:
            return data.get(name)
        if any(f"{name}_{part}" in data for part in PARTS):
            return [str(data.get(f"{name}_{part}") or "").strip() for part in PARTS]
        return None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in PARTS)


def parse_single(value: str) -> dt.date | None:
    """A date typed as one string in one of the formats the old single box took, or None."""
    value = value.strip()
    for fmt in SINGLE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


class GovukDateBoundField(BoundField):
    """The field as the template draws it: each box with its name, id, value, label, width and whether
    it is a part in error; and the box that the error summary's link goes to."""

    def part_id(self, part: str) -> str:
        """The id of a box: the day's is the field's own, the month's and the year's `<id>_month`, `<id>_year`."""
        return self.auto_id if part == "day" else f"{self.auto_id}_{part}"

    @property
    def wrong_parts(self) -> set[str]:
        """The boxes at fault, which GOV.UK marks: those the field's clean named (a missing month, a year
        of two numbers), else all three (no date given, or an error about the whole date from the form)."""
        if not self.errors:
            return set()
        return set(getattr(self.field, "error_parts", None) or PARTS)

    @property
    def id_for_label(self) -> str:
        """The box to go to: the first one at fault (GOV.UK: the error summary's link leads to it), else the
        day. forms/errors.html links every field's error to its `id_for_label`."""
        wrong = self.wrong_parts
        return self.part_id(next((part for part in PARTS if part in wrong), "day"))

    @property
    def date_parts(self) -> list[dict[str, Any]]:
        value = self.value()
        values = value if isinstance(value, list | tuple) else self.field.widget.decompress(value)
        wrong = self.wrong_parts
        return [
            {
                "part": part,
                "name": f"{self.html_name}_{part}",
                "id": self.part_id(part),
                "value": values[n] if n < len(values) else "",
                "label": part.capitalize(),
                "width": "govuk-input--width-4" if part == "year" else "govuk-input--width-2",
                "error": part in wrong,
            }
            for n, part in enumerate(PARTS)
        ]


class GovukDateField(forms.Field):
    """A date in GOV.UK's three boxes, with GOV.UK's messages naming `subject` ('Date of the next
    meeting must include a month'). `error_parts` says which boxes to mark after a failed clean."""

    widget = GovukDateInput
    bound_field_class = GovukDateBoundField
    default_error_messages = {
        "required": "Enter the date",
        "invalid": "Date must be a real date",
    }

    def __init__(self, *, subject: str = "", **kwargs: Any) -> None:
        kwargs.pop("input_formats", None)
        super().__init__(**kwargs)
        self.subject = subject or str(self.label or "Date")
        self.error_parts: set[str] = set()

    def clean(self, value: Any) -> Any:
        self.error_parts = set()  # marked afresh by each clean (not by `has_changed`, which also parses)
        return super().clean(value)

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, "") or (isinstance(value, list | tuple) and not any(value)):
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            found = parse_single(value)
            if found is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return found
        return self._from_parts([str(v or "").strip() for v in value])

    def _from_parts(self, values: list[str]) -> dt.date:
        """GOV.UK's order of checks: what is missing, then what is not a number, then a real date."""
        day, month, year = values
        missing = [part for part, v in zip(PARTS, values, strict=True) if not v]
        if missing:
            self.error_parts = set(missing)
            raise ValidationError(f"{self.subject} must include a {' and '.join(missing)}", code="incomplete")
        real = f"{self.subject} must be a real date"
        if not all(v.isdigit() for v in values):
            self.error_parts = {p for p, v in zip(PARTS, values, strict=True) if not v.isdigit()}
            raise ValidationError(real, code="invalid")
        if len(year) != 4:
            self.error_parts = {"year"}
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            self.error_parts = {"month"} if not 1 <= int(month) <= 12 else {"day"}
            raise ValidationError(real, code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        return value

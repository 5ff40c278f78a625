"""Forms of the forward plan, the agenda and the next meeting."""

from __future__ import annotations

import datetime as dt
from html import escape  # as django.utils.html.escape (which calls it), without its lazy-string wrapper
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe

from boardkeeper.directory.models import Board
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.dates import add_months, month_start
from boardkeeper.lib.versioning import version_field
from boardkeeper.meetings.models import Meeting

PLAN_MONTHS = 24  # how far ahead an entry can be aimed by hand
NO_TARGET = ("", "A future meeting (no date yet)")


class ForwardPlanEntryForm(forms.Form):
    """An entry added by hand: what, for when (a scheduled meeting, a month, or a future meeting), who."""

    topic = forms.CharField(
        label="Topic",
        max_length=300,
        error_messages={
            "required": "Enter the topic.",
            "max_length": "Topic must be 300 characters or fewer.",
        },
    )
    target = forms.ChoiceField(
        label="Meeting or month",
        required=False,
        help_text="A scheduled meeting, or a month when no meeting is scheduled yet.",
        error_messages={"invalid_choice": "Choose a meeting or month from the list."},
    )
    owner = forms.CharField(
        label="Owner",
        required=False,
        max_length=300,
        help_text="Who brings it, for example ‘Head of Service, Children’s Social Care’.",
        error_messages={"max_length": "Owner must be 300 characters or fewer."},
    )
    recurs = forms.BooleanField(label="This comes round every year", required=False)

    def __init__(self, data: Any = None, *, meetings: list[Meeting], start: dt.date):
        super().__init__(data)
        self.meetings = {f"meeting:{m.pk}": m for m in meetings}
        self.months = {
            f"month:{month:%Y-%m}": month
            for month in (add_months(month_start(start), n) for n in range(PLAN_MONTHS))
        }
        self.groups = [
            ("Scheduled meetings", [(k, f"Meeting on {m.date:%-d %B %Y}") for k, m in self.meetings.items()]),
            ("Months", [(k, f"{month:%B %Y}") for k, month in self.months.items()]),
        ]
        self.fields["target"].choices = [NO_TARGET, *self.groups]  # type: ignore[attr-defined]

    @property
    def target_options(self) -> SafeString:
        """The select's options, grouped (a group with none left out), written in one pass: a template loop
        asking the bound field its value for each of the 24 months and the meetings was a tenth of the
        page's rendering."""
        chosen = self["target"].value() or ""

        def option(value: str, label: str) -> str:
            selected = " selected" if value == chosen else ""
            return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'

        groups = "".join(
            f'<optgroup label="{escape(name)}">{"".join(option(v, label) for v, label in options)}</optgroup>'
            for name, options in self.groups
            if options
        )
        return mark_safe(option(*NO_TARGET) + groups)  # every value in it is escaped

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("recurs") and not cleaned.get("target") and "target" not in self.errors:
            self.add_error("target", "Choose the meeting or month of an entry that comes round every year.")
        return cleaned

    def target_meeting(self) -> Meeting | None:
        return self.meetings.get(self.cleaned_data.get("target") or "")

    def target_month(self) -> dt.date | None:
        return self.months.get(self.cleaned_data.get("target") or "")


class ScheduleMeetingForm(forms.Form):
    """The next meeting's date (today or later: the form plans meetings, it does not record past ones;
    minutes imported record those), and its time and venue if known, for the agenda and the calendar."""

    date = GovukDateField(
        label="Date of the next meeting",
        help_text="For example, 11 3 2027",
        error_messages={
            "required": "Enter the date of the next meeting.",
            "invalid": "Date of the next meeting must be a real date",
        },
    )
    starts_at = forms.TimeField(
        label="Time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="For example, 10:00 or 14:30",
        error_messages={"invalid": "Enter a time in the 24-hour clock, for example 10:00 or 14:30."},
    )
    venue = forms.CharField(
        label="Venue (optional)",
        required=False,
        max_length=300,
        help_text="For example, ‘Shire Hall, Warwick’ or ‘Microsoft Teams’.",
        error_messages={"max_length": "Venue must be 300 characters or fewer."},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        board: Board,
        today: dt.date,
        suggestion: dt.date | None = None,
    ):
        offered = suggestion if suggestion is not None and suggestion >= today else None
        super().__init__(data, initial={"date": offered})
        self.board = board
        self.today = today

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        held = (
            Meeting.objects.filter(board=self.board, date=date)
            .exclude(status=Meeting.Status.SCHEDULED)
            .exists()
        )
        if held:
            raise forms.ValidationError(
                f"The board already met on {date:%-d %B %Y}. Enter the date of a meeting still to come."
            )
        if date < self.today:
            raise forms.ValidationError(
                f"The date of the next meeting must be today or in the future: {date:%-d %B %Y} has passed."
            )
        return date


class AgendaEntryForm(forms.Form):
    title = forms.CharField(
        label="Item",
        max_length=300,
        error_messages={"required": "Enter the item.", "max_length": "Item must be 300 characters or fewer."},
    )
    presenter = forms.CharField(
        label="Presenter",
        required=False,
        max_length=200,
        error_messages={"max_length": "Presenter must be 200 characters or fewer."},
    )
    papers = forms.CharField(
        label="Papers",
        required=False,
        max_length=300,
        help_text="For example ‘Report and action plan (paper 3)’.",
        error_messages={"max_length": "Papers must be 300 characters or fewer."},
    )


class AgendaEntryEditForm(AgendaEntryForm):
    """An item's new wording, with the version of the item the page showed."""

    version = version_field("agenda")


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])

    @property
    def by(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1

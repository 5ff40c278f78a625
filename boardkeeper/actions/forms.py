"""Forms of the action log: its filters (a GET form) and an action's update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Partnership, Person, Team
from boardkeeper.lib import govuk
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.versioning import version_field
from boardkeeper.meetings.models import Meeting

SORTS = [
    ("oldest", "Oldest first"),
    ("newest", "Newest first"),
    ("due", "Due soonest first"),
]


@dataclass(frozen=True, slots=True)
class Options:
    """A select's choices made once, for as long as what they are made of is unchanged (boardkeeper.lib.reference
    keeps them between requests): their values (a choice is cleaned by lookup, not by query) and every
    <option>, written in one pass. A partnership's log offers every meeting it has held (hundreds over
    ten years), too many for a template loop asking the bound field each time."""

    values: frozenset[str]
    html: str  # the <option>s, none selected

    @classmethod
    def of(cls, choices: Iterable[tuple[str, str]]) -> Options:
        choices = tuple(choices)
        # escape() and a join, not format_html_join: format_html per option was 6 ms of a log page
        html = "".join(
            f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices
        )
        return cls(frozenset(value for value, _ in choices), html)

    def rendered(self, chosen: Any) -> SafeString:
        """The <option>s with the chosen one (when it is offered) selected."""
        if isinstance(chosen, str) and chosen in self.values:
            option = f'<option value="{escape(chosen)}">'
            return mark_safe(self.html.replace(option, f"{option[:-1]} selected>", 1))
        return mark_safe(self.html)  # every value and label escaped in `of`


def owner_options(partnership: Partnership) -> Options:
    """The log's 'Owner' choices: anyone, then the partnership's people by name, each with their organisation."""
    people = Person.objects.filter(partnership=partnership).order_by("full_name", "pk")
    return Options.of(
        [("", "Anyone")]
        + [
            (str(pk), f"{name} ({organisation})" if organisation else name)
            for pk, name, organisation in people.values_list("pk", "full_name", "organisation__name")
        ]
    )


def raised_options(meetings: Iterable[tuple[int, dt.date, str]], *, one_board: bool) -> Options:
    """The log's 'Raised at' choices from (pk, date, board name) newest first: any meeting, then each meeting,
    named by its day (and its board, when the log has several)."""
    return Options.of(
        [("", "Any meeting")]
        + [
            (str(pk), f"{date:%-d %B %Y}" if one_board else f"{board_name}, {date:%-d %B %Y}")
            for pk, date, board_name in meetings
        ]
    )


SORT_OPTIONS = Options.of(SORTS)


class LogFilterForm(forms.Form):
    """What the log shows. The people and meetings offered come made (`Options`: the page's own, kept between
    requests, actions.views._filter_options), and a choice is cleaned by lookup, not by query. They are not ChoiceField
    choices: normalising hundreds of meetings' choices on every page was a tenth of a log page's time."""

    owner = forms.CharField(label="Owner", required=False)
    status = forms.MultipleChoiceField(label="Status", choices=Action.Status.choices, required=False)
    raised = forms.CharField(label="Raised at", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)

    def __init__(self, data: Any, *, owners: Options, raised: Options):
        super().__init__(data)
        self.owners, self.raised_at = owners, raised
        self.fields["status"].error_messages["invalid_choice"] = "Choose statuses from the list."
        self.fields["sort"].error_messages["invalid_choice"] = "Choose an order from the list."

    def clean_owner(self) -> str:
        value: str = self.cleaned_data.get("owner") or ""
        if value and value not in self.owners.values:
            raise forms.ValidationError("Choose an owner from the list.")
        return value

    def clean_raised(self) -> str:
        value: str = self.cleaned_data.get("raised") or ""
        if value and value not in self.raised_at.values:
            raise forms.ValidationError("Choose a meeting from the list.")
        return value

    # each filter's form group (boardkeeper.lib.govuk: the markup in Python, drawn on every log page)
    def _field_errors(self, name: str) -> list[str]:
        return [str(e) for e in self.errors.get(name, [])]

    @property
    def owner_group(self) -> SafeString:
        options = self.owners.rendered(self["owner"].value())
        return govuk.select("owner", "Owner", options, self._field_errors("owner"), classes="bk-select-fill")

    @property
    def raised_group(self) -> SafeString:
        options = self.raised_at.rendered(self["raised"].value())
        return govuk.select(
            "raised", "Raised at", options, self._field_errors("raised"), classes="bk-select-fill"
        )

    @property
    def sort_group(self) -> SafeString:
        options = SORT_OPTIONS.rendered(self["sort"].value())
        return govuk.select("sort", "Sort by", options, self._field_errors("sort"), classes="bk-select-fill")

    @property
    def status_group(self) -> SafeString:
        chosen = self["status"].value() or []
        return govuk.checkboxes(
            "status", "Status", Action.Status.choices, chosen, self._field_errors("status")
        )

    def filters(self) -> dict[str, Any]:
        """The valid filters, as services.action_log takes them; a bad value is dropped (and reported)."""
        self.is_valid()
        data = self.cleaned_data
        owner, raised = data.get("owner") or "", data.get("raised") or ""
        return {  # by id alone: all a filter of services.action_log reads
            "owner": Person(pk=int(owner)) if owner and owner in self.owners.values else None,
            "statuses": data.get("status") or [],
            "raised_at": Meeting(pk=int(raised)) if raised and raised in self.raised_at.values else None,
        }

    @property
    def sort_order(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or "oldest"

    @property
    def overdue_only(self) -> bool:
        self.is_valid()
        return bool(self.cleaned_data.get("overdue"))


class ActionUpdateForm(forms.Form):
    """Progress on one action: its status, a note, and the version of the action the page showed."""

    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the action."},
    )
    note = forms.CharField(
        label="Progress note",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="What has been done, for example ‘examples shared with JG on 3 March’.",
        error_messages={"max_length": "Progress note must be 2,000 characters or fewer."},
    )
    due_date = GovukDateField(
        label="Due date",
        required=False,
        show_hidden_initial=True,  # the date the page showed: a stale page that left it alone moves nothing
        help_text="For example, 11 3 2022. Leave it empty if the action has no date.",
        error_messages={"invalid": "Enter a real due date, for example 11/03/2022."},
    )
    version = version_field("action")

    def __init__(self, data: Any = None, *, action: Action, **kwargs: Any):
        due = f"{action.due_date:%d/%m/%Y}" if action.due_date else ""
        initial = {"status": action.status, "version": action.version, "due_date": due}
        super().__init__(data, initial=initial, **kwargs)
        self.action = action

    @property
    def due_date_shown(self) -> SafeString:
        """The hidden copy of the due date the page showed, as Django renders it for `show_hidden_initial`
        (the page draws the field itself, in GOV.UK's pattern)."""
        return self["due_date"].as_hidden(only_initial=True)

    @property
    def changes_due(self) -> bool:
        """The person changed the due date the page showed them (a form without the field leaves it alone)."""
        return (
            not self.fields["due_date"].widget.value_omitted_from_data(self.data, self.files, "due_date")
            and "due_date" in self.changed_data
            and "due_date" not in self.errors
            and self.cleaned_data.get("due_date") != self.action.due_date
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("status")
        unchanged = status == self.action.status and "due_date" not in self.errors and not self.changes_due
        if unchanged and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Write a progress note, or change the status or the due date.")
        return cleaned


class ActionOwnersForm(forms.Form):
    """Who owns an action and the meeting it is due at: the business team's correction of the minutes."""

    people = forms.MultipleChoiceField(label="People", required=False, widget=forms.CheckboxSelectMultiple)
    other = forms.ChoiceField(label="Add someone else in the partnership", required=False)
    teams = forms.MultipleChoiceField(label="Teams", required=False, widget=forms.CheckboxSelectMultiple)
    due_meeting = forms.ChoiceField(label="Due at meeting", required=False)
    version = version_field("action")

    def __init__(self, data: Any = None, *, action: Action, **kwargs: Any):
        owners = list(action.owner_people.all())
        teams = list(action.owner_teams.all())
        initial = {
            "people": [str(p.pk) for p in owners],
            "teams": [str(t.pk) for t in teams],
            "due_meeting": str(action.due_meeting_id or ""),
            "version": action.version,
        }
        super().__init__(data, initial=initial, **kwargs)
        self.action = action
        everyone = {
            str(p.pk): p
            for p in Person.objects.filter(partnership_id=action.board.partnership_id)
            .select_related("organisation")
            .order_by("full_name", "pk")
        }
        members = set(
            Person.objects.filter(memberships__board_id=action.board_id).values_list("pk", flat=True)
        ) | {p.pk for p in owners}
        self.everyone = everyone
        self.team_objects = {
            str(t.pk): t for t in Team.objects.filter(partnership_id=action.board.partnership_id)
        }
        self.meeting_objects = {
            str(m.pk): m
            for m in Meeting.objects.filter(board_id=action.board_id, date__gt=action.meeting.date).order_by(
                "date"
            )
        }
        if action.due_meeting is not None:  # one the form would not offer stays choosable
            self.meeting_objects.setdefault(str(action.due_meeting_id), action.due_meeting)

        def label(p: Person) -> str:
            return f"{p.full_name} ({p.organisation.name})" if p.organisation else p.full_name

        people, other = (
            cast(forms.MultipleChoiceField, self.fields["people"]),
            cast(forms.ChoiceField, self.fields["other"]),
        )
        people.choices = [(pk, label(p)) for pk, p in everyone.items() if p.pk in members]
        other.choices = [("", "Nobody else")] + [
            (pk, label(p)) for pk, p in everyone.items() if p.pk not in members
        ]
        cast(forms.MultipleChoiceField, self.fields["teams"]).choices = [
            (pk, t.name) for pk, t in self.team_objects.items()
        ]
        cast(forms.ChoiceField, self.fields["due_meeting"]).choices = [("", "No meeting")] + [
            (pk, f"{m.date:%-d %B %Y}" + ("" if m.status == Meeting.Status.SCHEDULED else " (held)"))
            for pk, m in self.meeting_objects.items()
        ]
        for name, what in [("people", "people"), ("other", "a person"), ("teams", "teams")]:
            self.fields[name].error_messages["invalid_choice"] = f"Choose {what} from the list."
        self.fields["due_meeting"].error_messages["invalid_choice"] = "Choose a meeting from the list."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("people") or cleaned.get("other") or cleaned.get("teams")) and not self.errors:
            self.add_error("people", "Choose at least one owner: a person or a team.")
        return cleaned

    def chosen_people(self) -> list[Person]:
        keys = [*(self.cleaned_data.get("people") or []), self.cleaned_data.get("other") or ""]
        return [self.everyone[k] for k in dict.fromkeys(keys) if k in self.everyone]

    def chosen_teams(self) -> list[Team]:
        return [self.team_objects[k] for k in self.cleaned_data.get("teams") or []]

    def chosen_meeting(self) -> Meeting | None:
        return self.meeting_objects.get(self.cleaned_data.get("due_meeting") or "")


class ActionChoiceForm(forms.Form):
    """An action of the partnership's log, to link to what it answers (an escalation, a recommendation):
    newest meeting first, less those already linked (`linked`, a filter on actions)."""

    prefix = "action"
    action = forms.ChoiceField(
        label="Action",
        widget=forms.Select,
        error_messages={
            "required": "Choose the action.",
            "invalid_choice": "Choose the action from the list.",
        },
    )

    def __init__(self, data: Any = None, *, partnership: Partnership, linked: Q, **kw: Any):
        super().__init__(data, **kw)
        actions = (
            Action.objects.filter(board__partnership=partnership)
            .exclude(linked)
            .select_related("meeting__board")
            .order_by("-meeting__date", "position", "pk")
        )
        self.actions: dict[str, Action] = {str(a.pk): a for a in actions}
        choices = [("", "Choose an action")] + [
            (k, f"{a.meeting.board.name}, {a.meeting.date:%-d %b %Y}: {a.text[:90]}")
            for k, a in self.actions.items()
        ]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

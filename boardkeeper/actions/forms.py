"""Forms of the action log: its filters (a GET form) and an action's update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe

from boardkeeper.actions import services
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Partnership, Person, Team
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.versioning import version_field
from boardkeeper.meetings.models import Meeting

SORTS = [
    ("oldest", "Oldest first"),
    ("newest", "Newest first"),
    ("due", "Due soonest first"),
]


class LogFilterForm(forms.Form):
    """What the log shows. The people and meetings offered are read once (`meetings`: the page's own read
    of them, newest first, as (pk, date, board name)) and a choice is cleaned by lookup, not by query. They
    are plain lists, not ChoiceField choices: normalising hundreds of meetings' choices on every page was a
    tenth of a log page's time."""

    owner = forms.CharField(label="Owner", required=False)
    status = forms.MultipleChoiceField(label="Status", choices=Action.Status.choices, required=False)
    raised = forms.CharField(label="Raised at", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)

    def __init__(
        self,
        data: Any,
        *,
        partnership: Partnership,
        board: Board | None = None,
        meetings: Iterable[tuple[int, dt.date, str]] | None = None,
    ):
        super().__init__(data)
        people = Person.objects.filter(partnership=partnership).values_list(
            "pk", "full_name", "organisation__name"
        )
        if meetings is None:
            scope = services.log_meetings(partnership=partnership, board=board)
            meetings = scope.order_by("-date", "board__name").values_list("pk", "date", "board__name")
        self.owner_choices = [("", "Anyone")] + [
            (str(pk), f"{name} ({organisation})" if organisation else name)
            for pk, name, organisation in people.order_by("full_name", "pk")
        ]
        self.raised_choices = [("", "Any meeting")] + [
            (str(pk), f"{date:%-d %B %Y}" if board is not None else f"{board_name}, {date:%-d %B %Y}")
            for pk, date, board_name in meetings
        ]
        # the values offered, for `filters`: a choice is cleaned by lookup, not by query
        self.people = {value for value, _ in self.owner_choices[1:]}
        self.meetings = {value for value, _ in self.raised_choices[1:]}
        self.fields["status"].error_messages["invalid_choice"] = "Choose statuses from the list."
        self.fields["sort"].error_messages["invalid_choice"] = "Choose an order from the list."

    def clean_owner(self) -> str:
        value: str = self.cleaned_data.get("owner") or ""
        if value and value not in self.people:
            raise forms.ValidationError("Choose an owner from the list.")
        return value

    def clean_raised(self) -> str:
        value: str = self.cleaned_data.get("raised") or ""
        if value and value not in self.meetings:
            raise forms.ValidationError("Choose a meeting from the list.")
        return value

    @staticmethod
    def _options(choices: list[tuple[str, str]], chosen: Any) -> SafeString:
        """A select's <option>s, written in one pass: a partnership's log offers every meeting it has held
        (hundreds over ten years), too many for a template loop asking the bound field each time."""
        # escape() and a join, not format_html_join: format_html per option was 6 ms of a log page
        return mark_safe(
            "".join(
                f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
                for value, label in choices
            )
        )

    @property
    def owner_options(self) -> SafeString:
        return self._options(self.owner_choices, self["owner"].value())

    @property
    def raised_options(self) -> SafeString:
        return self._options(self.raised_choices, self["raised"].value())

    def filters(self) -> dict[str, Any]:
        """The valid filters, as services.action_log takes them; a bad value is dropped (and reported)."""
        self.is_valid()
        data = self.cleaned_data
        owner, raised = data.get("owner") or "", data.get("raised") or ""
        return {  # by id alone: all a filter of services.action_log reads
            "owner": Person(pk=int(owner)) if owner in self.people else None,
            "statuses": data.get("status") or [],
            "raised_at": Meeting(pk=int(raised)) if raised in self.meetings else None,
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

"""The preview's forms: confirm, and correct the meeting, a person or an action before anything lands."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from boardkeeper.directory.models import Board, Person
from boardkeeper.imports.corrections import (
    ATTENDANCE,
    NEXT_MEETING,
    ActionCorrection,
    PersonCorrection,
)
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.versioning import version_field
from boardkeeper.meetings.models import Meeting

PREVIEW = "preview"


class ConfirmForm(forms.Form):
    """'Import these minutes', from the preview as the page showed it."""

    version = version_field(PREVIEW)


class MeetingCorrectionForm(forms.Form):
    version = version_field(PREVIEW)
    title = forms.CharField(max_length=300, required=False, label="Title")
    date = GovukDateField(
        required=False,
        label="Date of the meeting",
        help_text="For example, 23 2 2022",
        error_messages={"invalid": "Enter the date of the meeting as a real date, for example 23/02/2022."},
    )

    @classmethod
    def of(cls, minutes: dict[str, Any], version: int, data: Any = None) -> MeetingCorrectionForm:
        meeting = minutes.get("meeting", {})
        date = meeting.get("date")
        return cls(
            data,
            initial={
                "version": version,
                "title": meeting.get("title") or "",
                "date": dt.date.fromisoformat(date) if date else None,
            },
        )


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _directory_choices(people: list[Person]) -> list[tuple[str, str]]:
    return [
        (str(p.pk), f"{p.full_name} ({p.organisation.name})" if p.organisation else p.full_name)
        for p in people
    ]


class PersonCorrectionForm(forms.Form):
    version = version_field(PREVIEW)
    name = forms.CharField(
        max_length=200, label="Name", error_messages={"required": "Enter the person's name."}
    )
    initials = forms.CharField(max_length=20, required=False, label="Initials")
    organisation = forms.CharField(max_length=200, required=False, label="Organisation")
    role = forms.CharField(max_length=200, required=False, label="Role")
    attendance = forms.ChoiceField(choices=ATTENDANCE, widget=forms.RadioSelect, label="Attendance")
    match = forms.ChoiceField(
        label="In the directory",
        help_text="Choose who they are if they are already in the directory under another name or spelling.",
    )

    def __init__(
        self, *args: Any, directory: list[Person], matched: Person | None, names: list[str], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.names = names  # the other people of these minutes: no two of them may share a name
        automatic = f"As matched: {matched.full_name}" if matched else "As read: a new person"
        _choice(self, "match").choices = [
            ("auto", automatic),
            ("new", "A new person (add them to the directory)"),
            *_directory_choices(directory),
        ]

    @classmethod
    def of(
        cls,
        person: dict[str, Any],
        version: int,
        *,
        directory: list[Person],
        matched: Person | None,
        names: list[str],
        data: Any = None,
    ) -> PersonCorrectionForm:
        match = person.get("match")
        return cls(
            data,
            directory=directory,
            matched=matched,
            names=names,
            initial={
                "version": version,
                "name": person["name"],
                "initials": person.get("initials") or "",
                "organisation": person.get("organisation") or "",
                "role": person.get("role") or "",
                "attendance": person["attendance"],
                "match": "auto" if match is None else str(match),
            },
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if name.casefold() in {n.casefold() for n in self.names}:
            raise forms.ValidationError(
                f"Someone else in these minutes is called {name}. If they are one person, choose the same "
                "person in the directory for both."
            )
        return name

    def correction(self) -> PersonCorrection:
        d = self.cleaned_data
        match = d["match"]
        return PersonCorrection(
            name=d["name"],
            initials=d["initials"].strip(),
            organisation=d["organisation"].strip(),
            role=d["role"].strip(),
            attendance=d["attendance"],
            match=int(match) if match.isdigit() else match,
        )


class ActionCorrectionForm(forms.Form):
    """An action's words, item, owners and when it is due; for an action added, the sentence it came from."""

    version = version_field(PREVIEW)
    sentence = forms.ChoiceField(
        widget=forms.RadioSelect, required=False, label="The sentence of the minutes it comes from"
    )
    quote = forms.CharField(widget=forms.HiddenInput, required=False, max_length=5000)
    text = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        label="Action",
        error_messages={"required": "Enter what is to be done."},
    )
    item = forms.ChoiceField(required=False, label="Item")
    owners = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label="Owners named in these minutes"
    )
    other = forms.ChoiceField(required=False, label="Someone else in the partnership")
    team = forms.CharField(
        max_length=200, required=False, label="Or a team", help_text="For example, Business Unit"
    )
    due = GovukDateField(
        required=False,
        label="Due date",
        help_text="For example, 31 3 2022",
        error_messages={"invalid": "Enter the due date as a real date, for example 31/03/2022."},
    )
    due_meeting = forms.ChoiceField(required=False, label="Or due at a meeting")

    def __init__(
        self,
        *args: Any,
        minutes: dict[str, Any],
        directory: list[Person],
        meetings: list[Meeting],
        sentences: list[str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        people = [p["name"] for p in minutes.get("people", [])]
        teams = sorted(
            {o for a in minutes.get("actions", []) for o in a.get("owners", []) if o not in people}
            | {
                ref.partition(":")[2]
                for a in minutes.get("actions", [])
                for ref in a.get("owner_refs", [])
                if ref.startswith("team:")
            }
        )
        owners = [(f"person:{n}", n) for n in people] + [(f"team:{t}", f"{t} (team)") for t in teams]
        _choice(self, "owners").choices = owners
        names = {n.casefold() for n in people}
        others = [
            (f"directory:{value}", label)
            for value, label in _directory_choices(
                [p for p in directory if p.full_name.casefold() not in names]
            )
        ]
        _choice(self, "other").choices = [("", "No one else"), *others]
        self.labels = dict(owners) | dict(others)
        items = [(it.get("number"), it.get("title", "")) for it in minutes.get("items", [])]
        self.items: list[tuple[str, str]] = [("", "No item")] + [
            (number, f"{number}. {title}"[:120]) for number, title in items if number
        ]
        _choice(self, "item").choices = self.items
        _choice(self, "due_meeting").choices = [("", "Not at a meeting"), ("next", "The next meeting")] + [
            (str(m.pk), f"{m.title or 'Meeting'} – {m.date:%-d %B %Y}") for m in meetings
        ]
        self.sentences = sentences or []
        if self.sentences:
            _choice(self, "sentence").choices = [(str(i), s) for i, s in enumerate(self.sentences)]
            self.fields["sentence"].required = True
            self.fields["sentence"].error_messages["required"] = "Choose the sentence the action comes from."
            self.fields[
                "text"
            ].help_text = "Leave it empty to take the sentence as it is, or write it as the log should."
        else:
            del self.fields["sentence"]
            self.fields["text"].required = True

    @classmethod
    def of(
        cls,
        action: dict[str, Any],
        version: int,
        *,
        minutes: dict[str, Any],
        directory: list[Person],
        meetings: list[Meeting],
        data: Any = None,
    ) -> ActionCorrectionForm:
        people = {p["name"] for p in minutes.get("people", [])}
        refs = action.get("owner_refs") or [
            f"person:{o}" if o in people else f"team:{o}" for o in action.get("owners", [])
        ]
        due_meeting = action.get("due_meeting")
        form = cls(
            data,
            minutes=minutes,
            directory=directory,
            meetings=meetings,
            initial={
                "version": version,
                "text": action["text"],
                "item": action.get("item") or "",
                "owners": [r for r in refs if not r.startswith("directory:")],
                "other": next((r for r in refs if r.startswith("directory:")), ""),
                "due": dt.date.fromisoformat(action["due"]) if action.get("due") else None,
                "due_meeting": str(due_meeting)
                if due_meeting
                else ("next" if action.get("due_text") == NEXT_MEETING else ""),
            },
        )
        item = action.get("item")
        if item and item not in dict(form.items):  # a section the minutes gave no number: kept as it is
            _choice(form, "item").choices = [*form.items, (item, item[:120])]
        return form

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.sentences and "sentence" in data and data.get("sentence") != "":
            sentence = self.sentences[int(data["sentence"])]
            data["quote"] = sentence
            if not data.get("text"):
                data["text"] = sentence
        return data

    def correction(self) -> ActionCorrection:
        d = self.cleaned_data
        refs = list(d["owners"]) + ([d["other"]] if d["other"] else [])
        labels = [self.labels.get(r, r.partition(":")[2]).removesuffix(" (team)") for r in refs]
        team = " ".join(d["team"].split())
        if team:
            refs.append(f"team:{team}")
            labels.append(team)
        due_meeting: int | str | None = None
        if d["due_meeting"] == "next":
            due_meeting = NEXT_MEETING
        elif d["due_meeting"]:
            due_meeting = int(d["due_meeting"])
        return ActionCorrection(
            text=" ".join(d["text"].split()),
            item=d["item"] or None,
            owner_refs=refs,
            owner_labels=[
                label.split(" (")[0] if r.startswith("directory:") else label
                for r, label in zip(refs, labels, strict=True)
            ],
            due=d["due"],
            due_meeting=due_meeting,
        )


def board_meetings_after(board: Board, date: str | None) -> list[Meeting]:
    """The meetings of the board an action of these minutes could be due at: those after their date."""
    meetings = Meeting.objects.filter(board=board).order_by("date").only("pk", "title", "date")
    if date:
        meetings = meetings.filter(date__gt=dt.date.fromisoformat(date))
    return list(meetings[:24])

"""Forms of the recommendations ledger. Dates are typed as DATE_INPUT_FORMATS say (27/03/2024)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.db.models import Q

from boardkeeper.actions.forms import ActionChoiceForm
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Organisation, Partnership, Person
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.versioning import version_field
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations import services
from boardkeeper.recommendations.models import Recommendation
from boardkeeper.reviews.forms import choice_field, date_field, text_field
from boardkeeper.reviews.models import Review, Theme

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# what a file must begin with, by what its name says it is: a name that says one thing and bytes that say
# another are refused
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and Excel 97-2003
EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (OLE,),
    ".xls": (OLE,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def _checkboxes(label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": f"Choose {label.lower()} from the list."},
    )


def _required(field: forms.CharField, message: str) -> forms.CharField:
    field.error_messages["required"] = message
    return field


def _typed(on: Any) -> str:
    return on.strftime("%d/%m/%Y") if on else ""


class RecommendationForm(forms.Form):
    """A new recommendation (its source chosen), or (with `rec`) the details of one, version-checked."""

    number = text_field(
        "Number", max_length=20, required=False, help_text="As the report numbers it: 3, or 3a."
    )
    text = text_field("Recommendation", max_length=5000, long=True)
    agencies = _checkboxes("Agencies it is for")
    themes = _checkboxes("Themes")

    def __init__(
        self,
        data: Any = None,
        *,
        partnership: Partnership,
        reviews: Any = None,
        rec: Recommendation | None = None,
        **kw: Any,
    ):
        if rec is not None and data is None:
            kw["initial"] = {
                "version": rec.version,
                "number": rec.number,
                "text": rec.text,
                "made_on": _typed(rec.made_on),
                "agencies": [str(o.pk) for o in rec.agencies.all()],
                "themes": [str(t.pk) for t in rec.themes.all()],
            }
        super().__init__(data, **kw)
        self.organisations = {str(o.pk): o for o in Organisation.objects.filter(partnership=partnership)}
        self.theme_objects = {str(t.pk): t for t in Theme.objects.filter(partnership=partnership)}
        self.fields["agencies"].choices = [(k, o.name) for k, o in self.organisations.items()]  # type: ignore[attr-defined]
        self.fields["themes"].choices = [(k, t.name) for k, t in self.theme_objects.items()]  # type: ignore[attr-defined]
        self.sources: dict[str, Review | Inspection] = {}
        if rec is None:
            for review in reviews if reviews is not None else []:
                self.sources[f"review-{review.pk}"] = review
            for inspection in Inspection.objects.filter(partnership=partnership):
                self.sources[f"inspection-{inspection.pk}"] = inspection
            self.fields = {
                "source": choice_field(
                    "Made by",
                    [("", "Choose the review or inspection")]
                    + [(k, _source_label(s)) for k, s in self.sources.items()],
                    widget=forms.Select,
                ),
                **self.fields,
                "made_on": date_field(
                    "Date it was made",
                    required=False,
                    help_text="Leave it empty for the report's date (its publication, or the inspection's). "
                    "For example, 27 3 2024",
                ),
            }
        else:
            self.fields["made_on"] = date_field("Date it was made")
            self.fields["version"] = version_field("recommendation")

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        data["agencies"] = [self.organisations[k] for k in data.get("agencies", [])]
        data["themes"] = [self.theme_objects[k] for k in data.get("themes", [])]
        if "source" in data:
            data["source"] = self.sources[data["source"]]
        data.pop("version", None)
        return data


def _source_label(source: Review | Inspection) -> str:
    if isinstance(source, Review):
        return f"Review: {source.pseudonym} ({source.get_kind_display()})"
    return f"Inspection: {source.title} ({source.inspected_on:%B %Y})"


class RepeatForm(forms.Form):
    prefix = "repeat"
    version = version_field("recommendation")


class StatusForm(forms.Form):
    prefix = "status"
    version = version_field("recommendation")
    status = choice_field("Where it stands", Recommendation.Status.choices)
    reason = text_field(
        "Why it was not implemented",
        max_length=5000,
        required=False,
        long=True,
        help_text="Needed when it is not implemented: a safeguarding adults board's yearly report gives it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") == Recommendation.Status.NOT_IMPLEMENTED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give the reason it was not implemented.")
        return data


class ImpactForm(forms.Form):
    prefix = "impact"
    version = version_field("recommendation")
    on = date_field("Date of the check")
    method = _required(
        text_field(
            "How it was tested",
            max_length=2000,
            long=True,
            help_text="For example, a multi-agency audit of 20 cases.",
        ),
        "Write how it was tested.",
    )
    finding = _required(
        text_field("What it found", max_length=5000, long=True), "Write what the check found."
    )
    impact = choice_field("Did practice change", Recommendation.Impact.choices)


class ActionNewForm(forms.Form):
    """A new action of the action log, agreed at one of the partnership's meetings (the latest unless
    chosen), that answers the recommendation."""

    prefix = "new"
    text = text_field("Action", max_length=2000, long=True)
    owners = _checkboxes("Owners")
    due_date = date_field("Due date", required=False)
    meeting = choice_field("Agreed at", [], widget=forms.Select)

    def __init__(self, data: Any = None, *, partnership: Partnership, **kw: Any):
        super().__init__(data, **kw)
        self.people = {
            str(p.pk): p
            for p in Person.objects.filter(partnership=partnership)
            .select_related("organisation")
            .order_by("full_name")
        }
        self.fields["owners"].choices = [  # type: ignore[attr-defined]
            (k, f"{p.full_name} ({p.organisation.name})" if p.organisation else p.full_name)
            for k, p in self.people.items()
        ]
        self.meetings: dict[str, Meeting] = {
            str(m.pk): m for m in services.meetings_of_partnership(partnership)
        }
        self.fields["meeting"].choices = [  # type: ignore[attr-defined]
            (k, f"{m.board.name}, {m.date:%-d %B %Y}") for k, m in self.meetings.items()
        ]
        if self.meetings and data is None:
            self.initial.setdefault("meeting", next(iter(self.meetings)))

    def values(self) -> dict[str, Any]:
        return {
            "text": self.cleaned_data["text"],
            "people": [self.people[k] for k in self.cleaned_data.get("owners", [])],
            "due_date": self.cleaned_data.get("due_date"),
            "meeting": self.meetings[self.cleaned_data["meeting"]],
        }


class ActionLinkForm(ActionChoiceForm):
    def __init__(self, data: Any = None, *, rec: Recommendation, **kw: Any):
        super().__init__(
            data, partnership=rec.partnership, linked=Q(recommendation_links__recommendation=rec), **kw
        )


class EvidenceForm(forms.Form):
    prefix = "evidence"
    note = _required(
        text_field("What it shows", max_length=5000, long=True), "Write what the evidence shows."
    )
    file = forms.FileField(
        label="A file, optional",
        required=False,
        help_text="PDF, Word, Excel, PNG or JPEG, up to 20 MB.",
        error_messages={"invalid": "Choose a file.", "empty": "The file is empty."},
    )
    action = choice_field("For the action", [], widget=forms.Select, required=False)

    def __init__(self, data: Any = None, files: Any = None, *, rec: Recommendation, **kw: Any):
        super().__init__(data, files, **kw)
        self.actions: dict[str, Action] = {
            str(link.action.pk): link.action for link in rec.action_links.select_related("action")
        }
        choices = [("", "The recommendation as a whole")] + [
            (k, a.text[:90]) for k, a in self.actions.items()
        ]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.")
        suffix = PurePath(upload.name or "").suffix.lower()
        magics = EVIDENCE_TYPES.get(suffix)
        if magics is None:
            raise forms.ValidationError("The file must be a PDF, Word, Excel, PNG or JPEG file.")
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(m) for m in magics):
            raise forms.ValidationError(
                f"The file is not the {suffix} file its name says: check it and try again."
            )
        return upload

    def values(self) -> dict[str, Any]:
        return {
            "note": self.cleaned_data["note"],
            "upload": self.cleaned_data.get("file"),
            "action": self.actions.get(self.cleaned_data.get("action") or ""),
        }

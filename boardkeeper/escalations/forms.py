"""Forms of the escalations register. Dates are typed as DATE_INPUT_FORMATS say (27/03/2024)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q

from boardkeeper.actions.forms import ActionChoiceForm
from boardkeeper.directory.models import Partnership, Person
from boardkeeper.escalations.models import STAGES, Escalation, EscalationRules
from boardkeeper.escalations.services import items_to_link
from boardkeeper.lib.versioning import version_field
from boardkeeper.reviews.forms import PseudonymCheck, choice_field, date_field, text_field

_PSEUDONYM = re.compile(r"[\w&'’.\- ]{1,100}")  # a label ('Child Q', 'Family M'), as for case reviews
CONCERN_HELP = (
    "No personal data: no names, addresses or dates of birth. Refer to a case only by its pseudonym, below."
)


def _people(partnership: Partnership, *, with_account: bool = False) -> dict[str, Person]:
    people = (
        Person.objects.filter(partnership=partnership).select_related("organisation").order_by("full_name")
    )
    if with_account:
        people = people.filter(user__isnull=False)
    return {str(p.pk): p for p in people}


def _label(p: Person) -> str:
    return f"{p.full_name} ({p.organisation.name})" if p.organisation else p.full_name


class EscalationForm(PseudonymCheck):
    """A new escalation, or (with `escalation`) the details of one, version-checked."""

    raised_by_org = text_field("Raised by (agency or service)")
    raised_by = forms.ChoiceField(label="Raised by (person)", required=False)
    about_agency = text_field("About (agency or service)")
    concern = text_field("The concern", max_length=5000, long=True, help_text=CONCERN_HELP)
    pseudonym = text_field(
        "Case pseudonym",
        max_length=100,
        required=False,
        help_text="If it concerns a case: 'Child Q', 'Family M'. Items of the minutes that mention it are found by it.",
    )
    named_people = forms.MultipleChoiceField(
        label="Who else may see it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The business team sees every escalation; anyone else only those they are named on.",
        error_messages={"invalid_choice": "Choose people from the list."},
    )

    def __init__(
        self, data: Any = None, *, partnership: Partnership, escalation: Escalation | None = None, **kw: Any
    ):
        if escalation is not None and data is None:
            kw["initial"] = {
                "version": escalation.version,
                "raised_by_org": escalation.raised_by_org,
                "raised_by": str(escalation.raised_by_id or ""),
                "about_agency": escalation.about_agency,
                "concern": escalation.concern,
                "pseudonym": escalation.pseudonym,
                "named_people": [str(p.pk) for p in escalation.named_people.all()],
            }
        super().__init__(data, **kw)
        self.people = _people(partnership)
        self.named = _people(partnership, with_account=True)
        self.fields["raised_by"].choices = [("", "Not recorded")] + [  # type: ignore[attr-defined]
            (k, _label(p)) for k, p in self.people.items()
        ]
        self.fields["named_people"].choices = [(k, _label(p)) for k, p in self.named.items()]  # type: ignore[attr-defined]
        if escalation is None:
            rules = EscalationRules.objects.filter(partnership=partnership).first() or EscalationRules()
            self.fields["opened_on"] = date_field("Date raised")
            self.fields["stage"] = choice_field("Stage raised at", rules.choices())
            self.fields["stage"].initial = 1
        else:
            self.fields["version"] = version_field("escalation")

    def clean_pseudonym(self) -> str:
        value = " ".join(str(self.cleaned_data.get("pseudonym") or "").split())
        if value and not _PSEUDONYM.fullmatch(value):
            raise forms.ValidationError("Enter a pseudonym of letters, numbers and spaces, like Child Q.")
        return value

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        data["raised_by"] = self.people.get(data.get("raised_by") or "")
        data["named_people"] = [self.named[k] for k in data.get("named_people", [])]
        if "stage" in data:
            data["stage"] = int(data["stage"])
        data.pop("version", None)
        return data


class StageForm(forms.Form):
    prefix = "stage"
    version = version_field("escalation")
    to = choice_field("Move to", [])
    on = date_field("Date it moved")
    note = text_field("Note", max_length=2000, required=False, long=True)

    def __init__(self, data: Any = None, *, escalation: Escalation, rules: EscalationRules, **kw: Any):
        kw.setdefault("initial", {"version": escalation.version})
        super().__init__(data, **kw)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (str(s), label) for s, label in rules.choices() if s != escalation.stage
        ]


class CloseForm(forms.Form):
    prefix = "close"
    version = version_field("escalation")
    status = choice_field(
        "How it ended",
        [(Escalation.Status.RESOLVED, "Resolved"), (Escalation.Status.WITHDRAWN, "Withdrawn")],
    )
    on = date_field("Date it ended")
    outcome = text_field("Outcome", max_length=5000, long=True)
    learning = text_field("Learning", max_length=5000, required=False, long=True)

    def __init__(self, data: Any = None, *, escalation: Escalation, **kw: Any):
        kw.setdefault("initial", {"version": escalation.version})
        super().__init__(data, **kw)


class ActionLinkForm(ActionChoiceForm):
    def __init__(self, data: Any = None, *, escalation: Escalation, **kw: Any):
        super().__init__(
            data, partnership=escalation.partnership, linked=Q(escalation_links__escalation=escalation), **kw
        )


class ItemLinkForm(forms.Form):
    prefix = "item"
    item = choice_field("Item of the minutes", [], widget=forms.Select)

    def __init__(self, data: Any = None, *, escalation: Escalation, **kw: Any):
        super().__init__(data, **kw)
        self.items = {str(i.pk): i for i in items_to_link(escalation)}
        choices = [("", "Choose an item")] + [
            (
                k,
                f"{i.meeting.board.name}, {i.meeting.date:%-d %b %Y}: item {i.number or i.position}. {i.title[:90]}",
            )
            for k, i in self.items.items()
        ]
        self.fields["item"].choices = choices  # type: ignore[attr-defined]


class RulesForm(forms.ModelForm[EscalationRules]):
    class Meta:
        model = EscalationRules
        fields = [*(f"stage_{s}_{what}" for s in STAGES for what in ("name", "days")), "region"]
        labels = {
            "region": "Whose bank holidays the targets skip",
            **{f"stage_{s}_name": f"Name of stage {s}" for s in STAGES},
            **{f"stage_{s}_days": f"Target for stage {s}, in working days" for s in STAGES},
        }

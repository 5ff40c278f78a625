"""Forms of the case review register. Each section of a review's page is one small form, made for the
review by `XForm.for_review(review, data)`.

Dates are typed as the project's DATE_INPUT_FORMATS say (boardkeeper/formats/en_GB/formats.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Self

from django import forms
from django.utils import timezone

from boardkeeper.directory.models import Person
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.versioning import version_field
from boardkeeper.reviews.clocks import Clock
from boardkeeper.reviews.models import (
    DECISION_KINDS,
    ChangeRequest,
    ParallelProcess,
    Review,
    ReviewRules,
    Theme,
)

MAX_REPORT_BYTES = 50 * 1024 * 1024
REPORT_TYPES = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "Word (.docx)",
}
# A pseudonym is a label ('Child Q', 'Family M', 'Mr F', 'Prada & Jordan'), not a name and surname.
_PSEUDONYM = re.compile(r"[\w&'’.\- ]{1,100}")


def date_field(
    label: str, *, required: bool = True, help_text: str = "For example, 27 3 2024"
) -> GovukDateField:
    what = label[0].lower() + label[1:]
    return GovukDateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": f"Enter a real {what}, for example 27/03/2024.",
        },
    )


def text_field(
    label: str, *, max_length: int = 200, required: bool = True, long: bool = False, **kw: Any
) -> forms.CharField:
    what = label[0].lower() + label[1:]
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput,
        error_messages={
            "required": f"Enter the {what}.",
            "max_length": f"{label} must be {max_length:,} characters or fewer.",
        },
        **kw,
    )


def choice_field(
    label: str, choices: Any, *, widget: Any = forms.RadioSelect, required: bool = True
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=widget,
        required=required,
        error_messages={
            "required": f"Choose the {label.lower()}.",
            "invalid_choice": f"Choose the {label.lower()} from the list.",
        },
    )


class PseudonymField(forms.CharField):
    def __init__(self, **kw: Any):
        super().__init__(
            label="Pseudonym",
            max_length=100,
            help_text="How the review is known, for example ‘Child Q’ or ‘Family M’. Never a real name.",
            error_messages={
                "required": "Enter the pseudonym.",
                "max_length": "Pseudonym must be 100 characters or fewer.",
            },
            **kw,
        )

    def clean(self, value: Any) -> str:
        cleaned = " ".join(str(super().clean(value)).split())
        if not _PSEUDONYM.fullmatch(cleaned):
            raise forms.ValidationError(
                "Use letters, numbers, spaces and & ' . - only, for example ‘Child Q’."
            )
        return cleaned


# The words a pseudonym is made of besides its letters: 'Child Q', 'Family M', 'Mr F', 'Baby T and Sibling U'
ROLE_WORDS = {
    "adult", "adults", "and", "baby", "babies", "boy", "brother", "case", "child", "children", "family",
    "father", "girl", "household", "infant", "man", "miss", "mother", "mr", "mrs", "ms", "mx", "of",
    "person", "sibling", "siblings", "sister", "the", "twins", "woman", "young",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


def looks_like_a_name(pseudonym: str) -> bool:
    """A word of three letters or more, capitalised, that is not one of the words pseudonyms are made of
    ('Jayden Smith-Clarke', 'Family Smith'): perhaps a real name, which a pseudonym must never be."""
    return any(
        len(word) >= 3 and word[0].isupper() and word.lower() not in ROLE_WORDS
        for word in _WORD.findall(pseudonym)
    )


class PseudonymCheck(forms.Form):
    """A pseudonym that looks like a person's name is refused until the person says it is not one: the box
    to say so is offered only then."""

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        value = " ".join(str(self.data.get(self.add_prefix("pseudonym"), "")).split())
        if self.is_bound and looks_like_a_name(value):
            fields = list(self.fields.items())
            at = [name for name, _ in fields].index("pseudonym") + 1
            box = forms.BooleanField(
                label=f"‘{value[:100]}’ is not anyone’s real name",
                required=False,
                help_text="Tick this only if the pseudonym is a made-up label the partnership has chosen.",
            )
            self.fields = dict([*fields[:at], ("not_a_name", box), *fields[at:]])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pseudonym = cleaned.get("pseudonym") or ""
        if looks_like_a_name(pseudonym) and not cleaned.pop("not_a_name", False):
            self.add_error(
                "pseudonym",
                f"‘{pseudonym}’ looks like a person’s name. A pseudonym must never be a real name: use a label "
                "such as ‘Child Q’, or tick the box to say it is not anyone’s name.",
            )
        return cleaned


class NotificationForm(PseudonymCheck):
    pseudonym = PseudonymField()
    aware_on = date_field("Date the local authority became aware")
    notified_on = date_field(
        "Date the Panel was notified",
        required=False,
        help_text="Leave it empty if the Panel has not been notified yet.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        aware, notified = cleaned.get("aware_on"), cleaned.get("notified_on")
        if aware and aware > dt.date.today():
            self.add_error("aware_on", "The date of awareness cannot be in the future.")
        if aware and notified and notified < aware:
            self.add_error(
                "notified_on", "The Panel cannot be notified before the local authority became aware."
            )
        return cleaned


class ReviewCreateForm(PseudonymCheck):
    pseudonym = PseudonymField()
    kind = choice_field(
        "Kind of review", [c for c in Review.Kind.choices if c[0] != Review.Kind.RAPID_REVIEW]
    )
    referral_source = text_field(
        "Referred by",
        required=False,
        help_text="For an SAR: who referred the case, for example ‘Adult social care’.",
    )


def _typed(day: dt.date | None) -> str:
    """A date as a person types it, for a form's initial value."""
    return f"{day:%d/%m/%Y}" if day else ""


class ReviewForm(forms.Form):
    """A form of one section of a review's page, made for the review it changes (as Django's
    `SetPasswordForm(user)` is for its user): its initial values, with the version the page shows, and
    its choices come from the review; the review's clocks give the due dates some of its dates are held
    to. Its prefix is the section's name, so that each form on the page keeps to its own fields. Views build
    it with `for_review`; `rebound` builds it again from the review as it now is (review=, clocks=)."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        review: Review,
        clocks: Sequence[Clock] = (),
        **kwargs: Any,
    ):
        kwargs.setdefault("initial", self.initial_for(review))
        super().__init__(data, files, **kwargs)

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {}

    @classmethod
    def for_review(
        cls, review: Review, data: Any = None, files: Any = None, *, clocks: Sequence[Clock] = ()
    ) -> Self:
        """The section's form for `review`: empty, or bound to what was posted."""
        return cls(data, files, review=review, clocks=clocks)


class VersionedForm(ReviewForm):
    """A change to the review row itself, refused if the page showed an older version of it."""

    version = version_field("review")

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {"version": review.version}


class DoneOnForm(VersionedForm):
    """A clock's step done on a date, with the reason when it was late."""

    clock_key = ""  # the clock the step stops
    on_label = "Date"
    on = date_field("Date")
    overrun_reason = text_field(
        "Reason for the overrun",
        max_length=2000,
        required=False,
        long=True,
        help_text="Needed when the date is after the clock's due date.",
    )

    def __init__(
        self, data: Any = None, files: Any = None, *, review: Review, clocks: Sequence[Clock] = (), **kw: Any
    ):
        super().__init__(data, files, review=review, clocks=clocks, **kw)
        self.due = next((c.due for c in clocks if c.key == self.clock_key), None)
        label = self.on_label
        self.fields["on"].label = label
        self.fields["on"].error_messages.update(
            required=f"Enter the {label.lower()}.",
            invalid=f"Enter a real {label.lower()}, for example 27/03/2024.",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        on = cleaned.get("on")
        if on and on > dt.date.today():
            self.add_error("on", "The date cannot be in the future.")
        elif on and self.due and on > self.due and not (cleaned.get("overrun_reason") or "").strip():
            self.add_error("overrun_reason", f"It was due by {self.due:%-d %B %Y}: say why it ran over.")
        return cleaned


class NotifiedForm(DoneOnForm):
    prefix = "notified"
    clock_key = "notification"
    on_label = "Date the Panel was notified"


class RapidReviewForm(DoneOnForm):
    prefix = "rapid"
    clock_key = "rapid_review"
    on_label = "Date the rapid review was sent to the Panel"


CRITERIA = [
    ("a", "(a) the review may identify improvements to safeguard and promote the welfare of children"),
    (
        "b",
        "(b) the case may highlight recurrent themes in safeguarding and promoting the welfare of children",
    ),
    ("c", "(c) the case highlights concerns about two or more organisations or agencies working together"),
    (
        "d",
        "(d) the Child Safeguarding Practice Review Panel has considered the case and concluded a local review may be more appropriate",
    ),
]


class DecisionForm(VersionedForm):
    prefix = "decision"
    on = date_field("Date of the decision")
    criteria = forms.MultipleChoiceField(
        label="Regulation 11 criteria met",
        choices=CRITERIA,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose criteria from the list."},
    )
    leads_to = choice_field(
        "Decision", [(k.value, k.label) for k in DECISION_KINDS] + [("none", "No further review")]
    )
    rationale = text_field("Rationale", max_length=5000, long=True)
    sent_on = date_field(
        "Date the decision was sent to the Panel", required=False, help_text="Leave it empty if not sent yet."
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("leads_to") == Review.Kind.LCSPR
            and not cleaned.get("criteria")
            and "criteria" not in self.errors
        ):
            self.add_error("criteria", "An LCSPR needs at least one of the regulation 11 criteria.")
        return cleaned


class DetailsForm(VersionedForm):
    prefix = "details"
    terms_of_reference = text_field("Terms of reference", max_length=10000, required=False, long=True)
    tor_agreed_on = date_field("Date the terms of reference were agreed", required=False, help_text="")
    reviewer = text_field("Independent reviewer", required=False)
    reviewer_appointed_on = date_field("Date the reviewer was appointed", required=False, help_text="")
    referral_source = text_field("Referred by", required=False)

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {
            **super().initial_for(review),
            "terms_of_reference": review.terms_of_reference,
            "tor_agreed_on": _typed(review.tor_agreed_on),
            "reviewer": review.reviewer,
            "reviewer_appointed_on": _typed(review.reviewer_appointed_on),
            "referral_source": review.referral_source,
        }


class StageForm(VersionedForm):
    prefix = "stage"
    to = choice_field("Move to", [])
    on = date_field("Date")
    note = text_field(
        "Note", max_length=2000, required=False, long=True, help_text="Needed when closing: say why."
    )

    def __init__(self, *args: Any, review: Review, **kw: Any):
        super().__init__(*args, review=review, **kw)
        labels = dict(Review.Stage.choices)
        self.fields["to"].choices = [(s, labels[s]) for s in review.next_stages()]  # type: ignore[attr-defined]

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {**super().initial_for(review), "on": _typed(timezone.localdate())}


class ReportVersionForm(ReviewForm):
    prefix = "version"
    number = text_field("Version number", max_length=20)
    dated = date_field("Date of the version")
    summary = text_field("Summary of the changes", max_length=5000, required=False, long=True)
    file = forms.FileField(label="The report (PDF or Word), optional", required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_REPORT_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(magic) for magic in REPORT_TYPES):
            raise forms.ValidationError("The file must be a PDF or a Word (.docx) document.")
        return upload


class ChangeRequestForm(ReviewForm):
    prefix = "change"
    report_version = forms.ChoiceField(
        label="Version of the report",
        error_messages={
            "required": "Choose the version.",
            "invalid_choice": "Choose a version from the list.",
        },
    )
    requested_by = text_field("Requested by", help_text="A role, for example ‘Designated Nurse’.")
    organisation = text_field("Organisation")
    requested_on = date_field("Date of the request")
    reference = text_field(
        "Paragraph or section", required=False, help_text="For example ‘Paragraph 4.2’. Optional."
    )
    request = text_field("Requested change", max_length=5000, long=True)

    def __init__(self, *args: Any, review: Review, **kw: Any):
        super().__init__(*args, review=review, **kw)
        self.versions = {str(v.pk): v for v in review.versions.all()}
        self.fields["report_version"].choices = [  # type: ignore[attr-defined]
            (k, f"Version {v.number} ({v.dated:%-d %B %Y})") for k, v in self.versions.items()
        ]


class ResponseForm(forms.Form):
    """A response to one change request; its prefix names the request (`response-<id>`), so that each
    pending request on the page has a form of its own and errors come back to the right one."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    response = choice_field("Response", [c for c in ChangeRequest.Response.choices if c[0] != "pending"])
    rationale = text_field(
        "Why", max_length=5000, required=False, long=True, help_text="Needed unless agreed in full."
    )
    on = date_field("Date of the response")

    def __init__(self, *args: Any, request_pk: int, **kw: Any):
        kw["prefix"] = f"response-{request_pk}"
        super().__init__(*args, **kw)
        self.request_pk = request_pk

    @classmethod
    def for_change_request(cls, change: ChangeRequest) -> ResponseForm:
        """The form that answers a pending request, on the request's version, dated today."""
        return cls(
            request_pk=change.pk,
            initial={"row_version": change.row_version, "on": _typed(timezone.localdate())},
        )

    @classmethod
    def posted(cls, data: Any) -> ResponseForm:
        """The answer as posted: its hidden `request` names the request it answers (whether that request
        is the review's is for the view to check)."""
        value = str((data or {}).get("request", ""))
        return cls(data, request_pk=int(value) if value.isdigit() and len(value) < 12 else 0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("response") in ("partly", "not_agreed")
            and not (cleaned.get("rationale") or "").strip()
        ):
            self.add_error("rationale", "Say why the change was not agreed in full.")
        return cleaned


def _kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Is it a change request or a comment?",
        choices=ChangeRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether it is a change request or a comment.",
            "invalid_choice": "Choose whether it is a change request or a comment.",
        },
    )


class AgencyRequestForm(ReviewForm):
    """A board member named on the review records their agency's comment or change request (who and which
    agency come from their account, not from the form)."""

    prefix = "agency"
    report_version = forms.ChoiceField(
        label="Version of the report",
        error_messages={
            "required": "Choose the version.",
            "invalid_choice": "Choose a version from the list.",
        },
    )
    kind = _kind_field()
    reference = text_field(
        "Paragraph or section",
        help_text="For example ‘Paragraph 4.2’ or ‘Section 3, findings’; ‘The whole report’ if it is general.",
    )
    request = text_field(
        "Your comment or requested change",
        max_length=5000,
        long=True,
        help_text="What should change, and why. Use pseudonyms, never real names.",
    )
    request.error_messages["required"] = "Enter your comment or requested change."

    def __init__(self, *args: Any, review: Review, **kw: Any):
        super().__init__(*args, review=review, **kw)
        self.versions = {str(v.pk): v for v in review.versions.all()}
        self.fields["report_version"].choices = [  # type: ignore[attr-defined]
            (k, f"Version {v.number} ({v.dated:%-d %B %Y})") for k, v in self.versions.items()
        ]

    def initial_for(self, review: Review) -> dict[str, Any]:
        latest = review.versions.order_by("-dated", "-pk").first()  # agencies answer the latest draft
        return {"report_version": str(latest.pk) if latest else "", "kind": ChangeRequest.Kind.CHANGE}


class AgencyEditForm(forms.Form):
    """A change to one's own request while it awaits a response; its prefix names the request
    (`agency-<id>`), so that each of them has a form of its own and errors come back to the right one."""

    row_version = version_field("review")
    kind = _kind_field()
    reference = AgencyRequestForm.base_fields["reference"]
    request = AgencyRequestForm.base_fields["request"]

    def __init__(self, *args: Any, request_pk: int, **kw: Any):
        kw["prefix"] = f"agency-{request_pk}"
        super().__init__(*args, **kw)
        self.request_pk = request_pk

    @classmethod
    def for_change_request(cls, change: ChangeRequest, data: Any = None) -> AgencyEditForm:
        """The form as the request now is (or as posted, with `data`)."""
        initial = {
            "row_version": change.row_version,
            "kind": change.kind,
            "reference": change.reference,
            "request": change.request,
        }
        return cls(data, request_pk=change.pk, initial=initial)


class WithdrawForm(forms.Form):
    """Withdrawing one's own request, from the page that showed it at `row_version`."""

    row_version = version_field("review")


class FamilyContactForm(ReviewForm):
    prefix = "family"
    on = date_field("Date")
    who = text_field("Who", help_text="A role, for example ‘Mother’ or ‘Maternal grandmother’: not a name.")
    how = choice_field(
        "How",
        [(x, x) for x in ["Meeting", "Telephone", "Letter", "Email", "Video call", "Offer declined"]],
        widget=forms.Select,
    )
    summary = text_field("Summary", max_length=5000, required=False, long=True)


class ParallelProcessForm(ReviewForm):
    prefix = "parallel"
    kind = choice_field("Process", ParallelProcess.Kind.choices, widget=forms.Select)
    description = text_field("Description", max_length=300, required=False)
    holds_publication = forms.BooleanField(
        label="It holds publication until it ends", required=False, initial=True
    )
    expected_end = date_field("Expected end", required=False, help_text="")


class ParallelEndForm(ReviewForm):
    prefix = "ended"
    process = forms.ChoiceField(
        label="Process",
        error_messages={
            "required": "Choose the process.",
            "invalid_choice": "Choose a process from the list.",
        },
    )
    concluded_on = date_field("Date it ended")

    def __init__(self, *args: Any, review: Review, **kw: Any):
        super().__init__(*args, review=review, **kw)
        self.objects = {str(p.pk): p for p in review.parallel_processes.filter(concluded_on=None)}
        self.fields["process"].choices = [  # type: ignore[attr-defined]
            (k, p.get_kind_display() + (f": {p.description}" if p.description else ""))
            for k, p in self.objects.items()
        ]


class OverrunForm(ReviewForm):
    """Why a clock ran over: for a clock that is overdue or was met late."""

    prefix = "overrun"
    clock = forms.ChoiceField(
        label="Clock",
        error_messages={"required": "Choose the clock.", "invalid_choice": "Choose a clock from the list."},
    )
    reason = text_field("Why the clock ran over", max_length=2000, long=True)

    def __init__(self, *args: Any, clocks: Sequence[Clock] = (), **kw: Any):
        super().__init__(*args, clocks=clocks, **kw)
        self.fields["clock"].choices = [(c.key, c.label) for c in clocks if c.late]  # type: ignore[attr-defined]


class PanelMeetingForm(ReviewForm):
    prefix = "panel"
    on = date_field("Date of the panel meeting")
    note = text_field("Note", max_length=2000, required=False, long=True)


class PublicationPlanForm(VersionedForm):
    prefix = "plan"
    day = date_field("Planned publication date")
    accept_clashes = forms.BooleanField(label="Plan it on this date despite the clashes", required=False)

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {**super().initial_for(review), "day": _typed(review.publication_planned_on)}


class PublicationForm(VersionedForm):
    prefix = "publication"
    notice_sent_on = date_field("Notice given to the Panel and DfE on", required=False, help_text="")
    home_office_approved_on = date_field(
        "Home Office quality assurance approval on",
        required=False,
        help_text="Domestic homicide reviews only.",
    )
    outcome = choice_field(
        "Outcome",
        [("", "Not yet decided"), *list(Review.Outcome.choices)],
        widget=forms.Select,
        required=False,
    )
    outcome_reason = text_field(
        "Reason",
        max_length=5000,
        required=False,
        long=True,
        help_text="Needed when the report is not published.",
    )
    published_on = date_field("Published on", required=False, help_text="")
    website_on = date_field("On the partnership's website from", required=False, help_text="")
    nspcc_submitted_on = date_field(
        "Sent to the NSPCC repository (or the SAR library) on", required=False, help_text=""
    )
    overrun_reason = text_field(
        "Reason for the overrun",
        max_length=2000,
        required=False,
        long=True,
        help_text="Needed when the notice or the publication comes after its clock's due date.",
    )

    def __init__(self, *args: Any, clocks: Sequence[Clock] = (), **kw: Any):
        super().__init__(*args, clocks=clocks, **kw)
        # clock key: due date, for the clocks these dates stop that have no reason for an overrun yet
        self.dues = {
            c.key: c.due for c in clocks if c.key in ("notice", "lcspr") and c.is_open and not c.reason
        }

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {
            **super().initial_for(review),
            "notice_sent_on": _typed(review.notice_sent_on),
            "home_office_approved_on": _typed(review.home_office_approved_on),
            "outcome": review.outcome,
            "outcome_reason": review.outcome_reason,
            "published_on": _typed(review.published_on),
            "website_on": _typed(review.website_on),
            "nspcc_submitted_on": _typed(review.nspcc_submitted_on),
        }

    def late_clocks(self) -> list[str]:
        """The clocks these dates meet late: the notice, and the LCSPR's publication."""
        d = self.cleaned_data
        met = {"notice": d.get("notice_sent_on"), "lcspr": d.get("published_on")}
        return [k for k, on in met.items() if on and k in self.dues and on > self.dues[k]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        late = self.late_clocks()
        if late and not (cleaned.get("overrun_reason") or "").strip():
            due = min(self.dues[k] for k in late)
            self.add_error("overrun_reason", f"It was due by {due:%-d %B %Y}: say why it ran over.")
        return cleaned


class ThemesForm(VersionedForm):
    prefix = "themes"
    themes = forms.MultipleChoiceField(
        label="Themes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose themes from the list."},
    )

    def __init__(self, *args: Any, review: Review, **kw: Any):
        super().__init__(*args, review=review, **kw)
        self.objects = {str(t.pk): t for t in Theme.objects.filter(partnership_id=review.partnership_id)}
        self.fields["themes"].choices = [(k, t.name) for k, t in self.objects.items()]  # type: ignore[attr-defined]

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {**super().initial_for(review), "themes": [str(t.pk) for t in review.themes.all()]}


class PeopleForm(VersionedForm):
    """Who may see the review: people of the partnership with an account."""

    prefix = "people"
    people = forms.MultipleChoiceField(
        label="Named people",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list."},
    )

    def __init__(self, *args: Any, review: Review, **kw: Any):
        super().__init__(*args, review=review, **kw)
        people = (
            Person.objects.filter(partnership_id=review.partnership_id, user__isnull=False)
            .select_related("organisation")
            .order_by("full_name")
        )
        self.objects = {str(p.pk): p for p in people}
        self.fields["people"].choices = [  # type: ignore[attr-defined]
            (k, f"{p.full_name} ({p.organisation.name})" if p.organisation else p.full_name)
            for k, p in self.objects.items()
        ]

    def initial_for(self, review: Review) -> dict[str, Any]:
        return {**super().initial_for(review), "people": [str(p.pk) for p in review.named_people.all()]}


# the forms of a review's page (a change request's answer aside), keyed there by their prefix
PAGE_FORMS: tuple[type[ReviewForm], ...] = (
    NotifiedForm,
    RapidReviewForm,
    DecisionForm,
    DetailsForm,
    StageForm,
    ReportVersionForm,
    ChangeRequestForm,
    FamilyContactForm,
    ParallelProcessForm,
    ParallelEndForm,
    OverrunForm,
    PanelMeetingForm,
    PublicationPlanForm,
    PublicationForm,
    ThemesForm,
    PeopleForm,
)


class RulesForm(forms.ModelForm[ReviewRules]):
    class Meta:
        model = ReviewRules
        exclude = ["partnership"]
        labels = {
            "region": "Bank holidays of",
            "notification_days": "Notification to the Panel: working days after awareness",
            "rapid_review_days": "Rapid review: working days",
            "rapid_review_anchor": "Rapid review counted from",
            "lcspr_months": "LCSPR: months from the decision to publication",
            "notice_days": "Notice to the Panel and DfE: working days before publication",
            "amber_days": "A clock turns amber with this many working days left",
            "publications_per_month": "Publications a month at most",
            "publication_gap_days": "Working days between two publications at least",
        }


class BlackoutForm(forms.Form):
    start = date_field("First day")
    end = date_field("Last day")
    reason = text_field("Reason", help_text="For example ‘Pre-election period, local elections’.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "The last day must be on or after the first day.")
        return cleaned


class ThemeForm(forms.Form):
    name = text_field("Theme", max_length=100)

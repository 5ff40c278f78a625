"""The case review register: statutory reviews, their stages and clocks, reports and what became of them.

A review is known only by its pseudonym ('Child Q', 'Family M'): there is no field for a real name.
Its clocks are computed from its dates and the partnership's rules (`clocks.py`), never stored. Its stages
follow one flow (`FLOW`): recording a fact moves it forward along the flow (`Review.forward_to`), a person
moves it by hand only as `MOVES` allows (`Review.next_stages`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from boardkeeper.directory.models import Organisation, Partnership, Person


class ReviewRules(models.Model):
    """A partnership's clock and publication rules; the defaults are those of domain.md."""

    class Anchor(models.TextChoices):
        AWARENESS = "awareness", "The date the local authority became aware"
        NOTIFICATION = "notification", "The date of the notification"

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="review_rules")
    region = models.CharField(
        max_length=3, choices=[("ENG", "England"), ("WLS", "Wales")], default="ENG"
    )  # whose bank holidays
    notification_days = models.PositiveSmallIntegerField(default=5)
    rapid_review_days = models.PositiveSmallIntegerField(default=15)
    rapid_review_anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.AWARENESS)
    lcspr_months = models.PositiveSmallIntegerField(default=6)
    notice_days = models.PositiveSmallIntegerField(
        default=7
    )  # notice to the Panel and DfE before publication
    amber_days = models.PositiveSmallIntegerField(default=3)  # working days left that turn a clock amber
    publications_per_month = models.PositiveSmallIntegerField(default=2)
    publication_gap_days = models.PositiveSmallIntegerField(default=10)  # working days between publications


class PublicationBlackout(models.Model):
    """A period with no publications: a pre-election period, for example."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="publication_blackouts"
    )
    start = models.DateField()
    end = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["start"]


class Theme(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="review_themes")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    class Kind(models.TextChoices):
        RAPID_REVIEW = "rapid_review", "Rapid review"
        LCSPR = "lcspr", "Local child safeguarding practice review"
        SAR_MANDATORY = "sar_mandatory", "Safeguarding adults review (mandatory)"
        SAR_DISCRETIONARY = "sar_discretionary", "Safeguarding adults review (discretionary)"
        DHR = "dhr", "Domestic homicide / domestic abuse related death review"
        LEARNING_REVIEW = "learning_review", "Learning review"
        LLB = "llb", "Lessons learned briefing"
        SEVEN_MINUTE = "seven_minute", "7-minute briefing"

    class Stage(models.TextChoices):
        NOTIFICATION = "notification", "Notification"
        RAPID_REVIEW = "rapid_review", "Rapid review"
        DECISION = "decision", "Awaiting the partners' decision"
        SCOPING = "scoping", "Terms of reference"
        REVIEW = "review", "Review under way"
        REPORT = "report", "Report in draft"
        PUBLICATION = "publication", "Publication planned"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        FULL = "full", "Full report published"
        IMPROVEMENTS = "improvements", "Improvements only published"
        NOT_PUBLISHED = "not_published", "Not published"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reviews")
    pseudonym = models.CharField(max_length=100)  # 'Child Q': never a real name
    kind = models.CharField(max_length=30, choices=Kind.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    version = models.PositiveIntegerField(default=1)  # for refusing stale edits
    named_people = models.ManyToManyField(Person, blank=True, related_name="reviews")  # need to know
    themes = models.ManyToManyField(Theme, blank=True, related_name="reviews")
    created_at = models.DateTimeField(auto_now_add=True)
    # the notification (rapid reviews, and the LCSPRs that follow them)
    aware_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    rapid_review_on = models.DateField(null=True, blank=True)  # completed and sent to the Panel
    # the decision, against regulation 11 (SI 2018/789)
    decided_on = models.DateField(null=True, blank=True)
    criterion_a = models.BooleanField(default=False)  # improvements may be needed
    criterion_b = models.BooleanField(default=False)  # recurring themes
    criterion_c = models.BooleanField(default=False)  # concerns about agencies working together
    criterion_d = models.BooleanField(default=False)  # the Panel referred it back
    decision_rationale = models.TextField(blank=True)
    decision_sent_on = models.DateField(null=True, blank=True)  # to the National Panel
    # the review itself
    referral_source = models.CharField(max_length=200, blank=True)  # SARs
    tor_agreed_on = models.DateField(null=True, blank=True)
    terms_of_reference = models.TextField(blank=True)
    reviewer = models.CharField(max_length=200, blank=True)  # the independent reviewer
    reviewer_appointed_on = models.DateField(null=True, blank=True)
    # publication
    publication_planned_on = models.DateField(null=True, blank=True)
    notice_sent_on = models.DateField(null=True, blank=True)  # to the Panel and DfE
    home_office_approved_on = models.DateField(null=True, blank=True)  # DHRs: QA panel approval
    published_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    website_on = models.DateField(null=True, blank=True)
    nspcc_submitted_on = models.DateField(null=True, blank=True)  # or the national SAR library

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "stage"])]

    def __str__(self) -> str:
        return f"{self.pseudonym} ({self.get_kind_display()})"

    @property
    def criteria(self) -> list[str]:
        return [c for c in "abcd" if getattr(self, f"criterion_{c}")]

    def next_stages(self) -> list[str]:
        """The stages a person may move the review to by hand, from where it is."""
        return MOVES.get(self.stage, [])

    def forward_to(self, stage: str) -> str | None:
        """`stage` if it lies ahead of the review's stage in the flow, else None (recording a fact never
        moves a review back, nor a closed one on)."""
        if self.stage == Review.Stage.CLOSED or stage not in FLOW or self.stage not in FLOW:
            return None
        return stage if FLOW.index(stage) > FLOW.index(self.stage) else None


_S = Review.Stage
FLOW: list[str] = [
    _S.NOTIFICATION,
    _S.RAPID_REVIEW,
    _S.DECISION,
    _S.SCOPING,
    _S.REVIEW,
    _S.REPORT,
    _S.PUBLICATION,
    _S.PUBLISHED,
]
# a move by hand: the next stage of the flow, closing at any point, or back from a publication plan
MOVES: dict[str, list[str]] = {
    stage: ([FLOW[i + 1]] if i + 1 < len(FLOW) else []) + [_S.CLOSED] for i, stage in enumerate(FLOW)
}
MOVES[_S.PUBLICATION] = [_S.PUBLISHED, _S.REPORT, _S.CLOSED]
MOVES[_S.DECISION] = [_S.CLOSED]  # forward only through the decision, which says what follows
MOVES[_S.NOTIFICATION] = [_S.RAPID_REVIEW, _S.CLOSED]
MOVES[_S.CLOSED] = []
# what a decision after a rapid review can lead to
DECISION_KINDS = [Review.Kind.LCSPR, Review.Kind.LEARNING_REVIEW, Review.Kind.LLB, Review.Kind.SEVEN_MINUTE]


class StageChange(models.Model):
    """A move of a review from one stage to the next: dated, by whom, why. Never edited."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stage_changes")
    stage_from = models.CharField(max_length=20, choices=Review.Stage.choices, blank=True)
    stage_to = models.CharField(max_length=20, choices=Review.Stage.choices)
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class OverrunReason(models.Model):
    """Why a clock ran over: required for any overrun."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="overrun_reasons")
    clock = models.CharField(max_length=30)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


def report_path(instance: ReportVersion, filename: str) -> str:
    return f"reviews/{instance.review_id}/{uuid.uuid4().hex}"  # never the uploader's file name


class ReportVersion(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(max_length=20)  # '1', '2.1', 'Final'
    dated = models.DateField()
    summary = models.TextField(blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["dated", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="report_version_unique_number")
        ]


class ChangeRequest(models.Model):
    """An agency's requested change to (or comment on) a version of the report, and what became of it.

    The business team records one an agency sent them (`requested_by` and `organisation` as typed); a board
    member named on the review records their agency's own (`raised_by` their account, `agency` their
    organisation in the directory, both kept as text too so that the log reads the same if either goes).
    Only the business team records the response; whoever raised a request may change or withdraw it while
    it awaits one."""

    class Kind(models.TextChoices):
        CHANGE = "change", "Change request"
        COMMENT = "comment", "Comment"

    class Response(models.TextChoices):
        PENDING = "pending", "Awaiting a response"
        AGREED = "agreed", "Agreed"
        PARTLY = "partly", "Partly agreed"
        NOT_AGREED = "not_agreed", "Not agreed"
        WITHDRAWN = "withdrawn", "Withdrawn by the agency"

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    reference = models.CharField(max_length=200, blank=True)  # 'Paragraph 4.2', 'Section 3: findings'
    requested_by = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    raised_by = models.ForeignKey(  # None: recorded by the business team for the agency
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_on = models.DateField()
    request = models.TextField()
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.PENDING)
    rationale = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)  # or withdrawn on
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.response == self.Response.PENDING

    def may_be_changed_by(self, user_id: int | None) -> bool:
        """Whoever raised it may change or withdraw it until it has a response; nobody else may (the
        business team answers it, it does not rewrite an agency's words)."""
        return self.is_pending and user_id is not None and self.raised_by_id == user_id


class FamilyContact(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="family_contacts")
    on = models.DateField()
    who = models.CharField(max_length=200)  # 'Mother', 'Maternal grandmother': roles, not names
    how = models.CharField(max_length=100)  # meeting, letter, telephone
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "pk"]


class ParallelProcess(models.Model):
    class Kind(models.TextChoices):
        INQUEST = "inquest", "Inquest"
        CRIMINAL = "criminal", "Criminal proceedings"
        FAMILY_COURT = "family_court", "Family court proceedings"
        DISCIPLINARY = "disciplinary", "Disciplinary or regulatory process"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="parallel_processes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    holds_publication = models.BooleanField(default=True)
    expected_end = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class PanelMeeting(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="panel_meetings")
    on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "pk"]

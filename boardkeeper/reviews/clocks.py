"""A review's statutory clocks, computed from its dates and its partnership's rules (never stored).

| clock        | starts                                   | due                              | stops when            |
|--------------|------------------------------------------|----------------------------------|-----------------------|
| notification | awareness                                | + 5 working days                 | the Panel is notified |
| rapid review | awareness or notification (configurable) | + 15 working days                | it is sent to the Panel |
| LCSPR        | the decision                             | + 6 months                       | publication (or an outcome) |
| notice       | the planned publication date             | 7 working days before it         | notice is given       |

Each clock is green (met on time, or more than `amber_days` working days left), amber (due soon, or met
late) or red (overdue), with who owns the next step. An overrun needs a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.template.defaultfilters import pluralize

from boardkeeper.lib.dates import add_months
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.reviews.models import Review, ReviewRules

LCSPR_KINDS = {Review.Kind.LCSPR}
NOTICE_KINDS = {Review.Kind.LCSPR, Review.Kind.RAPID_REVIEW}  # the Panel and DfE hear of child reviews


class Dates(Protocol):
    """What `clocks_of` reads of a review: a `Review`, or the same values read as a row."""

    @property
    def kind(self) -> str: ...

    @property
    def stage(self) -> str: ...

    @property
    def aware_on(self) -> dt.date | None: ...

    @property
    def notified_on(self) -> dt.date | None: ...

    @property
    def rapid_review_on(self) -> dt.date | None: ...

    @property
    def decided_on(self) -> dt.date | None: ...

    @property
    def published_on(self) -> dt.date | None: ...

    @property
    def publication_planned_on(self) -> dt.date | None: ...

    @property
    def notice_sent_on(self) -> dt.date | None: ...


# the fields `Dates` names: what a page reads of a review for its clocks (not its rationale, terms or outcome)
DATE_FIELDS = (
    "kind",
    "stage",
    "aware_on",
    "notified_on",
    "rapid_review_on",
    "decided_on",
    "published_on",
    "publication_planned_on",
    "notice_sent_on",
)


class Reason(Protocol):
    """Why a clock ran over, as `clocks_of` reads it: an `OverrunReason`, or the same two values read
    without one."""

    @property
    def clock(self) -> str: ...

    @property
    def reason(self) -> str: ...


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    due: dt.date
    done_on: dt.date | None
    days_left: int  # working days from today to the due date; negative when overdue
    amber_days: int
    next_step: str
    reason: str = ""  # why it ran over, when someone has said

    @property
    def is_open(self) -> bool:
        return self.done_on is None

    @property
    def late(self) -> bool:
        if self.done_on is not None:
            return self.done_on > self.due
        return self.days_left < 0

    @property
    def colour(self) -> str:
        if self.done_on is not None:
            return "amber" if self.late else "green"
        if self.days_left < 0:
            return "red"
        return "amber" if self.days_left <= self.amber_days else "green"

    @property
    def status(self) -> str:
        """In words: the colour is never the only thing that tells."""
        if self.done_on is not None:
            return (
                f"Met late, on {self.done_on:%-d %B %Y}" if self.late else f"Met on {self.done_on:%-d %B %Y}"
            )
        if self.days_left < 0:
            n = -self.days_left
            return f"Overdue by {n} working day{pluralize(n)}"
        if self.days_left == 0:
            return "Due today"
        return f"{self.days_left} working day{pluralize(self.days_left)} left"

    @property
    def needs_reason(self) -> bool:
        return self.late and not self.reason

    @property
    def tag(self) -> str:
        return {"red": "govuk-tag--red", "amber": "govuk-tag--yellow", "green": "govuk-tag--green"}[
            self.colour
        ]


def clocks_of(
    review: Dates, rules: ReviewRules, *, today: dt.date, reasons: Iterable[Reason] = ()
) -> list[Clock]:
    """The review's clocks that have started, in the order they run. A closed review's open clocks stop."""
    days = WorkingDays(rules.region)
    why = {r.clock: r.reason for r in reasons}  # the latest reason for each clock wins
    clocks = []

    def clock(key: str, label: str, due: dt.date, done: dt.date | None, step: str) -> None:
        if done is None and review.stage == Review.Stage.CLOSED:
            return
        clocks.append(
            Clock(key, label, due, done, days.between(today, due), rules.amber_days, step, why.get(key, ""))
        )

    if review.aware_on is not None:
        clock(
            "notification",
            "Notification to the National Panel",
            days.add(review.aware_on, rules.notification_days),
            review.notified_on,
            "Local authority: notify the Child Safeguarding Practice Review Panel",
        )
        anchor = (
            review.aware_on
            if rules.rapid_review_anchor == ReviewRules.Anchor.AWARENESS
            else review.notified_on
        )
        if anchor is not None:
            clock(
                "rapid_review",
                "Rapid review",
                days.add(anchor, rules.rapid_review_days),
                review.rapid_review_on,
                "Safeguarding partners: complete the rapid review and send it to the Panel",
            )
    if review.kind in LCSPR_KINDS and review.decided_on is not None:
        clock(
            "lcspr",
            "Review completed and published",
            add_months(review.decided_on, rules.lcspr_months),
            review.published_on,
            "Reviewer and panel: complete the report; partners: publish it",
        )
    if review.kind in NOTICE_KINDS and review.publication_planned_on is not None:
        clock(
            "notice",
            "Notice to the Panel and the Department for Education",
            days.back(review.publication_planned_on, rules.notice_days),
            review.notice_sent_on,
            "Business team: tell the Panel and the DfE the publication date",
        )
    return clocks

"""An agency's own comments and change requests on a review's report (issue 16, item 7) in the permission walk
(tests/web/test_permissions.py merges them into PAGES and this snapshot into its own).

They are need to know: anyone not named on the review is told it does not exist (404). They are not the
business team's alone: a board member named on the review, for an organisation in the directory, adds to
them (tests/web/reviews/test_agency_change_requests.py). The walk's named member, Nadia Okafor, has no
organisation, and the walk's own request is not hers, so each of her posts here is refused (403) as the
walk expects of someone who may only read the review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum
from django.urls import reverse

from boardkeeper.reviews.models import ChangeRequest

WALK = "WALK"  # the reference of the walk's own request, made on first use (not in snapshot())


def request_of(r: Any) -> ChangeRequest:
    """A request on the record's report raised (as if by a member) under the business manager's account: the
    walk's own, which no other visitor of the walk may change."""
    change = ChangeRequest.objects.filter(version__review=r.review, reference=WALK).first()
    if change is None:
        change = ChangeRequest.objects.create(
            version=r.review.versions.get(),
            reference=WALK,
            requested_by="Designated Nurse",
            organisation="ICB",
            raised_by=r.cast.manager,
            requested_on=dt.date(2024, 2, 8),
            request="Say the referral was acknowledged.",
        )
    return change


def pages(Page: Any) -> dict[str, Any]:
    """Each URL name of the agency's requests, as a `Page` of tests/web/test_permissions.py (`r`: its Record)."""
    return {
        "review_agency": Page(
            lambda r: reverse("review_agency", args=[r.review.pk]),
            post=lambda r: {
                "agency-report_version": str(r.review.versions.get().pk),
                "agency-kind": "change",
                "agency-reference": "Paragraph 2",
                "agency-request": "Add the date of the referral.",
            },
            need_to_know=True,
        ),
        "review_agency_edit": Page(
            lambda r: reverse("review_agency_edit", args=[r.review.pk, request_of(r).pk]),
            post=lambda r: {
                f"agency-{request_of(r).pk}-row_version": str(request_of(r).row_version),
                f"agency-{request_of(r).pk}-kind": "comment",
                f"agency-{request_of(r).pk}-reference": WALK,
                f"agency-{request_of(r).pk}-request": "Rewritten by someone else",
            },
            need_to_know=True,
        ),
        "review_agency_withdraw": Page(
            lambda r: reverse("review_agency_withdraw", args=[r.review.pk, request_of(r).pk]),
            post=lambda r: {"row_version": str(request_of(r).row_version)},
            need_to_know=True,
        ),
    }


def snapshot() -> tuple[int, ...]:
    """What a refused request must not change: the requests raised by a member (the walk's aside; the business
    team's are made by the walk itself), and the walk's own edits and withdrawal (its row version stays 1, its
    response pending)."""
    walk = ChangeRequest.objects.filter(reference=WALK)
    return (
        ChangeRequest.objects.filter(raised_by__isnull=False).exclude(reference=WALK).count(),
        walk.aggregate(v=Sum("row_version"))["v"] or 1,
        walk.exclude(response=ChangeRequest.Response.PENDING).count(),
    )

"""Publication: planned to the partnership's capacity (a full month refused with the next free date), held by
a parallel process until it ends, its outcomes with their reasons and approvals, and a late one's reason."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from cast import Cast, text_of
from django.test import Client
from review_steps import AWARE, decided, section

from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import OverrunReason, ParallelProcess, Review


def booked(cast: Cast, name: str, day: dt.date) -> Review:
    review = services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym=name, kind="lcspr", on=day
    )
    Review.objects.filter(pk=review.pk).update(publication_planned_on=day)
    return review


def test_a_full_month_is_refused_with_the_next_free_date_and_that_date_can_be_taken(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    booked(cast, "Child A", dt.date(2024, 6, 4))
    booked(cast, "Family M", dt.date(2024, 6, 20))
    review = decided(cast, child_q)
    response = manager.post(
        section(review, "plan"), {"plan-version": str(review.version), "plan-day": "12/06/2024"}
    )
    page = text_of(response)
    assert "June 2024 is full: 2 of 2 publications are planned (Child A, Family M)." in page
    assert "The next free date is Thursday 4 July 2024." in page
    assert Review.objects.get(pk=review.pk).publication_planned_on is None
    take = lxml.html.fromstring(response.content).xpath(
        "//form[.//button[contains(., 'Plan it for 4 July 2024')]]"
    )[0]
    manager.post(section(review, "plan"), dict(take.form_values()))
    review.refresh_from_db()
    assert (review.publication_planned_on, review.stage) == (dt.date(2024, 7, 4), "publication")
    notice = {
        c.key: c for c in clocks_of(review, services.rules_for(cast.partnership), today=dt.date(2024, 6, 1))
    }["notice"]
    assert notice.due == dt.date(2024, 6, 25)  # 7 working days before 4 July


def test_a_parallel_process_holds_publication_until_accepted(cast: Cast, child_q: Review) -> None:
    review = decided(cast, child_q)
    ParallelProcess.objects.create(
        review=review, kind="inquest", description="Coroner's inquest", expected_end=dt.date(2024, 9, 1)
    )
    _, problems, _ = services.publication_plan(
        review=review, user=cast.manager, version=review.version, day=dt.date(2024, 7, 4)
    )
    assert problems == [
        "Publication is held by inquest (Coroner's inquest), expected to end 1 September 2024."
    ]
    review, problems, _ = services.publication_plan(
        review=review, user=cast.manager, version=review.version, day=dt.date(2024, 7, 4), accept_clashes=True
    )
    assert problems == [] and review.publication_planned_on == dt.date(2024, 7, 4)


def test_a_parallel_process_that_ends_no_longer_holds_publication(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    review = decided(cast, child_q)
    process = ParallelProcess.objects.create(review=review, kind="criminal", description="Trial")
    manager.post(
        section(review, "ended"), {"ended-process": str(process.pk), "ended-concluded_on": "01/05/2024"}
    )
    process.refresh_from_db()
    assert process.concluded_on == dt.date(2024, 5, 1)
    _, problems, _ = services.publication_plan(
        review=review, user=cast.manager, version=review.version, day=dt.date(2024, 7, 4)
    )
    assert problems == []


def test_publication_outcomes_need_their_reasons_and_approvals(cast: Cast) -> None:
    dhr = services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Mrs D", kind="dhr", on=AWARE
    )
    with pytest.raises(services.ReviewRefused, match="after the Home Office approves it"):
        services.publication_record(
            review=dhr, user=cast.manager, version=1, published_on=dt.date(2024, 3, 1), outcome="full"
        )
    with pytest.raises(services.ReviewRefused, match="Say why the report is not published"):
        services.publication_record(
            review=dhr, user=cast.manager, version=1, outcome="not_published", outcome_reason=" "
        )
    dhr = services.publication_record(
        review=dhr,
        user=cast.manager,
        version=1,
        outcome="not_published",
        outcome_reason="The family asked us not to.",
    )
    assert dhr.stage == "closed"


def test_a_late_publication_needs_a_reason(cast: Cast, child_q: Review, manager: Client) -> None:
    review = decided(cast, child_q)  # the LCSPR was due by 10 November 2022
    data = {
        "publication-version": str(review.version),
        "publication-outcome": "full",
        "publication-published_on": "01/03/2023",
    }
    refused = manager.post(section(review, "publication"), data)
    assert "It was due by 10 November 2022: say why it ran over." in text_of(refused)
    assert Review.objects.get(pk=review.pk).published_on is None
    data["publication-overrun_reason"] = "The inquest concluded in February."
    manager.post(section(review, "publication"), data)
    review.refresh_from_db()
    assert (review.published_on, review.stage) == (dt.date(2023, 3, 1), "published")
    assert (
        OverrunReason.objects.get(review=review, clock="lcspr").reason == "The inquest concluded in February."
    )

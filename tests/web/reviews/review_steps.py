"""What the case review tests share: the day Child Q's local authority became aware, the clocks as a
review's page shows them, a section's address, and Child Q decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
from cast import Cast
from django.urls import reverse

from boardkeeper.reviews import services
from boardkeeper.reviews.models import Review

AWARE = dt.date(2022, 4, 8)  # a Friday: Easter 2022 falls in the next week


def clock_rows(response: Any) -> dict[str, str]:
    page = lxml.html.fromstring(response.content)
    return {
        tr.get("data-clock"): " ".join(tr.text_content().split()) for tr in page.xpath("//tr[@data-clock]")
    }


def section(review: Review, name: str) -> str:
    """The address a section of the review's page posts to (the view named review_<section>)."""
    return reverse(f"review_{name}", args=[review.pk])


def decided(cast: Cast, review: Review) -> Review:
    """Child Q notified, its rapid review sent, and an LCSPR decided, through the services."""
    review = services.notified(
        review=review, user=cast.manager, version=review.version, on=dt.date(2022, 4, 14)
    )
    review = services.rapid_review_sent(
        review=review, user=cast.manager, version=review.version, on=dt.date(2022, 4, 29)
    )
    return services.decision_record(
        review=review,
        user=cast.manager,
        version=review.version,
        on=dt.date(2022, 5, 10),
        criteria=["a", "c"],
        rationale="Agencies did not share information about the home.",
        leads_to=Review.Kind.LCSPR,
    )

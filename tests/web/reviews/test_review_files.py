"""The register and a review's change log as spreadsheets."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from cast import Cast
from django.test import Client
from django.urls import reverse
from review_steps import decided

from boardkeeper.reviews import services
from boardkeeper.reviews.models import Review


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_the_register_and_the_change_log_download_as_spreadsheets(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    review = decided(cast, child_q)
    version = services.version_add(
        review=review, user=cast.manager, number="2", dated=dt.date(2022, 9, 1), summary=""
    )
    services.change_request_add(
        version=version,
        requested_by="Designated Nurse",
        organisation="ICB",
        requested_on=dt.date(2022, 9, 8),
        request="Say the referral was acknowledged.",
    )
    register = xlsx_rows(manager.get(reverse("reviews_export", args=[cast.partnership.slug])).content)
    assert register[0][:6] == ["Review", "Kind", "Stage", "Clock", "Due", "Status"]
    clocks = [(r[0], r[3], r[4].date() if r[4] else None) for r in register[1:]]
    assert clocks == [
        ("Child Q", "Notification to the National Panel", dt.date(2022, 4, 19)),
        ("Child Q", "Rapid review", dt.date(2022, 5, 4)),
        ("Child Q", "Review completed and published", dt.date(2022, 11, 10)),
    ]
    log = xlsx_rows(manager.get(reverse("change_log_export", args=[review.pk])).content)
    assert log[1][0] == "2" and log[1][2:4] == ["Designated Nurse", "ICB"]
    assert log[1][5:7] == ["Say the referral was acknowledged.", "Awaiting a response"]

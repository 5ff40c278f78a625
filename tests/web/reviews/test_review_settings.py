"""A partnership's review settings: the rules the clocks follow, and periods with no publications."""

from __future__ import annotations

import lxml.html
from cast import Cast
from django.test import Client
from django.urls import reverse
from review_steps import clock_rows

from boardkeeper.reviews import services
from boardkeeper.reviews.models import Review


def test_the_business_team_sets_the_rules_and_the_clocks_follow(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    url = reverse("review_settings", args=[cast.partnership.slug])
    form = lxml.html.fromstring(manager.get(url).content).xpath("//form[.//input[@value='rules']]")[0]
    data = dict(form.form_values())
    data["rules-notification_days"] = "10"
    assert manager.post(url, data).status_code == 302
    page = manager.get(reverse("review", args=[child_q.pk]))
    assert clock_rows(page)["notification"].startswith("Notification to the National Panel Tue 26 Apr 2022")
    manager.post(
        url,
        {
            "form": "blackout",
            "blackout-start": "25/03/2024",
            "blackout-end": "02/05/2024",
            "blackout-reason": "Pre-election period",
        },
    )
    capacity = services.capacity_of(cast.partnership)
    assert [b.reason for b in capacity.blackouts] == ["Pre-election period"]

"""Issue 14's partner funding in a real browser, on a desktop and on a 320 px phone: the years, a year's
page with its chart, and the form of a partner's contribution. Each is screenshotted, checked by axe
(WCAG 2.2 A and AA) and must not scroll sideways (browser.Visits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, Cast
from playwright.sync_api import Page

from boardkeeper.funding import services
from boardkeeper.funding.models import BudgetLine, Contribution

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def funded(cast: Cast) -> None:
    """Two years: 2022 short of its budget, one partner's contribution still to be sought."""
    for starts, agreed in ((2021, "130000"), (2022, "95000")):
        year = services.year_add(partnership=cast.partnership, starts=starts)
        for kind, amount in (("business_unit", "98000"), ("chair_scrutineer", "22000"), ("reviews", "15000")):
            BudgetLine.objects.create(year=year, kind=kind, amount=Decimal(amount))
        Contribution.objects.create(
            year=year,
            partner="Warwickshire County Council",
            agreed=Decimal(agreed),
            invoiced_on=dt.date(starts, 4, 20),
            paid_on=dt.date(starts, 5, 30),
        )
        Contribution.objects.create(
            year=year,
            partner="Coventry and Warwickshire ICB",
            agreed=Decimal("25000"),
            invoiced_on=dt.date(starts, 4, 20),
        )
        Contribution.objects.create(
            year=year,
            partner="Schools",
            agreed=Decimal("12345.67"),
            note="To be sought from the Schools Forum",
        )


def test_the_funding_pages_are_accessible_and_fit_a_phone(
    transactional_db: None, live_server: Any, cast: Cast, funded: None, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "funding")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    slug = cast.partnership.slug
    pages = [
        ("the years", f"/p/{slug}/funding/"),
        ("a year", f"/p/{slug}/funding/2022/"),
        ("a contribution", f"/p/{slug}/funding/2022/contributions/add/"),
    ]
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages:
            page.goto(live_server.url + url)
            visits.check(page, f"{name} at {width}px")
    page.goto(f"{live_server.url}/p/{slug}/funding/2022/")
    assert page.get_by_role("heading", level=1).inner_text() == "April 2022 to March 2023"
    assert page.get_by_text("Shortfall", exact=True).first.is_visible()
    visits.assert_clean()

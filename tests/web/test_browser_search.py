"""Issue 16, item 2: search in a real browser, on a desktop and on a 320 px phone. The header's box finds
the Warwickshire funding item (item 7 of the 23 February 2022 minutes), its words marked; the results
filtered by kind; a date that is not one shown as an error. Each page is screenshotted, checked by axe
(WCAG 2.2 A and AA) and must not scroll sideways (browser.Visits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page

from boardkeeper.imports.services import import_file
from boardkeeper.meetings.models import Meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def minutes(transactional_db: None, cast: Cast) -> Meeting:
    """The seed minutes imported (before the browser starts: the database is not for its thread)."""
    return import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


def test_the_header_search_finds_the_funding_item_on_a_desktop_and_a_phone(
    live_server: Any, cast: Cast, minutes: Meeting, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "search")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.member.username, PASSWORD)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/p/{cast.partnership.slug}/")
        box = page.get_by_role("search", name="Site")
        box.get_by_label("Search the record").fill("funding")
        box.get_by_role("button", name="Search").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", name="3 results").is_visible()
        first = page.locator(".bk-search-result").first
        assert first.get_attribute("data-kind") == "item"
        assert first.get_by_role("link", name="7 Partnership Funding 2022/2023").is_visible()
        assert first.locator(".bk-snippet mark").first.inner_text().lower() == "funding"
        visits.check(page, f"results for funding at {width}px")
        page.get_by_text("Filter by board, kind and date").click()
        page.get_by_label("Kind").select_option("action")
        page.get_by_label("Date from").fill("31/2/2022")
        page.get_by_role("button", name="Search", exact=True).last.click()
        page.wait_for_load_state("load")
        assert page.get_by_text("Date from must be a real date").first.is_visible()
        assert [k.get_attribute("data-kind") for k in page.locator(".bk-search-result").all()] == ["action"]
        visits.check(page, f"actions only, with a date error, at {width}px")
        first = page.locator(".bk-search-result a").first
        first.click()
        page.wait_for_load_state("load")
        assert "/actions/" in page.url
    visits.assert_clean()

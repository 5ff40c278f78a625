"""Issue 16's home page in a real browser, for a board member and for the business team, on a desktop and on
a 320 px phone: screenshotted, checked by axe (WCAG 2.2 A and AA), and never scrolling sideways
(browser.Visits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, Cast
from home_data import Home, build
from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def home(transactional_db: None, cast: Cast) -> Home:
    """Made before the browser starts: the database is not for its event loop's thread."""
    return build(cast)


@pytest.mark.parametrize("who", ["member", "manager"])
def test_the_home_page_is_accessible_and_fits_a_phone(
    live_server: Any, cast: Cast, home: Home, page: Page, screenshots: Path, who: str
) -> None:
    visits = Visits(screenshots, f"home-{who}")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, getattr(cast, who).username, PASSWORD)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/")
        assert page.get_by_role("heading", level=1).inner_text() == "What needs you"
        overdue = page.locator(f"#{cast.partnership.slug}-overdue")
        if who == "member":
            assert overdue.get_by_role("link", name=home.overdue.text).is_visible()
            assert (
                page.locator(f"#{cast.partnership.slug}-clocks")
                .get_by_role("link", name="Child Q")
                .is_visible()
            )
            assert page.get_by_text("Child R").count() == 0
        else:
            assert overdue.get_by_text("Nothing overdue.").is_visible()
            imports = page.locator(f"#{cast.partnership.slug}-imports")
            assert imports.get_by_role("link", name="executive-board-minutes0.docx").is_visible()
            assert (
                page.locator(f"#{cast.partnership.slug}-overruns")
                .get_by_role("link", name="Family M")
                .is_visible()
            )
        visits.check(page, f"home for the {who} at {width}px")
    # a line leads where it is done
    page.locator(f"#{cast.partnership.slug}-meetings").get_by_role("link").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/meetings/{home.next_meeting.pk}/agenda/")
    visits.assert_clean()

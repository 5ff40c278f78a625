"""The API tokens page in a real browser, on a desktop and on a 320 px phone: a token made (shown once),
the list, the revoking question and an error. Each state is screenshotted, checked by axe (WCAG 2.2 A and
AA) and must not scroll sideways (browser.Visits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, Cast
from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


def test_the_tokens_page_is_accessible_and_fits_a_phone(
    transactional_db: None, live_server: Any, cast: Cast, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "tokens")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    page.goto(f"{live_server.url}/my-actions/")
    page.get_by_role("link", name="API tokens").click()
    assert page.get_by_role("heading", level=1).inner_text() == "API tokens"
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.get_by_label("Name").fill(f"Power BI at {width}")
        page.get_by_role("button", name="Make the token").click()
        shown = page.locator("code").filter(has_text="bk_").first.inner_text()
        assert shown.startswith("bk_") and len(shown) > 40  # shown once, whole
        visits.check(page, f"a token made at {width}px")
        page.goto(f"{live_server.url}/accounts/tokens/")
        assert shown not in page.content()  # never again
        page.get_by_role("link", name=f"Revoke ‘Power BI at {width}’").click()
        visits.check(page, f"revoking a token at {width}px")
        page.get_by_role("button", name="Yes, revoke it").click()
        assert page.get_by_text("Revoked").first.is_visible()
        page.get_by_label("Name").fill("")
        page.get_by_role("button", name="Make the token").click()
        visits.check(page, f"a token without a name at {width}px")
    visits.assert_clean()

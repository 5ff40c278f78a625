"""Issue 13's set-up pages in a real browser, on a desktop and on a 320 px phone: Who has access, a board's
settings and members, a new board, the directory, one's reminders, and a page not found. Each is
screenshotted, checked by axe (WCAG 2.2 A and AA) and must not scroll sideways (browser.Visits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page

from boardkeeper.imports.services import import_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def seeded(cast: Cast) -> None:
    import_file(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes())


def test_the_set_up_pages_are_accessible_and_fit_a_phone(
    transactional_db: None, live_server: Any, cast: Cast, seeded: None, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "setup")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    slug, board = cast.partnership.slug, cast.board.slug
    pages = [
        ("who has access", f"/p/{slug}/access/"),
        ("board settings and members", f"/p/{slug}/boards/{board}/settings/"),
        ("a new board", f"/p/{slug}/new-board/"),
        ("the directory", f"/p/{slug}/people/"),
        ("reminders", "/accounts/reminders/"),
    ]
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages:
            page.goto(live_server.url + url)
            visits.check(page, f"{name} at {width}px")
    page.goto(f"{live_server.url}/p/nowhere/")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_role("button", name="Sign out").is_visible()
    visits.check(page, "page not found at 320px")
    visits.problems = [p for p in visits.problems if not p.startswith("404 GET") or "/p/nowhere/" not in p]
    visits.assert_clean()

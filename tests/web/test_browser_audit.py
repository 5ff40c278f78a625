"""Issue 16, item 4: the audit log in a real browser, paginated, on a desktop and on a 320 px phone: the entries
in words, the page links keeping the filters, screenshotted, checked by axe (WCAG 2.2 A and AA) and not
scrolling sideways (browser.Visits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page

from boardkeeper.actions import services as actions
from boardkeeper.actions.models import Action
from boardkeeper.imports.services import import_file
from boardkeeper.plan.next_meeting import schedule_next_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def logged(transactional_db: None, cast: Cast) -> Cast:
    """The seed minutes imported (some hundred entries) and Pete's action due at the 11 March meeting (made
    before the browser starts: the database is not for its event loop's thread)."""
    import datetime as dt

    import_file(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes())
    march = schedule_next_meeting(board=cast.board, date=dt.date(2022, 3, 11))
    action = Action.objects.get(text="PH to share examples of incidents")
    actions.action_reassign(
        action=action, user=cast.manager, version=action.version, people=[], teams=[], due_meeting=march
    )
    return cast


def test_the_audit_log_is_paginated_readable_and_fits_a_phone(
    live_server: Any, logged: Cast, page: Page, screenshots: Path
) -> None:
    cast = logged
    visits = Visits(screenshots, "audit")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    url = f"{live_server.url}/p/{cast.partnership.slug}/audit/?action=create"
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        assert page.locator("#audit-events tbody tr").count() == 50
        assert page.locator("#audit-pages").is_visible()
        visits.check(page, f"the audit log at {width}px")
        page.locator("#audit-pages").get_by_role("link", name="Page 2").click()
        page.wait_for_load_state("load")
        assert "action=create" in page.url and "page=2" in page.url
        visits.check(page, f"the audit log page 2 at {width}px")
        page.goto(f"{live_server.url}/p/{cast.partnership.slug}/audit/?record=actions.action&action=update")
        assert page.get_by_text("Due at meeting: none → 11 March 2022").first.is_visible()
        visits.check(page, f"an action's changes at {width}px")
    visits.assert_clean()

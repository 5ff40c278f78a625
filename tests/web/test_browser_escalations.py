"""Issue 14's escalations register in a real browser, on a desktop and on a 320 px phone: the register,
an escalation's page (its forms open) and a new escalation's form. Each is screenshotted, checked by axe
(WCAG 2.2 A and AA) and must not scroll sideways (browser.Visits)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page

from boardkeeper.actions.models import Action
from boardkeeper.escalations import services
from boardkeeper.escalations.models import Escalation, EscalationAction
from boardkeeper.imports.services import import_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def escalation(transactional_db: None, cast: Cast) -> Escalation:
    """An escalation of the seed minutes' item 5, at stage 2, with an action linked (made before the
    browser starts: the database is not for its event loop's thread)."""
    meeting = import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    e = services.escalation_create(
        partnership=cast.partnership,
        user=cast.manager,
        raised_by_org="Warwickshire Police",
        about_agency="Coventry and Warwickshire Partnership Trust (mental health)",
        concern="Section 136 assessments taking up to 18 hours; places of safety out of county.",
        pseudonym="Family M",
        opened_on=dt.date(2022, 2, 23),
    )
    services.stage_move(escalation=e, user=cast.manager, version=1, stage=2, on=dt.date(2022, 3, 11), note="")
    action = Action.objects.filter(meeting=meeting).first()
    assert action is not None
    EscalationAction.objects.create(escalation=e, action=action)
    return e


def test_the_escalations_pages_are_accessible_and_fit_a_phone(
    live_server: Any, cast: Cast, escalation: Escalation, page: Page, screenshots: Path
) -> None:
    e = escalation
    visits = Visits(screenshots, "escalations")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    base = f"/p/{cast.partnership.slug}/escalations/"
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + base)
        assert page.locator("#escalations").get_by_role("link", name=e.reference).is_visible()
        visits.check(page, f"the register at {width}px")
        page.goto(f"{live_server.url}{base}{e.pk}/")
        for summary in ("Move it to another stage", "Resolve or withdraw it", "Link an action"):
            page.get_by_text(summary).click()
        assert page.get_by_role("link", name="Executive Board, 23 February 2022").first.is_visible()
        visits.check(page, f"an escalation at {width}px")
        page.goto(f"{live_server.url}{base}new/")
        page.get_by_role("button", name="Record the escalation").click()  # empty: the errors shown
        page.wait_for_load_state("load")
        visits.check(page, f"a new escalation with errors at {width}px")
    visits.assert_clean()

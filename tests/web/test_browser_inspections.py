"""Issue 14's inspections register in a real browser, on a desktop and on a 320 px phone: the register, an
inspection's plan page (with an overdue action, evidence and the minutes that mention it) and the form to
record one. Each is screenshotted, checked by axe (WCAG 2.2 A and AA) and must not scroll sideways
(browser.Visits)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page

from boardkeeper.actions.services import action_create
from boardkeeper.directory.models import Organisation, Person
from boardkeeper.imports.services import import_file
from boardkeeper.inspections import services
from boardkeeper.inspections.models import Inspection
from boardkeeper.recommendations.models import Evidence, Recommendation, RecommendationAction

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def inspection(transactional_db: None, cast: Cast) -> Inspection:
    """The HMIC inspection the seed minutes' item 6 reports on, with two recommendations, an overdue action
    and evidence (made before the browser starts: the database is not for its event loop's thread)."""
    meeting = import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    i = services.inspection_create(
        partnership=cast.partnership,
        user=cast.manager,
        body="hmicfrs",
        title="HMICFRS national child protection inspection: Warwickshire Police",
        inspected_on=dt.date(2022, 1, 24),
        published_on=dt.date(2022, 4, 12),
        judgement="Some good practice; areas for improvement in the response to children at risk",
        board=cast.board,
    )
    police, _ = Organisation.objects.get_or_create(partnership=cast.partnership, name="Warwickshire Police")
    pete = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    first = Recommendation.objects.create(
        partnership=cast.partnership,
        inspection=i,
        number="1",
        text="Within six months, make sure that officers record the voice of the child in every child "
        "protection investigation, and that supervisors check it is recorded.",
        made_on=dt.date(2022, 4, 12),
        status="in_progress",
    )
    first.agencies.add(police)
    Recommendation.objects.create(
        partnership=cast.partnership,
        inspection=i,
        number="2",
        text="Improve the timeliness of strategy discussions out of hours.",
        made_on=dt.date(2022, 4, 12),
    )
    action = action_create(
        meeting=meeting,
        user=cast.manager,
        text="Dip sample 50 child protection investigations for the voice of the child",
        people=[pete],
        due_date=dt.date(2022, 7, 31),
    )
    RecommendationAction.objects.create(recommendation=first, action=action)
    Evidence.objects.create(
        recommendation=first, action=action, note="Dip sample report to the board", file_name="dip-sample.pdf"
    )
    return i


def test_the_inspections_pages_are_accessible_and_fit_a_phone(
    live_server: Any, cast: Cast, inspection: Inspection, page: Page, screenshots: Path
) -> None:
    i = inspection
    visits = Visits(screenshots, "inspections")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    base = f"/p/{cast.partnership.slug}/inspections/"
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + base)
        assert page.locator("#inspections").get_by_role("link", name=i.title).is_visible()
        assert page.get_by_text("0 of 2 recommendations implemented; 1 action overdue").is_visible()
        visits.check(page, f"the register at {width}px")
        page.goto(f"{live_server.url}{base}{i.pk}/")
        assert page.locator("#overdue").get_by_role("link", name="Dip sample 50").is_visible()
        assert page.get_by_role("link", name="Executive Board, 23 February 2022").first.is_visible()
        visits.check(page, f"an inspection's plan at {width}px")
        page.goto(f"{live_server.url}{base}new/")
        page.get_by_role("button", name="Record the inspection").click()  # empty: the errors shown
        page.wait_for_load_state("load")
        assert page.get_by_text("Enter the title.").first.is_visible()
        visits.check(page, f"a new inspection with errors at {width}px")
    visits.assert_clean()

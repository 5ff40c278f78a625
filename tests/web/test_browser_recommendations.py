"""Issue 14's recommendations ledger in a real browser, on a desktop and on a 320 px phone: the register, a
recommendation's page with its forms open (and one refused, its errors shown), and a new recommendation's
form. Each is screenshotted, checked by axe (WCAG 2.2 A and AA) and must not scroll sideways
(browser.Visits)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Organisation
from boardkeeper.imports.services import import_file
from boardkeeper.inspections.models import Inspection
from boardkeeper.recommendations import services
from boardkeeper.recommendations.models import Recommendation
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import Review, Theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def repeated(transactional_db: None, cast: Cast) -> Recommendation:
    """An Ofsted recommendation that an LCSPR made before, with an action of the seed minutes and a note of
    evidence (made before the browser starts: the database is not for its event loop's thread)."""
    meeting = import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Child Q",
        kind="lcspr",
        on=dt.date(2021, 1, 4),
    )
    Review.objects.filter(pk=review.pk).update(published_on=dt.date(2021, 9, 1))
    review.refresh_from_db()
    police, _ = Organisation.objects.get_or_create(partnership=cast.partnership, name="Warwickshire Police")
    neglect = Theme.objects.create(partnership=cast.partnership, name="Neglect")
    services.recommendation_create(
        partnership=cast.partnership,
        user=cast.manager,
        source=review,
        number="4",
        text="The partnership should seek assurance that all agencies understand and use the escalation "
        "policy when they disagree about a child's plan.",
        agencies=[police],
        themes=[neglect],
    )
    inspection = Inspection.objects.create(
        partnership=cast.partnership,
        body="ofsted",
        title="Ofsted ILACS",
        inspected_on=dt.date(2023, 5, 8),
        published_on=dt.date(2023, 6, 20),
    )
    rec = services.recommendation_create(
        partnership=cast.partnership,
        user=cast.manager,
        source=inspection,
        number="2",
        text="The LSCP should seek assurance from partner agencies that practitioners understand and use the "
        "escalation (resolution) policy where they disagree with decisions about a child's plan.",
        agencies=[police],
    )
    assert rec.repeats is not None
    action = Action.objects.filter(meeting=meeting).first()
    assert action is not None
    services.action_link(rec=rec, user=cast.manager, action=action)
    services.evidence_add(
        rec=rec, user=cast.manager, note="The escalation policy was relaunched in July 2023."
    )
    return rec


def test_the_recommendations_pages_are_accessible_and_fit_a_phone(
    live_server: Any, cast: Cast, repeated: Recommendation, page: Page, screenshots: Path
) -> None:
    rec = repeated
    visits = Visits(screenshots, "recommendations")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    base = f"/p/{cast.partnership.slug}/recommendations/"
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + base)
        assert page.locator("#recommendations").get_by_text("Made before", exact=True).is_visible()
        visits.check(page, f"the register at {width}px")
        page.goto(f"{live_server.url}{base}{rec.pk}/")
        assert (
            page.locator("#repeat").get_by_role("link", name="Child Q (LCSPR), recommendation 4").is_visible()
        )
        for summary in (
            "Change the details",
            "Add a new action",
            "Link an action already in the log",
            "Add evidence",
            "Record where it stands",
            "Record a check of impact",
        ):
            page.get_by_text(summary).click()
        visits.check(page, f"a recommendation at {width}px")
        # not implemented, without the reason: refused, the errors shown and nothing saved
        page.locator("#status-form").get_by_role("radio", name="Not implemented").check()
        page.locator("#status-form").get_by_role("button", name="Save").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("link", name="Give the reason it was not implemented.").is_visible()
        visits.check(page, f"a refused status at {width}px")
        page.goto(f"{live_server.url}{base}new/?inspection={rec.inspection_id}")
        page.get_by_role("button", name="Record the recommendation").click()  # empty: the errors shown
        page.wait_for_load_state("load")
        visits.check(page, f"a new recommendation with errors at {width}px")
    visits.assert_clean()
    with ThreadPoolExecutor(1) as thread:  # the ORM, outside the browser driver's event loop
        status = thread.submit(lambda: Recommendation.objects.get(pk=rec.pk).status).result()
    assert status == "open"

"""Issue 16, item 7 in a real browser: a board member named on Child Q records the police's change request on
version 1 of its report, corrects it, and withdraws another, on a desktop and on a 320 px phone. Each page is
screenshotted, checked by axe (WCAG 2.2 A and AA) and must not scroll sideways (browser.Visits)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, Cast
from playwright.sync_api import Locator, Page, expect

from boardkeeper.directory.models import Organisation, Person
from boardkeeper.reviews import services
from boardkeeper.reviews.models import Review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]
POLICE = "Warwickshire Police"


@pytest.fixture
def child_q(transactional_db: None, cast: Cast) -> Review:
    """Child Q at its report, version 1 out to the agencies, one request from the ICB recorded by the business
    team, and the cast's board member (Nadia Okafor, of the police) named on it (made before the browser
    starts: the database is not for its event loop's thread)."""
    review = services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Child Q",
        kind="lcspr",
        on=dt.date(2022, 5, 10),
    )
    version = services.version_add(
        review=review, user=cast.manager, number="1", dated=dt.date(2022, 9, 1), summary="For agencies"
    )
    services.change_request_add(
        version=version,
        requested_by="Designated Nurse",
        organisation="Coventry and Warwickshire ICB",
        requested_on=dt.date(2022, 9, 5),
        request="Say the referral was acknowledged the same day.",
    )
    police = Organisation.objects.create(partnership=cast.partnership, name=POLICE)
    nadia = Person.objects.create(
        partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member, organisation=police
    )
    review.named_people.add(nadia)
    return review


def open_details(page: Page, summary: str) -> Locator:
    details = page.locator("details.govuk-details").filter(
        has=page.locator(".govuk-details__summary-text", has_text=summary)
    )
    details.locator(".govuk-details__summary").first.click()
    expect(details.first).to_have_attribute("open", "")
    return details.first.locator(".govuk-details__text")


def test_a_member_records_changes_and_withdraws_their_agencys_requests(
    live_server: Any, cast: Cast, child_q: Review, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "change-requests")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.member.username, PASSWORD)
    url = f"{live_server.url}/reviews/{child_q.pk}/"
    for width, reference in ((1280, "Paragraph 4.2"), (320, "Section 5, findings")):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        expect(page.get_by_role("heading", name="Your agency's comments and change requests")).to_be_visible()
        form = open_details(page, f"Add a comment or change request for {POLICE}")
        form.get_by_role("button", name="Record it").click()  # empty: the errors shown
        page.wait_for_load_state("load")
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the paragraph or section.")
        visits.check(page, f"an empty request refused at {width}px")

        form = page.locator("#agency-form .govuk-details__text")
        form.get_by_label("Change request").check()
        form.get_by_label("Paragraph or section").fill(reference)
        form.get_by_label("Your comment or requested change").fill("The strategy meeting was on 3 May.")
        form.get_by_role("button", name="Record it").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"Your change request is recorded for {POLICE} against version 1."
        )
        row = page.locator("table#change-log tbody tr").filter(has_text=reference)
        expect(row).to_contain_text(f"Nadia Okafor, {POLICE}")
        expect(row).to_contain_text("Awaiting a response")

        card = page.locator(f"#agency-{row.get_attribute('data-request')}-form")  # her request's own card
        edit = open_details(page, f"Change this request ({reference})")
        edit.get_by_label("Your comment or requested change").fill("The strategy meeting was on 4 May.")
        edit.get_by_role("button", name="Save the change").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Your request is changed."
        )
        expect(card).to_contain_text("The strategy meeting was on 4 May.")
        open_details(page, f"Change this request ({reference})")
        open_details(page, f"Withdraw this request ({reference})")
        visits.check(page, f"her request with its forms open at {width}px")
    # the second is withdrawn, and stays in the log as withdrawn
    page.get_by_role("button", name="Withdraw the request (Section 5, findings)").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your request is withdrawn.")
    expect(page.locator("table#change-log tbody tr").filter(has_text="Section 5, findings")).to_contain_text(
        "Withdrawn by the agency"
    )
    visits.check(page, "a request withdrawn at 320px")
    expect(page.get_by_role("button", name="Withdraw the request (Section 5, findings)")).to_have_count(0)
    visits.assert_clean()

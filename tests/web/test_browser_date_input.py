"""GOV.UK's date input (day, month, year) in a real browser, on 'Plan the next meeting': a date the minutes
gave that has passed is not offered, a date without its month is refused with GOV.UK's message and the
month box marked, and a real date plans the meeting. Screenshots at 1280 and 320 px, axe clean, nothing
wider than the window (browser.Visits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, Cast
from django.urls import reverse
from playwright.sync_api import Page, expect

from boardkeeper.meetings.models import Meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


def test_the_date_input_takes_day_month_and_year_and_says_what_is_missing(
    transactional_db: None, live_server: Any, cast: Cast, held: Meeting, page: Page, screenshots: Path
) -> None:
    url = live_server.url + reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug])
    visits = Visits(screenshots, "date-input")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        date = page.get_by_role("group", name="Date of the next meeting")
        expect(date).to_contain_text("The minutes of the last meeting gave 11 March 2022, which has passed.")
        for box in ("Day", "Month", "Year"):
            expect(date.get_by_label(box)).to_have_value("")  # not the date that has passed
            expect(date.get_by_label(box)).to_have_attribute("inputmode", "numeric")
        visits.check(page, f"plan the next meeting at {width}px")

        date.get_by_label("Day").fill("12")
        date.get_by_label("Year").fill("2027")
        page.get_by_role("button", name="Plan the next meeting").click()
        page.wait_for_load_state("load")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Date of the next meeting must include a month"
        )
        date = page.get_by_role("group", name="Date of the next meeting")
        expect(date.get_by_label("Month")).to_have_class(
            "govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error"
        )
        expect(date.get_by_label("Day")).not_to_have_class("govuk-input--error")
        expect(date.get_by_label("Day")).to_have_value("12")  # what was typed is kept
        expect(date.get_by_label("Year")).to_have_value("2027")
        visits.check(page, f"a date without its month at {width}px")

        date.get_by_label("Year").fill("2021")
        date.get_by_label("Month").fill("3")
        page.get_by_role("button", name="Plan the next meeting").click()
        page.wait_for_load_state("load")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "The date of the next meeting must be today or in the future"
        )
        visits.check(page, f"a date in the past at {width}px")

    date = page.get_by_role("group", name="Date of the next meeting")
    date.get_by_label("Year").fill("2027")
    page.get_by_label("Time (optional)").fill("10:00")
    page.get_by_label("Venue (optional)").fill("Shire Hall, Warwick")
    page.get_by_role("button", name="Plan the next meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda for Friday 12 March 2027")
    visits.check(page, "the meeting planned")
    visits.assert_clean()

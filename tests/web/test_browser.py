"""Issue 3 in a real browser: the business team imports the seed minutes, corrects an owner, and
cannot import them twice; and the error messages on the way, on a phone's width.

Every page visited gets a full-page screenshot (in $BOARDKEEPER_SCREENSHOTS, or the test's tmp_path)
and an axe-core run (WCAG 2.2 A and AA); a serious or critical violation fails the test, as does a
request that fails, a script error, a page without GOV.UK Frontend's styles or one that scrolls sideways.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, fill_date, sign_in, to_partnership
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Locator, Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

CORRECTED = "Seek update on budget shortfall sum from Finance"
TIMEOUT_MS = 15_000


def visits_of(page: Page, screenshots: Path, prefix: str) -> Visits:
    visits = Visits(screenshots, prefix)
    visits.clear()
    visits.watch(page)
    return visits


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


# Django's ORM is not called while the browser runs: Playwright's sync API keeps an event loop on this
# thread, and the cast (built by its fixture before the browser starts) is all the test needs.


def test_the_business_team_imports_minutes_corrects_an_owner_and_cannot_import_them_twice(
    transactional_db: None, live_server: Any, cast: Cast, page: Page, screenshots: Path
) -> None:
    visits = visits_of(page, screenshots, "import")
    url = live_server.url

    # Sign in: a partnership of one goes straight to it
    page.goto(f"{url}/accounts/login/")
    expect(heading(page)).to_have_text("Sign in")
    visits.check(page, "sign in")
    sign_in(page, cast.manager.username, PASSWORD)
    to_partnership(page, cast.partnership.name)
    expect(heading(page)).to_have_text(cast.partnership.name)
    visits.check(page, "partnership")

    # The board, then the upload
    page.get_by_role("link", name=cast.board.name).click()
    expect(heading(page)).to_have_text(cast.board.name)
    visits.check(page, "board before import")
    page.get_by_role("button", name="Import minutes").click()
    expect(heading(page)).to_have_text("Import minutes")
    visits.check(page, "upload")
    page.get_by_label("Minutes file").set_input_files(SEED_DOCX)
    page.get_by_role("button", name="Read the minutes").click()

    # The preview (it polls while a worker reads the file; the immediate backend has read it already)
    expect(heading(page)).to_have_text("Check the minutes before you import them")
    visits.check(page, "preview")
    people = page.locator("[data-list='people'] > div")
    expect(people).to_have_count(8)
    expect(people.filter(has_text="Pete Hill")).to_contain_text("New person")
    expect(page.get_by_role("heading", name="Items (11)")).to_be_visible()
    expect(page.get_by_role("heading", name="Items (11)").locator("+ ol > li")).to_have_count(11)
    expect(page.get_by_role("heading", name="Actions (8 of 10 to import)")).to_be_visible()
    cards = page.locator("#extraction [id^='action-']")
    expect(cards).to_have_count(10)
    commitments = cards.filter(has_text="From the discussion")
    expect(commitments).to_have_count(2)
    for card in commitments.all():
        expect(card).to_contain_text("Elaine Coleridge-Smith")  # the owner read from the discussion
        expect(card).to_contain_text("Not imported")
        expect(card.get_by_role("button", name=re.compile("^Import it"))).to_be_visible()

    # Correct one owner, then import
    card = cards.filter(has_text=CORRECTED)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Amrita Sharma")
    card.get_by_role("link", name=re.compile("^Change action")).click()
    form = page.locator("#editing")
    form.get_by_label("Amrita Sharma").uncheck()
    form.get_by_label("Pete Hill").check()
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#editing")).to_have_count(0)
    expect(cards.filter(has_text=CORRECTED).locator("dd").nth(1)).to_have_text("Pete Hill")
    page.get_by_role("button", name="Import these minutes").click()

    # The meeting: eight actions, the corrected owner kept, the others as the minutes say
    expect(heading(page)).to_have_text("Meeting of Wednesday 23 February 2022")
    expect(page.get_by_role("alert")).to_contain_text("Imported: 8 actions")
    visits.check(page, "meeting after import")
    expect(page.get_by_role("heading", name="Actions (8)")).to_be_visible()
    log = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Status"))
    expect(log.locator("tbody tr")).to_have_count(8)

    def owner(action: str) -> Locator:
        return log.locator("tbody tr").filter(has_text=action).locator("td").nth(2)

    expect(owner(CORRECTED)).to_have_text("Pete Hill")
    expect(owner("PH to share examples of incidents")).to_have_text("Pete Hill")
    expect(owner("LLB to be progressed")).to_have_text("Warwickshire Safeguarding Team")
    meeting_url = page.url

    # The same file again: the preview says it is already imported and links to the meeting
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=cast.board.name).click()
    expect(heading(page)).to_have_text(cast.board.name)
    expect(page.get_by_role("link", name="23 February 2022")).to_be_visible()
    visits.check(page, "board after import")
    page.get_by_role("button", name="Import minutes").click()
    page.get_by_label("Minutes file").set_input_files(SEED_DOCX)
    page.get_by_role("button", name="Read the minutes").click()
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("These minutes are already imported")
    expect(page.get_by_role("button", name="Import these minutes")).to_have_count(0)
    visits.check(page, "preview already imported")
    link = banner.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(re.escape(meeting_url.removeprefix(url)) + "$"))
    link.click()
    expect(page).to_have_url(meeting_url)
    expect(page.get_by_role("heading", name="Actions (8)")).to_be_visible()

    visits.assert_clean()


def test_error_messages_are_accessible_and_the_preview_fits_a_phone(
    transactional_db: None, live_server: Any, cast: Cast, page: Page, screenshots: Path
) -> None:
    visits = visits_of(page, screenshots, "errors")
    page.set_viewport_size({"width": 320, "height": 640})  # WCAG 1.4.10: no sideways scrolling at 320px

    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, "not the password", succeeds=False)
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    visits.check(page, "sign in with a wrong password")
    sign_in(page, cast.manager.username, PASSWORD)
    to_partnership(page, cast.partnership.name)
    page.get_by_role("link", name=cast.board.name).click()
    page.get_by_role("button", name="Import minutes").click()

    page.get_by_role("button", name="Read the minutes").click()
    expect(page).to_have_title(re.compile("^Error: Import minutes"))
    expect(page.get_by_label("Minutes file")).to_have_accessible_description(
        re.compile("Choose the minutes file to import")
    )
    visits.check(page, "upload without a file")
    page.get_by_label("Minutes file").set_input_files(SEED_DOCX)
    page.get_by_role("button", name="Read the minutes").click()
    expect(heading(page)).to_have_text("Check the minutes before you import them")
    visits.check(page, "preview on a phone")

    page.locator("#meeting + dl").get_by_role("link", name="Change the date").click()
    editing = page.locator("#editing")
    date = editing.get_by_role("group", name="Date of the meeting")
    expect(page.locator("#editing h3")).to_be_focused()
    fill_date(editing, "Date of the meeting", 31, 2, 2022)
    editing.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile("^Error: Check the minutes"))
    # GOV.UK's words, the field's label its subject (boardkeeper/lib/date_input.py), in the field and the summary
    expect(date).to_have_accessible_description(
        re.compile(r"Error:\s+Date of the meeting must be a real date$")
    )
    expect(date.locator(".govuk-error-message")).to_have_text(
        "Error: Date of the meeting must be a real date"
    )
    visits.check(page, "preview with a wrong date")
    page.get_by_role("alert").get_by_role(
        "link", name="Date of the meeting must be a real date", exact=True
    ).click()
    expect(date.get_by_label("Day")).to_be_focused()

    visits.assert_clean()

"""Issue 12 in a real browser: the business team records the board's approval of the seed minutes, then
undoes an import of another rendition of them that went to the wrong board, through its confirmation page.

Every page visited gets a full-page screenshot (in $BOARDKEEPER_SCREENSHOTS, or the test's tmp_path) and an
axe-core run (WCAG 2.2 A and AA), as in test_browser.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, VIEWPORT, Visits, fill_date, sign_in, to_partnership
from cast import FIXTURES, PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Locator, Page, expect

from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_update
from boardkeeper.directory.models import Board
from boardkeeper.imports.services import import_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"
PETES = "PH to share examples of incidents"
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Imported:
    """The seed minutes imported to the Executive Board, and their text rendition to another board by
    mistake. (Built before the browser starts: the ORM is not called while it runs.)"""

    wrong_board: str


@pytest.fixture
def imported(cast: Cast) -> Imported:
    import_file(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes())
    learning = Board.objects.create(
        partnership=cast.partnership, name="Learning and Improvement Group", slug="learning"
    )
    import_file(board=learning, user=cast.manager, name=SEED_TXT.name, data=SEED_TXT.read_bytes())
    return Imported(wrong_board=learning.name)


@pytest.fixture
def worked_on(cast: Cast) -> str:
    """The seed minutes imported, and one of their actions worked on since: the action that stays."""
    import_file(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes())
    action = Action.objects.get(text=PETES)
    action_update(
        action=action, user=cast.manager, version=action.version, status="in_progress", note="Asked."
    )
    return action.text


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def meetings_table(page: Page) -> Locator:
    return page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Status"))


def test_the_business_team_approves_the_minutes_and_undoes_an_import_to_the_wrong_board(
    transactional_db: None,
    live_server: Any,
    cast: Cast,
    imported: Imported,
    page: Page,
    screenshots: Path,
) -> None:
    visits = Visits(screenshots, "undo")
    visits.clear()
    visits.watch(page)

    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    to_partnership(page, cast.partnership.name)
    expect(heading(page)).to_have_text(cast.partnership.name)

    # The Executive Board's meeting: draft minutes, with the approval offered at the next meeting's date
    page.get_by_role("link", name=cast.board.name, exact=True).click()
    expect(heading(page)).to_have_text(cast.board.name)
    expect(meetings_table(page).locator("tbody tr")).to_have_text(
        re.compile(r"23 February 2022\s+Draft minutes")
    )
    visits.check(page, "board with draft minutes")
    page.get_by_role("link", name="23 February 2022").click()
    expect(heading(page)).to_have_text("Meeting of Wednesday 23 February 2022")
    expect(page.locator("[data-field='minutes-status']")).to_have_text("Draft minutes")
    date = page.get_by_role("group", name="Date the board approved the minutes")
    for box, value in (("Day", "11"), ("Month", "3"), ("Year", "2022")):
        expect(date.get_by_label(box)).to_have_value(value)
    visits.check(page, "meeting with draft minutes")

    # A date before the meeting is refused, with the error where the date is
    fill_date(page, "Date the board approved the minutes", 20, 2, 2022)
    page.get_by_role("button", name="Record the approval").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(date).to_have_accessible_description(
        re.compile(r"Error:\s+The minutes cannot have been approved before")
    )
    visits.check(page, "approval before the meeting")
    page.get_by_role("alert").get_by_role("link").click()
    expect(date.get_by_label("Day")).to_be_focused()

    fill_date(page, "Date the board approved the minutes", 11, 3, 2022)
    page.get_by_role("button", name="Record the approval").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Recorded: the board approved the minutes on 11 March 2022."
    )
    expect(page.locator("[data-field='minutes-status']")).to_have_text("Approved on 11 March 2022")
    visits.check(page, "meeting with approved minutes")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=cast.board.name).click()
    expect(meetings_table(page).locator("tbody tr")).to_have_text(
        re.compile(r"23 February 2022\s+Minutes approved on 11 March 2022")
    )
    visits.check(page, "board with approved minutes")

    # The same minutes went to the wrong board too: undo that import, from its meeting's page
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=cast.partnership.name).click()
    page.get_by_role("link", name=imported.wrong_board).first.click()
    expect(heading(page)).to_have_text(imported.wrong_board)
    page.get_by_role("link", name="23 February 2022").click()
    expect(heading(page)).to_have_text("Meeting of Wednesday 23 February 2022")
    page.get_by_role("link", name="Undo this import").click()

    expect(heading(page)).to_have_text("Undo the import of these minutes")
    expect(
        page.get_by_text("8 people already in the directory when these minutes came stay as before.")
    ).to_be_visible()
    removed = page.locator("[data-list='removed']")
    expect(removed).to_contain_text("The meeting of 23 February 2022")
    expect(removed).to_contain_text(f"Membership of the {imported.wrong_board}")
    expect(removed).to_contain_text(SEED_TXT.name)
    page.get_by_text("8 actions").click()  # the list of the actions that go
    expect(
        removed.get_by_role("listitem").filter(has_text="PH to share examples of incidents")
    ).to_be_visible()
    visits.check(page, "undo confirmation")
    page.set_viewport_size({"width": 320, "height": 640})  # WCAG 1.4.10: no sideways scrolling at 320px
    visits.check(page, "undo confirmation on a phone")
    page.set_viewport_size(VIEWPORT)

    page.get_by_role("button", name="Undo this import").click()
    expect(heading(page)).to_have_text(imported.wrong_board)
    expect(page.get_by_role("alert")).to_contain_text(f"The import of {SEED_TXT.name} is undone")
    expect(meetings_table(page).locator("tbody")).to_have_text(re.compile(r"^\s*No meetings yet\.\s*$"))
    visits.check(page, "board after the undo")

    # the Executive Board's minutes, and their approval, are untouched
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=cast.partnership.name).click()
    page.get_by_role("link", name=cast.board.name, exact=True).first.click()
    expect(meetings_table(page).locator("tbody tr")).to_have_text(
        re.compile(r"23 February 2022\s+Minutes approved on 11 March 2022\s+11\s+8")
    )

    visits.assert_clean()


def test_the_confirmation_says_first_what_stays_and_why(
    transactional_db: None, live_server: Any, cast: Cast, worked_on: str, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "undo-kept")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    to_partnership(page, cast.partnership.name)
    page.get_by_role("link", name=cast.board.name, exact=True).click()
    page.get_by_role("link", name="23 February 2022").click()
    page.get_by_role("link", name="Undo this import").click()

    expect(heading(page)).to_have_text("Undo the import of these minutes")
    stays = page.get_by_role("heading", name="What stays, and why")
    expect(stays).to_be_visible()
    kept = page.get_by_role("table", name=re.compile("Actions that stay"))
    expect(kept.locator("tbody tr")).to_have_count(1)
    expect(kept.locator("tbody tr")).to_contain_text(worked_on)
    expect(kept.locator("tbody tr")).to_contain_text("Worked on since the import: status Open to In progress")
    people = page.get_by_role("table", name=re.compile("People added with these minutes who stay"))
    expect(people.locator("tbody tr")).to_have_text(re.compile(r"Pete Hill\s+owns an action that stays"))
    order = page.evaluate("() => [...document.querySelectorAll('main h2')].map(h => h.textContent.trim())")
    assert order.index("What stays, and why") < order.index("What will be removed")
    visits.check(page, "undo confirmation with what stays")

    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_role("alert")).to_contain_text("the meeting stays, with the 1 action worked on since")
    expect(meetings_table(page).locator("tbody tr")).to_have_text(
        re.compile(r"23 February 2022\s+Held\s+0\s+1")
    )
    visits.check(page, "board after the undo, the meeting held")
    visits.assert_clean()

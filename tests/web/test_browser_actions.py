"""Issue 4 in a real browser: the owner of an action records progress and marks it done; the business
manager plans the next meeting, drafts its agenda from the forward plan and the open actions, and
downloads it as a Word document in the board's four-column layout.

Every page visited gets a full-page screenshot (in $BOARDKEEPER_SCREENSHOTS, or the test's tmp_path)
and an axe-core run (WCAG 2.2 A and AA); a serious or critical violation fails the test, as does a
request that fails, a script error, a page without GOV.UK Frontend's styles or one that scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from browser import AXE_JS, CHROMIUM, VIEWPORT, Visits, launch, to_partnership
from browser import sign_in as browser_sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect, sync_playwright

from boardkeeper.actions import services
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.imports import services as meeting_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

TIMEOUT_MS = 15_000
PETES = "PH to share examples of incidents"
PROGRESS = "examples shared with JG on 3 March"
OFSTED = "Ofsted & IICSA report findings"
ACTION_LOG = "Minutes of the previous meeting and action log"
DRAFT = ["Welcome, introductions and apologies", ACTION_LOG, OFSTED, "Any other business"]
FOUR_COLUMNS = ["Item", "Discussion", "Action Required", "Owner"]


@pytest.fixture
def still_open(transactional_db: None, cast: Cast) -> set[str]:
    """The seed minutes imported and Pete Hill's account linked to him in the directory; the texts of
    the actions that stay open once he marks his done.

    Django's ORM is not called once the browser runs (Playwright's sync API keeps an event loop on the
    test's thread), so everything the test checks against is read here, before it starts.
    """
    meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    pete = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    pete.user = cast.member
    pete.save(update_fields=["user"])
    open_now = set(
        Action.objects.filter(board=cast.board, status__in=services.OPEN_STATUSES).values_list(
            "text", flat=True
        )
    )
    assert PETES in open_now and len(open_now) == 8
    assert list(Action.objects.filter(owner_people=pete).values_list("text", flat=True)) == [PETES]
    return open_now - {PETES}


@pytest.fixture
def page() -> Iterator[Page]:
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` in the project"
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def sign_in(page: Page, username: str) -> None:
    browser_sign_in(page, username, PASSWORD)
    expect(heading(page)).to_have_text("What needs you")  # home first (issue 16), then the partnership
    to_partnership(page, "Warwickshire Safeguarding")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def test_the_owner_closes_his_action_and_the_next_agenda_lists_the_plan_and_the_actions_still_open(
    live_server: Any,
    cast: Cast,
    still_open: set[str],
    page: Page,
    screenshots: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the day the business manager plans the next meeting: 11 March 2022 still to come (issue 16)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2022, 3, 1))
    visits = Visits(screenshots, "actions")
    visits.clear()
    visits.watch(page)
    url = live_server.url

    # (a) Pete Hill signs in and finds his action under 'My actions'
    page.goto(f"{url}/accounts/login/")
    expect(heading(page)).to_have_text("Sign in")
    visits.check(page, "sign in")
    sign_in(page, cast.member.username)
    expect(heading(page)).to_have_text(cast.partnership.name)
    visits.check(page, "member signed in")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My actions").click()
    expect(heading(page)).to_have_text("My actions")
    expect(page.get_by_role("main")).to_contain_text("The actions owned by Pete Hill")
    still = page.get_by_role("table").filter(has=page.locator("caption", has_text="Still open"))
    expect(still.locator("caption")).to_have_text("Still open (1)")
    expect(still.locator("tbody tr")).to_have_count(1)
    expect(still.get_by_role("link", name=PETES)).to_be_visible()
    expect(page.get_by_role("heading", name="Done or dropped (0)")).to_be_visible()
    visits.check(page, "my actions, one open")

    # records progress, then marks it done
    still.get_by_role("link", name=PETES).click()
    expect(heading(page)).to_have_text(PETES)
    expect(page.get_by_text("No updates yet")).to_be_visible()
    visits.check(page, "action before any update")
    page.get_by_role("radio", name="In progress").check()
    page.get_by_label("Progress note").fill(PROGRESS)
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("alert")).to_contain_text("Your update was saved. The action is in progress.")
    visits.check(page, "action in progress")
    expect(page.get_by_role("radio", name="In progress")).to_be_checked()
    page.get_by_role("radio", name="Done").check()
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("alert")).to_contain_text("Your update was saved. The action is done.")
    status = page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text="Status"))
    expect(status.locator("dd")).to_have_text("Done")
    history = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Who"))
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(
        [re.compile(r"\d{4}"), "Pete Hill", "Open → In progress", PROGRESS]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        [re.compile(r"\d{4}"), "Pete Hill", "In progress → Done", ""]
    )
    visits.check(page, "action done with its history")

    # 'My actions' now has it under done
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My actions").click()
    expect(page.locator("caption", has_text="Still open")).to_have_text("Still open (0)")
    done = page.get_by_role("table").filter(has=page.locator("caption", has_text="Done or dropped"))
    expect(done.locator("caption")).to_have_text("Done or dropped (1)")
    expect(done.get_by_role("link", name=PETES)).to_be_visible()
    visits.check(page, "my actions, one done")
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")
    visits.check(page, "signed out")

    # (b) The business manager plans the next meeting from the board's forward plan
    sign_in(page, cast.manager.username)
    expect(heading(page)).to_have_text(cast.partnership.name)
    visits.check(page, "manager signed in")
    page.get_by_role("link", name=cast.board.name, exact=True).click()
    expect(heading(page)).to_have_text(cast.board.name)
    visits.check(page, "board")
    page.get_by_role("link", name="Forward plan and next agendas").click()
    expect(heading(page)).to_have_text("Forward plan")
    next_meeting = page.get_by_role("group", name="Date of the next meeting")
    for box, value in (("Day", "11"), ("Month", "3"), ("Year", "2022")):
        expect(next_meeting.get_by_label(box)).to_have_value(value)
    expect(page.get_by_text("The minutes of the last meeting give 11 March 2022.")).to_be_visible()
    visits.check(page, "forward plan")
    page.get_by_role("button", name="Plan the next meeting").click()

    # its agenda: the standing items, March's forward-plan entry, and the actions still open
    expect(heading(page)).to_have_text("Agenda for Friday 11 March 2022")
    expect(page.get_by_role("alert")).to_contain_text("The meeting of 11 March 2022 is scheduled.")
    cards = page.locator(".govuk-summary-card")
    expect(cards.locator(".govuk-summary-card__title")).to_have_text(
        [f"{n}. {t}" for n, t in enumerate(DRAFT, start=1)]
    )

    def card(n: int, title: str) -> Locator:
        return cards.filter(has=page.get_by_role("heading", name=f"{n}. {title}", exact=True))

    expect(card(3, OFSTED)).to_contain_text("The forward plan")  # March's entry
    log = card(2, ACTION_LOG).get_by_role("table")
    expect(log.locator("caption")).to_have_text(
        f"Actions still open from earlier meetings ({len(still_open)})"
    )
    expect(log.locator("tbody tr")).to_have_count(len(still_open))
    listed = log.locator("tbody tr td:first-child > a").all_inner_texts()
    assert sorted(listed) == sorted(still_open)  # every action still open, and not Pete Hill's
    expect(page.get_by_role("main")).not_to_contain_text(PETES)
    visits.check(page, "agenda for 11 March 2022")

    # (c) The Word download: the board's four columns, the open actions under the action log
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the agenda (Word, .docx)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    visits.assert_clean()

    assert saved.name == "executive-board-agenda-2022-03-11.docx"
    (table,) = docx.Document(str(saved)).tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == FOUR_COLUMNS
    assert [r[1].split("\n")[0] for r in cells[1:] if r[0]] == DRAFT
    actions = [r for r in cells[1:] if not r[0] and r[2]]
    assert sorted(r[2] for r in actions) == sorted(still_open)
    assert all(r[1].startswith("Raised 23 February 2022") for r in actions)
    # they follow the action-log item, before the forward-plan entry
    items = [r[1].split("\n")[0] if r[0] else "" for r in cells[1:]]
    assert items[items.index(ACTION_LOG) + 1 : items.index(ACTION_LOG) + 1 + len(actions)] == [""] * len(
        actions
    )

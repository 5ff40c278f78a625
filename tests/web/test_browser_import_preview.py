"""Issue 12 in a real browser: real minutes the engine reads with errors (Ayton Community Council, 1
October 2019, a PDF of the shared corpus) are corrected in the preview and imported.

The engine takes 'SW had attended an initial consultation...' for an action (its paragraph sits beside
'JF' in the action column) and misses the decision in its last sentence to take CH's advice. The business
manager fixes that action, adds another from a sentence of the minutes, leaves out a false one, says that
'Sarah Woodbury' is the Sarah Woodberry already in the directory and that Tracey Dick was absent, then
imports. Every page is screenshotted and checked by axe (test_browser.py). The preview runs with htmx, as a
user has it; test_import_preview.py posts the same forms without it.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, VIEWPORT, Visits, fill_date, sign_in
from cast import PASSWORD, Cast
from playwright.sync_api import Locator, Page, expect
from shared import CORPUS2, corpus_file

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Attendance

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

AYTON = "01_ayton-cc-2019-10-01.pdf"
WRONG = "SW had attended an initial consultation"
FIXED = "Take advice from CH on the interpretation of the proposal to close small village schools"
SELECTED = "SBC budget consultation was now taking place until February 2020"
MISSED = "on line consultation on the use of CCTV in Duns and Eyemouth was live until 31 October;"


@dataclass(frozen=True)
class Ready:
    path: Path
    woodberry: int  # the directory's Sarah Woodberry


@pytest.fixture
def ready(cast: Cast) -> Ready:
    path = corpus_file(AYTON, CORPUS2)
    woodberry = Person.objects.create(partnership=cast.partnership, full_name="Sarah Woodberry")
    return Ready(path, woodberry.pk)


def card(page: Page, number: int) -> Locator:
    return page.locator(f"#action-{number - 1}")


def test_the_business_manager_corrects_real_minutes_in_the_preview_and_imports_them(
    transactional_db: None,
    live_server: Any,
    cast: Cast,
    ready: Ready,
    page: Page,
    screenshots: Path,
) -> None:
    visits = Visits(screenshots, "preview")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    page.goto(f"{live_server.url}/p/{cast.partnership.slug}/boards/{cast.board.slug}/import/")
    page.get_by_label("Minutes file").set_input_files(str(ready.path))
    page.get_by_role("button", name="Read the minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the minutes before you import them")
    expect(page.get_by_role("heading", name=re.compile(r"^Actions \(18 of 18 to import\)"))).to_be_visible()
    visits.check(page, "preview as read")

    # The source is beside the extraction: action 17's quote is marked in it, and its link goes there
    action = card(page, 17)
    expect(action).to_contain_text(WRONG)
    action.get_by_role("link", name=re.compile("See it in the minutes")).click()
    mark = page.locator("#q-a16")
    expect(mark).to_contain_text(WRONG)
    expect(mark).to_be_in_viewport()

    # Fix action 17: its words, its owner, due at the next meeting
    action.get_by_role("link", name="Change action 17").click()
    form = page.locator("#editing")
    expect(form.get_by_role("heading", name="Change action 17")).to_be_focused()
    form.get_by_label("Action", exact=True).fill(FIXED)
    form.get_by_label("Jim Fullarton").uncheck()
    form.get_by_label("Catherine Chisholm").check()
    form.get_by_label("Or due at a meeting").select_option(label="The next meeting")
    visits.check(page, "changing an action")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#editing")).to_have_count(0)  # saved, and the preview swapped in
    expect(card(page, 17)).to_contain_text(FIXED)
    expect(card(page, 17)).to_contain_text("Catherine Chisholm")
    expect(card(page, 17)).to_contain_text("Next meeting")

    # Leave out a false one: 'was an extension to Old Town feasible?' is a question, not an action
    expect(card(page, 15)).to_contain_text("was an extension to Old Town feasible?")
    card(page, 15).get_by_role("button", name="Leave out action 15").click()
    expect(card(page, 15)).to_contain_text("Not imported")
    expect(page.get_by_role("heading", name=re.compile(r"^Actions \(17 of 18 to import\)"))).to_be_visible()

    # Add the one the reading missed, from its paragraph of the minutes
    paragraph = page.locator("[data-bk-source] p", has_text=MISSED)
    paragraph.get_by_role("link", name=re.compile("^Make an action")).click()
    form = page.locator("#editing")
    expect(form.get_by_role("heading", name="Add an action")).to_be_focused()
    form.get_by_label(MISSED).check()
    form.get_by_label("Action", exact=True).fill("Circulate the link to the CCTV consultation")
    form.get_by_label("Someone else in the partnership").select_option(label="Sarah Woodberry")
    fill_date(form, "Due date", 31, 10, 2019)
    visits.check(page, "adding an action from a sentence")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#editing")).to_have_count(0)  # saved, and the preview swapped in
    added = card(page, 19)
    expect(added).to_contain_text("Added by you")
    expect(added).to_contain_text("Circulate the link to the CCTV consultation")
    expect(added).to_contain_text("31 October 2019")
    expect(page.locator("#q-a18")).to_have_text(re.compile("on line consultation on the use of CCTV"))

    # Words selected in the minutes open the form with them (the script's way; then cancelled)
    page.get_by_role("button", name="Make the selected words an action").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Select the words of the action"))
    page.evaluate(
        """(words) => {
            const p = [...document.querySelectorAll('[data-bk-source] p')].find((e) => e.textContent.includes(words));
            const text = [...p.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.includes(words));
            const start = text.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + words.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }""",
        SELECTED,
    )
    page.get_by_role("button", name="Make the selected words an action").click()
    form = page.locator("#editing")
    expect(form.get_by_label("Action", exact=True)).to_have_value(SELECTED)
    form.get_by_role("link", name="Cancel").click()
    expect(page.locator("#editing")).to_have_count(0)

    # Sarah Woodbury of the minutes is the directory's Sarah Woodberry; Tracey Dick was absent
    woodbury, tracey = page.locator("#person-8"), page.locator("#person-12")
    expect(woodbury).to_contain_text("Sarah Woodbury (SW)")
    woodbury.get_by_role("link", name="Change").click()
    form = page.locator("#editing")
    form.get_by_label("In the directory").select_option(label="Sarah Woodberry")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#editing")).to_have_count(0)  # saved, and the preview swapped in
    expect(woodbury).to_contain_text("Matches Sarah Woodberry")
    expect(tracey).to_contain_text("Tracey Dick")
    tracey.get_by_role("link", name="Change").click()
    form = page.locator("#editing")
    form.get_by_label("Absent").check()
    form.get_by_label("Name", exact=True).fill("")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#editing")).to_contain_text("Enter the person's name.")
    visits.check(page, "a person's correction with an error")
    page.locator("#editing").get_by_label("Name", exact=True).fill("Tracey Dick")
    page.locator("#editing").get_by_role("button", name="Save").click()
    expect(page.locator("#editing")).to_have_count(0)
    expect(tracey).to_contain_text("Absent")
    visits.check(page, "preview corrected")
    page.set_viewport_size({"width": 320, "height": 700})  # on a phone: one column, nothing sideways
    visits.check(page, "preview on a phone")
    page.set_viewport_size(VIEWPORT)

    page.get_by_role("button", name="Import these minutes").click()
    expect(page.get_by_role("alert")).to_contain_text("Imported: 18 actions; 1 people recognised, 12 added")
    visits.check(page, "meeting imported")
    body = page.locator("main")
    expect(body).to_contain_text(FIXED)
    expect(body).to_contain_text("Circulate the link to the CCTV consultation")
    visits.assert_clean()
    with ThreadPoolExecutor(1) as thread:  # the ORM, outside the browser driver's event loop
        thread.submit(what_landed, ready).result()


def what_landed(ready: Ready) -> None:
    """The corrections landed, not the reading."""
    texts = set(Action.objects.values_list("text", flat=True))
    assert FIXED in texts and "Circulate the link to the CCTV consultation" in texts
    assert not any(t.startswith(WRONG) for t in texts)
    assert "was an extension to Old Town feasible?" not in texts
    fixed = Action.objects.get(text=FIXED)
    assert [p.full_name for p in fixed.owner_people.all()] == ["Catherine Chisholm"]
    assert fixed.due_text == "Next meeting"
    added = Action.objects.get(text="Circulate the link to the CCTV consultation")
    assert added.origin == "manual" and str(added.due_date) == "2019-10-31"
    assert [p.pk for p in added.owner_people.all()] == [ready.woodberry]
    assert added.quote == MISSED
    woodberry = Person.objects.get(pk=ready.woodberry)
    assert not Person.objects.filter(full_name="Sarah Woodbury").exists()
    assert woodberry.attendance.get().status == "present"
    assert "Sarah Woodbury" in set(woodberry.aliases.values_list("alias", flat=True))  # learnt for next time
    assert Attendance.objects.get(person__full_name="Tracey Dick").status == "absent"

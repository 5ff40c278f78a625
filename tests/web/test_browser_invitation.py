"""Issue 13 in a real browser, with real mail: the business manager invites Pete Hill (of the imported
seed minutes) as a board member; the e-mail arrives at an SMTP server the test runs on loopback
(aiosmtpd); Pete follows its link, chooses a password, sets up his authenticator app (the code computed
from the key the page shows, as an app would), keeps his recovery codes, and sees his action in My
actions. Every page is screenshotted and checked by axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page, expect
from smtp import Recorder

from boardkeeper.imports.services import import_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

PETES = "PH to share examples of incidents"
NEW_PASSWORD = "a kettle of mental health beds"


@pytest.fixture
def seeded(cast: Cast) -> None:
    import_file(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes())


def test_an_invited_member_follows_the_emailed_link_to_their_actions(
    transactional_db: None,
    live_server: Any,
    cast: Cast,
    seeded: None,
    smtp_server: Recorder,
    page: Page,
    screenshots: Path,
) -> None:
    visits = Visits(screenshots, "invitation")
    visits.clear()
    visits.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    page.goto(f"{live_server.url}/p/{cast.partnership.slug}/access/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has access")
    page.get_by_label("Email address").fill("pete.hill@example.org")
    page.get_by_label("Board member").check()
    page.get_by_label("Who they are in the directory").select_option(label="Pete Hill")
    visits.check(page, "inviting")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to pete.hill@example.org")
    expect(page.locator("#invitations")).to_have_text("Invitations waiting (1)")
    visits.check(page, "invitation waiting")
    page.get_by_role("button", name="Sign out").click()

    (received,) = smtp_server.messages
    assert received.rcpt_tos == ["pete.hill@example.org"]
    assert received.message["Subject"] == "You are invited to Warwickshire Safeguarding on Boardkeeper"
    html = received.message.get_body(preferencelist=("html",))
    text = received.message.get_body(preferencelist=("plain",))
    assert html is not None and text is not None
    (link,) = set(re.findall(r"http://[^\s\"<]+/accounts/invitation/[\w-]+/", text.get_content()))
    assert link in html.get_content()

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Warwickshire Safeguarding")
    visits.check(page, "joining")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("The password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    # the second factor: an app given the key the page shows
    expect(page.get_by_role("heading", level=1)).to_contain_text("authenticator")
    visits.check(page, "second factor set-up")
    page.get_by_text("I cannot scan the code").click()
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="I have saved my codes, continue")).to_be_visible()
    page.get_by_role("link", name="I have saved my codes, continue").click()

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="My actions").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(page.locator("main")).to_contain_text(PETES)
    visits.check(page, "my actions")
    visits.assert_clean()

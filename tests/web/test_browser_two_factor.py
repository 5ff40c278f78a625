"""The second factor in a real browser: the business manager signs in for the first time, is held on
the set-up page (the partnership's page sends her back to it), cannot scan the QR code so types the key,
gives a wrong code and then the right one, and keeps her ten recovery codes. Signing in again asks for
a code: the one she used at set-up is refused (each 30-second step is spent once), a recovery code is
accepted; that recovery code does not work twice, and a new code from the app does.

Every page is served with a strict Content-Security-Policy (no inline script or style): the raw HTML of
the pages has no inline <script>, <style> or style attribute, and the browser reports no violation.

Every page visited gets a full-page screenshot (in $BOARDKEEPER_SCREENSHOTS, or the test's tmp_path)
and an axe-core run (WCAG 2.2 A and AA); a serious or critical violation fails the test, as does a
request that fails, a script error, a page without GOV.UK Frontend's styles or one that scrolls sideways.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyotp
import pytest
from browser import AXE_JS, CHROMIUM, VIEWPORT, Visits, launch
from browser import sign_in as browser_sign_in
from cast import PASSWORD, Cast
from playwright.sync_api import ConsoleMessage, Locator, Page, Response, expect, sync_playwright

pytestmark = [
    pytest.mark.browser,
    pytest.mark.two_factor,  # the sign-in form does not give the second factor: the test gives it
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

TIMEOUT_MS = 15_000
STEP = 30  # seconds of one TOTP step
SET_UP = "Set up your authenticator app"
ENTER = "Enter your code"
WRONG_AT_SET_UP = "The code is not right. Enter the code your app shows now."
WRONG_OR_USED = "The code is not right, or it has been used. Enter the code your app shows now."
RECOVERY_USED = "You signed in with a recovery code. It cannot be used again."
RECOVERY_CODE = re.compile(r"^[0-9a-f]{6}-[0-9a-f]{6}$")
# the raw HTML of a page: what a strict Content-Security-Policy would refuse
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BOARDKEEPER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(transactional_db: None, cast: Cast) -> Iterator[Page]:
    """The browser, opened once the cast is in place (the ORM is not called once Playwright runs)."""
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` in the project"
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        # axe-core in every page before its own scripts: browser.run_axe's add_script_tag is an inline
        # <script>, which the strict CSP refuses; an init script is not subject to the page's CSP
        context.add_init_script(path=str(AXE_JS))
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def path_of(page: Page) -> str:
    """The page's path and query, decoded ('?next=%2Fp%2F' reads '?next=/p/')."""
    return unquote(re.sub(r"^https?://[^/]+", "", page.url))


def wrong_code(secret: str) -> str:
    """A code of six digits that is not the right one in any step near now."""
    totp, now = pyotp.TOTP(secret), time.time()
    near = {totp.at(now + k * STEP) for k in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


def submit_code(page: Page, code: str) -> Response:
    """Enter a code and continue; the response of the page it leads to (after any redirect)."""
    page.get_by_label("Code", exact=True).fill(code)
    with page.expect_navigation() as navigation:
        page.get_by_role("main").get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    response = navigation.value
    assert response is not None
    return response


def qr_loaded(page: Page, name: str) -> list[str]:
    """The set-up's QR code, once the page has loaded: an image the browser could decode and draw."""
    page.wait_for_load_state("load")
    size = page.locator("img.bk-qr").evaluate("i => [i.complete, i.naturalWidth, i.naturalHeight]")
    if not (size[0] and size[1] > 0 and size[2] > 0):
        return [f"{name} ({page.url}): the QR code does not load: complete, width, height = {size}"]
    return []


class Strict:
    """The security headers and the raw HTML of the pages: nothing a strict CSP would refuse."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, response: Response, name: str, *, signed_in: bool = True) -> None:
        self.checked.append(name)
        where = f"{name} ({response.url})"
        headers = response.all_headers()
        csp = headers.get("content-security-policy", "")
        if not csp:
            self.problems.append(f"{where}: no Content-Security-Policy header")
        for wanted in (
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ):
            if wanted not in csp:
                self.problems.append(f"{where}: the CSP has no {wanted!r}: {csp!r}")
        for unsafe in ("unsafe-inline", "unsafe-eval", "*"):
            if unsafe in csp:
                self.problems.append(f"{where}: the CSP allows {unsafe!r}: {csp!r}")
        if headers.get("x-content-type-options") != "nosniff":
            self.problems.append(f"{where}: no 'X-Content-Type-Options: nosniff'")
        if signed_in and "no-store" not in headers.get("cache-control", ""):
            self.problems.append(f"{where}: may be cached: Cache-Control {headers.get('cache-control')!r}")
        html = response.text()
        for pattern, what in (
            (INLINE_SCRIPT, "an inline <script>"),
            (STYLE_ELEMENT, "a <style> element"),
            (STYLE_ATTRIBUTE, "a style attribute"),
            (EVENT_HANDLER, "an inline event handler"),
            (JAVASCRIPT_URL, "a javascript: URL"),
        ):
            for match in pattern.finditer(html):
                self.problems.append(f"{where}: {what}: {match.group(0)[:120]!r}")


def test_first_sign_in_sets_up_the_authenticator_and_later_sign_ins_ask_for_a_code(
    live_server: Any, cast: Cast, page: Page, screenshots: Path
) -> None:
    visits = Visits(screenshots, "two-factor")
    visits.clear()
    visits.watch(page)
    # what the browser refused under the CSP, from the console. The test's own axe-core adds <style>
    # elements while it runs (refused too, and harmless): its messages are not the pages'
    csp_refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text and message.location.get("url") != str(AXE_JS):
            csp_refused.append(f"{path_of(page)}: {message.text} (from {message.location.get('url')})")

    page.on("console", on_console)
    strict = Strict()
    url = live_server.url
    home = f"/p/{cast.partnership.slug}/"
    name = cast.partnership.name

    # 1. first sign-in with the password: held on the set-up of the authenticator
    response = page.goto(f"{url}/accounts/login/")
    assert response is not None
    strict.check(response, "sign in", signed_in=False)
    expect(heading(page)).to_have_text("Sign in")
    browser_sign_in(page, cast.manager.username, PASSWORD, succeeds=True)
    assert path_of(page).startswith("/accounts/two-factor/setup/?next="), page.url
    expect(heading(page)).to_have_text(SET_UP)
    expect(page).to_have_title(re.compile(rf"^{SET_UP} "))
    qr = page.get_by_role("img", name="QR code for adding Boardkeeper to an authenticator app")
    expect(qr).to_be_visible()
    visits.check(page, "set up the authenticator")  # waits for the page's load: the image is loaded or broken
    qr_problems: list[str] = []
    qr_problems += qr_loaded(page, "set up")

    # the partnership's page sends her back until the second factor is given
    response = page.goto(f"{url}{home}")
    assert response is not None
    assert path_of(page) == f"/accounts/two-factor/setup/?next={home}", page.url
    expect(heading(page)).to_have_text(SET_UP)
    strict.check(response, "set up, from the partnership's page")
    qr_problems += qr_loaded(page, "set up, from the partnership's page")

    # 2. she cannot scan the code: the key, typed into the app
    page.locator(".govuk-details__summary", has_text="I cannot scan the code").click()
    key = page.locator("#setup-key")
    expect(key).to_be_visible()
    secret = "".join(key.inner_text().split())
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    visits.check(page, "set up, the key shown")

    # a wrong code
    response = submit_code(page, wrong_code(secret))
    assert path_of(page) == f"/accounts/two-factor/setup/?next={home}", page.url
    expect(page).to_have_title(re.compile(rf"^Error: {SET_UP} "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(WRONG_AT_SET_UP)
    expect(page.locator("#id_code-error")).to_have_text(f"Error: {WRONG_AT_SET_UP}")
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-describedby", "id_code-error")
    strict.check(response, "set up, wrong code")
    visits.check(page, "set up, wrong code")

    # the right code: the app is set up, and ten recovery codes shown once
    used_at = time.time()
    used_code = pyotp.TOTP(secret).at(used_at)
    response = submit_code(page, used_code)
    expect(page.locator(".govuk-panel__title")).to_have_text("Your authenticator app is set up")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = [c.strip() for c in page.locator("#recovery-codes li").all_inner_texts()]
    assert len(codes) == 10, codes
    assert len(set(codes)) == 10, codes
    assert all(RECOVERY_CODE.match(c) for c in codes), codes
    # kept as a file (made in the page: the codes are never fetched again) or printed
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the codes (a text file)").click()
    saved = Path(downloading.value.path()).read_text(encoding="utf-8").splitlines()
    assert downloading.value.suggested_filename == "boardkeeper-recovery-codes.txt"
    assert (
        saved[0].startswith("Boardkeeper recovery codes for ") and [c for c in saved if c in codes] == codes
    )
    expect(page.get_by_role("button", name="print them")).to_be_visible()
    strict.check(response, "recovery codes")
    visits.check(page, "recovery codes")
    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(heading(page)).to_have_text(name)
    assert path_of(page) == home, page.url
    visits.check(page, "partnership page after set-up")

    # the QR code of the set-up is gone with it
    qr_after = page.request.get(f"{url}/accounts/two-factor/qr.svg")
    assert qr_after.status == 404, qr_after.status

    # 3. signing in again asks for a code
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")
    browser_sign_in(page, cast.manager.username, PASSWORD, succeeds=True)
    assert path_of(page).startswith("/accounts/two-factor/?next="), page.url
    expect(heading(page)).to_have_text(ENTER)
    response = page.goto(f"{url}{home}")
    assert response is not None
    assert path_of(page) == f"/accounts/two-factor/?next={home}", page.url
    expect(heading(page)).to_have_text(ENTER)
    strict.check(response, "enter your code")
    visits.check(page, "enter your code")

    # the code of set-up again: its step is spent, whether or not the clock has moved on since
    response = submit_code(page, used_code)
    assert path_of(page) == f"/accounts/two-factor/?next={home}", page.url
    expect(page).to_have_title(re.compile(rf"^Error: {ENTER} "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(WRONG_OR_USED)
    expect(page.locator("#id_code-error")).to_have_text(f"Error: {WRONG_OR_USED}")
    strict.check(response, "enter your code, used code")
    visits.check(page, "enter your code, code used before")

    # a recovery code instead
    response = submit_code(page, codes[0])
    expect(heading(page)).to_have_text(name)
    assert path_of(page) == home, page.url
    expect(page.get_by_role("alert")).to_contain_text(RECOVERY_USED)
    strict.check(response, "partnership page, recovery code")
    visits.check(page, "signed in with a recovery code")

    # that recovery code does not work twice; a new code from the app does
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")
    browser_sign_in(page, cast.manager.username, PASSWORD, succeeds=True)
    expect(heading(page)).to_have_text(ENTER)
    submit_code(page, codes[0])
    expect(page.locator("#id_code-error")).to_have_text(f"Error: {WRONG_OR_USED}")
    visits.check(page, "recovery code used twice")
    # the next step's code: always later than the step spent at set-up, and within the window
    response = submit_code(page, pyotp.TOTP(secret).at(time.time() + STEP))
    expect(heading(page)).to_have_text(re.compile(rf"^({re.escape(name)}|What needs you)$"))  # home: issue 16
    strict.check(response, "partnership page, app's code")
    assert path_of(page) == "/" or path_of(page) == home, page.url
    expect(page.get_by_role("alert")).to_have_count(0)
    visits.check(page, "signed in with the app's code")

    # 4. the partnership's page, fully signed in: the same strict headers and HTML
    response = page.goto(f"{url}{home}")
    assert response is not None
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    strict.check(response, "partnership page")

    print(f"strict CSP checked on: {', '.join(strict.checked)}")
    refused = list(dict.fromkeys(csp_refused))
    assert not qr_problems and not refused and not strict.problems, (
        "\n".join(qr_problems + refused + strict.problems) + f"\n{visits.report()}"
    )
    visits.assert_clean()

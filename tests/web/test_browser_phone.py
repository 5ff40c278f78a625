"""Issue 16, item 3: every page fits a 320 px phone, and no word is broken in the middle to make it fit.

The pages are the permission walk's (tests/web/test_permissions.py: PAGES and its `record`, the partnership
with the seed minutes imported, an upload waiting, a review with a report), opened by the business team, who
may open every one: a page added to the walk is checked here too, with nothing to add. Each is loaded in
Chromium at 320 px and must not scroll sideways (document width <= the window's, WCAG 1.4.10 reflow), and no
element of it may be set to break words anywhere (`word-break: break-all`, `overflow-wrap: anywhere`): a long
word then still breaks where it must (`overflow-wrap: break-word`) but a table no longer shrinks its columns
by cutting every word in two. The one exception is a secret shown once (`.bk-secret`), a single long string.
And every table stacked on a phone has each cell that needs it name its column (tests/web/stacked_tables.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import test_permissions
from browser import CHROMIUM, sign_in
from cast import PASSWORD, signed_in
from django.urls import reverse
from playwright.sync_api import Page
from stacked_tables import unnamed_cells

from boardkeeper.reviews import services as review_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

record = test_permissions.record  # the walk's fixture, used here as it is
PHONE = {"width": 320, "height": 640}
ALLOWED_TO_BREAK_ANYWHERE = ".bk-secret"  # a token shown once: one word with no boundaries to wrap at

# In the page: its width against the window's, and the elements set to break words anywhere (with what they
# say, so a failure names them).
MEASURE = """(allowed) => {
    const breaking = [];
    for (const el of document.body.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        const parent = getComputedStyle(el.parentElement);
        const own = (property, value) => style[property] === value && parent[property] !== value;  // not inherited
        if ((own('wordBreak', 'break-all') || own('overflowWrap', 'anywhere')) && !el.closest(allowed)) {
            const tag = el.cloneNode(false).outerHTML.slice(0, 80);
            breaking.push(`${tag} ${(el.textContent || '').trim().slice(0, 40)}`);
        }
    }
    const wide = [];  // the innermost elements reaching past the window's edge: what to fix
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.right > window.innerWidth + 1 && box.width > 0
            && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1)) {
            wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px`
                + ` "${(el.textContent || '').trim().slice(0, 30)}"`);
        }
    }
    return {width: document.documentElement.scrollWidth, window: window.innerWidth, breaking,
            wide: wide.slice(0, 5)};
}"""


@dataclass(frozen=True)
class Visit:
    name: str
    url: str  # the address the page ends at (a page that redirects: where it leads)


@pytest.fixture
def visits(transactional_db: None, record: test_permissions.Record) -> list[Visit]:
    """Every page of the walk the business team can open as a web page (not a download), its URL built and
    fetched before the browser starts (the walk's builders use the database, which is not for Playwright's
    event loop thread)."""
    client = signed_in(record.cast.manager)
    found: dict[str, Visit] = {}  # by address: a form's page that leads back to its record's is seen once
    for name, page in test_permissions.PAGES.items():
        response = client.get(page.url(record), follow=True)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        url = response.request["PATH_INFO"]
        if response.get("Content-Type", "").startswith("text/html") and url not in found:
            found[url] = Visit(name, url)
    # a review whose statutory clocks run (the walk's has none running): its clocks' table is on its page
    notified = review_services.notification_record(
        partnership=record.cast.partnership,
        user=record.cast.manager,
        pseudonym="Child Q",
        aware_on=dt.date.today() - dt.timedelta(days=3),
    )
    url = reverse("review", args=[notified.pk])
    found[url] = Visit("a review with its clocks running", url)
    # a later page's builder may replace an earlier one's record (a batch of uploads is made anew for each
    # of its pages): the earlier address is gone, and its page is seen at the later one's
    return [visit for visit in found.values() if client.get(visit.url).status_code == 200]


def measure(page: Page) -> dict[str, Any]:
    page.wait_for_load_state("load")
    result: dict[str, Any] = page.evaluate(MEASURE, ALLOWED_TO_BREAK_ANYWHERE)
    return result


def shoot(page: Page, folder: Path, number: int, name: str) -> None:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(folder / f"phone-{number:03d}-{slug}.png"), full_page=True)


def test_every_page_fits_a_320px_phone_without_breaking_words(
    live_server: Any, visits: list[Visit], record: test_permissions.Record, page: Page, screenshots: Path
) -> None:
    assert len(visits) >= 50  # the walk's web pages, not only a few: the list is built, not typed
    for old in screenshots.glob("phone-[0-9][0-9][0-9]-*.png"):
        old.unlink()
    page.set_viewport_size(PHONE)
    wide: list[str] = []
    breaking: list[str] = []
    unnamed: list[str] = []

    def check(number: int, name: str) -> None:
        result = measure(page)
        if result["width"] > result["window"]:
            wide.append(
                f"{name} ({page.url}): {result['width']}px wide in a {result['window']}px window; "
                f"past its edge: {'; '.join(result['wide'])}"
            )
        breaking.extend(f"{name}: {element}" for element in result["breaking"])
        unnamed.extend(
            f"{name}: {cell}" for cell in unnamed_cells(page.content(), row_named_by_first_cell=True)
        )
        shoot(page, screenshots, number, name)

    page.goto(f"{live_server.url}/accounts/login/")
    check(0, "sign in")
    sign_in(page, record.cast.manager.username, PASSWORD)
    for number, visit in enumerate(visits, start=1):
        response = page.goto(live_server.url + visit.url)
        assert response is not None and response.ok, (
            f"{visit.name} ({visit.url}): {response and response.status}"
        )
        check(number, visit.name)
    page.goto(f"{live_server.url}/no/such/page/")
    check(len(visits) + 1, "not found")
    print(f"{len(visits) + 2} pages at 320px; screenshots in {screenshots}")
    failures = ["pages that scroll sideways at 320px:", *wide] if wide else []
    failures += ["elements that break words anywhere:", *breaking] if breaking else []
    failures += ["cells of stacked tables that do not name their column:", *unnamed] if unnamed else []
    assert failures == [], "\n".join(failures)

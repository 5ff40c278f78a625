"""Several minutes at once in a real browser: a .zip of five minutes (and an empty file) uploaded from the
board, followed as each is read, then imported all as read; and the preview flags another rendition of a
meeting already on record. Screenshots and axe-core on each page, as in test_browser.py."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, Visits, sign_in
from cast import FIXTURES, PASSWORD, SEED_DOCX, Cast
from playwright.sync_api import Page, expect
from shared import corpus_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]
TIMEOUT_MS = 15_000


def test_a_zip_of_minutes_is_followed_as_it_is_read_and_imported_all_as_read(
    transactional_db: None, live_server: Any, cast: Cast, page: Page, tmp_path: Path
) -> None:
    archive = tmp_path / "catalogue.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(SEED_DOCX, "2022/" + SEED_DOCX.name)
        z.write(FIXTURES / "warwickshire-executive-board-2022-02-23.pdf", "2022/the-same-as-pdf.pdf")
        for name in ("01_icat-steering-group-2015-12-09.txt", "03_west-dereham-pc-2008-09-18.txt"):
            z.write(corpus_file(name), "older/" + name)
        z.write(FIXTURES / "warwickshire-executive-board-2022-02-23.txt", "2022/the-same-as-text.txt")
        z.writestr("older/empty.txt", b"")
    screenshots = Path(os.environ.get("BOARDKEEPER_SCREENSHOTS") or tmp_path)
    visits = Visits(screenshots, "batch")
    visits.clear()
    visits.watch(page)
    url = live_server.url

    page.goto(f"{url}/accounts/login/")
    sign_in(page, cast.manager.username, PASSWORD)
    page.goto(f"{url}/p/{cast.partnership.slug}/boards/{cast.board.slug}/")
    page.get_by_role("button", name="Import several").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import several minutes")
    visits.check(page, "upload several")
    page.get_by_label("Minutes files").set_input_files(archive)
    page.get_by_role("button", name="Read the minutes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Importing minutes")
    expect(page.get_by_role("status")).to_contain_text("6 of 6 files read.")
    files = page.get_by_role("table").filter(has_text="State")
    expect(files.locator("tbody tr")).to_have_count(6)
    expect(files.locator("tbody tr").filter(has_text="empty.txt")).to_contain_text("Could not be read")
    visits.check(page, "batch read")

    page.get_by_role("button", name="Import all 5 as read").click()
    expect(page.get_by_role("alert").first).to_contain_text("3 meetings imported")
    expect(page.get_by_text(re.compile("already has a meeting on 23 February 2022"))).to_have_count(2)
    expect(files.locator("tbody tr").filter(has_text="Imported")).to_have_count(3)
    visits.check(page, "batch imported")

    # a rendition left waiting: its preview says the meeting is on record, and links to it
    files.locator("tbody tr").filter(has_text="the-same-as-text").get_by_role("link").click()
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "Executive Board already has minutes of a meeting on this date"
    )
    visits.check(page, "preview of another rendition")
    page.get_by_role("region", name="Important").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting of Wednesday 23 February 2022")
    visits.assert_clean()

"""The case review register in a real browser: the business manager records a serious incident
notification, follows its clocks in working days over England's bank holidays (Easter 2022), records the
notification to the Panel, a late rapid review with the reason for the overrun, and the partners'
decision (an LCSPR); adds a version of the report with its PDF, logs two requested changes and answers
one; plans publication in a month that is already full, is refused with the reasons and takes the next
free date; and finds the review on the register.

Every page visited gets a full-page screenshot (in $BOARDKEEPER_SCREENSHOTS, or the test's tmp_path)
and an axe-core run (WCAG 2.2 A and AA); a serious or critical violation fails the test, as does a
request that fails, a script error, a page without GOV.UK Frontend's styles or one that scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import AXE_JS, CHROMIUM, VIEWPORT, Visits, fill_date, launch, to_partnership
from browser import sign_in as browser_sign_in
from cast import PASSWORD, Cast
from playwright.sync_api import Locator, Page, ViewportSize, expect, sync_playwright

from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.reviews import services
from boardkeeper.reviews.models import Review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]

TIMEOUT_MS = 15_000
DUE = "%a %-d %b %Y"  # the review page's clock dates, as Django's "D j M Y"
CHILD = "Child Q"
AWARE = dt.date(2022, 4, 8)  # a Friday; Good Friday (15th) and Easter Monday (18th) follow
NOTIFIED = dt.date(2022, 4, 14)
RAPID_SENT = dt.date(2022, 5, 11)  # a week after it was due
DECIDED = dt.date(2022, 5, 25)
OVERRUN = "The police disclosure arrived on 9 May; the partners met on the 10th."
RATIONALE = "Several agencies knew of the bruising; the review may improve how they share concerns."
LCSPR = "Local child safeguarding practice review"
PDF = b"%PDF-1.4\n%test\n"
NHS, SCHOOL = "Coventry and Warwickshire ICB", "Riverside Primary School"
NHS_ASK = "Paragraph 4.2: say that the health visitor's referral was acknowledged."
SCHOOL_ASK = "Remove the school's name from the chronology."
NOT_AGREED = "The chronology names no school; the paragraph stays as it is."
# two other reviews fill June 2024: at most 2 publications a month, at least 10 working days apart
JUNE = {"Adult R": dt.date(2024, 6, 4), "Family M": dt.date(2024, 6, 20)}
WANTED = dt.date(2024, 6, 11)
NEXT_FREE = dt.date(2024, 7, 4)  # 10 working days after 20 June, in an empty July


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BOARDKEEPER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Expected:
    """What the test checks against, read before the browser runs: Django's ORM is not called once
    Playwright's sync API keeps an event loop on the test's thread."""

    notification_due: str
    rapid_review_due: dt.date


@pytest.fixture
def june_full(transactional_db: None, cast: Cast) -> Expected:
    """Two other reviews of Warwickshire planned for publication in June 2024, so June is full."""
    days = WorkingDays()
    assert all(days.is_working_day(d) for d in [*JUNE.values(), WANTED, NEXT_FREE])
    assert days.between(*JUNE.values()) >= 10
    assert days.between(JUNE["Family M"], NEXT_FREE) == 10
    for pseudonym, day in JUNE.items():
        review = services.review_create(
            partnership=cast.partnership,
            user=cast.manager,
            pseudonym=pseudonym,
            kind=Review.Kind.SAR_MANDATORY if pseudonym.startswith("Adult") else Review.Kind.LEARNING_REVIEW,
            on=dt.date(2024, 1, 15),
        )
        Review.objects.filter(pk=review.pk).update(publication_planned_on=day)
    planned = Review.objects.filter(partnership=cast.partnership).order_by("publication_planned_on")
    assert list(planned.values_list("publication_planned_on", flat=True)) == sorted(JUNE.values())
    return Expected(
        notification_due=f"{days.add(AWARE, 5):{DUE}}",
        rapid_review_due=days.add(AWARE, 15),
    )


@pytest.fixture
def page(june_full: Expected) -> Iterator[Page]:
    """The browser, opened once the data is in place."""
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` in the project"
    with sync_playwright() as p:
        browser = launch(p)
        size: ViewportSize = {"width": VIEWPORT["width"], "height": VIEWPORT["height"]}
        context = browser.new_context(viewport=size, locale="en-GB", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def open_details(page: Page, summary: str) -> Locator:
    """A GOV.UK details element, opened by clicking its summary; its body."""
    details = page.locator("details.govuk-details").filter(
        has=page.locator(".govuk-details__summary-text", has_text=summary)
    )
    details.locator(".govuk-details__summary").click()
    expect(details).to_have_attribute("open", "")
    return details.locator(".govuk-details__text")


def test_the_manager_records_a_rapid_review_through_its_decision_report_and_publication(
    live_server: Any, cast: Cast, june_full: Expected, page: Page, screenshots: Path, tmp_path: Path
) -> None:
    visits = Visits(screenshots, "reviews")
    visits.clear()
    visits.watch(page)
    url = live_server.url
    register = f"{url}/p/{cast.partnership.slug}/reviews/"
    report = tmp_path / "child-q-report-v1.pdf"
    report.write_bytes(PDF)

    # the business manager signs in and opens the register from the partnership's page
    page.goto(f"{url}/accounts/login/")
    browser_sign_in(page, cast.manager.username, PASSWORD)
    to_partnership(page, cast.partnership.name)
    expect(heading(page)).to_have_text(cast.partnership.name)
    page.get_by_role("link", name="Case reviews").click()
    expect(heading(page)).to_have_text("Case reviews")
    assert page.url == register
    expect(page.get_by_role("link", name="Adult R")).to_be_visible()
    expect(page.get_by_role("link", name="Family M")).to_be_visible()
    visits.check(page, "register with two reviews")

    # (a) a serious incident notification: aware on Friday 8 April 2022, the Panel not yet notified
    page.get_by_role("link", name="Record a serious incident notification").click()
    expect(heading(page)).to_have_text("Record a serious incident notification")
    visits.check(page, "notification form")
    page.get_by_label("Pseudonym").fill(CHILD)
    fill_date(page, "Date the local authority became aware", AWARE.day, AWARE.month, AWARE.year)
    expect(page.get_by_role("group", name="Date the Panel was notified").get_by_label("Day")).to_have_value(
        ""
    )
    page.get_by_role("button", name="Record the notification").click()

    expect(heading(page)).to_have_text(CHILD)
    assert re.search(r"/reviews/\d+/$", page.url), page.url
    review_url = page.url
    expect(banner(page)).to_contain_text(f"The notification for {CHILD} is recorded. Its clocks are running.")
    expect(page.locator("#stage-now")).to_have_text("Notification")
    expect(page.get_by_role("heading", name="Clocks")).to_be_visible()
    notification = page.locator('tr[data-clock="notification"]')
    rapid = page.locator('tr[data-clock="rapid_review"]')
    # 5 working days after Friday 8 April, over Good Friday and Easter Monday
    assert june_full.notification_due == "Tue 19 Apr 2022"
    expect(notification.locator("td").nth(0)).to_have_text("Tue 19 Apr 2022")
    expect(notification.locator("th")).to_have_text("Notification to the National Panel")
    expect(notification.locator("td").nth(1)).to_contain_text("Overdue by")
    # 15 working days after 8 April: Easter and the early May bank holiday skipped
    expect(rapid.locator("td").nth(0)).to_have_text(f"{june_full.rapid_review_due:{DUE}}")
    expect(rapid.locator("td").nth(1)).to_contain_text("Overdue by")
    expect(page.locator("#clocks ~ p", has_text="Working days exclude")).to_contain_text("England")
    visits.check(page, "notification recorded, clocks running")

    # (b) the notification to the Panel, on time
    fill_date(page, "Date the Panel was notified", NOTIFIED.day, NOTIFIED.month, NOTIFIED.year)
    page.get_by_role("button", name="Record the notification").click()
    expect(banner(page)).to_contain_text("The notification to the Panel on 14 April 2022 is recorded.")
    expect(page.locator("#stage-now")).to_have_text("Rapid review")
    expect(notification.locator("td").nth(1)).to_have_text("Met on 14 April 2022")
    expect(notification.locator("td").nth(2)).to_have_text("Done")

    # the rapid review, sent late: refused without a reason for the overrun
    fill_date(
        page, "Date the rapid review was sent to the Panel", RAPID_SENT.day, RAPID_SENT.month, RAPID_SENT.year
    )
    page.get_by_role("button", name="Record the rapid review").click()
    due_by = f"It was due by {june_full.rapid_review_due:%-d %B %Y}: say why it ran over."
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=due_by)).to_have_attribute("href", "#id_rapid-overrun_reason")
    expect(page.locator("#id_rapid-overrun_reason-error")).to_contain_text(due_by)
    sent = page.get_by_role("group", name="Date the rapid review was sent to the Panel")
    for box, typed in (("Day", RAPID_SENT.day), ("Month", RAPID_SENT.month), ("Year", RAPID_SENT.year)):
        expect(sent.get_by_label(box)).to_have_value(str(typed))  # what was typed is kept
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(rapid.locator("td").nth(1)).to_contain_text("Overdue by")  # nothing saved
    visits.check(page, "rapid review late without a reason")
    summary.get_by_role("link", name=due_by).click()
    expect(page.get_by_label("Reason for the overrun")).to_be_focused()
    page.get_by_label("Reason for the overrun").fill(OVERRUN)
    page.get_by_role("button", name="Record the rapid review").click()
    expect(banner(page)).to_contain_text("The rapid review is recorded as completed and sent to the Panel.")
    expect(page.locator("#stage-now")).to_have_text("Awaiting the partners' decision")
    expect(rapid.locator("td").nth(1)).to_contain_text(f"Met late, on {RAPID_SENT:%-d %B %Y}")
    expect(rapid.locator("td").nth(1)).to_contain_text(f"Reason for the overrun: {OVERRUN}")
    visits.check(page, "rapid review recorded late with its reason")

    # (c) the partners' decision: an LCSPR, on criteria (a) and (c)
    fill_date(page, "Date of the decision", DECIDED.day, DECIDED.month, DECIDED.year)
    page.get_by_label("(a) the review may identify improvements").check()
    page.get_by_label("(c) the case highlights concerns about two or more organisations").check()
    page.get_by_label(LCSPR, exact=True).check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Record the decision").click()
    expect(banner(page)).to_contain_text(f"The decision is recorded: {LCSPR}.")
    expect(page.locator(".govuk-caption-l")).to_have_text(LCSPR)
    expect(page.locator("#stage-now")).to_have_text("Terms of reference")
    decision = page.locator("#decision + dl.govuk-summary-list")
    row = decision.locator(".govuk-summary-list__row")
    expect(row.filter(has_text="Decided on").locator("dd")).to_have_text(f"{DECIDED:%-d %B %Y}")
    expect(row.filter(has_text="Regulation 11 criteria").locator("dd")).to_have_text("(a), (c)")
    expect(row.filter(has_text="Rationale").locator("dd")).to_have_text(RATIONALE)
    expect(page.locator('tr[data-clock="lcspr"] td').nth(0)).to_have_text("Fri 25 Nov 2022")  # 6 months
    visits.check(page, "decision recorded, an LCSPR")

    # (d) version 1 of the report, with its PDF
    form = open_details(page, "Add a version of the report")
    form.get_by_label("Version number").fill("1")
    fill_date(form, "Date of the version", 3, 3, 2023)
    form.get_by_label("Summary of the changes").fill("First draft from the independent reviewer.")
    form.get_by_label("The report (PDF or Word), optional").set_input_files(report)
    form.get_by_role("button", name="Add the version").click()
    expect(banner(page)).to_contain_text("Version 1 of the report is recorded.")
    expect(page.locator("#stage-now")).to_have_text("Report in draft")
    expect(page.get_by_role("heading", name=re.compile(r"^Version 1, 3 March 2023"))).to_be_visible()
    # fetched with the browser's cookies (the signed-in session), and its bytes and headers checked
    link = page.get_by_role("link", name="Download version 1")
    expect(link).to_have_attribute("href", re.compile(r"^/reviews/\d+/files/\d+/$"))
    got = page.request.get(url + str(link.get_attribute("href")))
    assert got.ok and got.body() == PDF
    assert got.headers["content-disposition"] == f'attachment; filename="{report.name}"'
    assert got.headers["x-content-type-options"] == "nosniff"

    # two requested changes against it, from two organisations
    for who, organisation, on, ask in [
        ("Designated Nurse", NHS, "10/03/2023", NHS_ASK),
        ("Headteacher", SCHOOL, "13/03/2023", SCHOOL_ASK),
    ]:
        form = open_details(page, "Record a requested change")
        expect(form.get_by_label("Version of the report")).to_have_value(re.compile(r"\d+"))
        form.get_by_label("Version of the report").select_option(label="Version 1 (3 March 2023)")
        form.get_by_label("Requested by").fill(who)
        form.get_by_label("Organisation").fill(organisation)
        fill_date(form, "Date of the request", *(int(part) for part in on.split("/")))
        form.get_by_label("Requested change").fill(ask)
        form.get_by_role("button", name="Record the request").click()
        expect(banner(page)).to_contain_text(
            f"The change requested by {organisation} is recorded against version 1."
        )
    log = page.locator("table#change-log")
    rows = log.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("td:nth-child(4) strong")).to_have_text(["Awaiting a response"] * 2)
    visits.check(page, "version 1 with two requested changes")

    # the school's request is not agreed, with the reason
    school = rows.filter(has_text=SCHOOL)
    school.get_by_text(f"Respond to {SCHOOL}").click()
    school.get_by_label("Not agreed").check()
    school.get_by_label("Why").fill(NOT_AGREED)
    fill_date(school, "Date of the response", 20, 3, 2023)
    school.get_by_role("button", name="Record the response").click()
    expect(banner(page)).to_contain_text(f"The response to {SCHOOL}'s request is recorded.")
    expect(log.locator("caption")).to_have_text("Change log: every request and what became of it")
    expect(rows).to_have_count(2)
    nhs, school = rows.filter(has_text=NHS), rows.filter(has_text=SCHOOL)
    expect(nhs.locator("td")).to_have_text(
        [
            "1",
            re.compile(f"^Designated Nurse, {NHS}\\s*10 Mar 2023$"),
            NHS_ASK,
            re.compile("Awaiting a response"),
        ]
    )
    expect(nhs.get_by_text(f"Respond to {NHS}")).to_be_visible()  # still to answer
    expect(school.locator("td")).to_have_text(
        [
            "1",
            re.compile(f"^Headteacher, {SCHOOL}\\s*13 Mar 2023$"),
            SCHOOL_ASK,
            re.compile(f"^Not agreed \\(20 Mar 2023\\)\\s*{re.escape(NOT_AGREED)}\\s*$"),
        ]
    )
    expect(school.locator("details")).to_have_count(0)  # answered: no form left
    visits.check(page, "change log, one not agreed")

    # (e) publication planned in June 2024, which is full: refused, with the next free date
    expect(page.locator("#planned")).to_have_text("Not planned")
    fill_date(page, "Planned publication date", WANTED.day, WANTED.month, WANTED.year)
    page.get_by_role("button", name="Check and plan the date").click()
    clash = page.locator(".govuk-error-summary")
    expect(clash.get_by_role("heading", name="That date clashes")).to_be_visible()
    problems = clash.locator(".govuk-error-summary__list li")
    expect(problems.filter(has_text="June 2024 is full")).to_have_text(
        "June 2024 is full: 2 of 2 publications are planned (Adult R, Family M)."
    )
    expect(problems.filter(has_text="Adult R is planned for 4 June 2024")).to_contain_text(
        "5 working days away; publications need at least 10 working days between them."
    )
    expect(problems.filter(has_text="Family M is planned for 20 June 2024")).to_contain_text(
        "7 working days away"
    )
    expect(page.locator("#proposal")).to_have_text(f"The next free date is {NEXT_FREE:%A %-d %B %Y}.")
    expect(page.locator("#planned")).to_have_text("Not planned")  # nothing saved
    expect(page).to_have_title(re.compile(r"^Error: "))
    visits.check(page, "publication date refused, June full")
    page.get_by_role("button", name=f"Plan it for {NEXT_FREE:%-d %B %Y}").click()
    expect(banner(page)).to_contain_text(f"Publication is planned for {NEXT_FREE:%-d %B %Y}.")
    expect(page.locator("#planned")).to_have_text(f"{NEXT_FREE:%A %-d %B %Y}")
    expect(page.locator("#stage-now")).to_have_text("Publication planned")
    notice_due = WorkingDays().back(NEXT_FREE, 7)
    expect(page.locator('tr[data-clock="notice"] td').nth(0)).to_have_text(f"{notice_due:{DUE}}")
    history = page.locator("#history + table tbody tr")
    expect(history.last).to_contain_text(f"Publication planned for {NEXT_FREE:%-d %B %Y}")
    assert page.url.startswith(review_url)
    visits.check(page, "publication planned for the next free date")

    # (f) the register lists Child Q with its four clocks, under 'Publication planned'
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Case reviews").click()
    expect(heading(page)).to_have_text("Case reviews")
    planned = page.get_by_role("table", name="Publication planned (1)")
    expect(planned.get_by_role("link", name=CHILD)).to_be_visible()
    expect(planned.locator("tbody tr")).to_have_count(4)
    expect(planned.locator("tbody tr td:nth-last-child(3)")).to_have_text(
        [
            "Notification to the National Panel",
            "Rapid review",
            "Review completed and published",
            "Notice to the Panel and the Department for Education",
        ]
    )
    expect(planned.locator("tbody tr td:nth-last-child(2)")).to_have_text(
        ["19 Apr 2022", f"{june_full.rapid_review_due:%-d %b %Y}", "25 Nov 2022", f"{notice_due:%-d %b %Y}"]
    )
    expect(planned.locator("tbody tr td:last-child")).to_contain_text(
        ["Met on 14 April 2022", f"Met late, on {RAPID_SENT:%-d %B %Y}", "Overdue by", "Overdue by"]
    )
    expect(page.locator('td[data-stage="Publication planned"]')).to_have_text("1")
    expect(page.locator('td[data-stage="Terms of reference"]')).to_have_text("2")
    visits.check(page, "register with Child Q")

    visits.assert_clean()

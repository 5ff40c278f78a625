"""Helpers of the browser tests: Debian's Chromium through Playwright, axe-core, full-page screenshots.

Playwright never downloads a browser here: it drives /usr/bin/chromium (docs: browser-testing.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, Playwright, Request, Response

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
VIEWPORT = {"width": 1280, "height": 900}


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class Finding:
    """One axe violation on one page."""

    page: str
    id: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.page}: {self.id} ({self.impact}) {self.help}; targets: {', '.join(self.targets)}"


@dataclass
class Visits:
    """Every page the test visits: a full-page screenshot, an axe run, and what went wrong loading it.

    Call `check(page, name)` once a page has loaded. The failures are kept, not raised, so that one
    run reports every page; `assert_clean()` at the end fails on any of them.
    """

    screenshots: Path
    prefix: str  # of the screenshots' names: one test's shots do not replace another's
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failed requests, script errors
    shots: list[Path] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        """Record responses with an error status, failed requests and uncaught script errors."""

        def on_response(response: Response) -> None:
            if response.status >= 400:
                self.problems.append(
                    f"{response.status} {response.request.method} {response.url} (on {page.url})"
                )

        def on_failed(request: Request) -> None:
            if request.is_navigation_request() and request.failure == "net::ERR_ABORTED":
                # a page load the test itself cut short (the next goto came first) or turned into a
                # download: the browser's doing, not the application's (errors from the server are
                # responses, recorded above)
                return
            self.problems.append(f"failed {request.method} {request.url} (on {page.url}): {request.failure}")

        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        number = len(self.shots) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.screenshots / f"{self.prefix}-{number:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        self.check_layout(page, name)
        for violation in run_axe(page):
            self.findings.append(
                Finding(
                    page=f"{number:02d} {name} ({page.url})",
                    id=violation["id"],
                    impact=violation.get("impact") or "unknown",
                    help=violation["help"],
                    targets=[" ".join(map(str, node["target"])) for node in violation["nodes"]],
                )
            )

    def check_layout(self, page: Page, name: str) -> None:
        """GOV.UK Frontend's styles and script applied, and ours; nothing wider than the window."""
        layout = page.evaluate(
            """() => ({
                govuk: getComputedStyle(document.querySelector('.govuk-width-container')).maxWidth,
                font: getComputedStyle(document.body).fontFamily,
                script: document.body.classList.contains('govuk-frontend-supported'),
                width: document.documentElement.scrollWidth,
                window: window.innerWidth,
            })"""
        )
        if layout["govuk"] == "none" or not layout["font"].startswith("Arial") or not layout["script"]:
            self.problems.append(f"{name} ({page.url}) is not styled by GOV.UK Frontend: {layout}")
        if layout["width"] > layout["window"]:
            self.problems.append(
                f"{name} ({page.url}) scrolls sideways: {layout['width']}px wide in a {layout['window']}px window"
            )

    def serious(self) -> list[Finding]:
        return [f for f in self.findings if f.impact in FAILING_IMPACTS]

    def clear(self) -> None:
        """Screenshots left by an earlier run of the same test."""
        for old in self.screenshots.glob(f"{self.prefix}-[0-9][0-9]-*.png"):
            old.unlink()

    def report(self) -> str:
        lines = [f"screenshots in {self.screenshots}:"] + [f"  {p.name}" for p in self.shots]
        if self.findings:
            lines.append("axe violations:")
            lines += [f"  {f}" for f in self.findings]
        if self.problems:
            lines.append("problems loading the pages:")
            lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def assert_clean(self) -> None:
        print(self.report())
        serious = self.serious()
        assert not serious and not self.problems, (
            f"{len(serious)} serious or critical accessibility violations, "
            f"{len(self.problems)} problems loading pages:\n{self.report()}"
        )


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA rules on the page as it is now; its violations, each with nodes' targets."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol, which the page's Content Security Policy does not
        # govern (a <script> tag would be refused: the policy allows no inline script)
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return list(result["violations"])


def sign_in(page: Page, username: str, password: str, *, succeeds: bool = True) -> None:
    """Sign in on the sign-in page and wait for the page it leads to, so that the next `goto` does not
    abort that navigation (a failed request the visits would report)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if succeeds:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state("load")


def to_partnership(page: Page, name: str) -> None:
    """From the home page a sign-in lands on (what needs you, issue 16) to the partnership's own page."""
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def fill_date(scope: Page | Locator, label: str, day: int, month: int, year: int) -> None:
    """Type a date into GOV.UK's date input: the three boxes of the group its label names."""
    group = scope.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))

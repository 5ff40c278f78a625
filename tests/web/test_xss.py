"""Hostile minutes: script, event-handler, javascript: and attribute-breaking payloads in names, owners,
item titles, discussion, decisions and actions are imported, then shown inert on every page and export.

The minutes are tests/fixtures/xss/minutes.md (markdown: attendance table, items, action markers and an
action table with spreadsheet formulas) and minutes.html (an HTML document whose tags the reader drops and
whose escaped text it keeps). The engine accepts only letters, apostrophes and hyphens in a person's name,
so names carry apostrophes ('Scott O'Lee') while their roles and organisations carry the payloads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import lxml.html
import pytest
from cast import FIXTURES, Cast
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from test_permissions import PAGES, Record

from boardkeeper.actions.models import Action, AgendaEntry, ForwardPlanEntry
from boardkeeper.directory.models import Person, Team
from boardkeeper.imports import services
from boardkeeper.meetings.models import AgendaItem, Decision, Meeting, PendingImport, SourceDocument
from boardkeeper.plan.agenda import agenda_draft
from boardkeeper.plan.calendar_feeds import calendar_feed_create, calendar_of
from boardkeeper.plan.next_meeting import schedule_next_meeting
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import ChangeRequest, Review, Theme

XSS = FIXTURES / "xss"
MD = XSS / "minutes.md"
HTML = XSS / "minutes.html"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
MD_LINK = "[click](javascript:alert(3))"
HTML_LINK = '<a href="javascript:alert(4)">x</a>'
DQUOTE = '" onmouseover="alert(5)'
SQUOTE = "'><svg onload=alert(6)>"
HYPERLINK = '=HYPERLINK("http://evil","x")'
FORMULAS = (HYPERLINK, "+cmd", "@SUM(1)", "-2+3")
MD_NAME = f"minutes {SQUOTE}.md"  # the uploaded file's name is shown too
HTML_NAME = f"minutes {DQUOTE} {IMG}.html"
CRLF_TEXT = f"Call the chair\r\nBEGIN:VEVENT\r\nSUMMARY:injected\nX-INJECTED:1;a,b\\ {SCRIPT}"

# what the raw bytes of a page must never hold: each payload, unescaped
RAW_FORBIDDEN = (SCRIPT, "<img src=x", "<svg onload", DQUOTE, SQUOTE, HTML_LINK, 'href="javascript:')
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcdoc",
}
JS_URL = re.compile(r"^(?:javascript|vbscript|data:text/html)", re.I)  # the favicon is data:,
INVISIBLES = re.compile(r"[\x00-\x20\x7f]+")  # what browsers drop from a URL before reading its scheme


# The record -------------------------------------------------------------------------------------------


@dataclass
class World:
    cast: Cast
    march: Meeting  # the markdown minutes
    may: Meeting  # the HTML minutes
    april: Meeting  # scheduled from the March minutes' 'Date of next meeting'
    people: dict[str, Person]
    md_doc: SourceDocument
    html_doc: SourceDocument
    pending: PendingImport  # the markdown minutes again (one byte more), waiting for their preview
    failed: PendingImport  # a file with a payload for a name that could not be read
    review: Review
    amrita: Person  # the business manager, signed in as cast.manager
    feed_url: str

    def action(self, text: str) -> Action:
        return Action.objects.get(board=self.cast.board, text=text)

    def record(self) -> Record:
        return Record(
            cast=self.cast,
            meeting=self.march,
            person=self.people["Scott O'Lee"],
            document=self.md_doc,
            pending=self.pending,
            review=self.review,
        )


def build_review(cast: Cast, people: Iterable[Person]) -> Review:
    """A rapid review that became an LCSPR, with a payload in every free-text field it has.

    The pseudonym cannot carry one (the forms refuse anything but a label such as 'Family Q'); the
    markdown minutes mention Family Q in an item whose title breaks attributes.
    """
    user = cast.manager
    rs = review_services
    review = rs.notification_record(
        partnership=cast.partnership, user=user, pseudonym="Family Q", aware_on=dt.date(2024, 1, 2)
    )
    review = rs.notified(
        review=review,
        user=user,
        version=review.version,
        on=dt.date(2024, 1, 22),
        overrun_reason=f"{HYPERLINK} {SCRIPT}",
    )
    review = rs.rapid_review_sent(
        review=review, user=user, version=review.version, on=dt.date(2024, 2, 26), overrun_reason=IMG
    )
    review = rs.decision_record(
        review=review,
        user=user,
        version=review.version,
        on=dt.date(2024, 3, 1),
        criteria=["a"],
        rationale=f"Because {SCRIPT}\n{HTML_LINK}",
        leads_to=Review.Kind.LCSPR,
    )
    review = rs.review_details(
        review=review,
        user=user,
        version=review.version,
        terms_of_reference=f"Terms {SCRIPT}\n{IMG}\n{MD_LINK}\n{HTML_LINK}",
        tor_agreed_on=dt.date(2024, 3, 20),
        reviewer=f"Dr {DQUOTE}",
        referral_source=f"Police {SQUOTE}",
    )
    rs.panel_meeting_add(review=review, on=dt.date(2024, 4, 2), note=f"Panel {SQUOTE} {DQUOTE}")
    version = rs.version_add(
        review=review,
        user=user,
        number="1",
        dated=dt.date(2024, 5, 1),
        summary=f"First draft {IMG}\n{SCRIPT}",
        upload=SimpleUploadedFile(f"report {SQUOTE}.pdf", b"%PDF-1.4\n%report\n"),
    )
    change = rs.change_request_add(
        version=version,
        requested_by=HYPERLINK,
        organisation=f"+cmd {IMG}",
        requested_on=dt.date(2024, 5, 10),
        request=f"@SUM(1) {SCRIPT} {HTML_LINK}",
    )
    rs.change_request_respond(
        request=change,
        row_version=change.row_version,
        response=ChangeRequest.Response.NOT_AGREED,
        rationale=f"-2+3 {DQUOTE} {SQUOTE}",
        on=dt.date(2024, 5, 20),
    )
    rs.family_contact_add(
        review=review, on=dt.date(2024, 5, 2), who=f"Mother {SCRIPT}", how=DQUOTE, summary=f"{IMG} {MD_LINK}"
    )
    rs.parallel_process_add(review=review, kind="inquest", description=f"Inquest {SQUOTE} {HTML_LINK}")
    theme = Theme.objects.create(partnership=cast.partnership, name=f"@SUM(1) {SCRIPT}")
    rs.themes_set(review=review, themes=[theme])
    rs.named_people_set(review=review, people=people)
    return Review.objects.get(pk=review.pk)


@pytest.fixture
def world(cast: Cast) -> World:
    board = cast.board
    march = services.import_file(board=board, user=cast.manager, name=MD_NAME, data=MD.read_bytes())
    assert march.meeting.next_meeting_date == dt.date(2022, 4, 8)
    april = schedule_next_meeting(board=board, date=march.meeting.next_meeting_date)
    may = services.import_file(board=board, user=cast.manager, name=HTML_NAME, data=HTML.read_bytes())
    pending = services.import_upload(
        board=board, user=cast.manager, name=MD_NAME, data=MD.read_bytes() + b"\n"
    )
    failed = services.import_upload(
        board=board, user=cast.manager, name=f"{SCRIPT} {SQUOTE}.docx", data=b"PK\x03\x04broken zip"
    )
    people = {p.full_name: p for p in Person.objects.filter(partnership=cast.partnership)}
    amrita = people["Amrita Sharma"]
    amrita.user = cast.manager
    amrita.save()
    # a text no minutes give (the engine reads an action as one line): for the calendar's escaping
    crlf = Action.objects.create(
        board=board,
        meeting=march.meeting,
        position=99,
        text=CRLF_TEXT,
        due_date=dt.date(2022, 4, 1),
        origin=Action.Origin.MANUAL,
    )
    crlf.owner_people.add(amrita)
    feed = calendar_feed_create(person=amrita)
    payload_people = [people[n] for n in ("Scott O'Lee", "Imogen D'Grey", "Quinn Hart", "Sven Vale")]
    review = build_review(cast, payload_people)
    for p in (pending, failed):
        p.refresh_from_db()
    return World(
        cast=cast,
        march=march.meeting,
        may=may.meeting,
        april=april,
        people=people,
        md_doc=SourceDocument.objects.get(meeting=march.meeting),
        html_doc=SourceDocument.objects.get(meeting=may.meeting),
        pending=pending,
        failed=failed,
        review=review,
        amrita=amrita,
        feed_url=reverse("calendar_feed", args=[feed.token]),
    )


# Checks -----------------------------------------------------------------------------------------------


def signed_in(world: World) -> Client:
    client = Client()
    client.force_login(world.cast.manager)
    return client


def js_url(value: str) -> bool:
    return bool(JS_URL.match(INVISIBLES.sub("", value)))


def inert_problems(content: bytes | str) -> list[str]:
    """Everything on a page that would run script: none of it may come from the record."""
    raw = content.decode() if isinstance(content, bytes) else content
    problems = [f"unescaped {p!r} in the HTML" for p in RAW_FORBIDDEN if p in raw]
    doc = lxml.html.document_fromstring(raw)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag == "script":
            src = el.get("src", "")
            if not src.startswith("/static/") or (el.text or "").strip():
                problems.append(f"a script not the app's own: src={src!r} text={(el.text or '')[:60]!r}")
        if tag in ("iframe", "object", "embed", "base", "frame"):
            problems.append(f"an unexpected <{tag}>")
        if tag == "meta" and el.get("http-equiv", "").lower() == "refresh":
            problems.append("a <meta http-equiv=refresh>")
        if tag == "img" and el.get("src", "").strip() == "x":
            problems.append("an <img src=x>")
        if tag == "svg" and el.get("onload") is not None:
            problems.append("an <svg onload>")
        for name, value in el.attrib.items():
            lname = name.rsplit("}", 1)[-1].lower()
            if lname.startswith("on"):
                problems.append(f"<{tag} {name}={value!r}>: an event handler")
            if re.match(r"^(?:data-)?hx-on", lname):
                problems.append(f"<{tag} {name}={value!r}>: an htmx handler")
            if lname in ("hx-vals", "hx-headers", "data-hx-vals") and INVISIBLES.sub("", value).startswith(
                "js:"
            ):
                problems.append(f"<{tag} {name}={value!r}>: htmx evaluates it")
            if (lname in URL_ATTRIBUTES or lname.startswith("hx-")) and js_url(value):
                problems.append(f"<{tag} {name}={value!r}>: a script URL")
    return problems


def shown_text(content: bytes | str) -> str:
    """What a reader sees: the text, and the values of the inputs they can edit."""
    doc = lxml.html.document_fromstring(content)
    values = [i.get("value", "") for i in doc.iter("input") if i.get("type", "text") not in ("hidden",)]
    return "\n".join([doc.text_content(), *values])


def missing(text: str, expected: Iterable[str]) -> list[str]:
    return [e for e in expected if e not in text]


# 1. What the engine reads -----------------------------------------------------------------------------


def test_the_payloads_reach_the_record(world: World) -> None:
    from boardkeeper.minutes import extract

    for path in (MD, HTML):  # what the engine makes of the documents: shown when this test fails
        minutes = extract(path.read_bytes(), path.name).to_json()
        print(f"{path.name}:")
        for p in minutes["people"]:
            print("  person", p["name"], "|", p["role"], "|", p["organisation"])
        for i in minutes["items"]:
            print("  item", i["number"], i["title"], i["decisions"], i["case_mentions"])
        for a in minutes["actions"]:
            print("  action", a["text"], a["owners"], a["due_text"])
    w = world
    assert w.march.location == f"Room 1 {SCRIPT}"
    assert {"Scott O'Lee", "Imogen D'Grey", "Quinn Hart", "Sven Vale", "Nadia O'Neill"} <= set(w.people)
    jobs = {n: (p.job_title, p.organisation.name if p.organisation else "") for n, p in w.people.items()}
    assert jobs["Scott O'Lee"] == (f"Lead {SCRIPT}", f"Police {SCRIPT}")
    assert jobs["Imogen D'Grey"] == (f"Lead {IMG}", f"Health {IMG}")
    assert jobs["Quinn Hart"] == (f"Lead {DQUOTE}", f"Council {DQUOTE}")
    assert jobs["Sven Vale"] == (f"Officer {SQUOTE}", f"Trust {SQUOTE}")
    assert jobs["Nadia O'Neill"] == (f"Officer {HTML_LINK}", f"Probation {HTML_LINK}")
    titles = set(AgendaItem.objects.filter(meeting__board=w.cast.board).values_list("title", flat=True))
    assert {f"Welcome {SCRIPT}", f"Reviews {DQUOTE} and {SQUOTE}", f"Actions {IMG}"} <= titles
    assert {f"Welcome here {HTML_LINK}", f"Reports {DQUOTE} and {SQUOTE}"} <= titles
    discussion = "\n".join(AgendaItem.objects.values_list("discussion", flat=True))
    for payload in (SCRIPT, IMG, MD_LINK, HTML_LINK, DQUOTE, SQUOTE):
        assert payload in discussion
    assert 'javascript:alert(4)"' not in discussion.replace(HTML_LINK, "")  # the real <a> lost its href
    decisions = set(Decision.objects.values_list("text", flat=True))
    assert f"Decision: Agreed {SCRIPT} and {IMG}." in decisions
    assert f"Decision: Agreed {HTML_LINK} and {IMG}." in decisions
    actions = set(Action.objects.values_list("text", flat=True))
    assert set(FORMULAS) <= actions
    assert {
        f"SO to report on {SCRIPT}.",
        f"ID to check {IMG} and {MD_LINK}.",
        f"QH to fix {DQUOTE} and {SQUOTE}.",
        f"NO to follow up {HTML_LINK} and {SCRIPT}.",
        f"AS to send {SQUOTE} and {DQUOTE} to partners.",
    } <= actions
    assert {f"Team {IMG}", f"Team {DQUOTE}"} <= set(Team.objects.values_list("name", flat=True))
    assert [p.full_name for p in w.action(f"Tell {SCRIPT}").owner_people.all()] == []
    assert [t.name for t in w.action(f"Tell {SCRIPT}").owner_teams.all()] == [f"Team {IMG}"]
    assert w.action("+cmd").due_meeting == w.april
    plan = ForwardPlanEntry.objects.get(board=w.cast.board)
    assert plan.topic == f"{SCRIPT} and {SQUOTE}" and plan.target_meeting == w.april
    agenda = [e.title for e in agenda_draft(meeting=w.april)]
    assert f"{SCRIPT} and {SQUOTE}" in agenda
    assert w.pending.status == PendingImport.Status.READY
    assert w.failed.status == PendingImport.Status.FAILED
    assert w.md_doc.name == MD_NAME and w.html_doc.name == HTML_NAME
    assert list(review_services.mentions_of(w.review).values_list("item__title", flat=True)) == [
        f"Reviews {DQUOTE} and {SQUOTE}"
    ]


# 2. Every page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    url: Callable[[World], str]
    expected: tuple[str, ...]  # payload texts the page shows, as text
    headers: dict[str, str] | None = None


ACTION_TEXTS = (
    f"SO to report on {SCRIPT}.",
    f"ID to check {IMG} and {MD_LINK}.",
    f"QH to fix {DQUOTE} and {SQUOTE}.",
    *FORMULAS,
    f"Tell {SCRIPT}",
    f"Ask {SQUOTE}",
)
TEAMS = (f"Team {IMG}", f"Team {DQUOTE}")
HTML_ACTIONS = (
    f"NO to follow up {HTML_LINK} and {SCRIPT}.",
    f"AS to send {SQUOTE} and {DQUOTE} to partners.",
)
PERSON_DETAILS = {
    "Scott O'Lee": (f"Lead {SCRIPT}", f"Police {SCRIPT}", f"SO to report on {SCRIPT}."),
    "Imogen D'Grey": (f"Lead {IMG}", f"Health {IMG}", f"ID to check {IMG} and {MD_LINK}."),
    "Quinn Hart": (f"Lead {DQUOTE}", f"Council {DQUOTE}", f"QH to fix {DQUOTE} and {SQUOTE}.", "@SUM(1)"),
    "Sven Vale": (f"Officer {SQUOTE}", f"Trust {SQUOTE}", HYPERLINK, "-2+3"),
    "Nadia O'Neill": (f"Officer {HTML_LINK}", f"Probation {HTML_LINK}", HTML_ACTIONS[0]),
    "Amrita Sharma": ("+cmd", HTML_ACTIONS[1], CRLF_TEXT.split("\r\n")[0]),
}


def slug_args(w: World, *more: Any) -> list[Any]:
    return [w.cast.partnership.slug, w.cast.board.slug, *more]


def forward_entry(w: World) -> AgendaEntry:
    return next(e for e in agenda_draft(meeting=w.april) if e.source_id)


SHOWN: dict[str, Shown] = {
    "meeting (markdown minutes)": Shown(
        lambda w: reverse("meeting", args=[w.march.pk]),
        (
            f"Room 1 {SCRIPT}",
            MD_NAME,
            "Scott O'Lee",
            f"Lead {SCRIPT}",
            f"Police {SCRIPT}",
            f"Lead {IMG}",
            f"Council {DQUOTE}",
            f"Trust {SQUOTE}",
            f"Welcome {SCRIPT}",
            f"Reviews {DQUOTE} and {SQUOTE}",
            f"Actions {IMG}",
            f"The chair welcomed members. {IMG} See {MD_LINK}.",
            f"Decision: Agreed {SCRIPT} and {IMG}.",
            *ACTION_TEXTS,
            *TEAMS,
        ),
    ),
    "meeting (HTML minutes)": Shown(
        lambda w: reverse("meeting", args=[w.may.pk]),
        (
            HTML_NAME,
            "Nadia O'Neill",
            f"Officer {HTML_LINK}",
            f"Probation {HTML_LINK}",
            f"Welcome here {HTML_LINK}",
            f"Reports {DQUOTE} and {SQUOTE}",
            f"Decision: Agreed {HTML_LINK} and {IMG}.",
            *HTML_ACTIONS,
        ),
    ),
    "meeting (scheduled)": Shown(lambda w: reverse("meeting", args=[w.april.pk]), ()),
    **{
        f"person {name}": Shown(
            lambda w, name=name: reverse("person", args=[w.people[name].pk]), (name, *details)
        )
        for name, details in PERSON_DETAILS.items()
    },
    "board": Shown(lambda w: reverse("board", args=slug_args(w)), ()),
    "partnership": Shown(lambda w: reverse("partnership", args=[w.cast.partnership.slug]), ()),
    "home": Shown(lambda w: reverse("home"), ()),
    "board action log": Shown(
        lambda w: reverse("board_actions", args=slug_args(w)) + "?sort=raised",
        (*ACTION_TEXTS[:6], *TEAMS, f"Actions {IMG}", f"Quinn Hart (Council {DQUOTE})"),
    ),
    "board action log, htmx fragment": Shown(
        lambda w: reverse("board_actions", args=slug_args(w)) + "?sort=raised",
        (*ACTION_TEXTS[:6], *TEAMS),
        headers={"HX-Request": "true"},
    ),
    "board action log, filtered by an owner": Shown(
        lambda w: reverse("board_actions", args=slug_args(w)) + f"?owner={w.people['Quinn Hart'].pk}",
        (f"QH to fix {DQUOTE} and {SQUOTE}.", "@SUM(1)", f"Quinn Hart (Council {DQUOTE})"),
    ),
    "partnership action log": Shown(
        lambda w: reverse("partnership_actions", args=[w.cast.partnership.slug]) + "?sort=raised",
        (*ACTION_TEXTS[:6], *TEAMS),
    ),
    "my actions": Shown(lambda w: reverse("my_actions"), PERSON_DETAILS["Amrita Sharma"]),
    **{
        f"action {text}": Shown(
            lambda w, text=text: reverse("action", args=[w.action(text).pk]), (text, item)
        )
        for text, item in [
            (f"SO to report on {SCRIPT}.", f"Reviews {DQUOTE} and {SQUOTE}"),
            (f"ID to check {IMG} and {MD_LINK}.", f"Reviews {DQUOTE} and {SQUOTE}"),
            (f"QH to fix {DQUOTE} and {SQUOTE}.", f"Reviews {DQUOTE} and {SQUOTE}"),
            (HYPERLINK, f"Actions {IMG}"),
            (f"Tell {SCRIPT}", f"Actions {IMG}"),
            (f"Ask {SQUOTE}", f"Actions {IMG}"),
            (HTML_ACTIONS[0], f"Reports {DQUOTE} and {SQUOTE}"),
        ]
    },
    "action owners": Shown(
        lambda w: reverse("action_owners", args=[w.action(f"Ask {SQUOTE}").pk]),
        (f"Ask {SQUOTE}", *TEAMS, "Scott O'Lee"),
    ),
    "forward plan": Shown(
        lambda w: reverse("forward_plan", args=slug_args(w)),
        (f"{SCRIPT} and {SQUOTE}",),
    ),
    "forward plan of the partnership": Shown(
        lambda w: reverse("partnership_forward_plan", args=[w.cast.partnership.slug]) + "?from=2022-04",
        (f"{SCRIPT} and {SQUOTE}",),
    ),
    "schedule the next meeting": Shown(lambda w: reverse("forward_plan_schedule", args=slug_args(w)), ()),
    "agenda of the next meeting": Shown(
        lambda w: reverse("agenda", args=[w.april.pk]),
        (f"{SCRIPT} and {SQUOTE}", *ACTION_TEXTS, *TEAMS),
    ),
    "agenda entry from the forward plan": Shown(
        lambda w: reverse("agenda_entry", args=[w.april.pk, forward_entry(w).pk]),
        (f"{SCRIPT} and {SQUOTE}",),
    ),
    "import preview": Shown(
        lambda w: reverse("import_preview", args=[w.pending.pk]),
        (
            MD_NAME,
            "Scott O'Lee",
            f"Lead {SCRIPT}",
            f"Health {IMG}",
            f"Council {DQUOTE}",
            f"Officer {SQUOTE}",
            f"Welcome {SCRIPT}",
            f"Reviews {DQUOTE} and {SQUOTE}",
            *ACTION_TEXTS,
            *TEAMS,
        ),
    ),
    "import that could not be read": Shown(
        lambda w: reverse("import_preview", args=[w.failed.pk]), (f"{SCRIPT} {SQUOTE}.docx",)
    ),
    "import upload": Shown(lambda w: reverse("import_upload", args=slug_args(w)), ()),
    "case reviews": Shown(lambda w: reverse("reviews", args=[w.cast.partnership.slug]), ("Family Q",)),
    "case review": Shown(
        lambda w: reverse("review", args=[w.review.pk]),
        (
            "Family Q",
            f"{HYPERLINK} {SCRIPT}",  # the overrun reasons
            IMG,
            f"Because {SCRIPT}",
            HTML_LINK,
            f"Terms {SCRIPT}",
            MD_LINK,
            f"Dr {DQUOTE}",
            f"Police {SQUOTE}",
            f"Panel {SQUOTE} {DQUOTE}",
            f"First draft {IMG}",
            HYPERLINK,
            f"+cmd {IMG}",
            f"@SUM(1) {SCRIPT} {HTML_LINK}",
            f"-2+3 {DQUOTE} {SQUOTE}",
            f"Mother {SCRIPT}",
            f"{IMG} {MD_LINK}",
            f"Inquest {SQUOTE} {HTML_LINK}",
            f"@SUM(1) {SCRIPT}",  # the theme
            f"Reviews {DQUOTE} and {SQUOTE}",  # the item of the minutes that mentions Family Q
            f"Police {SCRIPT}",  # who may see it: a named person's organisation
            f"Council {DQUOTE}",
        ),
    ),
    "case review settings": Shown(
        lambda w: reverse("review_settings", args=[w.cast.partnership.slug]), (f"@SUM(1) {SCRIPT}",)
    ),
    "my calendar": Shown(lambda w: reverse("my_calendar"), ()),
    "audit log": Shown(
        lambda w: reverse("audit_log", args=[w.cast.partnership.slug]), (SCRIPT, IMG, DQUOTE, SQUOTE)
    ),
    # payloads in the query string, shown back
    "action log with hostile filters": Shown(
        lambda w: (
            reverse("board_actions", args=slug_args(w)) + f"?owner={SCRIPT}&sort={DQUOTE}&raised={SQUOTE}"
        ),
        (),
    ),
    "new review with a hostile pseudonym": Shown(
        lambda w: reverse("review_new", args=[w.cast.partnership.slug]) + f"?pseudonym={SQUOTE}{SCRIPT}", ()
    ),
    "forward plan from a hostile month": Shown(
        lambda w: reverse("forward_plan", args=slug_args(w)) + f"?from={SCRIPT}", ()
    ),
}


@pytest.mark.parametrize("name", list(SHOWN))
def test_each_page_shows_the_payloads_as_text(world: World, name: str) -> None:
    page = SHOWN[name]
    response = signed_in(world).get(page.url(world), follow=True, headers=page.headers or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    if page.headers:
        assert b"<html" not in response.content  # htmx's fragment, not the whole page
    assert inert_problems(response.content) == []
    assert missing(shown_text(response.content), page.expected) == []


ESCAPED = [f"<p>{escape(p)}</p>" for p in (SCRIPT, IMG, MD_LINK, HTML_LINK, DQUOTE, SQUOTE, *FORMULAS)] + [
    f'<input value="{escape(DQUOTE)}">',
    f"<input value='{escape(SQUOTE)}'>",
]
RAW = [
    f"<p>{SCRIPT}</p>",
    f"<p>{IMG}</p>",
    '<p><a href="javascript:alert(3)">click</a></p>',  # markdown rendered
    f"<p>{HTML_LINK}</p>",
    f'<input value="{DQUOTE}">',
    f"<input value='{SQUOTE}'>",
    '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
    '<div hx-on:click="alert(1)">x</div>',
    '<script src="https://evil.example/x.js"></script>',
]


@pytest.mark.parametrize("html", ESCAPED)
def test_the_checks_pass_payloads_escaped(html: str) -> None:
    assert inert_problems(f"<!DOCTYPE html><html><body>{html}</body></html>") == []


@pytest.mark.parametrize("html", RAW)
def test_the_checks_catch_payloads_rendered_raw(html: str) -> None:
    assert inert_problems(f"<!DOCTYPE html><html><body>{html}</body></html>") != []


def test_every_page_of_the_app_is_inert_with_the_hostile_record(world: World) -> None:
    """The pages of test_permissions.PAGES, built on this record: every URL the app has, as the business
    team sees it (exports and downloads are checked below)."""
    client = signed_in(world)
    record = world.record()
    problems: dict[str, list[str]] = {}
    html = 0
    for name, page in PAGES.items():
        response = client.get(page.url(record), follow=True)
        assert response.status_code == 200, name
        if response.get("Content-Disposition", "").startswith("attachment"):
            found = []  # a download: its contents are checked below
        elif response["Content-Type"].startswith("text/html"):
            html += 1
            found = inert_problems(response.content)
        else:
            found = [f"neither a page nor a download: {response['Content-Type']}"]
        if found:
            problems[name] = found
    assert problems == {}
    assert html >= 25


def test_the_minutes_and_report_files_are_downloaded_never_shown(world: World) -> None:
    client = signed_in(world)
    for url in (
        reverse("document", args=[world.html_doc.pk]),
        reverse("document", args=[world.md_doc.pk]),
        reverse("report_file", args=[world.review.pk, world.review.versions.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]


def test_forms_that_take_payloads_show_them_back_inert(world: World) -> None:
    """Flash messages and history quote what was typed: a forward-plan topic, an agenda item, an update's
    note, new owners, a review's family contact, a theme, an uploaded file's name."""
    client = signed_in(world)
    board = slug_args(world)
    topic = f"Plan {SCRIPT} {SQUOTE}"
    steps: list[tuple[str, str, dict[str, Any], tuple[str, ...]]] = [
        ("forward plan", reverse("forward_plan", args=board), {"topic": topic, "target": ""}, (topic,)),
        (
            "agenda",
            reverse("agenda", args=[world.april.pk]),
            {"title": f"Item {IMG}", "presenter": DQUOTE, "papers": HTML_LINK},
            (f"Item {IMG}", DQUOTE, HTML_LINK),
        ),
        (
            "action update",
            reverse("action", args=[world.action(f"Tell {SCRIPT}").pk]),
            {"status": "in_progress", "note": f"Note {SCRIPT}\n{SQUOTE}", "version": "1"},
            (f"Note {SCRIPT}", SQUOTE, f"Tell {SCRIPT}"),
        ),
        (
            "action owners",
            reverse("action_owners", args=[world.action("+cmd").pk]),
            {"teams": [str(t.pk) for t in Team.objects.filter(name__in=TEAMS)], "version": "1"},
            TEAMS,
        ),
        (
            "family contact",
            reverse("review_family", args=[world.review.pk]),
            {
                "family-on": "01/06/2024",
                "family-who": f"Aunt {SQUOTE}",
                "family-how": "meeting",
                "family-summary": f"Said {SCRIPT}",
            },
            (f"Aunt {SQUOTE}", f"Said {SCRIPT}"),
        ),
        (
            "theme",
            reverse("review_settings", args=[world.cast.partnership.slug]),
            {"form": "theme", "theme-name": f"Theme {IMG}"},
            (f"Theme {IMG}",),
        ),
        (
            "upload",
            reverse("import_upload", args=board),
            {"file": SimpleUploadedFile(f"again {SQUOTE}.md", MD.read_bytes() + b"\n\n")},
            (f"again {SQUOTE}.md", f"Welcome {SCRIPT}"),
        ),
    ]
    problems: dict[str, list[str]] = {}
    for name, url, data, expected in steps:
        response = client.post(url, data, follow=True)
        found = [] if response.status_code == 200 else [f"status {response.status_code}"]
        found += inert_problems(response.content) + [
            f"not shown: {m!r}" for m in missing(shown_text(response.content), expected)
        ]
        if found:
            problems[name] = found
    assert problems == {}
    entry = ForwardPlanEntry.objects.get(topic=topic)
    response = client.post(reverse("forward_plan_entry_remove", args=[*board, entry.pk]), follow=True)
    assert inert_problems(response.content) == []
    assert f"‘{topic}’ is off the forward plan." in shown_text(response.content)


# 3. Exports -------------------------------------------------------------------------------------------


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cells(data: bytes) -> list[Any]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def xlsx_problems(data: bytes, expected: Iterable[str]) -> list[str]:
    """Payloads present as text; nothing a spreadsheet would run: no formula cell, no formula in the XML."""
    cells = xlsx_cells(data)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    problems = [f"missing {e!r}" for e in expected if not any(e in t for t in texts)]
    problems += [f"{c.coordinate} is a formula: {c.value!r}" for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                if re.search(r"<(?:\w+:)?f[\s>/]", xml):
                    problems.append(f"{name} holds a formula element")
    return problems


def csv_problems(data: bytes, expected: Iterable[str]) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    cells = [c for row in rows[1:] for c in row]
    problems = [f"a cell a spreadsheet would run: {c!r}" for c in cells if c.startswith(FORMULA_START)]
    problems += [f"missing {e!r}" for e in expected if not any(e in c for c in cells)]
    return problems


def docx_text(data: bytes) -> tuple[str, str]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    return "\n".join(parts), xml


def docx_problems(data: bytes, expected: Iterable[str]) -> list[str]:
    text, xml = docx_text(data)
    problems = [f"missing {e!r}" for e in expected if e not in text]
    if re.search(r"<w:(?:fldSimple|instrText|fldChar)\b", xml):
        problems.append("a field code in the document")  # DDE and HYPERLINK fields run on opening
    if re.search(r"<w:hyperlink\b", xml):
        problems.append("a hyperlink in the document")
    problems += [f"unescaped {p!r} in document.xml" for p in (SCRIPT, "<img ", "<svg ") if p in xml]
    return problems


LOG_EXPECTED = (*ACTION_TEXTS[:3], f"Tell {SCRIPT}", f"Ask {SQUOTE}", *TEAMS, f"Actions {IMG}", *HTML_ACTIONS)


@pytest.mark.parametrize("scope", ["board", "partnership"])
def test_the_action_log_exports_keep_payloads_as_text(world: World, scope: str) -> None:
    client = signed_in(world)

    def url(fmt: str) -> str:
        if scope == "board":
            return reverse("board_actions_export", args=slug_args(world, fmt))
        return reverse("partnership_actions_export", args=[world.cast.partnership.slug, fmt])

    data = {fmt: client.get(url(fmt)) for fmt in ("csv", "xlsx", "docx")}
    assert all(r.status_code == 200 for r in data.values())
    assert csv_problems(data["csv"].content, LOG_EXPECTED) == []
    csv_cells = {c for row in csv.reader(io.StringIO(data["csv"].content.decode("utf-8-sig"))) for c in row}
    assert {"'" + f for f in FORMULAS} <= csv_cells  # quoted, and otherwise as written
    assert xlsx_problems(data["xlsx"].content, LOG_EXPECTED) == []
    xlsx_values = {c.value for c in xlsx_cells(data["xlsx"].content)}
    assert set(FORMULAS) <= xlsx_values  # kept as written, as text cells
    assert docx_problems(data["docx"].content, LOG_EXPECTED) == []
    assert set(FORMULAS) <= set(docx_text(data["docx"].content)[0].splitlines())


def test_the_agenda_and_forward_plan_exports_keep_payloads_as_text(world: World) -> None:
    client = signed_in(world)
    agenda = client.get(reverse("agenda_export", args=[world.april.pk]))
    assert agenda.status_code == 200
    assert docx_problems(agenda.content, (f"{SCRIPT} and {SQUOTE}", *ACTION_TEXTS, *TEAMS)) == []
    assert f"Room 1 {SCRIPT}" not in docx_text(agenda.content)[0]  # the next meeting's place is not known
    plan = client.get(reverse("forward_plan_export", args=slug_args(world)))
    assert plan.status_code == 200
    source = f"Action of the meeting of 11 March 2022, item 3: Add {SCRIPT} and {SQUOTE} to the forward plan for April"
    assert xlsx_problems(plan.content, (f"{SCRIPT} and {SQUOTE}", source)) == []


def test_the_review_exports_keep_payloads_as_text_and_never_as_formulas(world: World) -> None:
    client = signed_in(world)
    register = client.get(reverse("reviews_export", args=[world.cast.partnership.slug]))
    assert register.status_code == 200
    assert (
        xlsx_problems(register.content, ("Family Q", f"{HYPERLINK} {SCRIPT}", IMG, f"@SUM(1) {SCRIPT}")) == []
    )
    changes = client.get(reverse("change_log_export", args=[world.review.pk]))
    assert changes.status_code == 200
    expected = (HYPERLINK, f"+cmd {IMG}", f"@SUM(1) {SCRIPT} {HTML_LINK}", f"-2+3 {DQUOTE} {SQUOTE}")
    assert xlsx_problems(changes.content, expected) == []
    values = {c.value for c in xlsx_cells(changes.content)}
    assert set(expected) <= values


# 4. The calendar feed ---------------------------------------------------------------------------------


def test_the_calendar_feed_escapes_payloads_and_line_breaks(world: World) -> None:
    from icalendar import Calendar

    response = Client().get(world.feed_url)
    assert response.status_code == 200
    body = response.content
    assert (
        b"\r\n" in body
        and b"\n" not in body.replace(b"\r\n", b"")
        and b"\r" not in body.replace(b"\r\n", b"")
    )
    lines = body.decode().split("\r\n")
    assert lines[-1] == ""
    property_line = re.compile(r"^(?:[A-Z][A-Z0-9-]*)(?:;[^:]*)?:|^ ")
    assert [line for line in lines[:-1] if not property_line.match(line)] == []
    assert [line for line in lines if line.startswith(("X-INJECTED", "SUMMARY:injected"))] == []
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    meetings, actions = calendar_of(person=world.amrita)
    assert len(events) == meetings.count() + actions.count()
    assert not [e for e in events if "X-INJECTED" in e]
    texts = {key: [str(e.get(key, "")) for e in events] for key in ("SUMMARY", "DESCRIPTION", "LOCATION")}
    assert f"Room 1 {SCRIPT}" in texts["LOCATION"]
    assert f"Action due: {CRLF_TEXT.replace(chr(13) + chr(10), chr(10))[:120]}" in texts["SUMMARY"]
    crlf = next(d for d in texts["DESCRIPTION"] if d.startswith("Call the chair"))
    assert crlf.startswith(CRLF_TEXT.replace("\r\n", "\n"))  # the line breaks are the text's, escaped
    descriptions = "\n".join(texts["DESCRIPTION"])
    for payload in (f"Report {SCRIPT} and {DQUOTE} and {SQUOTE}", "+cmd"):
        assert payload in descriptions


# 5. Signing in with a hostile next ---------------------------------------------------------------------


def test_the_sign_in_page_never_sends_anyone_to_a_script_url(world: World) -> None:
    login = reverse("login")
    for target in ("javascript:alert(1)", " JavaScript:alert(1)", f'/"{SCRIPT}', "//evil.example/"):
        page = Client().get(login, {"next": target})
        assert page.status_code == 200
        assert inert_problems(page.content) == []
        signed = signed_in(world).get(login, {"next": target})
        assert signed.status_code == 302
        assert not js_url(signed["Location"]) and "evil.example" not in signed["Location"]


# 6. Control characters: the minutes keep them, the exports must not choke on them ---------------------

CONTROLS_MD = (
    "# Warwickshire Safeguarding Executive Board\n\nDate: 11 March 2022\n\n"
    "Present: Amrita Sharma (AS), Pete Hill (PH)\n\n"
    # a vertical tab is Word's line break in pasted text; ESC starts a terminal's colour codes
    "## 1. Welcome\x0bback\x1b[31m\n\nThe chair welcomed members.\n\n"
    "Action: PH to check the figures.\n\nAction: AS to add this to the forward plan for April.\n\n"
    "## 2. Any other business\n\nNone.\n\nDate of next meeting: 8 April 2022\n"
)


@pytest.mark.parametrize(
    "export",
    ["csv", "xlsx", "docx", "forward plan", "agenda"],
)
def test_control_characters_from_the_minutes_do_not_break_an_export(cast: Cast, export: str) -> None:
    result = services.import_file(board=cast.board, user=cast.manager, name="c.md", data=CONTROLS_MD.encode())
    assert list(result.meeting.items.values_list("title", flat=True)) == [
        "Welcome\x0bback\x1b[31m",
        "Any other business",
    ]
    april = schedule_next_meeting(board=cast.board, date=dt.date(2022, 4, 8))
    assert [e.title for e in agenda_draft(meeting=april)][2] == "Welcome\x0bback\x1b[31m"
    client = Client()
    client.force_login(cast.manager)
    board = [cast.partnership.slug, cast.board.slug]
    url = {
        "forward plan": reverse("forward_plan_export", args=board),
        "agenda": reverse("agenda_export", args=[april.pk]),
    }.get(export) or reverse("board_actions_export", args=[*board, export])
    response = client.get(url)
    assert response.status_code == 200
    if export == "csv":
        text = response.content.decode("utf-8-sig")
    elif export in ("xlsx", "forward plan"):
        text = "\n".join(str(c.value) for c in xlsx_cells(response.content) if c.value is not None)
    else:
        text = docx_text(response.content)[0]
    assert "Welcome" in text and "back" in text

"""The home page (issue 16): what needs the person, each line a link to where it is done; the business
team's lines on top of everyone's; need to know kept; a fixed number of queries."""

from __future__ import annotations

import lxml.html
import pytest
from cast import Cast, signed_in, text_of
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from home_data import Home, build, more

from boardkeeper.accounts.models import PartnershipRole


@pytest.fixture
def home(cast: Cast) -> Home:
    return build(cast)


def section(response: object, cast: Cast, key: str, slug: str = "") -> lxml.html.HtmlElement:
    tree = lxml.html.fromstring(response.content)  # type: ignore[attr-defined]
    (found,) = tree.xpath(f"//*[@id='{slug or cast.partnership.slug}-{key}']")
    return found


def links(element: lxml.html.HtmlElement) -> dict[str, str]:
    return {" ".join(a.text_content().split()): a.get("href") for a in element.xpath(".//li/a")}


def test_a_member_sees_their_actions_overdue_and_due_soon_with_links(cast: Cast, home: Home) -> None:
    page = signed_in(cast.member).get(reverse("home"))
    assert page.status_code == 200
    overdue = section(page, cast, "overdue")
    assert links(overdue) == {home.overdue.text: reverse("action", args=[home.overdue.pk])}
    assert "Overdue" in overdue.text_content() and "Your actions overdue (1)" in overdue.text_content()
    soon = links(section(page, cast, "due-soon"))
    assert soon == {home.soon.text: reverse("action", args=[home.soon.pk])}
    text = text_of(page)
    assert home.later.text not in text and home.done.text not in text


def test_a_member_sees_their_boards_next_meeting_with_the_agenda_state(cast: Cast, home: Home) -> None:
    page = signed_in(cast.member).get(reverse("home"))
    meetings = section(page, cast, "meetings")
    m = home.next_meeting
    assert links(meetings) == {f"Executive Board, {m.date:%-d %B %Y}": reverse("agenda", args=[m.pk])}
    assert "Agenda not drafted yet" in meetings.text_content()
    # the business team: every board's next meeting
    bt = links(section(signed_in(cast.manager).get(reverse("home")), cast, "meetings"))
    assert f"Quality Assurance Subgroup, {home.subgroup_meeting.date:%-d %B %Y}" in bt
    assert len(bt) == 2


def test_the_agenda_state_follows_drafting_and_circulating(cast: Cast, home: Home) -> None:
    manager = signed_in(cast.manager)
    m = home.next_meeting
    manager.post(reverse("agenda", args=[m.pk]), {"step": "save"})
    assert "Agenda drafted" in section(manager.get(reverse("home")), cast, "meetings").text_content()
    assert manager.get(reverse("agenda_export", args=[m.pk])).status_code == 200
    assert "Agenda circulated" in section(manager.get(reverse("home")), cast, "meetings").text_content()


def test_a_member_sees_clocks_only_of_reviews_they_are_named_on(cast: Cast, home: Home) -> None:
    page = signed_in(cast.member).get(reverse("home"))
    clocks = section(page, cast, "clocks")
    (name,) = links(clocks)
    assert name.startswith("Child Q (Rapid review): Notification to the National Panel")
    assert links(clocks)[name] == reverse("review", args=[home.named.pk]) + "#clocks"
    assert "2 working days left" in clocks.text_content()
    text = text_of(page)
    for never in (
        "Child R",
        "Family M",
        "Child Z",
        "Child T",
        "Imports waiting",
        "Invitations",
        "minutes0.docx",
    ):
        assert never not in text


def test_the_business_team_sees_the_partnerships_clocks_overruns_imports_escalations_invitations(
    cast: Cast, home: Home
) -> None:
    page = signed_in(cast.manager).get(reverse("home"))
    clocks = links(section(page, cast, "clocks"))
    assert any(n.startswith("Child R (Rapid review): Notification") for n in clocks)
    assert any(n.startswith("Child Q (Rapid review): Notification") for n in clocks)
    assert "Overdue by 3 working days" in section(page, cast, "clocks").text_content()
    overruns = links(section(page, cast, "overruns"))
    assert overruns == {  # met late, or overdue: both wait for a reason
        "Family M (Rapid review): Notification to the National Panel": reverse("review", args=[home.late.pk])
        + "#overrun-form",
        "Child R (Rapid review): Notification to the National Panel": reverse(
            "review", args=[home.unnamed.pk]
        )
        + "#overrun-form",
    }
    assert "Child Q" not in section(page, cast, "overruns").text_content()  # not yet due
    assert links(section(page, cast, "imports")) == {
        "executive-board-minutes0.docx": reverse("import_preview", args=[home.pending.pk])
    }
    (escalation,) = links(section(page, cast, "escalations")).items()
    assert escalation[0].startswith("ESC-") and "/escalations/" in escalation[1]
    assert "Overdue by" in section(page, cast, "escalations").text_content()
    assert links(section(page, cast, "invitations")) == {
        "new.member0@example.org": reverse("access", args=[cast.partnership.slug]) + "#invitations"
    }
    assert "Child Z" not in text_of(page) and "elsewhere-minutes" not in text_of(page)


def test_every_link_on_the_home_page_opens(cast: Cast, home: Home) -> None:
    for user in (cast.member, cast.manager):
        client = signed_in(user)
        page = client.get(reverse("home"))
        hrefs = lxml.html.fromstring(page.content).xpath("//main//a/@href")
        for href in {h.partition("#")[0] for h in hrefs}:
            assert client.get(href).status_code == 200, (user.username, href)


def test_empty_sections_say_so(cast: Cast) -> None:
    page = signed_in(cast.manager).get(reverse("home"))
    text = text_of(page)
    for empty in (
        "Nothing overdue.",
        "Nothing due soon.",
        "No meetings scheduled.",
        "No clocks due.",
        "No overruns waiting for a reason.",
        "No imports waiting.",
        "No escalation stages overdue.",
        "No invitations waiting.",
    ):
        assert empty in text


def test_someone_in_two_partnerships_sees_each_partnerships_lines(cast: Cast, home: Home) -> None:
    PartnershipRole.objects.create(
        user=cast.manager, partnership=cast.other_partnership, role=PartnershipRole.Role.BUSINESS_TEAM
    )
    page = signed_in(cast.manager).get(reverse("home"))
    elsewhere = links(section(page, cast, "imports", cast.other_partnership.slug))
    assert list(elsewhere) == ["elsewhere-minutes.docx"]
    assert any(
        n.startswith("Child Z") for n in links(section(page, cast, "clocks", cast.other_partnership.slug))
    )
    assert not any(n.startswith("Child Z") for n in links(section(page, cast, "clocks")))


def test_the_other_partnerships_business_team_sees_none_of_warwickshires(cast: Cast, home: Home) -> None:
    text = text_of(signed_in(cast.outsider).get(reverse("home")))
    assert "Child Z" in text and "elsewhere-minutes.docx" in text
    for never in ("Warwickshire", "Child Q", "Child R", "executive-board-minutes", "new.member"):
        assert never not in text


def count(client: Client) -> int:
    client.get(reverse("home"))  # warm: the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["member", "manager"])
def test_the_home_page_reads_a_fixed_number_of_queries(cast: Cast, home: Home, who: str) -> None:
    client = signed_in(getattr(cast, who))
    small = count(client)
    more(cast, home.nadia, range(1, 6))  # six of everything: actions, meetings, boards, reviews, imports...
    large = signed_in(getattr(cast, who)).get(reverse("home"))
    grown = {
        "member": ["overdue", "due-soon", "clocks"],
        "manager": ["clocks", "overruns", "imports", "invitations"],
    }
    for key in grown[who]:
        assert len(links(section(large, cast, key))) >= 6, key
    assert len(links(section(large, cast, "meetings"))) == (
        1 if who == "member" else 7
    )  # next of each of their boards
    assert count(client) == small


def test_a_line_is_escaped_and_cut_as_a_long_text_is_cut(cast: Cast, home: Home) -> None:
    """The lines are made in Python (needs._line_html): every text escaped, a long one cut at 160
    characters with an ellipsis, as the template's truncatechars did."""
    home.overdue.text = '<script>alert("x")</script> & ' + "a long action " * 20
    home.overdue.save()
    page = signed_in(cast.member).get(reverse("home"))
    assert b"<script>alert" not in page.content
    (link,) = section(page, cast, "overdue").xpath(".//li/a")
    shown = link.text_content()
    assert shown.startswith('<script>alert("x")</script> & a long action')
    assert len(shown) == 160 and shown.endswith("…")
    short = 'Agree the "neglect" <strategy> & circulate it'
    home.overdue.text = short
    home.overdue.save()
    (link,) = section(signed_in(cast.member).get(reverse("home")), cast, "overdue").xpath(".//li/a")
    assert link.text_content() == short

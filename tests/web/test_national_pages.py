"""List pages at national scale (issue 15): 50 rows a page, a fixed number of queries however much matches,
and the action log's CSV streamed from values() rows with the same bytes as the file it replaced."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from cast import Cast, signed_in
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.actions.views import _export_rows
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person, Team
from boardkeeper.lib import exports
from boardkeeper.meetings.models import AgendaItem, Meeting


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm: the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def tables(response: Any) -> dict[str, list[Any]]:
    """My actions' tables by caption: their body rows."""
    html = lxml.html.fromstring(response.content)
    return {
        " ".join(t.xpath("string(caption)").split()): t.xpath("tbody/tr") for t in html.xpath("//main//table")
    }


@pytest.fixture
def me(cast: Cast) -> Person:
    return Person.objects.create(partnership=cast.partnership, full_name="Amrita Sharma", user=cast.manager)


def add_actions(cast: Cast, owner: Person, *, open_: int, done: int, start: int = 0) -> None:
    meeting, _ = Meeting.objects.get_or_create(
        board=cast.board, date=dt.date(2024, 1, 10), defaults={"status": "held"}
    )
    made = Action.objects.bulk_create(
        Action(
            board=cast.board,
            meeting=meeting,
            position=start + n,
            text=f"Action {start + n}",
            origin="manual",
            status="open" if n < open_ else "done",
        )
        for n in range(open_ + done)
    )
    Action.owner_people.through.objects.bulk_create(  # type: ignore[attr-defined]
        Action.owner_people.through(action_id=a.pk, person_id=owner.pk)  # type: ignore[attr-defined]
        for a in made
    )


def test_my_actions_shows_50_open_and_10_done_a_page_and_counts_them_all(cast: Cast, me: Person) -> None:
    add_actions(cast, me, open_=70, done=60)
    client = signed_in(cast.manager)
    first = tables(client.get(reverse("my_actions")))
    assert [len(rows) for rows in first.values()] == [50, 10]
    assert list(first) == ["Still open (70)", "Done or dropped (60)"]
    second_open = tables(client.get(reverse("my_actions"), {"page": 2}))
    assert [len(rows) for rows in second_open.values()] == [20, 10]
    last_done = tables(client.get(reverse("my_actions"), {"closed": 6}))
    assert [len(rows) for rows in last_done.values()] == [50, 10]
    page = lxml.html.fromstring(client.get(reverse("my_actions"), {"page": 2}).content)
    nxt = page.xpath("//nav[@aria-label='Pages of your done or dropped actions']//a[@rel='next']")[0]
    assert "closed=2" in nxt.get("href") and "page=2" in nxt.get("href")  # the other list stays where it was


def test_my_actions_lists_the_open_oldest_first_and_the_finished_latest_first(cast: Cast, me: Person) -> None:
    """Both lists are split and sorted from one read of the person's actions: the open by the day they were
    raised and their place in the minutes, the done or dropped the other way round (paged by 50 and 10)."""
    add_actions(cast, me, open_=60, done=55)
    later = Meeting.objects.create(board=cast.board, date=dt.date(2024, 3, 6), status="held")
    Action.objects.filter(text__in=["Action 0", "Action 60"]).update(meeting=later, raised_on=later.date)
    client = signed_in(cast.manager)

    def texts(rows: list[Any]) -> list[str]:
        return [row.xpath("string(.//a[@data-field='text'])") for row in rows]

    first = tables(client.get(reverse("my_actions")))
    open_rows, done_rows = first["Still open (60)"], first["Done or dropped (55)"]
    assert texts(open_rows)[:3] == ["Action 1", "Action 2", "Action 3"]  # Action 0 was raised later
    assert texts(done_rows)[:3] == ["Action 60", "Action 114", "Action 113"]
    last = tables(client.get(reverse("my_actions"), {"page": 2, "closed": 6}))
    assert texts(last["Still open (60)"])[-1] == "Action 0"
    assert texts(last["Done or dropped (55)"]) == [f"Action {n}" for n in range(65, 60, -1)]


def test_each_list_of_my_actions_pages_by_its_own_parameter_keeping_the_other(cast: Cast, me: Person) -> None:
    add_actions(cast, me, open_=120, done=110)  # three pages of the open, eleven of the done
    html = lxml.html.fromstring(
        signed_in(cast.manager).get(reverse("my_actions"), {"page": 2, "closed": 2}).content
    )

    def links(label: str) -> dict[str, tuple[dict[str, list[str]], str]]:
        """The previous and next links of one list: what they ask for, and what they say."""
        (nav,) = html.xpath(f"//nav[@aria-label='{label}']")
        return {
            a.get("rel"): (parse_qs(urlsplit(a.get("href")).query), " ".join(a.text_content().split()))
            for a in nav.xpath(".//a")
        }

    assert links("Pages of your open actions") == {
        "prev": ({"page": ["1"], "closed": ["2"]}, "Previous page: 1 of 3"),
        "next": ({"page": ["3"], "closed": ["2"]}, "Next page: 3 of 3"),
    }
    assert links("Pages of your done or dropped actions") == {
        "prev": ({"page": ["2"], "closed": ["1"]}, "Previous page: 1 of 11"),
        "next": ({"page": ["2"], "closed": ["3"]}, "Next page: 3 of 11"),
    }


def test_my_actions_runs_the_same_queries_for_10_actions_and_300(cast: Cast, me: Person) -> None:
    client = signed_in(cast.manager)
    add_actions(cast, me, open_=5, done=5)
    few = count_queries(client, reverse("my_actions"))
    add_actions(cast, me, open_=150, done=140, start=100)
    assert count_queries(client, reverse("my_actions")) == few


def test_the_partnership_log_runs_the_same_queries_on_page_1_of_1_and_page_4_of_6(
    cast: Cast, me: Person
) -> None:
    client = signed_in(cast.manager)
    url = reverse("partnership_actions", args=[cast.partnership.slug])
    add_actions(cast, me, open_=10, done=0)
    few = count_queries(client, url)
    add_actions(cast, me, open_=200, done=80, start=100)
    assert count_queries(client, url + "?page=4") == few


def test_the_audit_log_shows_50_events_a_page_and_the_same_queries_for_60_and_600(cast: Cast) -> None:
    def events(n: int) -> None:
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="export", detail=f"file-{k}.csv", partnership_id=cast.partnership.pk, user=cast.manager
            )
            for k in range(n)
        )

    client = signed_in(cast.manager)
    url = reverse("audit_log", args=[cast.partnership.slug])
    events(60)
    first = lxml.html.fromstring(client.get(url).content)
    assert len(first.xpath("//main//table/tbody/tr")) == 50
    fewer = count_queries(client, url)
    events(540)
    assert count_queries(client, url) == fewer


def test_the_csv_export_is_streamed_with_the_bytes_of_the_file_it_replaced(cast: Cast, me: Person) -> None:
    """Every column the export had: item, owners (people then teams, else the minutes' words), due as a date,
    a meeting or words, the minutes' status, the board; text a spreadsheet would run quoted."""
    meeting = Meeting.objects.create(
        board=cast.board, date=dt.date(2024, 3, 1), status="minutes_approved", approved_on=dt.date(2024, 4, 2)
    )
    nxt = Meeting.objects.create(board=cast.board, date=dt.date(2024, 6, 1))
    item = AgendaItem.objects.create(meeting=meeting, position=1, number="4", title="Neglect strategy")
    team = Team.objects.create(partnership=cast.partnership, name="Business Unit")
    other = Person.objects.create(partnership=cast.partnership, full_name="Ben Okafor")
    rows = [
        Action(board=cast.board, meeting=meeting, item=item, position=1, text="=SUM(A1)", origin="manual"),
        Action(
            board=cast.board,
            meeting=meeting,
            position=2,
            text="Write to schools",
            origin="manual",
            due_date=dt.date(2024, 5, 1),
            status="done",
        ),
        Action(
            board=cast.board,
            meeting=meeting,
            position=3,
            text="Report back",
            origin="manual",
            due_meeting=nxt,
            owner_text="The chair",
        ),
        Action(
            board=cast.board,
            meeting=meeting,
            position=4,
            text="Brief partners",
            origin="manual",
            due_text="by the March meeting",
            owner_text="AS",
            status="in_progress",
        ),
    ]
    Action.objects.bulk_create(rows)
    rows[0].owner_people.add(me, other)
    rows[0].owner_teams.add(team)
    rows[3].owner_people.add(me)
    client = signed_in(cast.manager)
    response = client.get(reverse("partnership_actions_export", args=[cast.partnership.slug, "csv"]))
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    from boardkeeper.actions import services

    actions = services.action_log(partnership=cast.partnership)
    assert body == exports.action_log_csv(list(_export_rows(actions)), with_board=True)
    text = body.decode("utf-8-sig")
    assert "'=SUM(A1)" in text and "Amrita Sharma, Ben Okafor, Business Unit" in text
    assert "Meeting of 1 June 2024" in text and "Minutes approved on 2 April 2024" in text
    assert AuditEvent.objects.filter(action="export", partnership_id=cast.partnership.pk).count() == 1


def test_an_action_keeps_its_boards_partnership_however_it_is_made(cast: Cast) -> None:
    """`Action.partnership` (the partnership log's index) is its board's: on save(), and on bulk_create
    whether the board is at hand or only its id (then read for all of them in one query)."""
    meeting = Meeting.objects.create(board=cast.other_board, date=dt.date(2024, 1, 10), status="held")
    saved = Action.objects.create(board=cast.other_board, meeting=meeting, text="Saved", origin="manual")
    with_board = Action(board=cast.other_board, meeting=meeting, text="With its board", origin="manual")
    by_id = [
        Action(board_id=cast.other_board.pk, meeting=meeting, text=f"By id {n}", origin="manual", position=n)
        for n in range(5)
    ]
    with CaptureQueriesContext(connection) as ctx:
        Action.objects.bulk_create([with_board, *by_id])
    boards_read = [q for q in ctx.captured_queries if "directory_board" in q["sql"]]
    assert len(boards_read) == 1
    assert set(
        Action.objects.filter(
            text__in=["Saved", "With its board"] + [f"By id {n}" for n in range(5)]
        ).values_list("partnership_id", flat=True)
    ) == {cast.other_partnership.pk}
    assert saved.partnership_id == cast.other_partnership.pk
    # and the partnership's own log lists none of them
    log = signed_in(cast.manager).get(reverse("partnership_actions", args=[cast.partnership.slug]))
    assert b"By id" not in log.content and b"With its board" not in log.content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_page_read_again_runs_statements_prepared_on_its_connection(cast: Cast, me: Person) -> None:
    """Parameters are bound on the server, so psycopg prepares what a connection runs again and again and
    PostgreSQL stops planning it on every page (docs/decisions.md); with them inlined in the SQL text, as
    Django's default client-side binding does, nothing is ever prepared."""
    add_actions(cast, me, open_=3, done=2)
    client = signed_in(cast.manager)
    url = reverse("board_actions", args=[cast.partnership.slug, cast.board.slug])
    for _ in range(6):
        assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FROM actions_action" in sql.replace('"', "") and "$1" in sql for sql in prepared), prepared

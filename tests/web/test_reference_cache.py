"""The action log keeps what it reads of a partnership that changes less often than it is read (its meetings,
its people, the filter's options made of them, the counts by status) between requests, keyed by the
partnership's reference version: a token the database changes by triggers (directory migration 0004, actions
0009). These tests change boards, meetings, people, organisations, actions and owner links every way the
application and a person at a SQL prompt can, and check that the token changes and that the page shows the
change on the next request. They run on SQLite and on PostgreSQL (CI runs both)."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable

import lxml.html
import pytest
from cast import Cast
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Organisation, Partnership, Person, ReferenceChange
from boardkeeper.lib import reference
from boardkeeper.meetings.models import Meeting
from boardkeeper.reviews import services as reviews
from boardkeeper.reviews.models import Review, Theme


def _token(partnership: Partnership) -> tuple[int, int] | None:
    """The partnership's reference version, as the pages read it: the sum of its changes' tokens and the
    latest change's id."""
    changes = list(ReferenceChange.objects.filter(partnership_id=partnership.pk).values_list("id", "token"))
    return (sum(t for _, t in changes), max(i for i, _ in changes)) if changes else None


def _changes(partnership: Partnership, change: Callable[[], object]) -> bool:
    """Whether `change` gives the partnership a new token."""
    before = _token(partnership)
    change()
    return _token(partnership) != before


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _options(client: Client, url: str, select: str) -> list[str]:
    page = lxml.html.fromstring(client.get(url).content)
    return [" ".join(o.text_content().split()) for o in page.xpath(f"//select[@id='{select}']/option")]


def test_a_partnership_has_a_version_once_something_of_it_is_written(db: None) -> None:
    one = Partnership.objects.create(name="Northshire", slug="northshire")
    assert _token(one) is None  # nothing to cache yet, and nothing cached
    Board.objects.create(partnership=one, name="Executive", slug="executive")
    assert _token(one) is not None


def test_a_partnership_keeps_its_latest_changes_only(cast: Cast) -> None:
    for n in range(40):
        Person.objects.create(partnership=cast.partnership, full_name=f"Person {n}")
    assert ReferenceChange.objects.filter(partnership_id=cast.partnership.pk).count() == 16


def test_every_kind_of_change_to_a_meeting_changes_the_token(cast: Cast) -> None:
    p = cast.partnership
    made: list[Meeting] = []
    assert _changes(
        p, lambda: made.append(Meeting.objects.create(board=cast.board, date=dt.date(2025, 1, 9)))
    )
    meeting = made[0]
    assert _changes(p, lambda: Meeting.objects.filter(pk=meeting.pk).update(date=dt.date(2025, 1, 10)))
    meeting.date = dt.date(2025, 1, 11)
    assert _changes(p, meeting.save)
    assert _changes(
        p, lambda: Meeting.objects.bulk_create([Meeting(board=cast.board, date=dt.date(2025, 2, 1))])
    )
    assert _changes(
        p, lambda: _sql("UPDATE meetings_meeting SET date = %s WHERE id = %s", ["2025-01-12", meeting.pk])
    )
    # a change the lists do not show leaves the token (and what is kept) as it was
    assert not _changes(p, lambda: Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD))
    # moved to another partnership's board: both partnerships' lists change
    other = cast.other_partnership
    before = _token(other)
    assert _changes(p, lambda: Meeting.objects.filter(pk=meeting.pk).update(board=cast.other_board))
    assert _token(other) != before
    assert _changes(other, lambda: _sql("DELETE FROM meetings_meeting WHERE id = %s", [meeting.pk]))


def test_boards_people_and_organisations_change_the_token(cast: Cast) -> None:
    p = cast.partnership
    org = Organisation.objects.create(partnership=p, name="Warwickshire Police")
    person = Person.objects.create(partnership=p, full_name="Pete Hill")
    assert _changes(p, lambda: Person.objects.filter(pk=person.pk).update(organisation=org))
    assert _changes(p, lambda: Person.objects.filter(pk=person.pk).update(full_name="Peter Hill"))
    assert not _changes(
        p, lambda: Person.objects.filter(pk=person.pk).update(job_title="Detective Inspector")
    )
    assert _changes(p, lambda: Organisation.objects.filter(pk=org.pk).update(name="Police"))
    assert _changes(p, lambda: Person.objects.filter(pk=person.pk).delete())
    assert _changes(p, lambda: Board.objects.create(partnership=p, name="Subgroup", slug="subgroup"))
    assert _changes(p, lambda: Board.objects.filter(slug="subgroup").update(name="Learning Subgroup"))
    assert _changes(p, lambda: Board.objects.filter(slug="subgroup").update(slug="learning"))
    assert _changes(p, lambda: Board.objects.filter(slug="learning").delete())
    # another partnership's people are not this one's
    assert not _changes(
        p, lambda: Person.objects.create(partnership=cast.other_partnership, full_name="A N Other")
    )


def test_actions_and_their_owner_links_change_the_token_when_what_is_counted_changes(cast: Cast) -> None:
    """The log's counts by status are kept under the version too (actions migration 0009): every change to
    what they count by changes it, and a change to what they do not count by leaves what is kept."""
    p = cast.partnership
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2025, 3, 6))
    later = Meeting.objects.create(board=cast.board, date=dt.date(2025, 6, 5))
    person = Person.objects.create(partnership=p, full_name="Pete Hill")
    made: list[Action] = []
    assert _changes(
        p,
        lambda: made.append(
            Action.objects.create(
                board=cast.board, meeting=meeting, position=1, text="Audit", origin="manual"
            )
        ),
    )
    action = made[0]
    pk = action.pk
    assert _changes(p, lambda: Action.objects.filter(pk=pk).update(status="done"))
    assert _changes(p, lambda: _sql("UPDATE actions_action SET status = %s WHERE id = %s", ["open", pk]))
    assert _changes(p, lambda: Action.objects.filter(pk=pk).update(due_date=dt.date(2025, 4, 1)))
    assert _changes(p, lambda: Action.objects.filter(pk=pk).update(due_meeting=later))
    assert _changes(p, lambda: Action.objects.filter(pk=pk).update(meeting=later))  # raised at
    sub = Board.objects.create(partnership=p, name="Subgroup", slug="subgroup")
    assert _changes(p, lambda: Action.objects.filter(pk=pk).update(board=sub))
    assert not _changes(p, lambda: Action.objects.filter(pk=pk).update(text="Audit the referrals"))
    assert _changes(p, lambda: action.owner_people.add(person))
    other_person = Person.objects.create(partnership=p, full_name="Ann Lee")
    assert _changes(
        p,
        lambda: _sql(
            "UPDATE actions_action_owner_people SET person_id = %s WHERE action_id = %s",
            [other_person.pk, pk],
        ),
    )
    assert _changes(p, lambda: action.owner_people.remove(other_person))
    assert _changes(
        p,
        lambda: Action.objects.bulk_create(
            [Action(board=cast.board, meeting=meeting, position=2, text="Report", origin="manual")]
        ),
    )
    assert _changes(p, lambda: Action.objects.filter(pk=pk).delete())
    # another partnership's actions are not this one's
    other = Meeting.objects.create(board=cast.other_board, date=dt.date(2025, 3, 6))
    assert not _changes(
        p,
        lambda: Action.objects.create(
            board=cast.other_board, meeting=other, position=1, text="X", origin="manual"
        ),
    )


def test_the_counts_follow_a_change_made_below_the_application_on_the_next_request(
    cast: Cast, manager: Client
) -> None:
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2025, 3, 6))
    action = Action.objects.create(
        board=cast.board, meeting=meeting, position=1, text="Audit the referrals", origin="manual"
    )
    log = reverse("partnership_actions", args=[cast.partnership.slug])

    def counted() -> tuple[str, str]:
        """How many open and how many done, as the log's counts say."""
        page = lxml.html.fromstring(manager.get(log).content)
        found = {td.get("data-status"): td.text_content() for td in page.xpath("//td[@data-status]")}
        return found["open"], found["done"]

    assert counted() == ("1", "0")
    with CaptureQueriesContext(connection) as queries:  # kept: no count the second time
        assert counted() == ("1", "0")
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    _sql("UPDATE actions_action SET status = %s WHERE id = %s", ["done", action.pk])
    assert counted() == ("0", "1")

    # My actions counts the user's own from their owner links, kept the same way
    me = Person.objects.create(partnership=cast.partnership, full_name="Business Manager", user=cast.manager)
    mine = reverse("my_actions")

    def headings() -> list[str]:
        page = lxml.html.fromstring(manager.get(mine).content)
        return [" ".join(c.text_content().split()) for c in page.xpath("//caption | //h2")]

    assert "Still open (0)" in headings() and "Done or dropped (0)" in headings()
    with CaptureQueriesContext(connection) as queries:  # kept: not counted the second time
        assert "Still open (0)" in headings()
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    _sql(
        "INSERT INTO actions_action_owner_people (action_id, person_id, status, position) VALUES (%s, %s, '', 0)",
        [action.pk, me.pk],
    )
    assert "Done or dropped (1)" in headings()
    _sql("UPDATE actions_action SET status = %s WHERE id = %s", ["open", action.pk])
    assert "Still open (1)" in headings() and "Done or dropped (0)" in headings()


def test_the_review_register_keeps_its_counts_and_chart_until_a_review_or_theme_changes(
    cast: Cast, manager: Client
) -> None:
    """The business team's counts by stage and chart of themes are kept under the version, which reviews,
    the themes given to them and the themes' names change (reviews migration 0003), however they change."""
    review = reviews.notification_record(
        partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=dt.date(2022, 4, 8)
    )
    neglect = Theme.objects.create(partnership=cast.partnership, name="Neglect")
    url = reverse("reviews", args=[cast.partnership.slug])

    def register() -> tuple[dict[str, str], list[str]]:
        """The counts by stage (those not nought), and the chart table's rows."""
        page = lxml.html.fromstring(manager.get(url).content)
        counts = {td.get("data-stage"): td.text_content() for td in page.xpath("//td[@data-stage]")}
        rows = [
            " ".join(c.text_content() for c in tr.xpath("th | td"))
            for tr in page.xpath("//table[@id='themes-table']/tbody/tr")
        ]
        return {k: v for k, v in counts.items() if v != "0"}, rows

    assert register() == ({"Notification": "1"}, [])
    with CaptureQueriesContext(connection) as queries:  # kept: neither counted nor charted again
        assert register() == ({"Notification": "1"}, [])
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    _sql("INSERT INTO reviews_review_themes (review_id, theme_id) VALUES (%s, %s)", [review.pk, neglect.pk])
    assert register() == ({"Notification": "1"}, ["Neglect 1 1"])
    _sql("UPDATE reviews_theme SET name = %s WHERE id = %s", ["Neglect and poverty", neglect.pk])
    assert register()[1] == ["Neglect and poverty 1 1"]
    _sql("UPDATE reviews_review SET stage = %s WHERE id = %s", ["scoping", review.pk])
    assert register()[0] == {Review.Stage.SCOPING.label: "1"}
    _sql("DELETE FROM reviews_review_themes WHERE review_id = %s", [review.pk])
    assert register() == ({Review.Stage.SCOPING.label: "1"}, [])
    assert not _changes(
        cast.partnership, lambda: Review.objects.filter(pk=review.pk).update(terms_of_reference="Scope")
    )


def test_the_log_shows_a_change_made_below_the_application_on_the_next_request(
    cast: Cast, manager: Client
) -> None:
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2025, 3, 6))
    Action.objects.create(
        board=cast.board, meeting=meeting, position=1, text="Audit the referrals", origin="manual"
    )
    person = Person.objects.create(partnership=cast.partnership, full_name="Pete Hill")
    url = reverse("board_actions", args=[cast.partnership.slug, cast.board.slug])
    assert _options(manager, url, "raised") == ["Any meeting", "6 March 2025"]
    assert "Pete Hill" in _options(manager, url, "owner")

    # the same lists again, from what the process kept: no query for the meetings or the people
    with CaptureQueriesContext(connection) as queries:
        assert _options(manager, url, "raised") == ["Any meeting", "6 March 2025"]
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'FROM "meetings_meeting"' not in read and 'FROM "directory_person"' not in read

    _sql("UPDATE meetings_meeting SET date = %s WHERE id = %s", ["2025-03-13", meeting.pk])
    columns = [f.column for f in Meeting._meta.concrete_fields if not f.primary_key]
    _sql(
        f"INSERT INTO meetings_meeting ({', '.join(columns)})"
        f" SELECT {', '.join('%s' if c == 'date' else c for c in columns)} FROM meetings_meeting WHERE id = %s",
        ["2025-04-10", meeting.pk],
    )
    assert _options(manager, url, "raised") == ["Any meeting", "10 April 2025", "13 March 2025"]
    _sql("UPDATE directory_person SET full_name = %s WHERE id = %s", ["Peter Hill", person.pk])
    owners = _options(manager, url, "owner")
    assert "Peter Hill" in owners and "Pete Hill" not in owners


def test_a_partnership_with_its_boards_meetings_and_people_can_be_deleted(cast: Cast) -> None:
    Meeting.objects.create(board=cast.board, date=dt.date(2025, 3, 6))
    Person.objects.create(partnership=cast.partnership, full_name="Pete Hill")
    pk = cast.partnership.pk
    cast.partnership.delete()
    assert not Board.objects.filter(partnership_id=pk).exists()
    assert not Partnership.objects.filter(pk=pk).exists()


def test_the_cache_keeps_at_most_its_limit_and_never_a_page_without_a_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference.clear()
    monkeypatch.setattr(reference, "LIMIT", 3)
    built: list[int] = []

    def build(n: int) -> Callable[[], int]:
        return lambda: built.append(n) or n

    for n in range(5):
        assert reference.cached((1, "7"), n, build(n)) == n
    assert reference.cached((1, "7"), 4, build(99)) == 4  # kept
    assert reference.cached((1, "7"), 0, build(0)) == 0  # dropped (the least recently used), built again
    assert reference.cached((1, "8"), 4, build(44)) == 44  # another version is another value
    assert reference.cached(None, 4, build(5)) == 5 and reference.cached(None, 4, build(6)) == 6
    assert built == [0, 1, 2, 3, 4, 0, 44, 5, 6]
    reference.clear()


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_partnership_do_not_wait_for_each_other() -> None:
    """A change is a row inserted, never one row updated by every writer: a correction made while an import
    of the same partnership is still open neither waits for it nor can deadlock with it (PostgreSQL; SQLite
    has one writer at a time anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: concurrent writers")
    partnership = Partnership.objects.create(name="Northshire", slug="northshire")
    board = Board.objects.create(partnership=partnership, name="Executive", slug="executive")
    pete = Person.objects.create(partnership=partnership, full_name="Pete Hill")
    ann = Person.objects.create(partnership=partnership, full_name="Ann Lee")
    opened, release = threading.Event(), threading.Event()

    def import_left_open() -> None:  # another connection: a meeting and a person written, not yet committed
        with transaction.atomic():
            Meeting.objects.create(board=board, date=dt.date(2025, 3, 6))
            Person.objects.filter(pk=pete.pk).update(full_name="Peter Hill")
            opened.set()
            release.wait(10)
        connections.close_all()

    writer = threading.Thread(target=import_left_open)
    writer.start()
    try:
        assert opened.wait(10)
        before = _token(partnership)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail here, not hang
            Person.objects.filter(pk=ann.pk).update(full_name="Anne Lee")
            Board.objects.filter(pk=board.pk).update(name="Executive Board")
        assert _token(partnership) != before
    finally:
        release.set()
        writer.join(10)
    assert _token(partnership) is not None and Meeting.objects.filter(board=board).count() == 1


def test_the_partnership_log_names_and_links_its_boards_as_they_now_are(cast: Cast, manager: Client) -> None:
    url = reverse("partnership_actions", args=[cast.partnership.slug])

    def boards() -> list[tuple[str, str]]:
        page = lxml.html.fromstring(manager.get(url).content)
        intro = page.xpath("//p[starts-with(normalize-space(), 'Meetings and action logs of each board')]")[0]
        return [(a.text_content(), a.get("href")) for a in intro.xpath("a[not(span)]")]

    before = boards()
    assert [name for name, _ in before] == [cast.board.name]
    _sql(
        "UPDATE directory_board SET name = %s, slug = %s WHERE id = %s",
        ["Safeguarding Board", "sb", cast.board.pk],
    )
    after = boards()
    assert len(after) == len(before) == 1
    assert after[0][0] == "Safeguarding Board" and after[0][1].rstrip("/").endswith("/sb")


def _watched() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every table the migrations watch (directory 0004, actions 0009, reviews 0003)."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for module in (
        "boardkeeper.directory.migrations.0004_reference_change",
        "boardkeeper.actions.migrations.0009_reference_change_actions",
        "boardkeeper.reviews.migrations.0003_reference_change_reviews",
    ):
        found.update(importlib.import_module(module).WATCHED)
    return found


def test_every_watched_table_has_its_three_triggers(db: None) -> None:
    """A later migration that remakes a watched table on SQLite loses its triggers silently: this fails then
    (as the migrations' docstrings say, such a migration drops them first and makes them again after)."""
    watched = _watched()
    assert len(watched) == 9
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        triggers = set(cursor.fetchall())
    for table in watched:
        assert {(table, f"{table}_reference_{op}") for op in ("insert", "delete", "update")} <= triggers, (
            table
        )

"""The audit log in words a person reads (issue 16, item 4): field labels, record names linked to their pages,
foreign keys by name (a meeting by its date), choices by their labels, 50 to a page with the filters kept in
the page links, and the filtered log as a CSV that a spreadsheet cannot run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import lxml.html
import pytest
from cast import Cast, signed_in
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions import services as actions
from boardkeeper.actions.models import Action
from boardkeeper.audit import readable
from boardkeeper.audit import views as audit_views
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person
from boardkeeper.lib import reference
from boardkeeper.meetings.models import Attendance, Meeting
from boardkeeper.reviews import services as reviews

PETES = "PH to share examples of incidents"


def log(cast: Cast) -> str:
    return reverse("audit_log", args=[cast.partnership.slug])


def log_csv(cast: Cast) -> str:
    return reverse("audit_log_csv", args=[cast.partnership.slug])


def rows_of(response: Any) -> list[list[str]]:
    page = lxml.html.fromstring(response.content)
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in page.xpath("//table[@id='audit-events']/tbody/tr")
    ]


def csv_of(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def reassigned(cast: Cast, march: Meeting) -> Action:
    """Pete's action given the 11 March meeting to be done by."""
    action = Action.objects.get(text=PETES)
    actions.action_reassign(
        action=action, user=cast.manager, version=action.version, people=[], teams=[], due_meeting=march
    )
    return action


def test_a_change_reads_in_words_with_the_record_named_and_linked(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    action = reassigned(cast, march)
    found = manager.get(log(cast), {"record": "actions.action", "record_id": action.pk, "action": "update"})
    text = " ".join(r[4] for r in rows_of(found))
    assert "Due at meeting: none → 11 March 2022" in text
    assert "due_meeting_id" not in text and "null" not in text
    page = lxml.html.fromstring(found.content)
    (record,) = {" ".join(td.text_content().split()) for td in page.xpath("//tbody/tr/td[4]")}
    assert record == f"Action {PETES}"
    assert set(page.xpath("//tbody/tr/td[4]//a/@href")) == {reverse("action", args=[action.pk])}
    # and on the action's own page, the same words
    history = signed_in(cast.manager).get(reverse("action", args=[action.pk])).content.decode()
    assert "Due at meeting</strong>: none → 11 March 2022" in history


def test_nameless_records_choices_dates_and_people_read_as_people_say_them(
    cast: Cast, manager: Client
) -> None:
    review = reviews.notification_record(
        partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=dt.date(2022, 4, 8)
    )
    reviews.notified(review=review, user=cast.manager, version=1, on=dt.date(2022, 4, 14))
    rows = rows_of(manager.get(log(cast), {"record": "reviews.review", "action": "update"}))
    assert rows[0][4].split("\n")[0] and "Notified on: none → 14 April 2022" in rows[0][4]
    assert "Stage: Notification → Rapid review" in rows[0][4]
    every = manager.get(log(cast)).content.decode()
    assert "object (" not in every and "reviews.stagechange" not in every
    page = lxml.html.fromstring(every)
    stage = [
        tr for tr in page.xpath("//table[@id='audit-events']/tbody/tr") if "Stage change" in tr.text_content()
    ]
    assert stage, "the stage change is named by its kind"
    cell = " ".join(stage[0].xpath("td")[3].text_content().split())
    assert cell.startswith("Stage change") and "Child Q" in cell
    assert stage[0].xpath("td[4]//a/@href") == [reverse("review", args=[review.pk])]  # its review's page
    changes = " ".join(stage[0].xpath("td")[4].text_content().split())
    assert "By: none → amrita" in changes and "Stage to: none → Rapid review" in changes


def test_50_to_a_page_with_the_filters_kept_in_the_page_links(cast: Cast, manager: Client) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="export", detail=f"file-{k}.csv", partnership_id=cast.partnership.pk, username="amrita"
        )
        for k in range(120)
    )
    AuditEvent.objects.create(action="sign_in", partnership_id=cast.partnership.pk, username="amrita")
    first = manager.get(log(cast), {"action": "export"})
    page = lxml.html.fromstring(first.content)
    assert len(rows_of(first)) == 50
    links = page.xpath("//nav[@id='audit-pages']//a/@href")
    assert links and all("action=export" in href for href in links)
    assert page.xpath("//nav[@id='audit-pages']//a[@aria-current='page']/text()") == ["1"]
    last = manager.get(log(cast) + "?action=export&page=3")
    assert len(rows_of(last)) == 20 and all(r[2] == "Exported" for r in rows_of(last))
    assert "entries, showing 101 to 120" in " ".join(
        lxml.html.fromstring(last.content).text_content().split()
    )
    csv_link = lxml.html.fromstring(last.content).xpath("//a[@id='audit-csv']/@href")[0]
    assert csv_link == log_csv(cast) + "?action=export"  # the filters, not the page


def test_past_the_count_limit_the_log_counts_no_further_and_says_how_to_find_the_rest(
    cast: Cast, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trail only grows: the page counts COUNT_LIMIT + 1 entries at most (10,000; 100 here), pages the
    latest COUNT_LIMIT and says how to reach the others."""
    monkeypatch.setattr(audit_views, "COUNT_LIMIT", 100)
    reference.clear()  # what earlier tests' pages kept (a partnership's id may be used again on SQLite)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="export", detail=f"file-{k}.csv", partnership_id=cast.partnership.pk, username="amrita"
        )
        for k in range(130)
    )
    with CaptureQueriesContext(connection) as ctx:
        first = manager.get(log(cast), {"action": "export"})
    (counted,) = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 101" in counted  # never every entry
    said = " ".join(lxml.html.fromstring(first.content).text_content().split())
    assert "More than 100 entries, showing 1 to 50." in said
    assert "These pages hold the latest 100 entries. To find earlier ones, choose dates" in said
    assert "Download as CSV all the entries found" in said
    page = lxml.html.fromstring(first.content)
    assert page.xpath("//nav[@id='audit-pages']//a[@aria-label]/text()") == ["1", "2"]  # 100 entries
    beyond = manager.get(log(cast) + "?action=export&page=9")  # past the pages: the last of them
    assert [r[4] for r in rows_of(beyond)][-1] == "file-30.csv"  # the 100th newest of 130
    rows = csv_of(manager.get(log_csv(cast), {"action": "export"}))
    assert {f"file-{k}.csv" for k in range(130)} <= {r[5] for r in rows[1:]}  # the CSV holds every one
    # the trail only grows: a search once past the limit is not counted again, and says so as before
    with CaptureQueriesContext(connection) as ctx:
        again = manager.get(log(cast), {"action": "export"})
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "More than 100 entries, showing 1 to 50." in " ".join(
        lxml.html.fromstring(again.content).text_content().split()
    )
    # the filters' markup is kept once for the search, whichever page of it is read

    def kept() -> list[object]:
        return [k for k in reference._values if k[-1][0] == "audit filters"]

    assert len(kept()) == 1  # the pages 1 and 9 of the search above
    other_pages = manager.get(log(cast), {"action": "export", "page": "2", "unknown": "x"})
    assert len(kept()) == 1 and other_pages.status_code == 200
    with CaptureQueriesContext(connection) as ctx:  # another search is counted
        other = manager.get(log(cast), {"action": "create"})
    assert [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "More than" not in other.content.decode()


def test_the_partnership_and_the_user_the_page_has_read_are_named_without_reading_them_again(
    cast: Cast, manager: Client
) -> None:
    """An access change names the partnership and the user it was given to: the page names them from what it
    read to let the user in, as they are now, with no query for them."""
    AuditEvent.objects.create(
        action="access",
        model="accounts.partnershiprole",
        object_id="999",
        partnership_id=cast.partnership.pk,
        changes={"user": [None, cast.manager.pk], "partnership": [None, cast.partnership.pk]},
    )
    with CaptureQueriesContext(connection) as ctx:
        rows = rows_of(manager.get(log(cast), {"action": "access"}))
    assert f"User: none → {cast.manager.username}" in rows[0][4]
    assert f"Partnership: none → {cast.partnership.name}" in rows[0][4]
    # the user is read with the session and the partnership with the role (the first three queries); after
    # them no query reads from either table for the names (the access record's own lookup joins them)
    reads_alone = re.compile(r'FROM "?(auth_user|directory_partnership)"?( \w+)? WHERE')
    assert not [q["sql"] for q in ctx.captured_queries[3:] if reads_alone.search(q["sql"])]


def test_the_page_runs_the_same_queries_for_a_few_changes_and_for_many(cast: Cast, manager: Client) -> None:
    """Every entry names its action, its meeting and the meeting it is due at, each a different record: the
    names are read one query per kind of record, not one per entry."""

    def add(n: int, start: int) -> None:
        for k in range(start, start + n):
            raised = Meeting.objects.create(board=cast.board, date=dt.date(2020, 1, 1) + dt.timedelta(days=k))
            due = Meeting.objects.create(board=cast.board, date=dt.date(2030, 1, 1) + dt.timedelta(days=k))
            action = Action.objects.create(
                board=cast.board, meeting=raised, text=f"Action {k}", origin="manual"
            )
            actions.action_reassign(
                action=action, user=cast.manager, version=1, people=[], teams=[], due_meeting=due
            )

    def count() -> int:
        url = log(cast) + "?record=actions.action"
        manager.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert manager.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(2, 0)
    few = count()
    add(60, 2)
    assert count() == few
    rows = rows_of(manager.get(log(cast), {"record": "actions.action", "action": "update"}))
    assert (
        len(rows) == 50 and "Due at meeting: none → 3 March 2030" in rows[0][4]
    )  # the newest: 61 days into 2030


def test_the_csv_is_the_filtered_log_in_words(cast: Cast, march: Meeting, manager: Client) -> None:
    action = reassigned(cast, march)
    rows = csv_of(manager.get(log_csv(cast), {"record": "actions.action", "action": "update"}))
    assert rows[0] == ["When", "Who", "IP address", "What", "Record", "Changes"]
    body = rows[1:]
    assert body and all(r[3] == "Changed" and r[4].startswith("Action: ") for r in body)
    assert any("Due at meeting: none → 11 March 2022" in r[5] for r in body)
    page = rows_of(manager.get(log(cast), {"record": "actions.action", "action": "update"}))
    assert len(body) == len(page)  # the same entries as the page
    assert f"Action: {action.text}" in {r[4] for r in body}
    everything = csv_of(manager.get(log_csv(cast)))
    assert len(everything) - 1 == AuditEvent.objects.filter(partnership_id=cast.partnership.pk).count()
    exported = AuditEvent.objects.filter(action="export", partnership_id=cast.partnership.pk)
    assert exported.count() == 2 and exported.first().detail.endswith(".csv")  # type: ignore[union-attr]


def test_the_csv_is_for_the_business_team_alone(cast: Cast, seeded: Cast) -> None:
    url = log_csv(cast)
    assert signed_in(cast.member).get(url).status_code == 403
    assert signed_in(cast.viewer).get(url).status_code == 403
    assert signed_in(cast.outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_csv_cannot_be_run_as_formulas(cast: Cast, manager: Client) -> None:
    AuditEvent.objects.create(
        action="sign_in_failed", partnership_id=cast.partnership.pk, username="=cmd|' /C calc'!A0"
    )
    AuditEvent.objects.create(
        action="export", partnership_id=cast.partnership.pk, username="+x", detail="@SUM(1)"
    )
    AuditEvent.objects.create(action="export", partnership_id=cast.partnership.pk, username="-2+3", detail="")
    rows = (
        csv_of(manager.get(log_csv(cast), {"action": "export"}))[1:]
        + csv_of(manager.get(log_csv(cast), {"action": "sign_in_failed"}))[1:]
    )
    cells = [c for r in rows for c in r]
    assert "'=cmd|' /C calc'!A0" in cells and "'+x" in cells and "'@SUM(1)" in cells and "'-2+3" in cells
    assert not any(c[:1] in "=+-@" for c in cells if c)


def test_a_nameless_record_is_named_by_its_parent_read_in_the_same_query(cast: Cast, march: Meeting) -> None:
    """An attendance has no name of its own: it is named by its meeting, whose own name reads its board;
    the attendance, the meeting and the board come from one query, whatever the page names."""
    person = Person.objects.create(partnership=cast.partnership, full_name="Pete Hill")
    attended = Attendance.objects.create(meeting=march, person=person)
    event = AuditEvent(
        model="meetings.attendance", object_id=str(attended.pk), changes={"person": [None, person.pk]}
    )
    with CaptureQueriesContext(connection) as queries:
        (named,) = readable.annotate([event])
    assert named.record == f"Attendance: {cast.board.name} – 11 March 2022"  # type: ignore[attr-defined]
    assert [c.text for c in named.readable_changes] == ["Person: none → Pete Hill"]  # type: ignore[attr-defined]
    assert len(queries) == 2  # the attendance with its meeting and board; the person its change names

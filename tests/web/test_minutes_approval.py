"""Minutes approved (issue 12, part 4): a meeting's minutes are a draft until the board approves them; the
business team records the date, and the pages and the files say which."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import docx
import lxml.html
import openpyxl
import pytest
from cast import Cast, signed_in, text_of
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person, Team
from boardkeeper.meetings.models import AgendaItem, Attendance, Decision, Meeting, SourceDocument
from boardkeeper.meetings.services import (
    MinutesApprovalRefused,
    minutes_approve,
    minutes_unapprove,
)

MARCH = dt.date(2022, 3, 11)
TODAY = dt.date(2022, 6, 1)


def approve_url(meeting: Meeting) -> str:
    return reverse("meeting_approve", args=[meeting.pk])


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting", args=[meeting.pk])


def status_tag(response: Any) -> str:
    (tag,) = lxml.html.fromstring(response.content).xpath("//main//*[@data-field='minutes-status']")
    return " ".join(tag.text_content().split())


def test_the_business_team_records_the_date_the_board_approved_the_minutes(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    assert status_tag(manager.get(meeting_url(held))) == "Draft minutes"
    response = manager.post(approve_url(held), {"approval-on": "11/03/2022"})
    assert response.status_code == 302 and response["Location"] == meeting_url(held)
    held.refresh_from_db()
    assert (held.status, held.approved_on) == (Meeting.Status.MINUTES_APPROVED, MARCH)

    page = manager.get(meeting_url(held))
    assert status_tag(page) == "Approved on 11 March 2022"
    assert "Recorded: the board approved the minutes on 11 March 2022." in text_of(page)
    assert "Record the approval" not in text_of(page) and "Withdraw the approval" in text_of(page)
    board = manager.get(reverse("board", args=[cast.partnership.slug, cast.board.slug]))
    assert "23 February 2022 Minutes approved on 11 March 2022 11 8" in text_of(board)
    # a viewer reads the status, and is offered nothing to change
    theirs = signed_in(cast.viewer).get(meeting_url(held))
    assert status_tag(theirs) == "Approved on 11 March 2022"
    assert "Withdraw the approval" not in text_of(theirs)

    (event,) = AuditEvent.objects.filter(
        model="meetings.meeting", object_id=str(held.pk), changes__has_key="approved_on"
    )
    assert event.changes == {
        "status": ["minutes_draft", "minutes_approved"],
        "approved_on": [None, "2022-03-11"],
    }
    assert event.username == "amrita"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (
            "22/02/2022",
            "The minutes cannot have been approved before the meeting: enter 23 February 2022 or a later date.",
        ),
        ("01/01/2099", "The date the minutes were approved cannot be in the future."),
        ("31/02/2022", "Enter a real date, for example 11/03/2022."),
        ("", "Enter the date the board approved the minutes."),
    ],
)
def test_a_date_before_the_meeting_in_the_future_or_not_a_date_is_refused_with_a_clear_error(
    cast: Cast, held: Meeting, manager: Client, typed: str, error: str
) -> None:
    response = manager.post(approve_url(held), {"approval-on": typed})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert page.findtext(".//title").startswith("Error: ")
    summary = [" ".join(a.text_content().split()) for a in page.xpath("//*[@class='govuk-error-summary']//a")]
    assert summary == [error]
    (message,) = page.xpath("//*[@id='id_approval-on-error']")
    assert error in message.text_content()
    boxes = [
        page.xpath(f"//input[@name='approval-on_{p}']/@value")[0].lstrip("0")
        for p in ("day", "month", "year")
    ]
    assert boxes == [t.lstrip("0") for t in (typed.split("/") if typed else ["", "", ""])]  # as typed
    held.refresh_from_db()
    assert (held.status, held.approved_on) == (Meeting.Status.MINUTES_DRAFT, None)


def test_the_service_holds_the_rules_itself(cast: Cast, held: Meeting) -> None:
    with pytest.raises(MinutesApprovalRefused, match="before the meeting") as before:
        minutes_approve(meeting=held, user=cast.manager, on=dt.date(2022, 2, 22), today=TODAY)
    assert before.value.about_date
    with pytest.raises(MinutesApprovalRefused, match="in the future"):
        minutes_approve(meeting=held, user=cast.manager, on=dt.date(2022, 6, 2), today=TODAY)
    approved = minutes_approve(meeting=held, user=cast.manager, on=held.date, today=TODAY)  # the same day
    assert approved.minutes_status == "Minutes approved on 23 February 2022"


def test_a_second_approval_is_told_it_was_recorded_already(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    stale = Meeting.objects.get(pk=held.pk)
    minutes_approve(meeting=held, user=cast.manager, on=MARCH)
    with pytest.raises(MinutesApprovalRefused, match="already recorded as approved on 11 March 2022"):
        minutes_approve(meeting=stale, user=cast.member, on=dt.date(2022, 3, 12))
    response = manager.post(approve_url(held), {"approval-on": "12/03/2022"})
    assert response.status_code == 200
    assert "These minutes are already recorded as approved on 11 March 2022." in text_of(response)
    held.refresh_from_db()
    assert held.approved_on == MARCH


def test_an_approval_recorded_by_mistake_is_withdrawn(cast: Cast, held: Meeting, manager: Client) -> None:
    minutes_approve(meeting=held, user=cast.manager, on=MARCH)
    response = manager.post(reverse("meeting_unapprove", args=[held.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.approved_on) == (Meeting.Status.MINUTES_DRAFT, None)
    page = manager.get(meeting_url(held))
    assert "The approval is withdrawn: the minutes are in draft again." in text_of(page)
    assert status_tag(page) == "Draft minutes"
    with pytest.raises(MinutesApprovalRefused, match="not recorded as approved"):
        minutes_unapprove(meeting=held, user=cast.manager)
    assert AuditEvent.objects.filter(
        model="meetings.meeting", object_id=str(held.pk), changes__approved_on=["2022-03-11", None]
    ).exists()


def test_only_draft_minutes_can_be_approved(cast: Cast, manager: Client) -> None:
    scheduled = Meeting.objects.create(board=cast.board, date=dt.date(2022, 1, 5))
    assert "Record the approval" not in text_of(manager.get(meeting_url(scheduled)))
    assert status_tag(manager.get(meeting_url(scheduled))) == "Scheduled"
    response = manager.post(approve_url(scheduled), {"approval-on": "06/01/2022"})
    assert "This meeting has no minutes in draft to approve." in text_of(response)
    scheduled.refresh_from_db()
    assert scheduled.status == Meeting.Status.SCHEDULED


def test_the_form_offers_the_date_of_the_next_meeting_the_minutes_give(cast: Cast, held: Meeting) -> None:
    assert held.next_meeting_date == MARCH
    page = lxml.html.fromstring(signed_in(cast.manager).get(meeting_url(held)).content)
    boxes = [page.xpath(f"//input[@name='approval-on_{p}']/@value")[0] for p in ("day", "month", "year")]
    assert boxes == ["11", "3", "2022"]


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_members_and_viewers_cannot_approve(cast: Cast, held: Meeting, who: str) -> None:
    client = signed_in(getattr(cast, who))
    assert "Record the approval" not in text_of(client.get(meeting_url(held)))
    assert client.post(approve_url(held), {"approval-on": "11/03/2022"}).status_code == 403
    assert signed_in(cast.outsider).post(approve_url(held), {"approval-on": "11/03/2022"}).status_code == 404
    held.refresh_from_db()
    assert held.status == Meeting.Status.MINUTES_DRAFT


# The files -----------------------------------------------------------------------------------------------


def test_the_action_log_files_say_whether_the_minutes_each_action_came_from_are_approved(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    url = reverse("board_actions_export", args=[cast.partnership.slug, cast.board.slug, "csv"])
    rows = list(csv.reader(io.StringIO(manager.get(url).content.decode("utf-8-sig"))))
    minutes = rows[0].index("Minutes")  # before the flag and the latest note (issue 16)
    assert rows[0][4] == "Raised at"
    assert {r[minutes] for r in rows[1:]} == {"Draft minutes"} and len(rows) == 1 + 8

    minutes_approve(meeting=held, user=cast.manager, on=MARCH)
    xlsx = manager.get(url.replace(".csv", ".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][minutes] == "Minutes"
    assert {r[minutes] for r in cells[1:]} == {"Minutes approved on 11 March 2022"}
    partnership = reverse("partnership_actions_export", args=[cast.partnership.slug, "csv"])
    rows = list(csv.reader(io.StringIO(manager.get(partnership).content.decode("utf-8-sig"))))
    assert (
        rows[0][:2] == ["Number", "Board"]
        and rows[1][rows[0].index("Minutes")] == "Minutes approved on 11 March 2022"
    )


def test_the_next_agenda_names_the_minutes_to_approve(
    cast: Cast, held: Meeting, march: Meeting, manager: Client
) -> None:
    def action_log_item() -> str:
        response = manager.get(reverse("agenda_export", args=[march.pk]))
        (table,) = docx.Document(io.BytesIO(response.content)).tables
        (cell,) = [r.cells[1].text for r in table.rows if r.cells[0].text == "2"]
        return cell

    assert action_log_item() == (
        "Minutes of the previous meeting and action log\n"
        "Minutes of 23 February 2022: draft, for the board to approve"
    )
    minutes_approve(meeting=held, user=cast.manager, on=MARCH)
    assert action_log_item() == (
        "Minutes of the previous meeting and action log\nMinutes of 23 February 2022: approved on 11 March 2022"
    )


def test_the_partnership_export_holds_the_approval(cast: Cast, held: Meeting, manager: Client) -> None:
    minutes_approve(meeting=held, user=cast.manager, on=MARCH)
    response = manager.get(reverse("partnership_export", args=[cast.partnership.slug]))
    records = json.loads(b"".join([response.content]))["records"]
    (meeting,) = [r["fields"] for r in records if r["model"] == "meetings.meeting"]
    assert (meeting["status"], meeting["approved_on"]) == ("minutes_approved", "2022-03-11")


# Queries -------------------------------------------------------------------------------------------------


def add_minutes(cast: Cast, date: dt.date, *, items: int, actions: int) -> Meeting:
    """A meeting with draft minutes, written row by row: `items` items and `actions` actions."""
    meeting = Meeting.objects.create(board=cast.board, date=date, status=Meeting.Status.MINUTES_DRAFT)
    team, _ = Team.objects.get_or_create(partnership=cast.partnership, name="Warwickshire Safeguarding Team")
    people = list(Person.objects.filter(partnership=cast.partnership)[: max(1, items // 3)])
    for person in people:
        Attendance.objects.create(meeting=meeting, person=person, status="present")
    agenda = [
        AgendaItem.objects.create(meeting=meeting, position=n, number=str(n), title=f"Item {n}")
        for n in range(1, items + 1)
    ]
    for item in agenda:
        Decision.objects.create(item=item, text="Agreed.")
    for n in range(actions):
        action = Action.objects.create(
            board=cast.board,
            meeting=meeting,
            item=agenda[n % items],
            position=n,
            text=f"Action {n}",
            origin="manual",
        )
        action.owner_people.add(people[n % len(people)])
        action.owner_teams.add(team)
    doc = SourceDocument(
        partnership=cast.partnership,
        meeting=meeting,
        name=f"{date}.txt",
        sha256=str(date).ljust(64, "0"),
        format="text",
        size=1,
    )
    doc.file.save(doc.sha256, ContentFile(b"x"), save=False)
    doc.save()
    return meeting


def queries(client: Client, url: str) -> int:
    client.get(url)  # warm: the session and anything read once a process
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_meeting_page_runs_as_many_queries_for_many_items_as_for_one(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    small = add_minutes(cast, dt.date(2021, 1, 6), items=1, actions=1)
    large = add_minutes(cast, dt.date(2021, 2, 3), items=30, actions=45)
    for client in (manager, signed_in(cast.viewer)):  # with the approval form and undo, and without
        counts = [queries(client, meeting_url(m)) for m in (small, large)]
        assert counts[0] == counts[1], counts
        for m in (small, large):
            minutes_approve(meeting=m, user=cast.manager, on=MARCH)
        counts = [queries(client, meeting_url(m)) for m in (small, large)]
        assert counts[0] == counts[1], counts
        for m in (small, large):
            minutes_unapprove(meeting=m, user=cast.manager)
    assert Meeting.objects.filter(status=Meeting.Status.MINUTES_DRAFT).count() == 3

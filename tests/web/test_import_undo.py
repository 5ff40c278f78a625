"""Undoing an import (issue 12, part 3): the business team takes a meeting's minutes off the record with
everything the import wrote, keeps what anyone has worked on since, and is told which first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.apps import apps
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action, AgendaEntry, ForwardPlanEntry
from boardkeeper.actions.services import action_update
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Membership, Person, PersonAlias, Team
from boardkeeper.imports.services import import_confirm, import_file
from boardkeeper.imports.undo import UndoRefused, import_undo, import_undo_plan
from boardkeeper.meetings.models import Attendance, Meeting, PendingImport, SourceDocument
from boardkeeper.meetings.services import minutes_approve
from boardkeeper.minutes import extract
from boardkeeper.plan.agenda import agenda_draft
from boardkeeper.plan.next_meeting import schedule_next_meeting

PETES = "PH to share examples of incidents"
# the trail grows, and so does the log of changes the database keeps for the pages' cache (lib/reference.py);
# a session is the visitor's
NOT_COUNTED = {"audit.auditevent", "sessions.session", "directory.referencechange"}


def counts() -> dict[str, int]:
    """Rows of every table, many-to-many tables included."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in NOT_COUNTED
    }


def undo_url(meeting: Meeting) -> str:
    return reverse("meeting_undo_import", args=[meeting.pk])


def plan_key(response: Any) -> str:
    (key,) = lxml.html.fromstring(response.content).xpath("//main//form//input[@name='plan']/@value")
    return str(key)


def confirm(client: Client, meeting: Meeting) -> Any:
    """Open the confirmation page, then confirm what it shows."""
    page = client.get(undo_url(meeting))
    assert page.status_code == 200
    return client.post(undo_url(meeting), {"plan": plan_key(page)})


def seed(cast: Cast) -> Meeting:
    return import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


def test_undo_removes_exactly_what_the_import_created_and_goes_back_to_the_board(
    cast: Cast, manager: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    before = counts()
    meeting = seed(cast)
    assert Person.objects.count() == 8 and Action.objects.count() == 8 and ForwardPlanEntry.objects.exists()
    assert Team.objects.exists() and Membership.objects.exists() and PersonAlias.objects.exists()
    document = SourceDocument.objects.get(meeting=meeting)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)

    page = manager.get(undo_url(meeting))
    assert page.status_code == 200
    said = text_of(page)
    assert "What stays, and why" not in said  # nothing anyone worked on
    assert "People added to the directory Amrita Sharma, Elaine Coleridge-Smith, Jackie Channell" in said
    assert f"The file {SEED_DOCX.name}" in said
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(undo_url(meeting), {"plan": plan_key(page)})

    board = reverse("board", args=[cast.partnership.slug, cast.board.slug])
    assert response.status_code == 302 and response["Location"] == board
    after = counts()
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}
    assert not storage.exists(name)
    landed = text_of(manager.get(board))
    assert (
        f"The import of {SEED_DOCX.name} is undone: the meeting of 23 February 2022 and what came with it "
        "are no longer on record." in landed
    )
    assert "No meetings yet." in landed
    # audited: the undo itself, naming the meeting and the file, and every row it removed
    (undone,) = AuditEvent.objects.filter(detail__startswith="Import undone")
    assert undone.detail == f"Import undone: the minutes of 23 February 2022 from {SEED_DOCX.name}"
    assert (undone.model, undone.object_id, undone.username) == (
        "meetings.meeting",
        str(meeting.pk),
        "amrita",
    )
    assert undone.partnership_id == cast.partnership.pk
    deleted = AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, at__gte=undone.at)
    assert {e.model for e in deleted} >= {
        "meetings.meeting",
        "meetings.sourcedocument",
        "meetings.agendaitem",
        "meetings.attendance",
        "actions.action",
        "actions.forwardplanentry",
        "directory.person",
        "directory.team",
        "directory.membership",
    }
    assert deleted.filter(model="directory.person").count() == 8


def test_the_same_file_can_be_imported_again_after_its_import_was_undone(cast: Cast) -> None:
    meeting = seed(cast)
    import_undo(meeting=meeting, user=cast.manager)
    again = seed(cast)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert again.date == dt.date(2022, 2, 23) and Action.objects.filter(meeting=again).count() == 8


def test_the_file_is_removed_only_once_the_transaction_commits(
    cast: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    meeting = seed(cast)
    document = SourceDocument.objects.get(meeting=meeting)
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        import_undo(meeting=meeting, user=cast.manager)
        assert storage.exists(name)  # a rollback now would leave the file with its record
    assert len(callbacks) == 1 and storage.exists(name)
    callbacks[0]()
    assert not storage.exists(name)


def test_a_person_who_attends_another_meeting_stays_and_one_known_before_stays_as_they_were(
    cast: Cast, manager: Client
) -> None:
    known = Person.objects.create(partnership=cast.partnership, full_name="John Coleman")
    meeting = seed(cast)
    assert Attendance.objects.filter(meeting=meeting, person=known).exists()  # recognised, not added
    assert set(PersonAlias.objects.filter(person=known).values_list("alias", flat=True)) == {"JCo"}
    assert Membership.objects.filter(person=known, board=cast.board).exists()
    pete = Person.objects.get(full_name="Pete Hill")
    march = Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 11), status=Meeting.Status.HELD)
    Attendance.objects.create(meeting=march, person=pete, status=Attendance.Status.PRESENT)

    page = text_of(manager.get(undo_url(meeting)))
    assert "People added with these minutes who stay (1)" in page
    assert "Pete Hill attended the Executive Board meeting of 11 March 2022" in page
    assert "1 person already in the directory when these minutes came stays as before." in page
    response = confirm(manager, meeting)
    assert response.status_code == 302

    assert list(Person.objects.order_by("full_name").values_list("full_name", flat=True)) == [
        "John Coleman",
        "Pete Hill",
    ]
    assert not PersonAlias.objects.filter(person=known).exists()  # what the minutes taught goes
    assert not Membership.objects.filter(person=known).exists()  # the minutes made him a member
    assert PersonAlias.objects.filter(person=pete, alias="PH").exists()  # he keeps what he came with
    assert Membership.objects.filter(person=pete, board=cast.board).exists()  # he attends the board
    assert "1 person added with these minutes stays: other records refer to them." in text_of(
        manager.get(response["Location"])
    )


def test_an_action_worked_on_since_stays_with_the_meeting_and_the_page_says_so_first(
    cast: Cast, manager: Client
) -> None:
    meeting = seed(cast)
    petes = Action.objects.get(text=PETES)
    action_update(action=petes, user=cast.manager, version=petes.version, status="in_progress", note="Asked.")

    page = manager.get(undo_url(meeting))
    said = text_of(page)
    assert said.index("What stays, and why") < said.index("What will be removed")
    assert "The meeting stays on record as held, without its minutes" in said
    (row,) = lxml.html.fromstring(page.content).xpath("//table[@data-table='kept-actions']/tbody/tr")
    cells = [" ".join(td.text_content().split()) for td in row.xpath("./td")]
    assert cells[0] == PETES
    assert cells[1].startswith("Worked on since the import: status Open to In progress by amrita on ")
    assert "Pete Hill owns an action that stays" in said

    response = manager.post(undo_url(meeting), {"plan": plan_key(page)})
    assert response.status_code == 302
    petes.refresh_from_db()
    assert petes.status == "in_progress" and petes.item is None and petes.updates.count() == 1
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.next_meeting_date is None
    assert list(Action.objects.all()) == [petes]
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Pete Hill"]
    assert not meeting.items.exists() and not meeting.attendance.exists()
    assert not SourceDocument.objects.exists() and not PendingImport.objects.exists()
    # the item it lost is in the trail, as every change
    assert AuditEvent.objects.filter(
        model="actions.action", object_id=str(petes.pk), changes__item_id__1=None
    ).exists()
    board = text_of(manager.get(response["Location"]))
    assert "the meeting stays, with the 1 action worked on since" in board
    assert "23 February 2022 Held 0 1" in board


def test_a_meeting_scheduled_before_its_minutes_came_is_scheduled_again_with_its_agenda(
    cast: Cast, manager: Client
) -> None:
    scheduled = schedule_next_meeting(board=cast.board, date=dt.date(2022, 2, 23))
    agenda = [e.pk for e in agenda_draft(meeting=scheduled)]
    meeting = seed(cast)
    assert meeting.pk == scheduled.pk and meeting.title and meeting.next_meeting_date

    page = text_of(manager.get(undo_url(meeting)))
    assert (
        "The meeting was scheduled before its minutes came: it goes back to a scheduled meeting, with "
        f"its agenda ({len(agenda)} items)." in page
    )
    assert confirm(manager, meeting).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.title, meeting.next_meeting_date) == (Meeting.Status.SCHEDULED, "", None)
    assert list(AgendaEntry.objects.filter(meeting=meeting).values_list("pk", flat=True)) == agenda
    assert not Person.objects.exists() and not Action.objects.exists()
    assert "the meeting of 23 February 2022 is scheduled again, with its agenda." in text_of(
        manager.get(reverse("board", args=[cast.partnership.slug, cast.board.slug]))
    )


def test_earlier_actions_the_minutes_action_log_moved_on_are_put_back(cast: Cast) -> None:
    """The next minutes' action log closes an action of 23 February; undoing them opens it again. (The
    11 March minutes are the seed's own reading, dated 11 March, with an action log that says the
    action is done: no minutes of that meeting are public.)"""
    seed(cast)
    reading = extract(SEED_DOCX.read_bytes(), SEED_DOCX.name).to_json()  # the seed's reading
    reading["meeting"] = {**reading["meeting"], "date": "2022-03-11", "next_meeting_date": None}
    reading["actions"] = [
        {**a, "origin": "action_table", "status": "Complete"}
        for a in reading["actions"]
        if a["text"] == PETES
    ]
    later = PendingImport.objects.create(
        board=cast.board,
        uploaded_by=cast.manager,
        name="executive-board-2022-03-11.docx",
        sha256="b" * 64,
        data=b"the next minutes",
        status=PendingImport.Status.READY,
        extracted=reading,
    )
    march = import_confirm(pending=later, user=cast.manager).meeting
    petes = Action.objects.get(text=PETES)
    assert petes.status == "done" and petes.updates.count() == 1

    plan = import_undo_plan(meeting=march)
    assert [u.action_id for u in plan.log_reverted] == [petes.pk] and plan.known_people == 8
    import_undo(meeting=march, user=cast.manager)
    petes.refresh_from_db()
    assert petes.status == "open" and not petes.updates.exists()
    assert Person.objects.count() == 8 and Action.objects.count() == 8  # the first minutes' record is whole


def test_a_later_change_to_an_action_the_log_moved_on_is_left_alone(cast: Cast) -> None:
    seed(cast)
    petes = Action.objects.get(text=PETES)
    reading = extract(SEED_DOCX.read_bytes(), SEED_DOCX.name).to_json()
    reading["meeting"] = {**reading["meeting"], "date": "2022-03-11"}
    reading["actions"] = [
        {**a, "origin": "action_table", "status": "Ongoing"} for a in reading["actions"] if a["text"] == PETES
    ]
    march = import_confirm(
        pending=PendingImport.objects.create(
            board=cast.board,
            uploaded_by=cast.manager,
            name="next.docx",
            sha256="c" * 64,
            data=b"x",
            status=PendingImport.Status.READY,
            extracted=reading,
        ),
        user=cast.manager,
    ).meeting
    petes.refresh_from_db()
    action_update(action=petes, user=cast.manager, version=petes.version, status="done", note="Shared.")
    plan = import_undo_plan(meeting=march)
    assert plan.log_reverted == [] and [k.record.action_id for k in plan.log_kept] == [petes.pk]
    import_undo(meeting=march, user=cast.manager)
    petes.refresh_from_db()
    assert petes.status == "done" and petes.updates.count() == 2


def test_a_stale_confirmation_does_nothing_and_shows_the_plan_as_it_is_now(
    cast: Cast, manager: Client
) -> None:
    meeting = seed(cast)
    page = manager.get(undo_url(meeting))
    petes = Action.objects.get(text=PETES)
    action_update(action=petes, user=cast.manager, version=petes.version, status="done", note="Shared.")

    stale = manager.post(undo_url(meeting), {"plan": plan_key(page)})
    assert stale.status_code == 200
    said = text_of(stale)
    assert "Something changed since you opened this page" in said and PETES in said
    assert Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.MINUTES_DRAFT).exists()
    assert Action.objects.count() == 8 and Person.objects.count() == 8

    assert manager.post(undo_url(meeting), {"plan": plan_key(stale)}).status_code == 302
    assert list(Action.objects.values_list("text", flat=True)) == [PETES]


def test_a_confirmation_sent_again_after_the_undo_is_told_the_meeting_is_gone(
    cast: Cast, manager: Client
) -> None:
    meeting = seed(cast)
    page = manager.get(undo_url(meeting))
    assert manager.post(undo_url(meeting), {"plan": plan_key(page)}).status_code == 302
    again = manager.post(undo_url(meeting), {"plan": plan_key(page)})
    assert again.status_code == 404
    assert "This meeting is not on record" in text_of(again)
    assert "If you were undoing the import of its minutes, that is done" in text_of(again)


def test_approved_minutes_are_not_undone_until_the_approval_is_withdrawn(cast: Cast, manager: Client) -> None:
    meeting = seed(cast)
    minutes_approve(meeting=meeting, user=cast.manager, on=dt.date(2022, 3, 11))
    page = manager.get(undo_url(meeting))
    said = text_of(page)
    assert "The board approved these minutes on 11 March 2022" in said
    assert not lxml.html.fromstring(page.content).xpath("//main//form")
    assert manager.post(undo_url(meeting), {"plan": "anything"}).status_code == 200
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    with pytest.raises(UndoRefused, match="withdraw the approval first"):
        import_undo(meeting=meeting, user=cast.manager)


def test_a_meeting_not_imported_has_nothing_to_undo(cast: Cast, manager: Client) -> None:
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2022, 4, 1), status=Meeting.Status.HELD)
    assert "Undo this import" not in text_of(manager.get(reverse("meeting", args=[meeting.pk])))
    assert "there is no import to undo" in text_of(manager.get(undo_url(meeting)))
    with pytest.raises(UndoRefused):
        import_undo(meeting=meeting, user=cast.manager)


def test_the_meeting_page_offers_undo_to_the_business_team_alone(cast: Cast, manager: Client) -> None:
    meeting = seed(cast)
    url = reverse("meeting", args=[meeting.pk])
    link = f'href="{undo_url(meeting)}"'
    assert link in manager.get(url).content.decode()
    assert "Undo this import" in text_of(manager.get(url))
    for who in (cast.member, cast.viewer):
        assert link not in signed_in(who).get(url).content.decode()


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_members_and_viewers_are_refused(cast: Cast, who: str) -> None:
    meeting = seed(cast)
    before = counts()
    client = signed_in(getattr(cast, who))
    assert client.get(undo_url(meeting)).status_code == 403
    assert client.post(undo_url(meeting), {"plan": import_undo_plan(meeting=meeting).key}).status_code == 403
    assert counts() == before


def test_another_partnership_finds_nothing(cast: Cast) -> None:
    meeting = seed(cast)
    before = counts()
    client = signed_in(cast.outsider)
    for response in (
        client.get(undo_url(meeting)),
        client.post(undo_url(meeting), {"plan": import_undo_plan(meeting=meeting).key}),
    ):
        assert response.status_code == 404
        assert "Warwickshire" not in response.content.decode()
    assert counts() == before

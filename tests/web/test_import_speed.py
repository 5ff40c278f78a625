"""Fast writes (issue 12): the command line's import keeps the minutes in memory (no pending import stored,
read back and marked imported), with the confirm's refusals and all or nothing; the forward plan asks only
about the actions that name it; a run of several files is audited as the importer once."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from cast import FIXTURES, SEED_DOCX, Cast
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boardkeeper.actions.models import Action, ForwardPlanEntry
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person
from boardkeeper.imports import services
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.plan.forward_plan import forward_plan_from_meeting

SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"


def stored_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def nothing_written(settings: Any) -> None:
    assert not Meeting.objects.exists() and not Person.objects.exists() and not Action.objects.exists()
    assert not SourceDocument.objects.exists() and not PendingImport.objects.exists()
    assert not AuditEvent.objects.filter(model__startswith="meetings.").exists()
    assert not stored_files(settings)  # the minutes' bytes are not left on disk


def test_the_command_lines_import_stores_no_pending_import(cast: Cast) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = services.import_file(
            board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
        )
    assert not [q["sql"] for q in queries.captured_queries if "meetings_pendingimport" in q["sql"]]
    assert not PendingImport.objects.exists()
    meeting = result.meeting
    assert (result.people_created, result.actions) == (8, 8) and meeting.items.count() == 11
    assert SourceDocument.objects.get(meeting=meeting).file.read() == SEED_DOCX.read_bytes()
    event = AuditEvent.objects.get(model="meetings.meeting", object_id=str(meeting.pk))
    assert event.username == cast.manager.username  # audited in the importer's name, as the confirm is


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("x.docx", b"PK\x03\x04broken zip", None),  # the engine's own message
        (
            "notes.md",
            (FIXTURES / "office" / "README.md").read_bytes(),
            "do not say when the meeting was held",
        ),
    ],
)
def test_minutes_that_cannot_be_imported_are_refused_leaving_nothing(
    cast: Cast, settings: Any, name: str, data: bytes, message: str | None
) -> None:
    with pytest.raises(services.ImportRefused) as refused:
        services.import_file(board=cast.board, user=cast.manager, name=name, data=data)
    assert str(refused.value)
    if message:
        assert message in str(refused.value)
    nothing_written(settings)


def test_another_rendition_of_a_meeting_on_record_is_refused_with_the_confirms_message(cast: Cast) -> None:
    services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    events = AuditEvent.objects.count()
    with pytest.raises(services.ImportRefused, match="already has a meeting on 23 February 2022"):
        services.import_file(
            board=cast.board, user=cast.manager, name=SEED_TXT.name, data=SEED_TXT.read_bytes()
        )
    assert Meeting.objects.count() == 1 and SourceDocument.objects.count() == 1
    assert AuditEvent.objects.count() == events and not PendingImport.objects.exists()


def test_an_import_that_fails_after_its_file_is_stored_removes_the_file(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_save(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    # the file is stored, then its row is written: that write fails, and the transaction with it
    monkeypatch.setattr(SourceDocument, "save", failing_save)
    with pytest.raises(RuntimeError):
        services.import_file(
            board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
        )
    monkeypatch.undo()
    nothing_written(settings)


def test_the_same_minutes_imported_meanwhile_are_reported_as_already_imported(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    files = stored_files(settings)
    # someone else's import of these bytes commits after this one looked (both looks find nothing), and
    # before it writes: the database refuses the second meeting of the day, and the first is the answer
    real_existing = services.existing_import
    looks = iter([None])
    monkeypatch.setattr(services, "existing_import", lambda **kw: next(looks, None) or real_existing(**kw))
    monkeypatch.setattr(services, "minutes_on_record", lambda **kw: None)
    again = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    assert again.already_imported and again.meeting == first.meeting
    assert Meeting.objects.count() == 1 and stored_files(settings) == files


# The forward plan ---------------------------------------------------------------------------------------


def test_the_forward_plan_asks_one_query_of_minutes_that_ask_for_nothing(cast: Cast) -> None:
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2022, 1, 5))
    for position, text in enumerate(["Share the audit with partners", "Plan the training day"]):
        Action.objects.create(board=cast.board, meeting=meeting, position=position, text=text)
    with CaptureQueriesContext(connection) as queries:
        assert forward_plan_from_meeting(meeting=meeting) == []
    assert len(queries.captured_queries) == 1
    assert not ForwardPlanEntry.objects.exists()


def test_an_action_already_on_the_plan_is_not_planned_again(cast: Cast, held: Meeting) -> None:
    planned = set(ForwardPlanEntry.objects.values_list("pk", "source_action_id"))
    assert len(planned) == 2
    assert forward_plan_from_meeting(meeting=held) == []
    assert set(ForwardPlanEntry.objects.values_list("pk", "source_action_id")) == planned


def test_an_entry_for_a_month_is_aimed_at_the_boards_latest_meeting_that_month(cast: Cast) -> None:
    early = Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 2))
    late = Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 30))
    Meeting.objects.create(board=cast.board, date=dt.date(2022, 4, 6))
    result = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    entries = {e.topic: e for e in ForwardPlanEntry.objects.filter(source_action__meeting=result.meeting)}
    ofsted = entries["Ofsted & IICSA report findings"]  # 'for March'
    assert ofsted.target_month == dt.date(2022, 3, 1) and ofsted.target_meeting_id == late.pk != early.pk
    assert entries["Draft Strategic Plan"].target_meeting_id is None  # no month named
    for entry in entries.values():  # each entry's own creation in the trail, as a save would write it
        event = AuditEvent.objects.get(model="actions.forwardplanentry", object_id=str(entry.pk))
        assert event.action == "create" and event.partnership_id == cast.partnership.pk
        assert event.changes["topic"] == [None, entry.topic]
        assert event.changes["owner_text"] == [None, entry.owner_text]


# A run of several files ----------------------------------------------------------------------------------


def test_a_run_of_several_files_is_audited_as_the_importer(cast: Cast, tmp_path: Path) -> None:
    for path in (SEED_DOCX, FIXTURES / "synthetic" / "05_brackenridge-village-hall-2024-05-07.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    before = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    call_command(
        "import",
        str(tmp_path),
        partnership=cast.partnership.slug,
        board=cast.board.slug,
        user=cast.manager.username,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Meeting.objects.filter(board=cast.board).count() == 2
    events = AuditEvent.objects.filter(pk__gt=before)
    assert events.filter(model="meetings.meeting").count() == 2
    assert set(events.values_list("username", "user_id")) == {(cast.manager.username, cast.manager.pk)}
    assert not PendingImport.objects.exists()

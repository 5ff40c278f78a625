"""The import service: minutes become the record in one transaction, once."""

from __future__ import annotations

from typing import Any

import pytest
from cast import FIXTURES, SEED_DOCX, Cast

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Membership, Person, PersonAlias
from boardkeeper.imports import services
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument


def test_it_imports_the_seed_minutes_into_the_record(cast: Cast) -> None:
    result = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    meeting = result.meeting
    assert str(meeting.date) == "2022-02-23"
    assert meeting.items.count() == 11
    assert meeting.attendance.count() == 8
    actions = Action.objects.filter(meeting=meeting).order_by("position")
    assert (
        actions.count() == 8
    )  # the explicit actions; commitments in the discussion wait for a person's say-so
    pete = Person.objects.get(full_name="Pete Hill")
    assert list(pete.actions.values_list("text", flat=True)) == ["PH to share examples of incidents"]
    assert PersonAlias.objects.filter(person=pete, alias="PH", kind="initials").exists()
    roles = dict(Membership.objects.filter(board=cast.board).values_list("person__full_name", "role"))
    assert roles["Elaine Coleridge-Smith"] == "chair" and roles["Pete Hill"] == "member"
    assert roles["Amrita Sharma"] == "business_manager" and roles["Kiran Mahal"] == "minute_taker"
    assert "Nigel Minns" not in roles  # sent apologies
    team_actions = Action.objects.filter(owner_teams__name="Warwickshire Safeguarding Team")
    assert team_actions.count() == 3
    doc = SourceDocument.objects.get(meeting=meeting)
    assert doc.file.read() == SEED_DOCX.read_bytes()
    assert {c.pseudonym for c in meeting.items.get(number="4").case_mentions.all()} == {
        "Family M",
        "Prada & Jordan",
        "Charlie",
    }


def test_importing_the_same_bytes_again_changes_nothing(cast: Cast) -> None:
    data = SEED_DOCX.read_bytes()
    first = services.import_file(board=cast.board, user=cast.manager, name="a.docx", data=data)
    counts = (Meeting.objects.count(), Person.objects.count(), Action.objects.count())
    again = services.import_file(board=cast.board, user=cast.manager, name="renamed.docx", data=data)
    assert again.already_imported and again.meeting == first.meeting
    assert (Meeting.objects.count(), Person.objects.count(), Action.objects.count()) == counts


def test_another_rendition_of_a_meeting_already_held_is_refused(cast: Cast) -> None:
    services.import_file(board=cast.board, user=cast.manager, name="a.docx", data=SEED_DOCX.read_bytes())
    pdf = FIXTURES / "warwickshire-executive-board-2022-02-23.pdf"
    with pytest.raises(services.ImportRefused, match="already has a meeting on 23 February 2022"):
        services.import_file(board=cast.board, user=cast.manager, name=pdf.name, data=pdf.read_bytes())
    assert Meeting.objects.count() == 1


def test_a_file_that_cannot_be_read_writes_nothing(cast: Cast) -> None:
    with pytest.raises(services.ImportRefused, match="empty"):
        services.import_upload(board=cast.board, user=cast.manager, name="x.pdf", data=b"")
    with pytest.raises(services.ImportRefused, match=r"damaged|not a"):
        services.import_file(board=cast.board, user=cast.manager, name="x.docx", data=b"PK\x03\x04broken zip")
    assert Meeting.objects.count() == 0 and Person.objects.count() == 0
    assert PendingImport.objects.count() == 0


def test_a_second_meeting_recognises_the_same_people(cast: Cast) -> None:
    services.import_file(board=cast.board, user=cast.manager, name="a.docx", data=SEED_DOCX.read_bytes())
    people = Person.objects.count()
    later = (
        b"Warwickshire Safeguarding Executive Board\n\nDate: 11 March 2022\n\n"
        b"Present: Elaine Coleridge-Smith (Independent Chair), P Hill (Warwickshire Police), "
        b"Jackie Channell, JC (Coventry & Warwickshire Clinical Commissioning Group), Sam New (Healthwatch)\n\n"
        b"1. Welcome\n\nThe chair welcomed members.\n\n2. Actions\n\nAction: PH to report on custody delays.\n\n"
        b"3. Any other business\n\nNone.\n"
    )
    result = services.import_file(board=cast.board, user=cast.manager, name="march.txt", data=later)
    assert result.people_matched == 3 and result.people_created == 1
    assert Person.objects.count() == people + 1
    assert Person.objects.filter(full_name__in=["Pete Hill", "P Hill"]).count() == 1
    action = Action.objects.get(meeting=result.meeting)
    assert [p.full_name for p in action.owner_people.all()] == ["Pete Hill"]


def test_the_next_minutes_action_log_closes_and_carries_actions_on_record(cast: Cast) -> None:
    services.import_file(board=cast.board, user=cast.manager, name="a.docx", data=SEED_DOCX.read_bytes())
    march = (
        b"Warwickshire Safeguarding Executive Board\n\nDate: 11 March 2022\n\nPresent: Pete Hill, PH (Warwickshire Police)\n\n"
        b"1. Welcome\n\nWelcome.\n\n2. Minutes of the previous meeting and action log\n\n"
        b"| Action | Owner | Status |\n| --- | --- | --- |\n"
        b"| PH to share examples of incidents | PH | Done - shared with JG |\n"
        b"| LLB to be progressed | Warwickshire Safeguarding Team | Carried forward to April |\n\n"
        b"3. Any other business\n\nNone.\n"
    )
    result = services.import_file(board=cast.board, user=cast.manager, name="march.md", data=march)
    pete_action = Action.objects.get(text="PH to share examples of incidents")
    assert pete_action.status == "done" and pete_action.meeting.date.isoformat() == "2022-02-23"
    assert Action.objects.get(text="LLB to be progressed").status == "carried_forward"
    assert not Action.objects.filter(meeting=result.meeting).exists()  # no second copy of either
    (update,) = pete_action.updates.all()
    assert update.note == "From the minutes of 11 March 2022: Done - shared with JG"


def test_an_import_that_fails_at_the_last_step_leaves_no_file_behind(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    pending = services.import_upload(
        board=cast.board, user=cast.manager, name="a.docx", data=SEED_DOCX.read_bytes()
    )
    pending.refresh_from_db()

    def failing_update(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the database went away")

    # the last write of the import (marking the upload imported) fails, after the file was stored
    monkeypatch.setattr(type(PendingImport.objects.all()), "update", failing_update)
    with pytest.raises(RuntimeError):
        services.import_confirm(pending=pending, user=cast.manager)
    monkeypatch.undo()
    assert not Meeting.objects.exists() and not SourceDocument.objects.exists()
    uploads = Path(settings.MEDIA_ROOT)
    assert not [p for p in uploads.rglob("*") if p.is_file()]  # the minutes' bytes are not left on disk

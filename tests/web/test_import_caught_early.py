"""What the preview catches before anything is written: another rendition of a meeting already on record,
and minutes of another body; and the database's own guard when two renditions are confirmed at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from cast import FIXTURES, SEED_DOCX, Cast, text_of
from django.db import connection
from django.test import Client
from django.urls import reverse
from shared import corpus_file

from boardkeeper.imports import services
from boardkeeper.meetings.models import Meeting, PendingImport

SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"
SEED_PDF = FIXTURES / "warwickshire-executive-board-2022-02-23.pdf"


def read(cast: Cast, path: Any) -> PendingImport:
    pending = services.import_upload(
        board=cast.board, user=cast.manager, name=path.name, data=path.read_bytes()
    )
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.READY
    return pending


def test_the_preview_flags_another_rendition_of_a_meeting_on_record_with_a_link_to_it(
    held: Meeting, manager: Client, cast: Cast
) -> None:
    pending = read(cast, SEED_TXT)  # the same minutes, as text: other bytes, the same board and day
    page = manager.get(reverse("import_preview", args=[pending.pk]))
    text = text_of(page)
    assert "Executive Board already has minutes of a meeting on this date" in text
    assert f'href="{reverse("meeting", args=[held.pk])}"' in page.content.decode()
    confirm = manager.post(reverse("import_preview", args=[pending.pk]), {"version": pending.version})
    assert "already has a meeting on 23 February 2022" in text_of(confirm)
    assert Meeting.objects.filter(board=cast.board).count() == 1
    # the date corrected in the preview, the flag goes: the meeting of another day can be imported
    moved = manager.post(
        reverse("preview_meeting", args=[pending.pk]),
        {"version": pending.version, "title": "Executive Board", "date": "24/02/2022"},
    )
    assert moved.status_code == 302
    assert "already has minutes of a meeting on this date" not in text_of(
        manager.get(reverse("import_preview", args=[pending.pk]))
    )


def test_a_rendition_of_another_day_is_not_flagged(cast: Cast, manager: Client) -> None:
    pending = read(cast, SEED_TXT)
    assert "already has minutes of a meeting on this date" not in text_of(
        manager.get(reverse("import_preview", args=[pending.pk]))
    )


def test_minutes_whose_title_names_another_body_are_warned_of(cast: Cast, manager: Client) -> None:
    pending = read(cast, corpus_file("01_icat-steering-group-2015-12-09.txt"))
    text = text_of(manager.get(reverse("import_preview", args=[pending.pk])))
    assert "names another body than the Executive Board: check these are its minutes" in text
    own = read(cast, SEED_TXT)  # 'Warwickshire Safeguarding Executive Board': this board's own
    assert "names another body" not in text_of(manager.get(reverse("import_preview", args=[own.pk])))


@pytest.mark.parametrize(
    ("title", "warned"),
    [
        ("Learning and Improvement Subgroup", True),
        ("Finance Committee", True),
        ("Warwickshire Safeguarding Executive Board", False),
        ("Executive", False),
        ("Minutes of the meeting held on 23 February 2022", False),  # names no body: says nothing
        ("", False),
    ],
)
def test_a_title_is_another_bodys_only_when_it_names_a_body_and_none_of_the_boards_words(
    cast: Cast, title: str, warned: bool
) -> None:
    assert (services.other_body(title, cast.board) is not None) is warned


def test_the_database_refuses_a_second_meeting_of_a_board_on_one_day_when_the_check_is_passed(
    held: Meeting, cast: Cast, monkeypatch: Any
) -> None:
    """Two confirms that both passed the check before either wrote: the constraint decides, and the
    loser is told as the check would have told them; nothing of it is left."""
    pending = read(cast, SEED_TXT)
    monkeypatch.setattr(
        services, "minutes_on_record", lambda **kw: None
    )  # as if confirmed at the same moment
    with pytest.raises(services.ImportRefused, match="already has a meeting on 23 February 2022"):
        services.import_confirm(pending=pending, user=cast.manager)
    assert Meeting.objects.filter(board=cast.board).count() == 1
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.READY  # nothing written: it can be looked at again


@pytest.mark.django_db(transaction=True)
def test_two_renditions_confirmed_at_once_write_one_meeting(cast: Cast) -> None:
    """Two threads, two connections, one moment: one meeting, one refusal (on PostgreSQL the second waits
    on the first's unique index, then is refused; on SQLite the writes queue)."""
    pendings = [read(cast, SEED_DOCX), read(cast, SEED_TXT)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(pending: PendingImport) -> None:
        try:
            start.wait()
            services.import_confirm(pending=pending, user=cast.manager)
            outcomes.append("imported")
        except services.ImportRefused as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in pendings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["imported", "refused"], outcomes
    assert Meeting.objects.filter(board=cast.board, date="2022-02-23").count() == 1
    assert "already has a meeting on 23 February 2022" in next(o for o in outcomes if o.startswith("refused"))

"""Reading uploads survives a stopped worker, and uploads never imported are removed after a while."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from cast import SEED_DOCX, Cast, text_of
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from boardkeeper.imports.services import import_confirm, import_upload
from boardkeeper.meetings import services, tasks
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.meetings.tasks import clean_now_and_then, readings_recover
from boardkeeper.minutes import extract, extract_with_text

# The worker claims tasks in transactions of its own: it needs a real database, not one test-wide transaction.
pytestmark = pytest.mark.django_db(transaction=True)

MINUTES = SEED_DOCX.read_bytes()
TIMEOUT = dt.timedelta(minutes=10)  # BOARDKEEPER_READING_TIMEOUT_MINUTES's default


@pytest.fixture(autouse=True)
def database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_worker() -> Iterator[None]:
    """Each test is a worker that has not cleaned yet; db_worker's signal handlers are given back to pytest."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    tasks._cleaned.clear()
    yield
    tasks._cleaned.clear()
    for s, handler in saved.items():
        signal.signal(s, handler)


POLL = {"HX-Request": "true", "HX-Target": "import-status"}  # what htmx sends as the status page polls


def run_worker() -> str:
    out = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", stdout=out)
    return out.getvalue()


def upload(client: Client, cast: Cast, name: str = SEED_DOCX.name) -> PendingImport:
    url = reverse("import_upload", args=[cast.partnership.slug, cast.board.slug])
    assert client.post(url, {"file": SimpleUploadedFile(name, MINUTES)}).status_code == 302
    return PendingImport.objects.get(name=name)


def task_of(pending: PendingImport, status: str = "READY") -> DBTaskResult:
    return next(
        t
        for t in DBTaskResult.objects.filter(status=status).order_by("enqueued_at")
        if t.args_kwargs["args"] == [str(pending.pk)]
    )


def killed_while_reading(pending: PendingImport, *, started: dt.datetime) -> None:
    """What a worker killed (kill -9) while reading `pending` leaves behind: its task claimed by the
    queue and never finished (django-tasks-db keeps it RUNNING for ever and never runs it again), the
    import being read since `started`, its try counted."""
    task_of(pending).claim("killed-worker")
    PendingImport.objects.filter(pk=pending.pk).update(reading_started_at=started, attempts=F("attempts") + 1)


def kept(cast: Cast, name: str, status: str, *, uploaded: dt.datetime) -> PendingImport:
    pending = PendingImport.objects.create(
        board=cast.board,
        uploaded_by=cast.manager,
        name=name,
        sha256=hashlib.sha256(MINUTES).hexdigest(),
        data=MINUTES,
        status=status,
    )
    PendingImport.objects.filter(pk=pending.pk).update(created_at=uploaded)  # auto_now_add: set after
    return pending


# A worker killed while reading ------------------------------------------------------------------------


def test_a_reading_left_by_a_killed_worker_is_queued_again_and_the_next_worker_reads_it(
    cast: Cast, manager: Client
) -> None:
    pending = upload(manager, cast)
    started = timezone.now()
    killed_while_reading(pending, started=started)

    assert not readings_recover(now=started + TIMEOUT - dt.timedelta(minutes=1))  # may still be reading
    assert not DBTaskResult.objects.filter(status="READY").exists()

    recovered = readings_recover(now=started + TIMEOUT + dt.timedelta(minutes=1))

    assert recovered.retried == [str(pending.pk)] and recovered.failed == []
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.READING
    assert (pending.attempts, pending.reading_started_at) == (1, None)  # waiting for its second try
    retry = task_of(pending)
    assert retry.task_path == "boardkeeper.meetings.tasks.read_pending_import"
    assert task_of(pending, "RUNNING").worker_ids == ["killed-worker"]  # the queue's row, left as it is
    # looked at again before a worker takes it: queued once
    assert not readings_recover(now=started + TIMEOUT + dt.timedelta(minutes=2))
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_worker()

    pending.refresh_from_db()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert pending.status == PendingImport.Status.READY
    assert pending.attempts == 2
    assert pending.extracted == extract(MINUTES, SEED_DOCX.name).to_json()
    page = text_of(manager.get(reverse("import_preview", args=[pending.pk])))
    assert "Check the minutes before you import them" in page


def test_a_reading_stopped_twice_is_failed_with_a_message_and_its_bytes_released(
    cast: Cast, manager: Client
) -> None:
    pending = upload(manager, cast)
    first = timezone.now()
    killed_while_reading(pending, started=first)
    assert readings_recover(now=first + TIMEOUT * 2).retried == [str(pending.pk)]
    second = first + TIMEOUT * 3
    killed_while_reading(pending, started=second)  # the worker that took the second try was killed too

    recovered = readings_recover(now=second + TIMEOUT + dt.timedelta(seconds=1))

    assert recovered.failed == [str(pending.pk)] and recovered.retried == []
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.FAILED
    assert pending.error == services.reading_stopped_message(2)
    assert "could not finish reading this file (it was stopped twice); upload it again" in pending.error
    assert bytes(pending.data) == b""
    assert pending.extracted is None
    assert not DBTaskResult.objects.filter(status="READY").exists()  # not tried a third time
    response = manager.get(reverse("import_preview", args=[pending.pk]))
    page = text_of(response)
    assert "These minutes could not be read" in page
    assert f"{SEED_DOCX.name}: Boardkeeper could not finish reading this file (it was stopped twice)" in page
    assert "Import another file" in page
    assert "hx-trigger" not in response.content.decode()  # no more polling
    run_worker()  # nothing queued; nothing changes
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.FAILED


def test_a_reading_that_outlives_its_time_writes_nothing_over_what_was_decided_meanwhile(
    cast: Cast, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = upload(manager, cast)
    killed_while_reading(pending, started=timezone.now())
    PendingImport.objects.filter(pk=pending.pk).update(reading_started_at=None)  # queued again
    now = timezone.now()

    def slow_extract(data: bytes, name: str) -> Any:
        # the second try is still reading when the timeout passes: it is taken for stopped, and failed
        assert readings_recover(now=now + TIMEOUT + dt.timedelta(minutes=1)).failed == [str(pending.pk)]
        return extract_with_text(data, name)

    monkeypatch.setattr(services, "extract_with_text", slow_extract)
    services.import_read(pending_id=str(pending.pk), now=now)

    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.FAILED  # the late result is not written
    assert pending.extracted is None and bytes(pending.data) == b""


def test_the_status_page_polled_on_a_stopped_reading_queues_it_again(cast: Cast, manager: Client) -> None:
    pending = upload(manager, cast)
    killed_while_reading(pending, started=timezone.now() - TIMEOUT - dt.timedelta(minutes=1))
    url = reverse("import_preview", args=[pending.pk])

    poll = manager.get(url, headers=POLL)

    body = poll.content.decode()
    assert poll.status_code == 200 and 'hx-trigger="every 2s"' in body  # still reading: polling goes on
    assert "was stopped before it finished: it is being read again" in body
    assert task_of(pending).task_path == "boardkeeper.meetings.tasks.read_pending_import"
    manager.get(url, headers=POLL)
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # polled again: not queued again

    run_worker()

    moved_on = manager.get(url, headers=POLL)
    assert moved_on.headers["HX-Redirect"] == url
    assert "Check the minutes before you import them" in text_of(manager.get(url))


def test_the_status_page_polled_on_a_reading_stopped_twice_shows_why(cast: Cast, manager: Client) -> None:
    pending = upload(manager, cast)
    now = timezone.now()
    killed_while_reading(pending, started=now - TIMEOUT * 4)
    readings_recover(now=now - TIMEOUT * 2)
    killed_while_reading(pending, started=now - TIMEOUT - dt.timedelta(minutes=1))
    url = reverse("import_preview", args=[pending.pk])

    poll = manager.get(url, headers=POLL)

    assert poll.headers["HX-Redirect"] == url  # the whole page moves on to the failure
    page = text_of(manager.get(url))
    assert "These minutes could not be read" in page
    assert "it was stopped twice" in page
    pending.refresh_from_db()
    assert (pending.status, bytes(pending.data)) == (PendingImport.Status.FAILED, b"")


def test_a_reading_in_progress_within_its_time_is_left_alone_by_the_page(cast: Cast, manager: Client) -> None:
    pending = upload(manager, cast)
    killed_while_reading(pending, started=timezone.now() - TIMEOUT + dt.timedelta(minutes=2))

    body = manager.get(reverse("import_preview", args=[pending.pk])).content.decode()

    assert f"Reading {SEED_DOCX.name}" in body and "being read again" not in body
    assert not DBTaskResult.objects.filter(status="READY").exists()
    pending.refresh_from_db()
    assert pending.reading_started_at is not None and pending.attempts == 1


def test_a_worker_reading_another_upload_queues_again_a_reading_left_stopped(
    cast: Cast, manager: Client
) -> None:
    stopped = upload(manager, cast, "stopped.docx")
    killed_while_reading(stopped, started=timezone.now() - TIMEOUT - dt.timedelta(minutes=1))
    other = upload(manager, cast, "other.docx")

    run_worker()  # reads `other`, then finds `stopped` and queues it again; the same run reads it

    stopped.refresh_from_db()
    other.refresh_from_db()
    assert other.status == PendingImport.Status.READY
    assert (stopped.status, stopped.attempts) == (PendingImport.Status.READY, 2)


def test_with_tasks_run_at_once_a_stopped_reading_is_read_again_when_its_page_is_looked_at(
    cast: Cast, manager: Client, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # the web process was killed while it read the upload (the default: tasks run in the request)
    pending = kept(cast, SEED_DOCX.name, PendingImport.Status.READING, uploaded=timezone.now())
    PendingImport.objects.filter(pk=pending.pk).update(
        attempts=1, reading_started_at=timezone.now() - TIMEOUT - dt.timedelta(minutes=1)
    )

    page = text_of(manager.get(reverse("import_preview", args=[pending.pk])))

    assert "Check the minutes before you import them" in page
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (PendingImport.Status.READY, 2)


# Uploads never imported ---------------------------------------------------------------------------------


def test_uploads_never_imported_are_removed_after_the_set_days_with_their_bytes(
    cast: Cast, settings: Any
) -> None:
    now = timezone.now()
    # an upload previewed and imported (the command line's import keeps no pending row)
    pending = import_upload(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=MINUTES)
    services.import_read(pending_id=str(pending.pk))
    pending.refresh_from_db()
    meeting = import_confirm(pending=pending, user=cast.manager).meeting
    PendingImport.objects.filter(meeting=meeting).update(created_at=now - dt.timedelta(days=60))
    kept(cast, "never-confirmed.docx", PendingImport.Status.READY, uploaded=now - dt.timedelta(days=15))
    kept(cast, "unreadable.docx", PendingImport.Status.FAILED, uploaded=now - dt.timedelta(days=15))
    kept(cast, "never-read.docx", PendingImport.Status.READING, uploaded=now - dt.timedelta(days=15))
    kept(cast, "this-week.docx", PendingImport.Status.READY, uploaded=now - dt.timedelta(days=13))

    removed = services.pending_imports_clean(now=now)

    assert [(r.name, r.status, r.size) for r in removed] == [
        ("never-confirmed.docx", "Ready to check", len(MINUTES)),
        ("never-read.docx", "Being read", len(MINUTES)),
        ("unreadable.docx", "Could not be read", len(MINUTES)),
    ]
    left = dict(PendingImport.objects.values_list("name", "status"))
    assert left == {
        SEED_DOCX.name: PendingImport.Status.IMPORTED,
        "this-week.docx": PendingImport.Status.READY,
    }
    # the imported meeting and its file are untouched; its upload stays, leading to the meeting
    assert Meeting.objects.get() == meeting
    assert SourceDocument.objects.get(meeting=meeting).file.read() == MINUTES
    assert PendingImport.objects.get(status=PendingImport.Status.IMPORTED).meeting == meeting
    assert services.pending_imports_clean(now=now) == []  # nothing left to remove

    settings.PENDING_IMPORT_DAYS = 7  # BOARDKEEPER_PENDING_IMPORT_DAYS
    assert [r.name for r in services.pending_imports_clean(now=now)] == ["this-week.docx"]


def test_clean_imports_says_what_it_removed_and_queues_stopped_readings_again(
    cast: Cast, manager: Client
) -> None:
    uploaded = timezone.now() - dt.timedelta(days=20)
    kept(cast, "never-confirmed.docx", PendingImport.Status.READY, uploaded=uploaded)
    kept(cast, "unreadable.docx", PendingImport.Status.FAILED, uploaded=uploaded)
    stopped = upload(manager, cast)
    killed_while_reading(stopped, started=timezone.now() - TIMEOUT - dt.timedelta(minutes=1))
    out = io.StringIO()

    call_command("clean_imports", stdout=out)

    day = f"{timezone.localtime(uploaded):%-d %B %Y}"
    assert out.getvalue().splitlines() == [
        "1 reading left unfinished by a stopped worker queued again.",
        f"Removed 2 uploads never imported after 14 days ({filesizeformat(2 * len(MINUTES))}):",
        f"  never-confirmed.docx: Executive Board, ready to check, uploaded {day}",
        f"  unreadable.docx: Executive Board, could not be read, uploaded {day}",
    ]
    assert set(PendingImport.objects.values_list("name", flat=True)) == {SEED_DOCX.name}
    run_worker()
    stopped.refresh_from_db()
    assert stopped.status == PendingImport.Status.READY

    again = io.StringIO()
    call_command("clean_imports", stdout=again)
    assert again.getvalue() == "No upload has waited more than 14 days to be imported.\n"


def test_the_worker_removes_abandoned_uploads_at_most_once_an_hour(cast: Cast, manager: Client) -> None:
    old = timezone.now() - dt.timedelta(days=15)
    kept(cast, "abandoned.docx", PendingImport.Status.READY, uploaded=old)
    upload(manager, cast, "first.docx")

    run_worker()

    assert not PendingImport.objects.filter(name="abandoned.docx").exists()
    kept(cast, "abandoned-later.docx", PendingImport.Status.FAILED, uploaded=old)
    upload(manager, cast, "second.docx")
    run_worker()
    assert PendingImport.objects.filter(name="abandoned-later.docx").exists()  # cleaned within the hour
    assert clean_now_and_then(now=timezone.now() + dt.timedelta(minutes=30)) == []

    removed = clean_now_and_then(now=timezone.now() + dt.timedelta(minutes=61))

    assert [r.name for r in removed] == ["abandoned-later.docx"]
    assert set(PendingImport.objects.values_list("name", flat=True)) == {"first.docx", "second.docx"}

"""Reading uploads in the background: the database queue, drained by `boardkeeper db_worker`."""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from cast import SEED_DOCX, Cast
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from boardkeeper.meetings.models import Meeting, PendingImport
from boardkeeper.minutes import MinutesError, extract

# The worker claims tasks in transactions of its own and closes old connections between them: it needs
# a real database, not one test-wide transaction.
pytestmark = pytest.mark.django_db(transaction=True)

CORRUPT = b"PK\x03\x04 not really a Word document"


@pytest.fixture(autouse=True, params=[False, True], ids=["enqueue-at-once", "enqueue-on-commit"])
def database_queue(settings: Any, request: pytest.FixtureRequest) -> None:
    """The database queue; with ENQUEUE_ON_COMMIT as the tests ask and as BOARDKEEPER_TASKS=database sets it."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "ENQUEUE_ON_COMMIT": request.param}
    }


@pytest.fixture(autouse=True)
def _keep_signal_handlers() -> Iterator[None]:
    """db_worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def run_worker() -> str:
    out = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", stdout=out)
    return out.getvalue()


@pytest.fixture
def manager(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.manager)
    return client


def upload(client: Client, cast: Cast, name: str, data: bytes) -> PendingImport:
    url = reverse("import_upload", args=[cast.partnership.slug, cast.board.slug])
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    pending = PendingImport.objects.get(name=name)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_preview", args=[pending.pk])
    return pending


def test_an_upload_waits_in_the_queue_until_the_worker_reads_it(cast: Cast, manager: Client) -> None:
    pending = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes())
    assert pending.status == PendingImport.Status.READING
    assert pending.extracted is None
    task = DBTaskResult.objects.get()
    assert task.status == "READY"  # queued, not yet run
    assert task.task_path == "boardkeeper.meetings.tasks.read_pending_import"
    assert task.args_kwargs == {"args": [str(pending.pk)], "kwargs": {}}

    run_worker()

    pending.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert pending.status == PendingImport.Status.READY
    assert pending.error == ""
    assert pending.extracted is not None
    assert pending.extracted["meeting"]["date"] == "2022-02-23"
    assert len(pending.extracted["items"]) == 11
    assert "Pete Hill" in {p["name"] for p in pending.extracted["people"]}
    assert pending.extracted == extract(SEED_DOCX.read_bytes(), SEED_DOCX.name).to_json()
    assert not Meeting.objects.exists()  # read, not imported: that waits for the preview


def test_the_preview_says_it_is_reading_until_the_worker_has_read(cast: Cast, manager: Client) -> None:
    pending = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes())
    url = reverse("import_preview", args=[pending.pk])
    waiting = manager.get(url)
    assert waiting.status_code == 200
    assert f"Reading {SEED_DOCX.name}" in waiting.content.decode()
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    fragment = manager.get(url, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment.content.decode()
    # confirming before it is read changes nothing
    manager.post(url, {"meeting_date": "2022-02-23"})
    assert not Meeting.objects.exists()

    run_worker()

    ready = manager.get(url)
    assert "Check the minutes before you import them" in ready.content.decode()
    assert "Pete Hill" in ready.content.decode()


def test_a_corrupt_file_ends_as_failed_with_the_engines_message(cast: Cast, manager: Client) -> None:
    pending = upload(manager, cast, "minutes.docx", CORRUPT)
    assert pending.status == PendingImport.Status.READING
    with pytest.raises(MinutesError) as engine:
        extract(CORRUPT, "minutes.docx")

    run_worker()

    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.FAILED
    assert pending.error == str(engine.value)
    assert pending.extracted is None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # the task ran; the file was bad
    page = manager.get(reverse("import_preview", args=[pending.pk])).content.decode()
    assert "These minutes could not be read" in page
    assert str(engine.value) in page
    assert "hx-trigger" not in page  # no more polling
    assert not Meeting.objects.exists()


def test_one_worker_run_reads_every_upload_waiting(cast: Cast, manager: Client) -> None:
    good = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes())
    bad = upload(manager, cast, "minutes.docx", CORRUPT)
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    run_worker()

    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (PendingImport.Status.READY, PendingImport.Status.FAILED)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    run_worker()  # nothing left: returns at once


def test_the_polling_status_page_takes_the_browser_to_the_preview_once_read(
    cast: Cast, manager: Client
) -> None:
    pending = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes())
    url = reverse("import_preview", args=[pending.pk])
    assert 'hx-select="#import-status"' in manager.get(url).content.decode()

    run_worker()

    poll = manager.get(url, headers={"HX-Request": "true", "HX-Target": "import-status"})  # as htmx polls
    body = poll.content.decode()
    navigates = (
        poll.headers.get("HX-Redirect") == url
        or url in poll.headers.get("HX-Location", "")
        or poll.headers.get("HX-Refresh") == "true"
    )
    links_from_the_status = 'id="import-status"' in body and f'href="{url}"' in body
    assert navigates or links_from_the_status

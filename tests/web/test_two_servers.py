"""Two `boardkeeper serve` processes, each in a working directory of its own, sharing one PostgreSQL database
with the uploaded files kept in it (`BOARDKEEPER_FILES=database`), behave as one installation: minutes
uploaded and imported through one are downloaded, byte for byte, through the other, and a session begun on
one is good on the other. Two database queue workers given the same reading read it once, and a task run\ntwice (queued again, or run by two workers at once) does its work once.

The servers run on PostgreSQL only, in a database of the test's own (a new uuid name, created here and dropped here:
never any other)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
from cast import PASSWORD, SEED_DOCX, Cast
from django.db import connection

from boardkeeper.imports import services as import_services
from boardkeeper.meetings import services as meeting_services
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.meetings.tasks import read_pending_import

ROOT = Path(__file__).resolve().parents[2]
VENDOR_CSS = ROOT / "boardkeeper" / "static" / "vendor" / "govuk-frontend.min.css"
BASE_URL = os.environ.get("DATABASE_URL", "")

several_servers = pytest.mark.skipif(
    not BASE_URL.startswith(("postgres://", "postgresql://")) or not VENDOR_CSS.exists(),
    reason="several servers share PostgreSQL (DATABASE_URL); the static files need `make setup` (npm)",
)

SECRET_A, SECRET_B, SECRET_C = pyotp.random_base32(), pyotp.random_base32(), pyotp.random_base32()
SETUP = f"""
from django.contrib.auth.models import User
from django.utils import timezone
from boardkeeper.accounts.models import PartnershipRole, TwoFactor
from boardkeeper.directory.models import Board, Partnership
p = Partnership.objects.create(name="Warwickshire Safeguarding", slug="warwickshire")
Board.objects.create(partnership=p, name="Executive Board", slug="executive-board")
for name, secret in (("amrita", {SECRET_A!r}), ("bela", {SECRET_B!r}), ("carys", {SECRET_C!r})):
    u = User.objects.create_user(name, password={PASSWORD!r})
    PartnershipRole.objects.create(user=u, partnership=p, role=PartnershipRole.Role.BUSINESS_TEAM)
    TwoFactor.objects.create(user=u, secret=secret, confirmed_at=timezone.now())
"""


def _admin(statement: str) -> None:
    import psycopg
    from psycopg import sql

    # through the server's maintenance database, as Django's test runner does: the database of DATABASE_URL
    # need not exist (pytest-django makes its own test_ database from the name)
    parts = urllib.parse.urlparse(BASE_URL.replace("postgres://", "postgresql://", 1))
    with psycopg.connect(urllib.parse.urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(db=sql.Identifier(NAME)))


NAME = f"boardkeeper_two_servers_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """The URL of a database made for this module, dropped after it: that one and no other."""
    _admin("CREATE DATABASE {db}")
    try:
        parts = urllib.parse.urlparse(BASE_URL)
        yield urllib.parse.urlunparse(parts._replace(path="/" + NAME))
    finally:
        _admin("DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def environment(data: Path, database_url: str, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "BOARDKEEPER_TASKS"}}
    env.update(
        BOARDKEEPER_DATA=str(data),
        DATABASE_URL=database_url,
        BOARDKEEPER_FILES="database",
        PYTHONUNBUFFERED="1",
    )
    env.update(more)
    return env


PARTNERSHIP = "/p/warwickshire/"
CLI = [sys.executable, "-m", "boardkeeper.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def servers(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two servers, A and B, each with its own working directory (so no file of one is seen by the other
    through the disk), one database; the reading of uploads queued for workers (`BOARDKEEPER_TASKS`)."""
    first = tmp_path_factory.mktemp("setup")
    env = environment(first, database)
    subprocess.run([*CLI, "migrate", "--verbosity", "0"], env=env, check=True, cwd=first, timeout=300)
    subprocess.run([*CLI, "shell", "-c", SETUP], env=env, check=True, cwd=first, timeout=120)
    processes, logs, bases = [], [], []
    try:
        for label in ("a", "b"):
            data = tmp_path_factory.mktemp(f"server-{label}")
            port = free_port()
            log = (data / "serve.log").open("wb")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [*CLI, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
                    env=environment(data, database, BOARDKEEPER_TASKS="database"),
                    cwd=data,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120  # the collecting of static files and the start, on a busy machine
        for process, base in zip(processes, bases, strict=True):
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    if Session(base).get("/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            else:
                pytest.fail(
                    "a server stopped at start" if process.poll() is not None else "no answer in 120 s"
                )
        yield bases[0], bases[1]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        for log in logs:
            log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Session:
    """A browser's worth of one server: its cookies, CSRF token sent back with every form."""

    def __init__(self, base: str, jar: http.cookiejar.CookieJar | None = None):
        self.base = base
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self._open(urllib.request.Request(self.base + path))

    def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields}
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        for key, (filename, data) in (files or {}).items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + path,
            },
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def sign_in(self, username: str, secret: str) -> None:
        assert self.get("/accounts/login/")[0] == 200  # sets the CSRF cookie
        status, headers, _ = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert status == 302, "the password is accepted"
        status, headers, _ = self.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
        assert status == 302 and "two-factor" not in headers["Location"], "the code is accepted"
        assert self.get(PARTNERSHIP)[0] == 200


@several_servers
def test_minutes_uploaded_through_one_server_are_downloaded_through_the_other(
    servers: tuple[str, str], database: str, tmp_path: Path
) -> None:
    a, b = Session(servers[0]), Session(servers[1])
    a.sign_in("amrita", SECRET_A)
    b.sign_in("bela", SECRET_B)

    board = "/p/warwickshire/boards/executive-board"
    assert a.get(f"{board}/import/")[0] == 200
    status, headers, body = a.post(
        f"{board}/import/", {}, files={"file": (SEED_DOCX.name, SEED_DOCX.read_bytes())}
    )
    assert status == 302, body[:2000]
    preview = urllib.parse.urlparse(headers["Location"]).path
    assert re.fullmatch(r"/imports/[0-9a-f-]{36}/", preview)

    # the reading is queued: two workers, each in a directory of its own, drain the queue together
    workers = []
    for label in ("1", "2"):
        data = tmp_path / f"worker-{label}"
        data.mkdir()
        workers.append(
            subprocess.Popen(
                [*CLI, "db_worker", "--batch", "--no-startup-delay", "--interval", "0.2"],
                env=environment(data, database, BOARDKEEPER_TASKS="database"),
                cwd=data,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    for worker in workers:
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()[-2000:]

    # server B shows the preview read by a worker; it is imported through A
    status, _, page = b.get(preview)
    assert status == 200
    version = re.search(rb'name="version" value="(\d+)"', page)
    assert version, page[:2000]
    status, headers, _ = a.post(preview, {"version": version[1].decode()})
    assert status == 302 and "/meetings/" in headers["Location"], headers
    status, _, meeting = a.get(urllib.parse.urlparse(headers["Location"]).path)  # the meeting, on A
    assert status == 200
    document = re.search(rb'href="(/documents/\d+/)"', meeting)
    assert document, "the meeting page links its minutes file"

    # uploaded and imported through A: downloaded through B, and A, byte for byte
    for session in (b, a):
        status, headers, data = session.get(document[1].decode())
        assert status == 200
        assert data == SEED_DOCX.read_bytes()
        assert headers["Content-Disposition"].startswith("attachment")

    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as conn:
        (attempts,) = conn.execute("SELECT attempts FROM meetings_pendingimport").fetchone() or (None,)
        (stored,) = conn.execute("SELECT COUNT(*) FROM files_storedfile").fetchone() or (None,)
    assert attempts == 1, "the reading was claimed once, by one worker"
    assert stored == 1


@several_servers
def test_a_session_begun_on_one_server_is_good_on_the_other(servers: tuple[str, str]) -> None:
    a = Session(servers[0])
    a.sign_in(
        "carys", SECRET_C
    )  # a user of their own: a code is accepted once, and the other test used theirs
    # the same cookies, sent to server B (another process, another working directory)
    on_b = Session(servers[1], jar=a.jar)
    status, headers, page = on_b.get(PARTNERSHIP)
    assert status == 200, headers
    assert b"Signed in as </span>carys" in page
    # and signing out on B ends it on A
    assert on_b.post("/accounts/logout/", {})[0] == 302
    status, headers, _ = a.get(PARTNERSHIP)
    assert status == 302 and headers["Location"].startswith("/accounts/login/")


# Tasks safe to run twice (on SQLite and PostgreSQL): the reading of an upload claims its import with one
# conditional UPDATE (`meetings.services.import_read`), so a second run, or a second worker at the same
# moment, finds it claimed or read and does nothing; a second confirmation finds the minutes on record.


@pytest.fixture
def queued(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> tuple[PendingImport, list[str]]:
    """The seed minutes uploaded with their reading queued (not run), and a list of the engine's readings."""
    monkeypatch.setattr(import_services, "read_pending_import", SimpleNamespace(enqueue=lambda pk: None))
    pending = import_services.import_upload(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    readings: list[str] = []
    engine = meeting_services.extract_with_text

    def counted(data: bytes, name: str) -> Any:
        readings.append(name)
        return engine(data, name)

    monkeypatch.setattr(meeting_services, "extract_with_text", counted)
    return pending, readings


def test_the_reading_task_run_twice_reads_the_upload_once(queued: tuple[PendingImport, list[str]]) -> None:
    pending, readings = queued
    read_pending_import.call(str(pending.pk))
    read_pending_import.call(str(pending.pk))
    pending.refresh_from_db()
    assert readings == [SEED_DOCX.name]
    assert (pending.status, pending.attempts) == (PendingImport.Status.READY, 1)


def test_the_reading_task_run_by_two_workers_at_once_reads_the_upload_once(
    transactional_db: None, queued: tuple[PendingImport, list[str]]
) -> None:
    pending, readings = queued
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=10)
            read_pending_import.call(str(pending.pk))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    pending.refresh_from_db()
    assert readings == [SEED_DOCX.name]
    assert (pending.status, pending.attempts) == (PendingImport.Status.READY, 1)


def test_an_import_confirmed_twice_is_imported_once(
    cast: Cast, queued: tuple[PendingImport, list[str]]
) -> None:
    pending, _ = queued
    read_pending_import.call(str(pending.pk))
    pending.refresh_from_db()
    first = import_services.import_confirm(pending=pending, user=cast.manager)
    assert not first.already_imported
    with pytest.raises(import_services.ImportRefused):  # the same upload again: it is no longer waiting
        import_services.import_confirm(pending=PendingImport.objects.get(pk=pending.pk), user=cast.manager)
    # the same bytes uploaded again and confirmed: the meeting on record is returned
    again = import_services.import_upload(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    read_pending_import.call(str(again.pk))
    second = import_services.import_confirm(pending=PendingImport.objects.get(pk=again.pk), user=cast.manager)
    assert second.already_imported and second.meeting == first.meeting
    assert Meeting.objects.filter(board=cast.board).count() == 1
    assert SourceDocument.objects.count() == 1

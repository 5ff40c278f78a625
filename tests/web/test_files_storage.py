"""Uploaded files kept in the database (`BOARDKEEPER_FILES=database`): saved, read a slice at a time,
served only through the permission-checked pages, and held by a backup."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cast import SEED_DOCX, Cast, signed_in
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from boardkeeper.files import storage as database_storage
from boardkeeper.files.models import StoredFile
from boardkeeper.files.storage import DatabaseStorage, StoredFileReader
from boardkeeper.imports.services import import_file
from boardkeeper.meetings.models import SourceDocument

DATABASE = {"BACKEND": "boardkeeper.files.storage.DatabaseStorage"}


@pytest.fixture
def in_database(settings: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": DATABASE}


def test_a_file_saved_is_read_back_byte_for_byte_and_then_removed(db: None) -> None:
    storage = DatabaseStorage()
    data = os.urandom(2 * database_storage.CHUNK + 12345)  # more than two slices
    name = storage.save("minutes/ab/abcdef", ContentFile(data))
    assert name == "minutes/ab/abcdef"
    assert storage.exists(name) and storage.size(name) == len(data)
    with storage.open(name) as f:
        assert f.read() == data
    with storage.open(name) as f:
        f.seek(len(data) - 10)
        assert f.read() == data[-10:]
        f.seek(5)
        assert f.read(7) == data[5:12]
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(FileNotFoundError):
        storage.size(name)


def test_reading_fetches_one_slice_a_query_never_the_whole_file(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_storage, "CHUNK", 1000)
    slices: list[int] = []
    fetch = StoredFileReader.readinto

    def counted(self: StoredFileReader, buffer: Any) -> int:
        slices.append(fetch(self, buffer))
        return slices[-1]

    monkeypatch.setattr(StoredFileReader, "readinto", counted)
    storage = DatabaseStorage()
    data = os.urandom(4500)
    name = storage.save("evidence/x", ContentFile(data))
    with storage.open(name) as f:
        first = f.read(10)
        assert slices == [1000]  # the first slice alone
        rest = f.read()
    assert first + rest == data
    assert [n for n in slices if n] == [1000, 1000, 1000, 1000, 500]


def test_a_name_taken_gets_another_and_both_files_stay(db: None) -> None:
    storage = DatabaseStorage()
    first = storage.save("reports/report", ContentFile(b"one"))
    second = storage.save("reports/report", ContentFile(b"two"))
    assert first != second and second.startswith("reports/report_")
    assert storage.open(first).read() == b"one" and storage.open(second).read() == b"two"
    assert storage.listdir("reports") == ([], sorted(n.split("/")[1] for n in (first, second)))
    assert storage.listdir("") == (["reports"], [])


def test_a_file_has_no_public_address_and_cannot_be_written_in_place(db: None) -> None:
    storage = DatabaseStorage()
    name = storage.save("minutes/x", ContentFile(b"bytes"))
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(ValueError):
        storage.open(name, "wb")


def test_a_file_saved_in_a_transaction_that_fails_is_not_kept(db: None) -> None:
    storage = DatabaseStorage()
    with pytest.raises(RuntimeError), transaction.atomic():
        storage.save("minutes/rolled-back", ContentFile(b"bytes"))
        raise RuntimeError("the import failed after its file was written")
    assert not storage.exists("minutes/rolled-back")


def test_imported_minutes_are_kept_in_the_database_and_downloaded_through_the_document_page(
    in_database: None, cast: Cast, settings: Any
) -> None:
    meeting = import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    doc = SourceDocument.objects.get(meeting=meeting)
    assert isinstance(default_storage._wrapped, DatabaseStorage)  # type: ignore[attr-defined]
    stored = StoredFile.objects.get(name=doc.file.name)
    assert stored.size == SEED_DOCX.stat().st_size
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))

    response = signed_in(cast.manager).get(reverse("document", args=[doc.pk]))
    assert response.status_code == 200
    assert int(response["Content-Length"]) == SEED_DOCX.stat().st_size
    assert b"".join(response.streaming_content) == SEED_DOCX.read_bytes()  # type: ignore[attr-defined]
    # another partnership's user is refused, as for files on disk
    assert signed_in(cast.outsider).get(reverse("document", args=[doc.pk])).status_code == 404
    assert Client().get(reverse("document", args=[doc.pk])).status_code == 302


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the round trip through a new SQLite installation")
def test_a_backup_holds_the_files_kept_in_the_database_and_a_restore_brings_them_back(
    transactional_db: None, in_database: None, cast: Cast, tmp_path: Path
) -> None:
    meeting = import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    name = SourceDocument.objects.get(meeting=meeting).file.name
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    assert f"1 uploaded file ({filesizeformat(SEED_DOCX.stat().st_size)})" in out.getvalue()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["rows"]["files.StoredFile"] == 1
    assert not [k for k in manifest["files"] if k.startswith("uploads/")]  # the bytes are in the database

    data = tmp_path / "restored"
    assert boardkeeper(data, "migrate", "--verbosity", "0").returncode == 0
    restored = boardkeeper(data, "restore", str(tmp_path / "b"))
    assert restored.returncode == 0, restored.stderr
    assert "1 uploaded file (" in restored.stdout
    read = boardkeeper(
        data,
        "shell",
        "-c",
        "import hashlib; from django.core.files.storage import default_storage as s; "
        f"print(hashlib.sha256(s.open({name!r}).read()).hexdigest())",
    )
    assert read.stdout.strip().splitlines()[-1] == hashlib.sha256(SEED_DOCX.read_bytes()).hexdigest(), (
        read.stderr
    )


def boardkeeper(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a person at a terminal runs it, on the installation in `data`, files in its database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_TASKS")}
    env.update(BOARDKEEPER_DATA=str(data), BOARDKEEPER_FILES="database")
    return subprocess.run(
        [sys.executable, "-m", "boardkeeper.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )

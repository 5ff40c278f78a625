"""`boardkeeper files to-database`: an installation moving to BOARDKEEPER_FILES=database copies the uploads
it saved on disk, checked byte for byte, once; the records then open them from the database."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cast import SEED_DOCX, Cast
from django.core.management import call_command
from django.core.management.base import CommandError

from boardkeeper.files.models import StoredFile
from boardkeeper.files.storage import DatabaseStorage
from boardkeeper.imports.services import import_file
from boardkeeper.meetings.models import SourceDocument


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("files", *args, stdout=out)
    return out.getvalue()


def test_the_uploads_on_disk_are_copied_into_the_database_once(cast: Cast, settings: Any) -> None:
    import_file(board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes())
    document = SourceDocument.objects.get()
    on_disk = Path(settings.MEDIA_ROOT) / document.file.name
    assert on_disk.read_bytes() == SEED_DOCX.read_bytes() and not StoredFile.objects.exists()

    with pytest.raises(CommandError) as refused:
        run("to-database")  # still reading from disk
    assert refused.value.returncode == 2 and "BOARDKEEPER_FILES=database" in str(refused.value)

    settings.FILES = "database"
    assert run("to-database", "--dry-run").startswith("Would copy 1 file")
    assert not StoredFile.objects.exists()
    assert run("to-database").startswith("Copied 1 file")
    with DatabaseStorage().open(document.file.name) as f:
        assert f.read() == SEED_DOCX.read_bytes()
    assert run("to-database").startswith("Copied 0 files") and "1 already there" in run("to-database")
    assert on_disk.exists()  # nothing on disk is removed

    StoredFile.objects.filter(name=document.file.name).update(data=b"other bytes", size=11)
    with pytest.raises(CommandError) as clash:
        run("to-database")
    assert "already with other bytes" in str(clash.value)

"""Several minutes uploaded at once (files, or .zip archives of them): each read in the background and
followed on one page, then previewed one by one or confirmed together as read."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.models import User

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board
from boardkeeper.imports import services
from boardkeeper.imports.sources import SourceRefused, sources_of
from boardkeeper.meetings.models import Meeting, PendingImport


@dataclass(frozen=True)
class Upload:
    """A file as it came in a request: its name and an open binary file."""

    name: str
    file: IO[bytes]


@audit.acts
def batch_upload(*, board: Board, user: User, uploads: Iterable[Upload]) -> uuid.UUID:
    """Keep every document of `uploads` (an archive's members one by one) for import, under one batch.

    A document that cannot be kept (empty, too large, an archive that is damaged or a zip bomb) is kept
    as a failed import with its reason, so the batch's page lists it with the others."""
    batch = uuid.uuid4()
    with tempfile.TemporaryDirectory(prefix="boardkeeper-batch-") as spool:
        paths = []
        for n, upload in enumerate(uploads):
            # sources_of reads files and archives from paths: each upload is spooled to one, under its name
            folder = os.path.join(spool, str(n))
            os.mkdir(folder)
            path = os.path.join(folder, os.path.basename(upload.name) or "upload")
            with open(path, "wb") as out:
                shutil.copyfileobj(upload.file, out)
            paths.append(path)
        with sources_of(paths) as sources:
            for source in sources:
                name = source.name.removeprefix(spool + os.sep).partition(os.sep)[2]
                try:
                    data = source.read()
                    services.import_upload(board=board, user=user, name=name, data=data, batch=batch)
                except (SourceRefused, services.ImportRefused) as exc:
                    PendingImport.objects.create(
                        board=board,
                        uploaded_by=user,
                        name=name[:255],
                        sha256="",
                        data=b"",
                        batch=batch,
                        status=PendingImport.Status.FAILED,
                        error=str(exc).rstrip("."),
                    )
    return batch


@dataclass
class BatchResult:
    imported: list[Meeting] = field(default_factory=list)
    already: list[Meeting] = field(default_factory=list)
    refused: list[tuple[PendingImport, str]] = field(default_factory=list)


def batch_confirm(*, batch: uuid.UUID, user: User) -> BatchResult:
    """Import every file of the batch that is read and waiting, as read (no corrections), oldest meeting
    first; each whole or not at all. One that is refused stays waiting, with the reason, to be previewed."""
    result = BatchResult()
    waiting = PendingImport.objects.filter(batch=batch, status=PendingImport.Status.READY).select_related(
        "board__partnership"
    )
    for pending in sorted(
        waiting, key=lambda p: ((p.extracted or {}).get("meeting", {}).get("date") or "", p.name)
    ):
        try:
            done = services.import_confirm(pending=pending, user=user)
        except services.ImportRefused as exc:
            result.refused.append((pending, str(exc)))
            continue
        (result.already if done.already_imported else result.imported).append(done.meeting)
    return result

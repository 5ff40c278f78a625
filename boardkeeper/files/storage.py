"""A Django storage keeping uploaded files in the database (`BOARDKEEPER_FILES=database`).

Every server and worker sharing the database sees every file, and a backup of the database holds them.
There is no public URL: files are served only by the permission-checked views, which stream them.

Memory: a file is read a slice (`CHUNK` bytes) per query, through `substring()` on the database, so a
download holds one slice at a time, never the whole file (bench/files.py: 3.6 MB above the process's
baseline to read 20 MB). A file is written in one INSERT, whole: saving holds it in memory about four
times over while it is sent (80 MB for 20 MB); uploads are limited to `MAX_UPLOAD_BYTES`, and the import
holds the bytes already.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from boardkeeper.files.models import StoredFile

if TYPE_CHECKING:
    import psycopg
    from _typeshed import WriteableBuffer

CHUNK = 1 << 20  # bytes read from the database per query
SAVE_TRIES = 5


class StoredFileReader(io.RawIOBase):
    """The bytes of one stored file, read from the database a slice at a time as they are asked for."""

    def __init__(self, pk: int, size: int):
        super().__init__()
        self.pk, self.size, self.position = pk, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.position = base + offset
        return self.position

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), CHUNK, self.size - self.position)
        if wanted <= 0:
            return 0
        part: Any
        if connection.vendor == "postgresql":
            with _binary_cursor() as cursor:
                cursor.execute(
                    "SELECT substring(data FROM %s FOR %s) FROM files_storedfile WHERE id = %s",
                    [self.position + 1, wanted, self.pk],
                    binary=True,
                )
                row = cursor.fetchone()
            part = row[0] if row else None
        else:
            part = (
                StoredFile.objects.filter(pk=self.pk)
                .annotate(part=Substr("data", self.position + 1, wanted, output_field=models.BinaryField()))
                .values_list("part", flat=True)
                .first()
            )
        if part is None:
            raise FileNotFoundError("The file was removed while it was being read.")
        got = bytes(part)
        view[: len(got)] = got
        self.position += len(got)
        return len(got)


def _binary_cursor() -> psycopg.Cursor[Any]:
    """A cursor on Django's own PostgreSQL connection (its transaction) that binds parameters on the server
    and can take results in binary: Django's cursors bind on the client, which sends and receives bytes as
    hex text, five times the file in memory and a fifth of the speed (bench/files.py)."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _insert(name: str, data: bytes) -> None:
    if connection.vendor != "postgresql":
        StoredFile.objects.create(name=name, data=data, size=len(data))
        return
    with _binary_cursor() as cursor:
        cursor.execute(
            "INSERT INTO files_storedfile (name, data, size, created_at) VALUES (%s, %b, %s, %s)",
            [name, data, len(data), timezone.now()],
        )


@deconstructible
class DatabaseStorage(Storage):
    def _open(self, name: str, mode: str = "rb") -> File[bytes]:
        if set(mode) - set("rb"):
            raise ValueError("Files in the database are opened for reading; save a new file to change one.")
        found = StoredFile.objects.filter(name=name).values_list("pk", "size").first()
        if found is None:
            raise FileNotFoundError(f"No stored file is named {name}.")
        pk, size = found
        reader = io.BufferedReader(StoredFileReader(pk, size), buffer_size=CHUNK)
        return File(reader, name=name)

    def _save(self, name: str, content: File[Any]) -> str:
        if hasattr(content, "seek") and getattr(content, "seekable", lambda: True)():
            content.seek(0)
        data = b"".join(bytes(chunk) for chunk in content.chunks())
        for _ in range(SAVE_TRIES):
            try:
                with transaction.atomic():  # a savepoint: a clash leaves the caller's transaction usable
                    _insert(name, data)
                return name
            except IntegrityError:
                # another process saved this name since `get_available_name` looked: choose again
                name = self.get_available_name(name)
        raise OSError(f"Could not find a free name for {name}.")

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(f"No stored file is named {name}.")
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.rstrip("/") + "/" if path.strip("/") else ""
        directories: set[str] = set()
        files: list[str] = []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True):
            head, sep, _ = name[len(prefix) :].partition("/")
            (directories.add(head) if sep else files.append(head))
        return sorted(directories), sorted(files)

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Uploaded files have no public address: they are served by the pages that check permission."
        )

"""One uploaded file, its bytes in the database (`BOARDKEEPER_FILES=database`, see `storage.py`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class StoredFile(models.Model):
    """The bytes of one file, under the name a `FileField` keeps for it.

    Not audited: the record that points at the file (a source document, a report version, evidence) is.
    On PostgreSQL the bytes are stored uncompressed out of line (migration 0001), so that a download
    reads them a slice at a time without the whole value being fetched and decompressed for each slice.
    """

    name = models.CharField(max_length=255, unique=True)
    data = models.BinaryField()
    size = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "stored file"

    def __str__(self) -> str:
        return self.name

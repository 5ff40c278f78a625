"""Reading an uploaded minutes file, and finding minutes already on record: what a meeting's own records
need. Importing them into the record (people, actions, the forward plan) is `boardkeeper.imports`."""

from __future__ import annotations

from boardkeeper.directory.models import Partnership
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.minutes import MinutesError, extract


def existing_import(*, partnership: Partnership, sha256: str) -> Meeting | None:
    doc = (
        SourceDocument.objects.filter(partnership=partnership, sha256=sha256)
        .select_related("meeting")
        .first()
    )
    return doc.meeting if doc else None


def import_read(*, pending_id: str) -> None:
    """Read a pending import's file with the minutes engine; record the result or the reason it failed."""
    pending = PendingImport.objects.get(pk=pending_id)
    try:
        minutes = extract(bytes(pending.data), pending.name)
    except MinutesError as exc:
        PendingImport.objects.filter(pk=pending.pk).update(status=PendingImport.Status.FAILED, error=str(exc))
        return
    PendingImport.objects.filter(pk=pending.pk).update(
        status=PendingImport.Status.READY, extracted=minutes.to_json(), error=""
    )

"""Background work for meetings: reading an uploaded minutes file; after each reading, trying again the
readings a stopped worker left unfinished and, now and then, removing the uploads never imported."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from boardkeeper.meetings import services

CLEAN_EVERY = dt.timedelta(hours=1)
# when this process last removed abandoned uploads: each worker does it at most once an hour
_cleaned: dict[str, dt.datetime] = {}


@task()
def read_pending_import(pending_id: str) -> None:
    services.import_read(pending_id=pending_id)
    # after the reading, not before: run at once (the immediate backend), a reading queued again below is
    # read inside this call, and finds its own reading claimed rather than queueing it again
    now = timezone.now()
    readings_recover(now=now)
    clean_now_and_then(now=now)


def readings_recover(*, now: dt.datetime, pending_id: str | None = None) -> services.ReadingsRecovered:
    """Readings a stopped worker left: queued again on this queue, or failed (`stale_readings_recover`)."""
    return services.stale_readings_recover(now=now, pending_id=pending_id, retry=read_pending_import.enqueue)


def clean_now_and_then(*, now: dt.datetime) -> list[services.RemovedImport]:
    """`pending_imports_clean` if this process has not done it in the last hour. Several workers need no
    lock between them: each removes only what is still abandoned when it looks, so they cost a small
    query an hour each and never remove a row twice."""
    last = _cleaned.get("at")
    if last is not None and abs(now - last) < CLEAN_EVERY:
        return []
    _cleaned["at"] = now
    return services.pending_imports_clean(now=now)

"""Reading an uploaded minutes file (tried again when a stopped worker left it unfinished; removed when
never imported), and finding minutes already on record: what a meeting's own records need. Importing
them into the record (people, actions, the forward plan) is `boardkeeper.imports`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Partnership
from boardkeeper.lib.versioning import row_updated
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.minutes import MinutesError, extract_with_text


def existing_import(*, partnership: Partnership, sha256: str) -> Meeting | None:
    doc = (
        SourceDocument.objects.filter(partnership=partnership, sha256=sha256)
        .select_related("meeting")
        .first()
    )
    return doc.meeting if doc else None


READING_TRIES = 2  # a reading stopped this many times is not tried again: the import is failed
_TIMES = {1: "once", 2: "twice", 3: "three times"}


def reading_stopped_message(tries: int) -> str:
    """What the person who uploaded a file is told when its reading was stopped `tries` times."""
    return (
        f"Boardkeeper could not finish reading this file (it was stopped {_TIMES.get(tries, f'{tries} times')}); "
        "upload it again, or, if it stops again, send the file to whoever runs Boardkeeper for your partnership"
    )


def _reading_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=settings.READING_TIMEOUT_MINUTES)


def import_read(*, pending_id: str, now: dt.datetime | None = None) -> None:
    """Read a pending import's file with the minutes engine; record the result or the reason it failed.

    1. Claim the reading: a conditional update stamps `reading_started_at` and counts the try, for an
       import still being read that nobody is reading (never started, queued again, or left by a
       stopped worker longer than the timeout) and under the limit of tries. Anything else (read
       already, being read, failed, removed) is left alone: a second task for one import does nothing.
    2. Read the bytes with the engine.
    3. Write the result only if this try is still the current one: a slow reading overtaken by a later
       try, or failed as stopped meanwhile, writes nothing.
    """
    now = now or timezone.now()
    claimed = (
        PendingImport.objects.filter(
            pk=pending_id, status=PendingImport.Status.READING, attempts__lt=READING_TRIES
        )
        .filter(Q(reading_started_at__isnull=True) | Q(reading_started_at__lt=now - _reading_timeout()))
        .update(reading_started_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return
    pending = PendingImport.objects.only("pk", "name", "data", "attempts").filter(pk=pending_id).first()
    if pending is None:  # removed as abandoned meanwhile
        return
    this_try = PendingImport.objects.filter(
        pk=pending.pk, status=PendingImport.Status.READING, attempts=pending.attempts
    )
    try:
        minutes, document = extract_with_text(bytes(pending.data), pending.name)
    except MinutesError as exc:
        # nothing more will be done with the bytes of a file that cannot be read
        this_try.update(status=PendingImport.Status.FAILED, error=str(exc), data=b"")
        return
    this_try.update(
        status=PendingImport.Status.READY, extracted=minutes.to_json(), document=document, error=""
    )


@dataclass
class ReadingsRecovered:
    retried: list[str] = field(default_factory=list)  # the pending imports queued for another try
    failed: list[str] = field(default_factory=list)  # those failed, their reading stopped READING_TRIES times

    def __bool__(self) -> bool:
        return bool(self.retried or self.failed)


def stale_readings_recover(
    *, now: dt.datetime, retry: Callable[[str], object], pending_id: str | None = None
) -> ReadingsRecovered:
    """Readings started longer ago than the timeout and not finished: their worker was stopped (killed,
    the machine restarted) and nothing else will finish them (the database queue never runs again a task
    it marked running). `retry(pending_id)` queues a reading (the task, given by `meetings.tasks`).

    1. Under the limit of tries, the reading is queued again, then marked as waiting for its try
       (`reading_started_at` emptied) so that the next look does not queue it again. Queued first, so
       that a process stopped between the two leaves the reading stale, to be found again, never waiting
       for a task that does not exist; a task queued twice reads once (see `import_read`).
    2. At the limit, the import is failed with a message for the person who uploaded it, and its bytes
       are released.

    Each change is conditional on the reading as it was found, so several workers and pages looking at
    once change it once. A pending import is a work queue, not a record: it is not audited.
    """
    stale = PendingImport.objects.filter(
        status=PendingImport.Status.READING, reading_started_at__lt=now - _reading_timeout()
    )
    if pending_id is not None:
        stale = stale.filter(pk=pending_id)
    recovered = ReadingsRecovered()
    for pk, tries, started in stale.values_list("pk", "attempts", "reading_started_at"):
        found = PendingImport.objects.filter(
            pk=pk, status=PendingImport.Status.READING, attempts=tries, reading_started_at=started
        )
        if tries < READING_TRIES:
            retry(str(pk))
            found.update(reading_started_at=None)
            recovered.retried.append(str(pk))
        elif found.update(status=PendingImport.Status.FAILED, error=reading_stopped_message(tries), data=b""):
            recovered.failed.append(str(pk))
    return recovered


@dataclass(frozen=True)
class RemovedImport:
    name: str
    board: str
    status: str  # as the person saw it ('Ready to check')
    uploaded_at: dt.datetime
    size: int  # bytes released


def pending_imports_clean(*, now: dt.datetime) -> list[RemovedImport]:
    """Remove, with their bytes, the uploads never imported (read and never confirmed, failed, or never
    read) after PENDING_IMPORT_DAYS. Imported ones stay: their bytes went when they were confirmed, and
    the preview's address still leads to the meeting.

    Several workers may do it at once: the delete is of what is still abandoned when it runs, so a row
    two of them remove is deleted once, and a preview confirmed meanwhile is kept.
    """
    cutoff = now - dt.timedelta(days=settings.PENDING_IMPORT_DAYS)
    abandoned = PendingImport.objects.filter(created_at__lt=cutoff).exclude(
        status=PendingImport.Status.IMPORTED
    )
    found = list(
        abandoned.select_related("board")
        .only("pk", "name", "status", "created_at", "board__name")
        .annotate(size=Length("data"))
        .order_by("created_at", "name")
    )
    if not found:
        return []
    # the bytes are never loaded to be deleted (a pending import is not audited: no signal needs them)
    abandoned.filter(pk__in=[p.pk for p in found]).only("pk").delete()
    return [
        RemovedImport(p.name, p.board.name, p.get_status_display(), p.created_at, p.size or 0) for p in found
    ]


# The board's approval of a meeting's minutes ------------------------------------------------------------


class MinutesApprovalRefused(Exception):
    """The approval cannot be recorded (or withdrawn) as asked, with the reason for the business team;
    `about_date` when the date given is what is wrong."""

    def __init__(self, message: str, *, about_date: bool = False):
        super().__init__(message)
        self.about_date = about_date


def _not_draft(meeting: Meeting | None) -> str:
    if meeting is None:
        return "This meeting is no longer on record."
    if meeting.status == Meeting.Status.MINUTES_APPROVED:
        on = f" on {meeting.approved_on:%-d %B %Y}" if meeting.approved_on else ""
        return f"These minutes are already recorded as approved{on}."
    return "This meeting has no minutes in draft to approve."


@audit.acts
@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: User, on: dt.date, today: dt.date | None = None) -> Meeting:
    """Record that the board approved the meeting's draft minutes on `on` (usually at its next meeting).

    1. `on` is neither before the meeting nor after today;
    2. a conditional update: only minutes still in draft become approved, so of two people recording it
       at once one does, and the other is told it is done;
    3. audited (an update no signal sees).
    """
    today = today or timezone.localdate()
    if on < meeting.date:
        raise MinutesApprovalRefused(
            f"The minutes cannot have been approved before the meeting: enter {meeting.date:%-d %B %Y} or a later date.",
            about_date=True,
        )
    if on > today:
        raise MinutesApprovalRefused(
            "The date the minutes were approved cannot be in the future.", about_date=True
        )
    fields = {"status": Meeting.Status.MINUTES_APPROVED, "approved_on": on}
    if not Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.MINUTES_DRAFT).update(**fields):
        raise MinutesApprovalRefused(_not_draft(Meeting.objects.filter(pk=meeting.pk).first()))
    audit.updated(meeting, fields)
    row_updated.send(sender=Meeting, pk=meeting.pk)  # the search index shows the minutes' status
    meeting.status, meeting.approved_on = Meeting.Status.MINUTES_APPROVED, on
    return meeting


@audit.acts
@transaction.atomic
def minutes_unapprove(*, meeting: Meeting, user: User) -> Meeting:
    """Withdraw an approval recorded by mistake: the minutes are in draft again (a conditional update,
    audited)."""
    fields = {"status": Meeting.Status.MINUTES_DRAFT, "approved_on": None}
    if not Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.MINUTES_APPROVED).update(**fields):
        raise MinutesApprovalRefused("These minutes are not recorded as approved.")
    audit.updated(meeting, fields)
    row_updated.send(sender=Meeting, pk=meeting.pk)  # the search index shows the minutes' status
    meeting.status, meeting.approved_on = Meeting.Status.MINUTES_DRAFT, None
    return meeting

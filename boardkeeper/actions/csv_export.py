"""The action log as CSV, streamed: rows read with `values_list` (no model instances), written as they come.

The columns and their text are those of `boardkeeper.lib.exports` (`ActionRow.cells`, `_csv_safe`): only the
way they are read differs, so that a 20,000-action log is sent in well under a second and never held whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Max, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.actions.services import MeetingsHeld
from boardkeeper.lib.exports import _csv_safe, action_log_header
from boardkeeper.lib.http import CONTENT_TYPES
from boardkeeper.meetings.models import Meeting

BATCH = 1000  # rows written to the response at a time
COLUMNS = (
    "pk",
    "item__number",
    "item__title",
    "text",
    "owner_text",
    "meeting__date",
    "due_date",
    "due_meeting__date",
    "due_text",
    "status",
    "meeting__board__name",
    "meeting__status",
    "meeting__approved_on",
    "board_id",
)
STATUS = dict(Action.Status.choices)
MEETING_STATUS = dict(Meeting.Status.choices)


class StreamedAttachment(StreamingHttpResponse):
    """A streamed download; `content` joins the stream for a caller that wants the whole body at once
    (Django's test client, for one), as a plain HttpResponse would give it."""

    _joined: bytes | None = None

    @property
    def content(self) -> bytes:  # type: ignore[override]
        if self._joined is None:  # the stream is read once; a second look sees the same bytes
            self._joined = b"".join(self.streaming_content)  # type: ignore[arg-type]
        return self._joined


def _owners(actions: QuerySet[Action]) -> dict[int, list[str]]:
    """Each action's owners as its page names them: people (by name), then teams (by name). Two queries."""
    ids = actions.order_by().values("pk")
    names: dict[int, list[str]] = defaultdict(list)
    # by name, as Person's and Team's Meta.ordering give the prefetched owners to the page
    people = Action.owner_people.through.objects.filter(action_id__in=ids).order_by(
        "person__full_name", "person_id"
    )
    for action_id, name in people.values_list("action_id", "person__full_name"):
        names[action_id].append(name)
    teams = Action.owner_teams.through.objects.filter(action_id__in=ids).order_by("team__name", "team_id")
    for action_id, name in teams.values_list("action_id", "team__name"):
        names[action_id].append(name)
    return names


def latest_notes(actions: QuerySet[Action] | list[int]) -> dict[int, str]:
    """Each action's newest progress note with its date ('3 March 2022: Examples shared'), for all the
    actions in one query. Updates are never edited and are numbered as they are written, so the highest
    number with a note is the newest note."""
    ids = actions if isinstance(actions, list) else actions.order_by().values("pk")
    newest = (
        ActionUpdate.objects.filter(action_id__in=ids)
        .exclude(note="")
        .order_by()
        .values("action_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    rows = ActionUpdate.objects.filter(pk__in=newest).values_list("action_id", "created_at", "note")
    return {pk: f"{timezone.localtime(at):%-d %B %Y}: {note}" for pk, at, note in rows}


def meetings_held(actions: QuerySet[Action] | list[Action], today: dt.date) -> MeetingsHeld:
    """The meetings held by the boards of these actions, read once for the flags (as the log page reads
    them)."""
    if isinstance(actions, list):
        boards: Any = {a.board_id for a in actions}
    else:
        boards = actions.order_by().values("board_id")
    return MeetingsHeld(Meeting.objects.filter(board_id__in=boards), today)


def flag_text(action: Action, held: MeetingsHeld, today: dt.date) -> str:
    """The flag the log page shows for the action, in words: 'Red – Overdue'."""
    return held.flag(action, today).words


def _minutes(status: str, approved_on: dt.date | None) -> str:
    """`Meeting.minutes_status` from the two columns it reads."""
    if status == Meeting.Status.MINUTES_APPROVED:
        return f"Minutes approved on {approved_on:%-d %B %Y}" if approved_on else "Minutes approved"
    if status == Meeting.Status.MINUTES_DRAFT:
        return "Draft minutes"
    return MEETING_STATUS.get(status, status)


def _lines(actions: QuerySet[Action], *, with_board: bool) -> Iterator[bytes]:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(action_log_header(with_board=with_board))
    yield out.getvalue().encode("utf-8-sig")  # the byte-order mark Excel needs, once
    out.seek(0)
    out.truncate()
    owners = _owners(actions)
    today = timezone.localdate()
    held = meetings_held(actions, today)
    notes = latest_notes(actions)
    rows: Any = actions.prefetch_related(None).values_list(*COLUMNS)
    for number, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        (
            pk,
            item_number,
            item_title,
            text,
            owner_text,
            raised,
            due_date,
            due_meeting_date,
            due_text,
            status,
            board,
            meeting_status,
            approved_on,
            board_id,
        ) = row
        item = f"{item_number} {item_title}".strip() if item_title is not None else ""
        names = owners.get(pk) or ([owner_text] if owner_text else [])
        if due_date:
            due: Any = due_date
        elif due_meeting_date:
            due = f"Meeting of {due_meeting_date:%-d %B %Y}"
        else:
            due = due_text
        cells: list[Any] = [number, item, text, ", ".join(names), raised, due, STATUS.get(status, status)]
        # the flag from the columns it reads (no query, no model instance a row)
        due_on = min(
            (d for d in (due_date, due_meeting_date) if d), default=None
        )  # as Action.due_on reads it
        flag = held.flag_of(board_id, status, due_on, raised, today)
        cells.append(_minutes(meeting_status, approved_on))
        cells += [flag.words, notes.get(pk, "")]
        if with_board:
            cells.insert(1, board)
        writer.writerow([_csv_safe(v) for v in cells])
        if number % BATCH == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


def action_log_csv_response(
    actions: QuerySet[Action], *, with_board: bool, filename: str
) -> StreamedAttachment:
    """The log as the page sorts and filters it, every page of it, streamed as CSV."""
    response = StreamedAttachment(_lines(actions, with_board=with_board), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response

"""The board's next meeting: the date the last minutes give, and scheduling it."""

from __future__ import annotations

import datetime as dt

from boardkeeper.actions.due_meetings import due_meetings_attach
from boardkeeper.actions.models import ForwardPlanEntry
from boardkeeper.directory.models import Board
from boardkeeper.lib.plain_sql import select_rows
from boardkeeper.meetings.models import Meeting


def next_meeting_suggestion(*, board: Board) -> dt.date | None:
    """The next meeting date the latest held meeting's minutes give, unless a meeting is on it already:
    one plain query (`select_rows`)."""
    table = Meeting._meta.db_table
    found = select_rows(
        [(Meeting, "next_meeting_date"), (Meeting, "id")],
        f"SELECT m.next_meeting_date, (SELECT t.id FROM {table} t WHERE t.board_id = m.board_id"
        f" AND t.date = m.next_meeting_date LIMIT 1) FROM {table} m WHERE m.board_id = %s AND m.status <> %s"
        " ORDER BY m.date DESC, m.id DESC LIMIT 1",
        [board.pk, Meeting.Status.SCHEDULED],
    )
    if not found or found[0][0] is None or found[0][1] is not None:  # none held, no date, or taken
        return None
    date: dt.date = found[0][0]
    return date


def schedule_next_meeting(
    *, board: Board, date: dt.date, time: dt.time | None = None, location: str = ""
) -> Meeting:
    """The board's next meeting as the minutes give it, scheduled, with forward-plan entries for its month.
    A time or a venue given for a meeting scheduled already is written to it (planning it again is how
    they are changed)."""
    meeting, created = Meeting.objects.get_or_create(
        board=board,
        date=date,
        defaults={"status": Meeting.Status.SCHEDULED, "time": time, "location": location.strip()[:300]},
    )
    changed = {"time": time, "location": location.strip()[:300]} if not created else {}
    changed = {k: v for k, v in changed.items() if v and getattr(meeting, k) != v}
    if changed and meeting.status == Meeting.Status.SCHEDULED:
        for name, value in changed.items():
            setattr(meeting, name, value)
        meeting.save(update_fields=list(changed))  # audited, as every change
    for entry in ForwardPlanEntry.objects.filter(
        board=board, target_meeting=None, target_month__year=date.year, target_month__month=date.month
    ):
        entry.target_meeting = meeting
        entry.save(update_fields=["target_meeting"])  # audited, as every change
    due_meetings_attach(board=board)
    return meeting

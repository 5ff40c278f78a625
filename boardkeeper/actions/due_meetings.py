"""Actions due at a meeting: 'by the next meeting', 'to the March meeting', read from the minutes' words and
given that meeting once the board has it on record."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q

from boardkeeper.actions.models import OPEN_STATUSES, Action
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board
from boardkeeper.meetings.models import Meeting

MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(),
        start=1,
    )
}

_MONTH_NAMES = "|".join(MONTHS)
_MEETING_WORDS = (
    r"(?:(?P<next>next)|(?P<month>" + _MONTH_NAMES + r")(?:\s+(?P<year>\d{4}))?)\s+(?:\w+\s+)?meeting\b"
)
_DUE_IN_TEXT = re.compile(r"\b(?:by|at|to|for|before|until)\s+(?:the\s+)?" + _MEETING_WORDS, re.I)
_DUE_COLUMN = re.compile(r"^\s*(?:(?:by|at|to|for|before)\s+)?(?:the\s+)?" + _MEETING_WORDS + r"\W*$", re.I)


@dataclass(frozen=True)
class MeetingDue:
    """'by the next meeting' (month None) or 'to the March meeting' (month 3, year if written)."""

    month: int | None
    year: int | None = None

    def pick(self, raised_on: dt.date, dates: list[tuple[dt.date, int]]) -> int | None:
        """The meeting it means among the board's (date, id), oldest first: the first after the action
        was raised; for a month, the first in the next such month (the year written, if it is)."""
        if self.month is None:
            months = None
        elif self.year is not None:
            months = {(self.year, self.month)}
        else:
            year = raised_on.year if self.month >= raised_on.month else raised_on.year + 1
            months = (
                {(year, self.month), (year + 1, self.month)}
                if self.month == raised_on.month
                else {(year, self.month)}
            )
        for date, pk in dates:
            if date > raised_on and (months is None or (date.year, date.month) in months):
                return pk
        return None


def meeting_due(*, text: str, due_text: str) -> MeetingDue | None:
    """The meeting an action is due at, as its due column ('Next meeting', 'January meeting') or its
    wording ('report findings to the September meeting', 'before the next meeting') gives it."""
    m = _DUE_COLUMN.match(due_text) if due_text else None
    m = m or _DUE_IN_TEXT.search(text)
    if m is None:
        return None
    if m.group("next"):
        return MeetingDue(None)
    return MeetingDue(MONTHS[m.group("month").lower()], int(m.group("year")) if m.group("year") else None)


def due_meetings_attach(*, board: Board) -> int:
    """Give open actions due 'by the March meeting' that meeting, once the board has it on record (held
    or scheduled). Actions with a due date or a due meeting already are left as they are. Two queries
    and one update."""
    candidates = list(
        Action.objects.filter(board=board, due_meeting=None, due_date=None, status__in=OPEN_STATUSES)
        .filter(Q(due_text__icontains="meeting") | Q(text__icontains="meeting"))
        .select_related("meeting")
        .only("pk", "text", "due_text", "meeting__date")
    )
    if not candidates:
        return 0
    dates = list(Meeting.objects.filter(board=board).order_by("date", "pk").values_list("date", "pk"))
    changed = []
    for action in candidates:
        due = meeting_due(text=action.text, due_text=action.due_text)
        found = due.pick(action.meeting.date, dates) if due else None
        if found is not None:
            audit.updated(action, {"due_meeting": found})
            action.due_meeting_id = found
            changed.append(action)
    Action.objects.bulk_update(changed, ["due_meeting"])
    return len(changed)

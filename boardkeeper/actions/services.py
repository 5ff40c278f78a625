"""The action log and the forward plan: progress on actions, plans made from minutes, agendas drafted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, QuerySet

from boardkeeper.actions.models import Action, ActionUpdate, AgendaEntry, ForwardPlanEntry
from boardkeeper.directory.models import Board, Partnership, Person
from boardkeeper.meetings.models import Meeting

OPEN_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS, Action.Status.CARRIED_FORWARD)
MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(),
        start=1,
    )
}


class StaleEdit(Exception):
    """Someone changed the action since this page was loaded; nothing was saved."""

    def __init__(self, current: Action):
        super().__init__("This action was changed by someone else since you opened it.")
        self.current = current


@transaction.atomic
def action_update(*, action: Action, user: User, version: int, status: str, note: str = "") -> ActionUpdate:
    """Record progress or a new status, refusing an edit made from a stale page (the version differs)."""
    if status not in Action.Status.values:
        raise ValueError(f"unknown status {status!r}")
    changed = Action.objects.filter(pk=action.pk, version=version).update(
        status=status, version=F("version") + 1
    )
    if not changed:
        raise StaleEdit(Action.objects.prefetch_related("owner_people", "owner_teams").get(pk=action.pk))
    update = ActionUpdate.objects.create(
        action=action, author=user, status_from=action.status, status_to=status, note=note.strip()
    )
    action.status, action.version = status, version + 1
    return update


def action_log(
    *,
    partnership: Partnership,
    board: Board | None = None,
    owner: Person | None = None,
    statuses: Iterable[str] = (),
    raised_at: Meeting | None = None,
    overdue_on: dt.date | None = None,
) -> QuerySet[Action]:
    """Actions of a partnership (or one board), filtered, oldest first, with what a list page shows."""
    actions = Action.objects.filter(board__partnership=partnership)
    if board is not None:
        actions = actions.filter(board=board)
    if owner is not None:
        actions = actions.filter(owner_people=owner)
    statuses = list(statuses)
    if statuses:
        actions = actions.filter(status__in=statuses)
    if raised_at is not None:
        actions = actions.filter(meeting=raised_at)
    if overdue_on is not None:
        actions = actions.filter(status__in=OPEN_STATUSES).filter(
            Q(due_date__lt=overdue_on) | Q(due_meeting__date__lt=overdue_on)
        )
    return (
        actions.select_related("meeting__board", "item", "due_meeting")
        .prefetch_related("owner_people", "owner_teams")
        .order_by("meeting__date", "position", "pk")
    )


def open_actions_before(meeting: Meeting) -> QuerySet[Action]:
    """What the 'minutes of the previous meeting and action log' item goes through: open actions raised earlier."""
    return (
        Action.objects.filter(board=meeting.board, meeting__date__lt=meeting.date, status__in=OPEN_STATUSES)
        .select_related("meeting", "item")
        .prefetch_related("owner_people", "owner_teams")
        .order_by("meeting__date", "position")
    )


_FOR_MONTH = re.compile(r"\bfor\s+(?:the\s+)?(" + "|".join(MONTHS) + r")\b", re.I)
_FORWARD_PLAN = re.compile(r"\bforward\s+plan\b", re.I)
_TOPIC = re.compile(
    r"^(?:add|put|include)\s+(?P<topic>.+?)\s+(?:to|on|in)\s+(?:the\s+)?forward\s+plan\b", re.I
)


def forward_plan_from_meeting(*, meeting: Meeting) -> list[ForwardPlanEntry]:
    """Entries for the actions of a meeting that ask for something to go on the forward plan.

    'Add Ofsted & IICSA report findings to the forward plan for March' is an entry 'Ofsted & IICSA report
    findings' for the first March after the meeting; 'Add to forward plan' under 'Draft Strategic Plan'
    takes its topic from the item.
    """
    entries = []
    actions = (
        Action.objects.filter(meeting=meeting)
        .select_related("item")
        .prefetch_related("owner_people", "owner_teams")
    )
    for action in actions:
        if (
            not _FORWARD_PLAN.search(action.text)
            or ForwardPlanEntry.objects.filter(source_action=action).exists()
        ):
            continue
        m = _TOPIC.match(action.text)
        topic = m.group("topic") if m else (action.item.title if action.item else action.text)
        month = _FOR_MONTH.search(action.text)
        target_month = _next_month_named(month.group(1), meeting.date) if month else None
        owners = [p.full_name for p in action.owner_people.all()] + [t.name for t in action.owner_teams.all()]
        entries.append(
            ForwardPlanEntry.objects.create(
                board=meeting.board,
                topic=topic[:300],
                target_month=target_month,
                target_meeting=_meeting_in_month(meeting.board, target_month) if target_month else None,
                owner_text=", ".join(owners) or action.owner_text,
                source_action=action,
            )
        )
    return entries


def _next_month_named(name: str, after: dt.date) -> dt.date:
    month = MONTHS[name.lower()]
    year = after.year if month > after.month else after.year + 1
    if month == after.month:
        year = after.year  # 'for March' in a March meeting: this March
    return dt.date(year, month, 1)


def _meeting_in_month(board: Board, month: dt.date) -> Meeting | None:
    return Meeting.objects.filter(board=board, date__year=month.year, date__month=month.month).first()


def schedule_next_meeting(*, board: Board, date: dt.date) -> Meeting:
    """The board's next meeting as the minutes give it, scheduled, with forward-plan entries for its month."""
    meeting, _ = Meeting.objects.get_or_create(
        board=board, date=date, defaults={"status": Meeting.Status.SCHEDULED}
    )
    ForwardPlanEntry.objects.filter(
        board=board, target_meeting=None, target_month__year=date.year, target_month__month=date.month
    ).update(target_meeting=meeting)
    return meeting


def forward_plan_for(meeting: Meeting) -> QuerySet[ForwardPlanEntry]:
    """What the forward plan holds for a meeting: entries aimed at it, or at its month."""
    month = meeting.date.replace(day=1)
    return (
        ForwardPlanEntry.objects.filter(board=meeting.board)
        .filter(
            Q(target_meeting=meeting)
            | Q(target_meeting=None, target_month=month)
            | Q(recurs_annually=True, target_month__month=month.month)
        )
        .order_by("topic")
    )


@transaction.atomic
def agenda_draft(*, meeting: Meeting) -> list[AgendaEntry]:
    """The meeting's agenda, drafted once from the standing items and the forward plan, then kept as edited."""
    existing = list(meeting.agenda.select_related("source").order_by("position"))
    if existing:
        return existing
    titles: list[tuple[str, str, ForwardPlanEntry | None]] = [
        ("Welcome, introductions and apologies", AgendaEntry.Kind.STANDING, None),
        ("Minutes of the previous meeting and action log", AgendaEntry.Kind.ACTION_LOG, None),
    ]
    titles += [(e.topic, AgendaEntry.Kind.FORWARD_PLAN, e) for e in forward_plan_for(meeting)]
    titles.append(("Any other business", AgendaEntry.Kind.AOB, None))
    return [
        AgendaEntry.objects.create(meeting=meeting, position=n, title=title[:300], kind=kind, source=source)
        for n, (title, kind, source) in enumerate(titles, start=1)
    ]

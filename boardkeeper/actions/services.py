"""The action log and the forward plan: progress on actions, plans made from minutes, agendas drafted."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.actions.models import Action, ActionUpdate, AgendaEntry, CalendarFeed, ForwardPlanEntry
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership, Person, Team
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


@audit.acts
@transaction.atomic
def action_update(
    *,
    action: Action,
    user: User,
    version: int,
    status: str,
    note: str = "",
    change_due: bool = False,
    due_date: dt.date | None = None,
) -> ActionUpdate:
    """Record progress, a new status or a new due date, refusing an edit made from a stale page.

    The due date changes only when change_due is set (None then clears it); the update keeps the old
    and new dates, so the history shows every move of the deadline.
    """
    if status not in Action.Status.values:
        raise ValueError(f"unknown status {status!r}")
    moves_due = change_due and due_date != action.due_date
    fields: dict[str, Any] = {"status": status, "version": F("version") + 1}
    if moves_due:
        fields["due_date"] = due_date
    changed = Action.objects.filter(pk=action.pk, version=version).update(**fields)
    if not changed:
        raise StaleEdit(Action.objects.prefetch_related("owner_people", "owner_teams").get(pk=action.pk))
    audit.updated(action, fields)
    update = ActionUpdate.objects.create(
        action=action,
        author=user,
        status_from=action.status,
        status_to=status,
        note=note.strip(),
        due_changed=moves_due,
        due_from=action.due_date if moves_due else None,
        due_to=due_date if moves_due else None,
    )
    action.status, action.version = status, version + 1
    if moves_due:
        action.due_date = due_date
    return update


@audit.acts
@transaction.atomic
def action_reassign(
    *,
    action: Action,
    user: User,
    version: int,
    people: list[Person],
    teams: list[Team],
    due_meeting: Meeting | None,
) -> ActionUpdate | None:
    """New owners and due meeting from the business team, refusing an edit made from a stale page; the
    history says what changed from what to what. Nothing changed: nothing written (None)."""
    before_people = sorted(action.owner_people.all(), key=lambda p: p.full_name)
    before_teams = sorted(action.owner_teams.all(), key=lambda t: t.name)
    before_meeting = action.due_meeting
    after_people = sorted(people, key=lambda p: p.full_name)
    after_teams = sorted(teams, key=lambda t: t.name)
    notes = []
    if [p.pk for p in before_people] + [-t.pk for t in before_teams] != [p.pk for p in after_people] + [
        -t.pk for t in after_teams
    ]:
        was = [p.full_name for p in before_people] + [t.name for t in before_teams]
        now = [p.full_name for p in after_people] + [t.name for t in after_teams]
        notes.append(f"Owners: {', '.join(was) or action.owner_text or '(none)'} → {', '.join(now)}.")
    if (before_meeting.pk if before_meeting else None) != (due_meeting.pk if due_meeting else None):
        was_m = f"meeting of {before_meeting.date:%-d %B %Y}" if before_meeting else "(none)"
        now_m = f"meeting of {due_meeting.date:%-d %B %Y}" if due_meeting else "(none)"
        notes.append(f"Due at: {was_m} → {now_m}.")
    current = Action.objects.filter(pk=action.pk, version=version)
    if not notes:
        if not current.exists():
            raise StaleEdit(Action.objects.prefetch_related("owner_people", "owner_teams").get(pk=action.pk))
        return None
    if not current.update(version=F("version") + 1, due_meeting=due_meeting):
        raise StaleEdit(Action.objects.prefetch_related("owner_people", "owner_teams").get(pk=action.pk))
    audit.updated(action, {"due_meeting": due_meeting})
    action.owner_people.set(people)
    action.owner_teams.set(teams)
    action.version, action.due_meeting = version + 1, due_meeting
    return ActionUpdate.objects.create(
        action=action, author=user, status_from=action.status, status_to=action.status, note=" ".join(notes)
    )


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
    planned = set(
        ForwardPlanEntry.objects.filter(source_action__meeting=meeting).values_list(
            "source_action_id", flat=True
        )
    )
    for action in actions:
        if not _FORWARD_PLAN.search(action.text) or action.pk in planned:
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


def schedule_next_meeting(*, board: Board, date: dt.date) -> Meeting:
    """The board's next meeting as the minutes give it, scheduled, with forward-plan entries for its month."""
    meeting, _ = Meeting.objects.get_or_create(
        board=board, date=date, defaults={"status": Meeting.Status.SCHEDULED}
    )
    for entry in ForwardPlanEntry.objects.filter(
        board=board, target_meeting=None, target_month__year=date.year, target_month__month=date.month
    ):
        entry.target_meeting = meeting
        entry.save(update_fields=["target_meeting"])  # audited, as every change
    due_meetings_attach(board=board)
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


# The forward plan by meeting and month, agendas as the business team edits them, calendar feeds ----------


def action_log_sorted(
    *,
    partnership: Partnership,
    board: Board | None = None,
    owner: Person | None = None,
    statuses: Iterable[str] = (),
    raised_at: Meeting | None = None,
    overdue_on: dt.date | None = None,
    sort: str = "oldest",
) -> QuerySet[Action]:
    """`action_log` in an order the log page offers: 'oldest' raised first (anything unknown), 'newest',
    or 'due' soonest first with the undated last."""
    actions = action_log(
        partnership=partnership,
        board=board,
        owner=owner,
        statuses=statuses,
        raised_at=raised_at,
        overdue_on=overdue_on,
    )
    if sort == "newest":
        return actions.order_by("-meeting__date", "-position", "-pk")
    if sort == "due":
        due = Coalesce("due_date", "due_meeting__date")
        return actions.order_by(due.asc(nulls_last=True), "meeting__date", "position", "pk")
    return actions


def action_owner_names(action: Action) -> list[str]:
    """People then teams, from prefetched owners; the words of the minutes when nobody was resolved."""
    names = [p.full_name for p in action.owner_people.all()] + [t.name for t in action.owner_teams.all()]
    return names or ([action.owner_text] if action.owner_text else [])


def add_months(month: dt.date, n: int) -> dt.date:
    """The first of the month `n` months after `month`'s."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class PlanSlot:
    """A scheduled meeting and what the plan holds for it, or a month without a meeting and its entries."""

    month: dt.date
    meeting: Meeting | None
    entries: list[ForwardPlanEntry]


@dataclass
class ForwardPlan:
    start: dt.date  # the first of the first month
    end: dt.date  # the first of the month after the last
    slots: list[PlanSlot]
    earlier: list[ForwardPlanEntry]  # aimed at a month before `start`, never taken to a meeting
    later: list[ForwardPlanEntry]
    undated: list[ForwardPlanEntry]  # 'to a future meeting'

    @property
    def last(self) -> dt.date:
        """The first of the plan's last month."""
        return add_months(self.end, -1)

    @property
    def is_empty(self) -> bool:
        return not (any(s.entries for s in self.slots) or self.earlier or self.later or self.undated)

    def rows(self) -> Iterator[tuple[str, Meeting | None, ForwardPlanEntry]]:
        """Every entry once per place it appears, with where that is, in the page's order."""
        for slot in self.slots:
            when = f"Meeting {slot.meeting.date:%-d %B %Y}" if slot.meeting else f"{slot.month:%B %Y}"
            for entry in slot.entries:
                yield when, slot.meeting, entry
        for label, entries in (
            ("Earlier, not yet on an agenda", self.earlier),
            ("Later", self.later),
            ("A future meeting", self.undated),
        ):
            for entry in entries:
                yield label, None, entry


def forward_plan_start(*, board: Board, today: dt.date) -> dt.date:
    """The plan's first month: this month, or the month of a scheduled meeting still waiting from before."""
    first = (
        Meeting.objects.filter(board=board, status=Meeting.Status.SCHEDULED, date__lt=today.replace(day=1))
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return (first or today).replace(day=1)


def forward_plan_year(*, board: Board, start: dt.date) -> ForwardPlan:
    """Twelve months of the plan from `start`, in two queries.

    1. Each scheduled meeting in the year gets what `forward_plan_for` gives it (the same rule, applied
       here in Python so that a year of meetings costs no more queries than one).
    2. A month without a meeting gets the entries aimed at that month (and annual ones of that month).
    3. Entries aimed elsewhere are listed as earlier, later or undated; entries for a meeting already
       held are that meeting's business and are not shown.
    """
    start = start.replace(day=1)
    end = add_months(start, 12)
    meetings = list(
        Meeting.objects.filter(board=board, status=Meeting.Status.SCHEDULED, date__gte=start, date__lt=end)
        .order_by("date", "time", "pk")
        .only("pk", "date", "time", "board_id", "status")
    )
    entries = list(
        ForwardPlanEntry.objects.filter(board=board)
        .select_related("target_meeting", "source_action__meeting", "source_action__item")
        .order_by("topic", "pk")
    )

    def for_meeting(entry: ForwardPlanEntry, meeting: Meeting) -> bool:  # forward_plan_for's rule
        month = meeting.date.replace(day=1)
        return (
            entry.target_meeting_id == meeting.pk
            or (entry.target_meeting_id is None and entry.target_month == month)
            or (
                entry.recurs_annually
                and entry.target_month is not None
                and entry.target_month.month == month.month
            )
        )

    slots = [PlanSlot(m.date.replace(day=1), m, [e for e in entries if for_meeting(e, m)]) for m in meetings]
    placed = {e.pk for slot in slots for e in slot.entries}
    months_with_meetings = {slot.month for slot in slots}
    earlier, later, undated = [], [], []
    by_month: dict[dt.date, list[ForwardPlanEntry]] = {}
    for entry in entries:
        target = entry.target_meeting
        if entry.recurs_annually and entry.target_month is not None:
            month = dt.date(start.year, entry.target_month.month, 1)
            month = month if month >= start else dt.date(start.year + 1, month.month, 1)
            if month not in months_with_meetings:
                by_month.setdefault(month, []).append(entry)
            continue
        if entry.pk in placed or (target is not None and target.status != Meeting.Status.SCHEDULED):
            continue
        when = target.date.replace(day=1) if target is not None else entry.target_month
        if when is None:
            undated.append(entry)
        elif when < start:
            earlier.append(entry)
        elif when >= end:
            later.append(entry)
        else:
            by_month.setdefault(when, []).append(entry)
    slots += [PlanSlot(month, None, found) for month, found in by_month.items()]
    slots.sort(key=lambda s: (s.meeting.date if s.meeting else s.month, s.meeting is None))
    earlier.sort(key=lambda e: (e.target_month or start, e.topic))
    later.sort(key=lambda e: (e.target_meeting.date if e.target_meeting else e.target_month or end, e.topic))
    return ForwardPlan(start, end, slots, earlier, later, undated)


@dataclass
class PartnershipMonth:
    month: dt.date
    rows: list[tuple[Board, Meeting | None, ForwardPlanEntry]]  # a board's meeting that month, or None


def partnership_forward_plan(
    *, partnership: Partnership, start: dt.date
) -> tuple[list[PartnershipMonth], list[tuple[Board, ForwardPlan]]]:
    """Twelve months of every board's plan, merged month by month (boards in name order), and each
    board's plan itself for what lies outside the months: two queries a board."""
    plans = [
        (board, forward_plan_year(board=board, start=start))
        for board in Board.objects.filter(partnership=partnership).order_by("name", "pk")
    ]
    months: dict[dt.date, PartnershipMonth] = {}
    for board, plan in plans:
        for slot in plan.slots:
            into = months.setdefault(slot.month, PartnershipMonth(slot.month, []))
            into.rows += [(board, slot.meeting, entry) for entry in slot.entries]
    return [months[m] for m in sorted(months)], plans


@transaction.atomic
def forward_plan_entry_add(
    *,
    board: Board,
    topic: str,
    owner_text: str = "",
    target_meeting: Meeting | None = None,
    target_month: dt.date | None = None,
    recurs_annually: bool = False,
) -> ForwardPlanEntry:
    """An entry made by hand. Aimed at a meeting, it is aimed at that meeting's month too, so that an
    annual entry comes round again in that month."""
    if target_meeting is not None:
        if target_meeting.board_id != board.pk:
            raise ValueError("the meeting is another board's")
        target_month = target_meeting.date.replace(day=1)
    if recurs_annually and target_month is None:
        raise ValueError("an entry that recurs every year needs a month")
    return ForwardPlanEntry.objects.create(
        board=board,
        topic=topic.strip()[:300],
        owner_text=owner_text.strip()[:300],
        target_meeting=target_meeting,
        target_month=target_month.replace(day=1) if target_month else None,
        recurs_annually=recurs_annually,
    )


def forward_plan_entry_remove(*, entry: ForwardPlanEntry) -> None:
    """Off the plan. Agenda items already drafted from it stay on their agendas."""
    entry.delete()


def next_meeting_suggestion(*, board: Board) -> dt.date | None:
    """The next meeting date the latest held meeting's minutes give, unless it is scheduled already."""
    latest = (
        Meeting.objects.filter(board=board)
        .exclude(status=Meeting.Status.SCHEDULED)
        .order_by("-date")
        .only("next_meeting_date")
        .first()
    )
    date = latest.next_meeting_date if latest else None
    if date is None or Meeting.objects.filter(board=board, date=date).exists():
        return None
    return date


@transaction.atomic
def agenda_for(*, meeting: Meeting) -> list[AgendaEntry]:
    """A scheduled meeting's agenda, drafted on first sight (`agenda_draft`); one drafter at a time."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # two first views draft once
    if meeting.status == Meeting.Status.SCHEDULED:
        return agenda_draft(meeting=meeting)
    return list(meeting.agenda.select_related("source").order_by("position"))


def _lock_agenda(meeting_id: int) -> list[AgendaEntry]:
    Meeting.objects.select_for_update().filter(pk=meeting_id).first()  # moves and removals one at a time
    return list(AgendaEntry.objects.filter(meeting_id=meeting_id).order_by("position", "pk"))


@transaction.atomic
def agenda_entry_add(*, meeting: Meeting, title: str, presenter: str = "", papers: str = "") -> AgendaEntry:
    """A new item, placed before 'Any other business' when that closes the agenda."""
    agenda = _lock_agenda(meeting.pk)
    at = len(agenda) - 1 if agenda and agenda[-1].kind == AgendaEntry.Kind.AOB else len(agenda)
    entry = AgendaEntry.objects.create(
        meeting=meeting,
        position=at + 1,
        title=title.strip()[:300],
        presenter=presenter.strip()[:200],
        papers=papers.strip()[:300],
        kind=AgendaEntry.Kind.OTHER,
    )
    agenda.insert(at, entry)
    _renumber(agenda)
    return entry


def _renumber(entries: list[AgendaEntry]) -> None:
    """Positions 1, 2, 3... in the given order, writing only the rows whose number changes."""
    changed = []
    for n, entry in enumerate(entries, start=1):
        if entry.position != n:
            audit.updated(entry, {"position": n})
            entry.position = n
            changed.append(entry)
    if changed:
        AgendaEntry.objects.bulk_update(changed, ["position"])


class StaleAgendaEdit(Exception):
    """Someone changed the agenda item (or removed it) since this page was loaded; nothing was saved."""

    def __init__(self, current: AgendaEntry | None):
        super().__init__("This agenda item was changed by someone else since you opened it.")
        self.current = current


@transaction.atomic
def agenda_entry_update(
    *, entry: AgendaEntry, title: str, presenter: str, papers: str, version: int
) -> AgendaEntry:
    """New wording for an item, refusing an edit made from a stale page (its version moved on)."""
    fields = {
        "title": title.strip()[:300],
        "presenter": presenter.strip()[:200],
        "papers": papers.strip()[:300],
    }
    if not AgendaEntry.objects.filter(pk=entry.pk, version=version).update(
        version=F("version") + 1, **fields
    ):
        raise StaleAgendaEdit(AgendaEntry.objects.filter(pk=entry.pk).first())
    audit.updated(entry, fields)
    entry.title, entry.presenter, entry.papers = fields["title"], fields["presenter"], fields["papers"]
    entry.version = version + 1
    return entry


@transaction.atomic
def agenda_entry_move(*, entry: AgendaEntry, by: int) -> None:
    """Up (-1) or down (+1) one place; at the top or the bottom, nothing moves."""
    agenda = _lock_agenda(entry.meeting_id)
    index = next((i for i, e in enumerate(agenda) if e.pk == entry.pk), None)
    if index is None:
        return  # removed meanwhile
    target = index + (1 if by > 0 else -1)
    if 0 <= target < len(agenda):
        agenda[index], agenda[target] = agenda[target], agenda[index]
    _renumber(agenda)


@transaction.atomic
def agenda_entry_remove(*, entry: AgendaEntry) -> None:
    agenda = _lock_agenda(entry.meeting_id)
    AgendaEntry.objects.filter(pk=entry.pk).delete()
    _renumber([e for e in agenda if e.pk != entry.pk])


def calendar_feed_for(*, person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person, revoked_at=None).order_by("-created_at").first()


@transaction.atomic
def calendar_feed_create(*, person: Person) -> CalendarFeed:
    """A new private address; the old one, if any, stops working."""
    calendar_feed_revoke(person=person)
    return CalendarFeed.objects.create(person=person, token=secrets.token_urlsafe(32))


def calendar_feed_revoke(*, person: Person) -> int:
    feeds = list(CalendarFeed.objects.filter(person=person, revoked_at=None))
    for feed in feeds:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])  # audited
    return len(feeds)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # secrets.token_urlsafe(32) gives 43 of these


def calendar_feed_person(*, token: str) -> Person | None:
    """Whose calendar a token opens: nobody's when it is unknown or revoked, or when its person is no
    longer a signed-in user of their partnership."""
    if not _TOKEN.fullmatch(token):
        return None  # not one we issued (and a NUL byte would upset PostgreSQL)
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at=None, person__user__is_active=True)
        .select_related("person__user")
        .first()
    )
    if feed is None:
        return None
    person = feed.person
    if not PartnershipRole.objects.filter(user=person.user, partnership_id=person.partnership_id).exists():
        return None
    return person


def calendar_of(*, person: Person) -> tuple[QuerySet[Meeting], QuerySet[Action]]:
    """The meetings of the person's boards, and their own open actions that have a deadline."""
    meetings = (
        Meeting.objects.filter(board__memberships__person=person, board__partnership_id=person.partnership_id)
        .select_related("board")
        .order_by("date", "pk")
    )
    actions = (
        Action.objects.filter(owner_people=person, status__in=OPEN_STATUSES)
        .filter(Q(due_date__isnull=False) | Q(due_meeting__isnull=False))
        .select_related("meeting__board", "item", "due_meeting")
        .order_by("pk")
    )
    return meetings, actions

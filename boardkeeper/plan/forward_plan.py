"""The forward plan: what each board means to take to which meeting or month, made by hand or from the
minutes ('add … to the forward plan for March'), and read a year at a time, a board's or a partnership's."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from boardkeeper.actions.due_meetings import MONTHS
from boardkeeper.actions.models import Action, AgendaEntry, ForwardPlanEntry
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.lib.dates import add_months, month_start
from boardkeeper.lib.plain_sql import select_models, select_rows
from boardkeeper.meetings.models import AgendaItem, Meeting

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

    Only the actions that could ask are read: those whose words hold 'forward' and 'plan' (the rule
    itself is applied here) and that are not on the plan already, in one query; then their owners, the
    meetings of the months they name and the entries, a query each. Minutes that ask for nothing (most)
    cost one query.
    """
    actions = [
        action
        for action in Action.objects.filter(meeting=meeting)
        .filter(text__icontains="forward")
        .filter(text__icontains="plan")
        .filter(~Exists(ForwardPlanEntry.objects.filter(source_action=OuterRef("pk"))))
        .select_related("item")
        if _FORWARD_PLAN.search(action.text)
    ]
    if not actions:
        return []
    prefetch_related_objects(actions, "owner_people", "owner_teams")
    wanted = []
    for action in actions:
        m = _TOPIC.match(action.text)
        topic = m.group("topic") if m else (action.item.title if action.item else action.text)
        month = _FOR_MONTH.search(action.text)
        wanted.append((action, topic, _next_month_named(month.group(1), meeting.date) if month else None))
    in_month = _meetings_in_months(meeting.board, {month for _, _, month in wanted if month is not None})
    entries = []
    for action, topic, target_month in wanted:
        owners = [p.full_name for p in action.owner_people.all()] + [t.name for t in action.owner_teams.all()]
        entries.append(
            ForwardPlanEntry(
                board=meeting.board,
                topic=topic[:300],
                target_month=target_month,
                target_meeting_id=in_month.get(target_month) if target_month else None,
                owner_text=", ".join(owners) or action.owner_text,
                source_action=action,
            )
        )
    audit.created(ForwardPlanEntry.objects.bulk_create(entries), partnership_id=meeting.board.partnership_id)
    return entries


def _next_month_named(name: str, after: dt.date) -> dt.date:
    month = MONTHS[name.lower()]
    year = after.year if month > after.month else after.year + 1
    if month == after.month:
        year = after.year  # 'for March' in a March meeting: this March
    return dt.date(year, month, 1)


def _meetings_in_months(board: Board, months: set[dt.date]) -> dict[dt.date, int]:
    """The board's meeting in each of these months (the first of each), by month: the latest of the
    month where there are several (the meetings' own order), in one query."""
    if not months:
        return {}
    within = Q()
    for month in months:
        within |= Q(date__gte=month, date__lt=add_months(month, 1))
    found: dict[dt.date, int] = {}
    for date, pk in (
        Meeting.objects.filter(board=board).filter(within).order_by("-date").values_list("date", "pk")
    ):
        found.setdefault(month_start(date), pk)
    return found


def forward_plan_for(meeting: Meeting) -> QuerySet[ForwardPlanEntry]:
    """What the forward plan holds for a meeting: entries aimed at it, or at its month, and the yearly
    ones of its month from their first year on (never a meeting before an entry's first month)."""
    month = month_start(meeting.date)
    return (
        ForwardPlanEntry.objects.filter(board=meeting.board)
        .filter(
            Q(target_meeting=meeting)
            | Q(target_meeting=None, target_month=month)
            | Q(recurs_annually=True, target_month__month=month.month, target_month__lte=month)
        )
        .order_by("topic")
    )


@dataclass(slots=True)
class EntrySource:
    """The action of the minutes an entry was made from, as the plan says where it came from."""

    meeting_id: int
    meeting_date: dt.date
    item_number: str | None  # None when the action is under no agenda item
    text: str


@dataclass(slots=True)
class PlanEntry:
    """A forward plan entry as the plan reads it: plain values, not model instances (an entry, its target
    meeting and its source action's were two to five instances for each of a board's 220 entries)."""

    pk: int
    topic: str
    owner_text: str
    target_meeting_id: int | None
    target_month: dt.date | None
    recurs_annually: bool
    target_date: dt.date | None  # the target meeting's day
    source: EntrySource | None

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> PlanEntry:
        """An entry from a row of `_ENTRIES_SQL`."""
        pk, topic, owner, meeting_id, month, recurs, action_id, raised_at, item, text, target, raised = row
        source = EntrySource(raised_at, raised, item, text) if action_id is not None else None
        return cls(pk, topic, owner, meeting_id, month, recurs, target, source)


_ENTRY_COLUMNS = (
    (ForwardPlanEntry, "id"),
    (ForwardPlanEntry, "topic"),
    (ForwardPlanEntry, "owner_text"),
    (ForwardPlanEntry, "target_meeting_id"),
    (ForwardPlanEntry, "target_month"),
    (ForwardPlanEntry, "recurs_annually"),
    (ForwardPlanEntry, "source_action_id"),
    (Action, "meeting_id"),
    (AgendaItem, "number"),
    (Action, "text"),
    (Meeting, "date"),
    (Meeting, "date"),
)
# the meetings' days are subqueries, not joins: joined, PostgreSQL hashed every meeting of every board
# (10,000 nationally: 4 to 13 ms) to find a board's few; a subquery reads one row by its key
_ENTRIES_SQL = (
    f"SELECT e.id, e.topic, e.owner_text, e.target_meeting_id, e.target_month, e.recurs_annually,"
    f" e.source_action_id, a.meeting_id, i.number, a.text,"
    f" (SELECT m.date FROM {Meeting._meta.db_table} m WHERE m.id = e.target_meeting_id),"
    f" (SELECT m.date FROM {Meeting._meta.db_table} m WHERE m.id = a.meeting_id)"
    f" FROM {ForwardPlanEntry._meta.db_table} e"
    f" LEFT JOIN {Action._meta.db_table} a ON a.id = e.source_action_id"
    f" LEFT JOIN {AgendaItem._meta.db_table} i ON i.id = a.item_id"
    " WHERE e.board_id = %s ORDER BY e.topic, e.id"
)


def plan_entries(*, board: Board) -> list[PlanEntry]:
    """The board's entries by topic, with their target meeting's day and their source action, one query.

    In plain SQL (`select_rows`): its shape never changes, and building and compiling it through the ORM
    (two subqueries, three joins) cost twice what PostgreSQL took to run it for a board's 220 entries."""
    return [PlanEntry.of(row) for row in select_rows(_ENTRY_COLUMNS, _ENTRIES_SQL, [board.pk])]


def _recurs_in(entry: PlanEntry, month: dt.date) -> bool:
    """A yearly entry comes round in its month, from its first month on: 'every March from March 2027'
    is not business of March 2022."""
    return (
        entry.recurs_annually
        and entry.target_month is not None
        and entry.target_month.month == month.month
        and entry.target_month <= month
    )


def _first_time_from(entry: PlanEntry, start: dt.date) -> dt.date:
    """The first month on or after `start` when a yearly entry comes round (its first month if later)."""
    assert entry.target_month is not None
    month = dt.date(start.year, entry.target_month.month, 1)
    month = month if month >= start else dt.date(start.year + 1, month.month, 1)
    return max(month, entry.target_month)


@dataclass
class PlanSlot:
    """A scheduled meeting and what the plan holds for it, or a month without a meeting and its entries."""

    month: dt.date
    meeting: Meeting | None
    entries: list[PlanEntry]


@dataclass
class ForwardPlan:
    start: dt.date  # the first of the first month
    end: dt.date  # the first of the month after the last
    slots: list[PlanSlot]
    earlier: list[PlanEntry]  # aimed at a month before `start`, never taken to a meeting: the latest first
    later: list[PlanEntry]
    undated: list[PlanEntry]  # 'to a future meeting'
    # meetings before `start` still scheduled (not yet held), with what is on their agendas
    before: list[PlanSlot] = field(default_factory=list)

    @property
    def last(self) -> dt.date:
        """The first of the plan's last month."""
        return add_months(self.end, -1)

    @property
    def is_empty(self) -> bool:
        return not (
            any(s.entries for s in self.slots) or self.before or self.earlier or self.later or self.undated
        )

    def rows(self) -> Iterator[tuple[str, Meeting | None, PlanEntry]]:
        """Every entry once per place it appears, with where that is, in the page's order."""
        for slot in self.before + self.slots:
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


def scheduled_meetings(*, board: Board) -> list[Meeting]:
    """The board's meetings still to be held (scheduled), by date, one query: what the plan's first month,
    its meetings and the form's choice of meeting are read from."""
    return [
        meeting
        for (meeting,) in select_models(
            [(Meeting, "m", ("board_id", "date", "time", "status"))],
            f"FROM {Meeting._meta.db_table} m WHERE m.board_id = %s AND m.status = %s"
            " ORDER BY m.date, m.time, m.id",
            [board.pk, Meeting.Status.SCHEDULED],
        )
    ]


def forward_plan_start(*, scheduled: list[Meeting], today: dt.date) -> dt.date:
    """The plan's first month: this month, or the month of a scheduled meeting still waiting from before
    (`scheduled`: the board's scheduled meetings, by date)."""
    first = next((m.date for m in scheduled if m.date < month_start(today)), None)
    return month_start(first or today)


def forward_plan_year(*, board: Board, start: dt.date, scheduled: list[Meeting] | None = None) -> ForwardPlan:
    """Twelve months of the plan from `start`, in three queries at most: the board's scheduled meetings
    (none when the caller has read them: `scheduled_meetings`), its entries (`plan_entries`), and the
    entries on the saved agendas of the year's meetings (none when none is scheduled in the year).

    1. Each scheduled meeting in the year gets what `forward_plan_for` gives it (the same rule, applied
       here in Python so that a year of meetings costs no more queries than one), and whatever entries
       its saved agenda holds (the agenda, once saved, is what the meeting will discuss).
    2. A meeting before `start` still scheduled (not yet held) is listed first with the entries on its
       agenda, so that those are never called 'not yet on an agenda'.
    3. A month without a meeting gets the entries aimed at that month (and yearly ones of that month,
       from their first month on).
    4. Entries aimed elsewhere are listed as earlier, later or undated; entries for a meeting already
       held are that meeting's business and are not shown.
    """
    start = month_start(start)
    end = add_months(start, 12)
    if scheduled is None:
        scheduled = scheduled_meetings(board=board)
    to_be_held = {m.pk for m in scheduled}  # an entry's target meeting not among them has been held
    in_year = [m for m in scheduled if m.date < end]
    entries = plan_entries(board=board)
    on_agenda = (
        set(
            AgendaEntry.objects.filter(meeting__in=[m.pk for m in in_year], source__isnull=False)
            .order_by()
            .values_list("meeting_id", "source_id")
        )
        if in_year
        else set()
    )

    def for_meeting(meeting: Meeting) -> list[PlanEntry]:  # forward_plan_for's rule, and its saved agenda
        pk, month = meeting.pk, month_start(meeting.date)
        return [
            e
            for e in entries
            if e.target_meeting_id == pk
            or (e.target_meeting_id is None and e.target_month == month)
            or _recurs_in(e, month)
            or (pk, e.pk) in on_agenda
        ]

    def for_earlier_meeting(meeting: Meeting) -> list[PlanEntry]:
        """On the agenda of a meeting before the plan: a yearly entry is the plan's business in its
        month, not the old meeting's."""
        return [e for e in for_meeting(meeting) if not (e.recurs_annually and e.target_meeting_id is None)]

    slots = [PlanSlot(month_start(m.date), m, for_meeting(m)) for m in in_year if m.date >= start]
    before = [
        slot
        for slot in (
            PlanSlot(month_start(m.date), m, for_earlier_meeting(m)) for m in in_year if m.date < start
        )
        if slot.entries
    ]
    placed = {e.pk for slot in slots + before for e in slot.entries}
    months_with_meetings = {slot.month for slot in slots}
    earlier, later, undated = [], [], []
    by_month: dict[dt.date, list[PlanEntry]] = {}
    for entry in entries:
        if entry.recurs_annually and entry.target_month is not None:
            month = _first_time_from(entry, start)
            if month >= end:
                later.append(entry)
            elif month not in months_with_meetings:
                by_month.setdefault(month, []).append(entry)
            continue
        if entry.pk in placed or (
            entry.target_meeting_id is not None and entry.target_meeting_id not in to_be_held
        ):
            continue
        when = month_start(entry.target_date) if entry.target_date else entry.target_month
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
    # the latest first (the months just missed are the business team's next work), by topic within a month
    earlier.sort(key=lambda e: e.topic)
    earlier.sort(key=lambda e: e.target_month or start, reverse=True)
    later.sort(key=lambda e: (_later_when(e, start, end), e.topic))
    return ForwardPlan(start, end, slots, earlier, later, undated, before)


def _later_when(entry: PlanEntry, start: dt.date, end: dt.date) -> dt.date:
    """When a later entry is due: its meeting's date, a yearly one's first time, or its month."""
    if entry.target_date is not None:
        return entry.target_date
    if entry.recurs_annually and entry.target_month is not None:
        return _first_time_from(entry, start)
    return entry.target_month or end


@dataclass
class PartnershipMonth:
    month: dt.date
    rows: list[tuple[Board, Meeting | None, PlanEntry]]  # a board's meeting that month, or None


def partnership_forward_plan(
    *, partnership: Partnership, start: dt.date
) -> tuple[list[PartnershipMonth], list[tuple[Board, ForwardPlan]]]:
    """Twelve months of every board's plan, merged month by month (boards in name order), and each
    board's plan itself for what lies outside the months: three queries a board at most."""
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
        target_month = month_start(target_meeting.date)
    if recurs_annually and target_month is None:
        raise ValueError("an entry that recurs every year needs a month")
    return ForwardPlanEntry.objects.create(
        board=board,
        topic=topic.strip()[:300],
        owner_text=owner_text.strip()[:300],
        target_meeting=target_meeting,
        target_month=month_start(target_month) if target_month else None,
        recurs_annually=recurs_annually,
    )


def forward_plan_entry_remove(*, entry: ForwardPlanEntry) -> None:
    """Off the plan. Agenda items already drafted from it stay on their agendas."""
    entry.delete()

"""The action log: progress on actions, their owners and due meetings, and the log as pages and files read it.

(Actions due 'at the next meeting' are in `due_meetings`; the forward plan, agendas and calendar feeds are
`boardkeeper.plan`'s.)"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from boardkeeper.actions.models import OPEN_STATUSES, UNDATED_MONTHS, Action, ActionUpdate, Flag, rag_flag
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership, Person, Team
from boardkeeper.lib.versioning import StaleEdit, update_versioned
from boardkeeper.meetings.models import Meeting


def _with_owners() -> QuerySet[Action]:
    """Actions as `StaleEdit` carries the one it refused: with the owners its page shows."""
    return Action.objects.prefetch_related("owner_people", "owner_teams")


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
    fields: dict[str, Any] = {"status": status}
    if moves_due:
        fields["due_date"] = due_date
    update_versioned(_with_owners(), pk=action.pk, version=version, **fields)
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
def action_create(
    *,
    meeting: Meeting,
    user: User,
    text: str,
    people: Iterable[Person] = (),
    teams: Iterable[Team] = (),
    due_date: dt.date | None = None,
) -> Action:
    """An action entered by hand (an improvement plan's, a recommendation's), on the log of the meeting's
    board as agreed at that meeting: the same row the minutes' actions are, so it is updated in one place."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("an action needs its text")
    people, teams = list(people), list(teams)
    last = Action.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True)
    action = Action.objects.create(
        board=meeting.board,
        meeting=meeting,
        position=(last.first() or 0) + 1,
        text=text,
        owner_text=", ".join([p.full_name for p in people] + [t.name for t in teams]),
        due_date=due_date,
        origin=Action.Origin.MANUAL,
    )
    action.owner_people.set(people)
    action.owner_teams.set(teams)
    return action


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
    if not notes:
        if not Action.objects.filter(pk=action.pk, version=version).exists():
            raise StaleEdit(_with_owners().filter(pk=action.pk).first())
        return None
    update_versioned(_with_owners(), pk=action.pk, version=version, due_meeting=due_meeting)
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
    if board is not None:
        # the board alone, not the partnership too: PostgreSQL takes the two columns as independent, guesses
        # a few dozen rows for both, and reads the board's thousands by the wrong index to sort them (5 ms at
        # 300 partnerships). The board's own column sorted on raised_on (its meeting's date) reads a page in
        # order from the (board, raised_on, position, id) index.
        if board.partnership_id != partnership.pk:
            raise ValueError(f"board {board.pk} is not one of partnership {partnership.pk}'s")
        actions = Action.objects.filter(board=board)
    else:
        actions = Action.objects.filter(partnership=partnership)  # the action's own column: no board joined
    if owner is not None:
        actions = actions.filter(owner_people=owner)
    statuses = list(statuses)
    if statuses:
        actions = actions.filter(status__in=statuses)
    if raised_at is not None:
        actions = actions.filter(meeting=raised_at)
    if overdue_on is not None:
        # due meetings are the partnership's own: matched against its past meetings (a few hundred, by
        # index) rather than joined to every meeting in the country, which PostgreSQL hashed (18 ms at
        # 300 partnerships, docs/benchmarks.md)
        past = Meeting.objects.filter(board__partnership=partnership, date__lt=overdue_on).values("pk")
        actions = actions.filter(status__in=OPEN_STATUSES).filter(
            Q(due_date__lt=overdue_on) | Q(due_meeting__in=past)
        )
    return (
        actions.select_related("meeting__board", "item", "due_meeting")
        .defer("item__discussion")  # a list names an item; its discussion may be a megabyte
        .prefetch_related("owner_people", "owner_teams")
        .order_by("raised_on", "position", "pk")
    )


def log_meetings(*, partnership: Partnership, board: Board | None = None) -> QuerySet[Meeting]:
    """The meetings an action log offers and flags by: the board's, or every board's of the partnership."""
    return (
        Meeting.objects.filter(board=board)
        if board
        else Meeting.objects.filter(board__partnership=partnership)
    )


def open_actions_before(meeting: Meeting) -> QuerySet[Action]:
    """What the 'minutes of the previous meeting and action log' item goes through: open actions raised earlier."""
    return (
        Action.objects.filter(board=meeting.board, meeting__date__lt=meeting.date, status__in=OPEN_STATUSES)
        .select_related("meeting", "item")
        .defer("item__discussion")
        .prefetch_related("owner_people", "owner_teams")
        .order_by("meeting__date", "position")
    )


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
        return actions.order_by("-raised_on", "-position", "-pk")
    if sort == "due":
        due = Coalesce("due_date", "due_meeting__date")
        return actions.order_by(due.asc(nulls_last=True), "raised_on", "position", "pk")
    return actions


def action_owner_names(action: Action) -> list[str]:
    """People then teams, from prefetched owners; the words of the minutes when nobody was resolved."""
    names = [p.full_name for p in action.owner_people.all()] + [t.name for t in action.owner_teams.all()]
    return names or ([action.owner_text] if action.owner_text else [])


class MeetingsHeld:
    """The meetings each board has held up to today, and its partnership's months for flagging an undated
    action, read in one query (tuples, not model instances: a partnership's log reads hundreds of
    meetings), so a flag costs no query."""

    def __init__(self, meetings: QuerySet[Meeting], today: dt.date):
        self._fill(
            meetings.filter(date__lte=today)
            .order_by("date", "pk")
            .values_list(
                "pk",
                "board_id",
                "date",
                "board__partnership__undated_amber_months",
                "board__partnership__undated_red_months",
            )
        )

    @classmethod
    def of(
        cls, meetings: Iterable[tuple[int, int, dt.date, Any]], today: dt.date, partnership: Partnership
    ) -> MeetingsHeld:
        """The same from meetings a page has read already, (pk, board id, date, ...) by date, all of one
        partnership (whose undated-flag months they share): no query."""
        held = cls.__new__(cls)
        amber, red = partnership.undated_amber_months, partnership.undated_red_months
        held._fill((pk, board_id, date, amber, red) for pk, board_id, date, *_ in meetings if date <= today)
        return held

    def _fill(self, rows: Iterable[tuple[int, int, dt.date, int, int]]) -> None:
        """From (pk, board id, date, amber months, red months) of the meetings held, by date."""
        dates: dict[int, list[dt.date]] = defaultdict(list)
        self.latest: dict[int, Meeting] = {}  # board id: its latest meeting held
        self.rules: dict[int, tuple[int, int]] = {}  # board id: its partnership's (amber, red) months
        last: dict[int, int] = {}
        for pk, board_id, date, amber, red in rows:
            dates[board_id].append(date)
            last[board_id] = pk
            self.rules[board_id] = (amber, red)
        for board_id, pk in last.items():
            self.latest[board_id] = Meeting(pk=pk, board_id=board_id, date=dates[board_id][-1])
        # tuples: a MeetingsHeld may be shared by the requests of a process (actions.views keeps the log's in
        # lib.reference); nothing changes one once made
        self.dates: dict[int, tuple[dt.date, ...]] = {board_id: tuple(d) for board_id, d in dates.items()}

    def since(self, board_id: int, date: dt.date) -> int:
        """How many meetings the board has held after `date`."""
        dates = self.dates.get(board_id, ())
        return len(dates) - bisect_right(dates, date)

    def undated_months(self, board_id: int) -> tuple[int, int]:
        """The (amber, red) months for an undated action of the board: its partnership's, or the defaults
        when the board has held no meeting yet (then none of its actions is a month old)."""
        return self.rules.get(board_id, UNDATED_MONTHS)

    def flag(self, action: Action, today: dt.date) -> Flag:
        """`Action.flag` with what this read knows: the meetings since it was raised and the partnership's
        rule for undated actions. Every page and file that shows a flag asks here."""
        return action.flag(
            today,
            meetings_since=self.since(action.board_id, action.meeting.date),
            undated_months=self.undated_months(action.board_id),
        )

    def flag_of(
        self, board_id: int, status: str, due: dt.date | None, raised: dt.date, today: dt.date
    ) -> Flag:
        """`flag` from the values it reads (a file's rows read as tuples)."""
        return rag_flag(
            status,
            due,
            raised,
            today,
            meetings_since=self.since(board_id, raised),
            undated_months=self.undated_months(board_id),
        )

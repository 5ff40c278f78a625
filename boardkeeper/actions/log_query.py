"""The action log page's two queries in plain SQL: the counts by status within the other filters, and the
page's ids in the order chosen. They select what `services.action_log_sorted` does (the CSV, the API and the
command line use that); tests/web/test_log_query.py holds the two to the same answers for every filter. And
My actions' two, from a person's owner links alone (`Owned`).

Through the ORM, building these two querysets (a subquery of past meetings for 'overdue', the select_related
and prefetch a list of instances would need) and compiling them cost more than PostgreSQL took to run them:
1-2.5 ms of an 8-12 ms page (docs/benchmarks.md). Their shape is fixed, so they are written once here; every
value is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from boardkeeper.actions.models import OPEN_STATUSES, Action, ActionOwner
from boardkeeper.directory.models import Board
from boardkeeper.lib.pages import Slices
from boardkeeper.meetings.models import Meeting

_ACTION = Action._meta.db_table
_OWNERS = Action.owner_people.through._meta.db_table
_MEETING = Meeting._meta.db_table
_BOARD = Board._meta.db_table

# the orders the log offers (forms.SORTS): 'oldest' for anything unknown, as action_log_sorted
ORDERS = {
    "oldest": "a.raised_on, a.position, a.id",
    "newest": "a.raised_on DESC, a.position DESC, a.id DESC",
    "due": "COALESCE(a.due_date, dm.date) ASC NULLS LAST, a.raised_on, a.position, a.id",
}


def _marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@dataclass(frozen=True, slots=True)
class LogQuery:
    """An action log's filters other than status: a board's log (`board_id`) or its partnership's."""

    partnership_id: int
    board_id: int | None = None
    owner_id: int | None = None
    raised_at_id: int | None = None
    overdue_on: dt.date | None = None

    def _from_where(
        self, statuses: Iterable[str] = (), *, due_meeting: bool = False
    ) -> tuple[str, list[Any]]:
        """FROM and WHERE, and their parameters. The board's own column for a board's log (its index reads a
        page in order), the action's partnership column for a partnership's (no board joined); with
        `due_meeting`, each action's due meeting as `dm`."""
        params: list[Any] = []
        sql = f"FROM {_ACTION} a"
        if self.owner_id is not None:  # one link an action and person at most (a unique pair)
            sql += f" JOIN {_OWNERS} o ON o.action_id = a.id AND o.person_id = %s"
            params.append(self.owner_id)
        if due_meeting:
            sql += f" LEFT JOIN {_MEETING} dm ON dm.id = a.due_meeting_id"
        if self.board_id is not None:
            sql += " WHERE a.board_id = %s"
            params.append(self.board_id)
        else:
            sql += " WHERE a.partnership_id = %s"
            params.append(self.partnership_id)
        chosen = list(statuses)
        if chosen:
            sql += f" AND a.status IN ({_marks(chosen)})"
            params += chosen
        if self.raised_at_id is not None:
            sql += " AND a.meeting_id = %s"
            params.append(self.raised_at_id)
        if self.overdue_on is not None:
            # not done or dropped, and due before the day: by its date, or its due meeting being one of the
            # partnership's past meetings (a few hundred, by index), not a join to every meeting there is
            open_statuses = list(OPEN_STATUSES)
            sql += (
                f" AND a.status IN ({_marks(open_statuses)}) AND (a.due_date < %s OR a.due_meeting_id IN"
                f" (SELECT m.id FROM {_MEETING} m JOIN {_BOARD} b ON b.id = m.board_id"
                " WHERE b.partnership_id = %s AND m.date < %s))"
            )
            params += [*open_statuses, self.overdue_on, self.partnership_id, self.overdue_on]
        return sql, params

    def counts(self) -> dict[str, int]:
        """How many actions of each status pass the filters: one query, a plain count (the owner join
        adds one row an action at most; COUNT(*) lets the (board or partnership, status) index answer)."""
        sql, params = self._from_where()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT a.status, COUNT(*) {sql} GROUP BY a.status", params)
            return dict(cursor.fetchall())

    def ids(self, statuses: Iterable[str], sort: str, *, offset: int, limit: int) -> list[int]:
        """The ids of one page of the actions that pass the filters and have one of `statuses` (any, when
        none), in the order `sort` names."""
        sql, params = self._from_where(statuses, due_meeting=sort == "due")
        order = ORDERS.get(sort, ORDERS["oldest"])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT a.id {sql} ORDER BY {order} LIMIT %s OFFSET %s", [*params, limit, offset])
            return [pk for (pk,) in cursor.fetchall()]


@dataclass(frozen=True, slots=True)
class PageIds(Slices):
    """The log's ids, for a paginator told the count: a slice is one query."""

    query: LogQuery
    statuses: tuple[str, ...]
    sort: str

    def read(self, offset: int, limit: int) -> list[int]:
        return self.query.ids(self.statuses, self.sort, offset=offset, limit=limit)


@dataclass(frozen=True, slots=True)
class Owned:
    """A person's owner links in one partnership (ActionOwner, which keeps each action's status and place in
    the log): counted by status, and paged from the (person, partnership, raised_on, position, action)
    index, the open oldest first, the done or dropped latest first."""

    person_id: int
    partnership_id: int

    def counts(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT o.status, COUNT(*) FROM {ActionOwner._meta.db_table} o"
                " WHERE o.person_id = %s AND o.partnership_id = %s GROUP BY o.status",
                [self.person_id, self.partnership_id],
            )
            return dict(cursor.fetchall())

    def ids(self, *, still_open: bool, offset: int, limit: int) -> list[int]:
        statuses = list(OPEN_STATUSES)
        order = "" if still_open else " DESC"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT o.action_id FROM {ActionOwner._meta.db_table} o"
                " WHERE o.person_id = %s AND o.partnership_id = %s"
                f" AND o.status {'' if still_open else 'NOT '}IN ({_marks(statuses)})"
                f" ORDER BY o.raised_on{order}, o.position{order}, o.action_id{order} LIMIT %s OFFSET %s",
                [self.person_id, self.partnership_id, *statuses, limit, offset],
            )
            return [pk for (pk,) in cursor.fetchall()]


@dataclass(frozen=True, slots=True)
class OwnedIds(Slices):
    """The ids of one of My actions' lists, for a paginator told the count: a slice is one query."""

    owned: Owned
    still_open: bool

    def read(self, offset: int, limit: int) -> list[int]:
        return self.owned.ids(still_open=self.still_open, offset=offset, limit=limit)

"""The audit log page's two queries in plain SQL: how many entries pass the filters (up to a limit) and one
page of them, newest first. They select what `views.events_of` does (the CSV reads through that);
tests/web/test_audit_log_query.py holds the two to the same entries for every filter, on both databases.

Their shape is fixed, and building and compiling them through the ORM cost about as much as PostgreSQL took
to run them (docs/benchmarks.md); every value is a parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from boardkeeper.audit.models import AuditEvent
from boardkeeper.lib.pages import Slices
from boardkeeper.lib.plain_sql import select_rows

_EVENT = AuditEvent._meta.db_table


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A partnership's entries that pass the log's filters: `since` and `before` are moments (the first of
    the first day, the first after the last day)."""

    partnership_id: int
    user_id: int | None = None
    model: str = ""
    object_id: str = ""
    action: str = ""
    since: dt.datetime | None = None
    before: dt.datetime | None = None

    def _where(self) -> tuple[str, list[Any]]:
        sql = "WHERE e.partnership_id = %s"
        params: list[Any] = [self.partnership_id]
        for column, value in (
            ("user_id", self.user_id),
            ("model", self.model),
            ("object_id", self.object_id),
            ("action", self.action),
        ):
            if value:
                sql += f" AND e.{column} = %s"
                params.append(value)
        adapt = connection.ops.adapt_datetimefield_value  # as the ORM writes a moment for this database
        if self.since is not None:
            sql += " AND e.at >= %s"
            params.append(adapt(self.since))
        if self.before is not None:
            sql += " AND e.at < %s"
            params.append(adapt(self.before))
        return sql, params

    def count(self, limit: int) -> int:
        """How many entries pass, counting no further than `limit`."""
        where, params = self._where()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {_EVENT} e {where} LIMIT %s) c", [*params, limit]
            )
            (found,) = cursor.fetchone()
        return int(found)

    def rows(self, fields: tuple[str, ...], *, offset: int, limit: int) -> list[tuple[Any, ...]]:
        """These fields of one page of the entries, newest first, each value as the ORM gives it."""
        where, params = self._where()
        column = {f.attname: f.column for f in AuditEvent._meta.concrete_fields}
        columns = ", ".join(f"e.{column[f]}" for f in fields)
        return select_rows(
            [(AuditEvent, f) for f in fields],
            f"SELECT {columns} FROM {_EVENT} e {where} ORDER BY e.at DESC, e.id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )


@dataclass(frozen=True, slots=True)
class PageRows(Slices):
    """The entries' fields, for a paginator told the count: a slice is one query."""

    query: AuditQuery
    fields: tuple[str, ...]

    def read(self, offset: int, limit: int) -> list[tuple[Any, ...]]:
        return self.query.rows(self.fields, offset=offset, limit=limit)

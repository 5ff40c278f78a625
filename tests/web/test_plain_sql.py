"""lib.plain_sql: rows and instances from plain SELECTs, each value as the ORM gives it, on both databases
(SQLite returns dates as ISO text and booleans as 0 or 1 through a bare cursor)."""

from __future__ import annotations

import datetime as dt

from cast import Cast

from boardkeeper.actions.models import ForwardPlanEntry
from boardkeeper.lib.plain_sql import select_models, select_rows
from boardkeeper.meetings.models import Meeting


def test_select_rows_gives_each_value_as_values_list_does(cast: Cast) -> None:
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2025, 3, 6), time=dt.time(10, 30))
    ForwardPlanEntry.objects.create(
        board=cast.board, topic="Annual report", target_month=dt.date(2025, 9, 1), recurs_annually=True
    )
    rows = select_rows(
        [
            (Meeting, "date"),
            (Meeting, "time"),
            (ForwardPlanEntry, "target_month"),
            (ForwardPlanEntry, "recurs_annually"),
        ],
        f"SELECT m.date, m.time, e.target_month, e.recurs_annually FROM {Meeting._meta.db_table} m,"
        f" {ForwardPlanEntry._meta.db_table} e WHERE m.id = %s",
        [meeting.pk],
    )
    assert rows == [(dt.date(2025, 3, 6), dt.time(10, 30), dt.date(2025, 9, 1), True)]
    orm = Meeting.objects.filter(pk=meeting.pk).values_list("date", "time").get()
    assert rows[0] == orm + ForwardPlanEntry.objects.values_list("target_month", "recurs_annually").get()
    assert type(rows[0][3]) is bool


def test_select_models_reads_only_the_columns_asked_for_and_defers_the_rest(cast: Cast) -> None:
    meeting = Meeting.objects.create(board=cast.board, date=dt.date(2025, 3, 6), location="Shire Hall")
    ((found,),) = select_models(
        [(Meeting, "m", ("date", "board_id"))],
        f"FROM {Meeting._meta.db_table} m WHERE m.id = %s",
        [meeting.pk],
    )
    assert (found.pk, found.date, found.board_id) == (meeting.pk, dt.date(2025, 3, 6), cast.board.pk)
    assert found.get_deferred_fields() >= {"location", "time", "status"}
    assert found.location == "Shire Hall"  # a deferred column is read when asked for, as with only()

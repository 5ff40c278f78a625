"""The audit log page counts and pages in plain SQL (audit.log_query); its CSV reads through the ORM
(views.events_of). These tests hold the two to the same entries, in the same order, for every filter the
page offers, on both databases (a moment is written as each database stores it)."""

from __future__ import annotations

import datetime as dt
import itertools

from cast import Cast
from django.utils import timezone

from boardkeeper.audit.log_query import PageRows
from boardkeeper.audit.models import AuditEvent
from boardkeeper.audit.views import ENTRY_FIELDS, events_of, query_of


def test_the_page_selects_what_the_csv_does_for_every_filter(cast: Cast) -> None:
    london = timezone.get_current_timezone()
    moments = [  # either side of midnight in London, in summer and in winter
        dt.datetime(2025, 3, 5, 23, 59, 59, tzinfo=london),
        dt.datetime(2025, 3, 6, 0, 0, 0, tzinfo=london),
        dt.datetime(2025, 7, 1, 0, 30, tzinfo=london),
        dt.datetime(2025, 7, 1, 23, 30, tzinfo=london),
    ]
    users = [cast.manager, cast.member]
    for n, (at, user, model, action) in enumerate(
        itertools.product(moments, users, ("actions.action", "meetings.meeting"), ("create", "update")),
        start=1,
    ):
        for partnership in (cast.partnership, cast.other_partnership):
            AuditEvent.objects.create(
                at=at,
                user=user,
                username=user.username,
                action=action,
                model=model,
                object_id=str(n % 3),
                partnership_id=partnership.pk,
                changes={"n": n, "p": partnership.pk},
            )
    filters = [
        {},
        {"who": str(cast.member.pk)},
        {"record": "meetings.meeting"},
        {"record": "actions.action", "record_id": 2},
        {"action": "update"},
        {"start": dt.date(2025, 3, 6)},
        {"end": dt.date(2025, 3, 5)},
        {"start": dt.date(2025, 7, 1), "end": dt.date(2025, 7, 1)},
        {"end": dt.date.max},
        {"who": str(cast.manager.pk), "action": "create", "start": dt.date(2025, 3, 1)},
    ]
    for data in filters:
        expected = list(events_of(cast.partnership.pk, data).values_list(*ENTRY_FIELDS))
        query = query_of(cast.partnership.pk, data)
        assert query.count(1000) == len(expected), data
        assert query.count(3) == min(3, len(expected)), data
        assert PageRows(query, ENTRY_FIELDS)[0:1000] == expected, data
        assert PageRows(query, ENTRY_FIELDS)[2:5] == expected[2:5], data
    made = [
        row[7] for row in PageRows(query_of(cast.partnership.pk, {}), ENTRY_FIELDS)[0:1000] if "p" in row[7]
    ]
    assert len(made) == 32 and {c["p"] for c in made} == {cast.partnership.pk}  # never the other's
    assert PageRows(query_of(cast.partnership.pk, {}), ENTRY_FIELDS)[0:0] == []

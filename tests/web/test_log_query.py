"""The action log page counts and pages in plain SQL (actions.log_query); the CSV, the API and the command
line select through the ORM (services.action_log_sorted). These tests hold the two to the same actions, in
the same order, with the same counts, for every filter and order the log offers, on both databases."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from cast import Cast

from boardkeeper.actions import services
from boardkeeper.actions.log_query import LogQuery, PageIds
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Person, Team
from boardkeeper.meetings.models import Meeting

TODAY = dt.date(2025, 6, 15)


@pytest.fixture
def world(cast: Cast) -> dict[str, object]:
    """Two boards of one partnership, a board of another, and actions of every kind across them."""
    sub = Board.objects.create(partnership=cast.partnership, name="Subgroup", slug="subgroup")
    days = [
        dt.date(2025, 1, 3),
        dt.date(2025, 3, 3),
        TODAY,
        dt.date(2025, 7, 3),
    ]  # held, held, today, to come
    meetings = [Meeting.objects.create(board=b, date=d) for b in (cast.board, sub) for d in days]
    elsewhere = Meeting.objects.create(board=cast.other_board, date=dt.date(2025, 1, 3))
    pete = Person.objects.create(partnership=cast.partnership, full_name="Pete Hill")
    ann = Person.objects.create(partnership=cast.partnership, full_name="Ann Lee")
    team = Team.objects.create(partnership=cast.partnership, name="Business team")
    statuses = [s for s, _ in Action.Status.choices]
    for n, (meeting, status, due) in enumerate(
        itertools.product(meetings, statuses, ("none", "past", "today", "future", "meeting")), start=1
    ):
        action = Action.objects.create(
            board=meeting.board,
            meeting=meeting,
            position=n % 3,  # ties on the day and position: the id decides
            text=f"Action {n}",
            origin="manual",
            status=status,
            due_date={"past": dt.date(2025, 6, 1), "today": TODAY, "future": dt.date(2025, 9, 1)}.get(due),
            due_meeting=meetings[n % len(meetings)] if due == "meeting" else None,
        )
        if n % 2:
            action.owner_people.add(pete)
        if n % 3 == 0:
            action.owner_people.add(ann)
        if n % 5 == 0:
            action.owner_teams.add(team)
    Action.objects.create(
        board=cast.other_board, meeting=elsewhere, position=1, text="Not ours", origin="manual"
    )
    return {"sub": sub, "pete": pete, "meeting": meetings[1]}


def test_the_page_selects_counts_and_orders_as_the_orm_does(cast: Cast, world: dict[str, object]) -> None:
    compared = 0
    for board, owner, raised_at, overdue_on, statuses, sort in itertools.product(
        (None, cast.board, world["sub"]),
        (None, world["pete"]),
        (None, world["meeting"]),
        (None, TODAY),
        ((), ("open",), ("open", "done", "carried_forward")),
        ("oldest", "newest", "due"),
    ):
        orm = services.action_log_sorted(
            partnership=cast.partnership,
            board=board,  # type: ignore[arg-type]
            owner=owner,  # type: ignore[arg-type]
            statuses=statuses,
            raised_at=raised_at,  # type: ignore[arg-type]
            overdue_on=overdue_on,
            sort=sort,
        )
        query = LogQuery(
            cast.partnership.pk,
            board.pk if board else None,  # type: ignore[attr-defined]
            owner_id=owner.pk if owner else None,  # type: ignore[attr-defined]
            raised_at_id=raised_at.pk if raised_at else None,  # type: ignore[attr-defined]
            overdue_on=overdue_on,
        )
        expected = list(orm.values_list("pk", flat=True))
        assert PageIds(query, statuses, sort)[0:1000] == expected, (
            board,
            owner,
            raised_at,
            overdue_on,
            statuses,
            sort,
        )
        assert PageIds(query, statuses, sort)[3:8] == expected[3:8]
        unfiltered = services.action_log(
            partnership=cast.partnership,
            board=board,  # type: ignore[arg-type]
            owner=owner,  # type: ignore[arg-type]
            raised_at=raised_at,  # type: ignore[arg-type]
            overdue_on=overdue_on,
        )
        assert query.counts() == dict(Counter(unfiltered.values_list("status", flat=True)))
        compared += bool(expected)
    assert compared > 100  # most combinations select something: the comparison is not of empty lists

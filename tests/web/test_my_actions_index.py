"""'My actions' reads a person's actions from their owner links (ActionOwner), which keep a copy of each
action's status, partnership, raised_on and position. The database keeps the copies (triggers, migration
actions 0007): these tests change actions every way the application and a person at a SQL prompt can, and
check the links and the page follow. They run on SQLite and on PostgreSQL (CI runs both)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from cast import Cast, signed_in, text_of
from django.db import connection, transaction
from django.urls import reverse

from boardkeeper.actions.models import Action, ActionOwner
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting


@pytest.fixture
def pete(cast: Cast) -> Person:
    person = Person.objects.create(partnership=cast.partnership, full_name="Pete Hill", user=cast.member)
    return person


@pytest.fixture
def meeting(cast: Cast) -> Meeting:
    return Meeting.objects.create(board=cast.board, date=dt.date(2022, 2, 23))


def _action(cast: Cast, meeting: Meeting, text: str, *, position: int = 1, status: str = "open") -> Action:
    return Action.objects.create(
        board=cast.board, meeting=meeting, position=position, text=text, origin="manual", status=status
    )


def _copies(action: Action) -> list[tuple[str, int | None, dt.date | None, int]]:
    return list(
        ActionOwner.objects.filter(action=action).values_list(
            "status", "partnership_id", "raised_on", "position"
        )
    )


def _lists(cast: Cast) -> tuple[list[str], list[str]]:
    """The texts in 'Still open' and in 'Done or dropped', as the page lists them (a list with nothing in
    it has no table)."""
    page = lxml.html.fromstring(signed_in(cast.member).get(reverse("my_actions")).content)

    def listed(caption: str) -> list[str]:
        return [
            " ".join(a.text_content().split())
            for a in page.xpath(
                f"//table[starts-with(normalize-space(caption), '{caption} (')]//a[@data-field='text']"
            )
        ]

    return listed("Still open"), listed("Done or dropped")


def test_a_link_copies_its_action_and_follows_every_kind_of_change(
    cast: Cast, meeting: Meeting, pete: Person
) -> None:
    action = _action(cast, meeting, "Share the audit findings", position=3)
    action.owner_people.add(pete)
    assert _copies(action) == [("open", cast.partnership.pk, dt.date(2022, 2, 23), 3)]

    action.status = Action.Status.IN_PROGRESS  # save()
    action.save()
    assert _copies(action)[0][0] == "in_progress"

    Action.objects.filter(pk=action.pk).update(status="done", position=7)  # QuerySet.update (version checks)
    assert _copies(action) == [("done", cast.partnership.pk, dt.date(2022, 2, 23), 7)]

    action.status = "dropped"
    Action.objects.bulk_update([action], ["status"])  # bulk_update (imports)
    assert _copies(action)[0][0] == "dropped"

    with connection.cursor() as cursor:  # below the application altogether
        cursor.execute("UPDATE actions_action SET status = %s WHERE id = %s", ["carried_forward", action.pk])
    assert _copies(action)[0][0] == "carried_forward"

    meeting.date = dt.date(2022, 3, 2)  # the meeting moved: raised_on moves, and the copy with it
    meeting.save()
    assert _copies(action)[0][2] == dt.date(2022, 3, 2)


def test_a_link_pointed_at_another_action_copies_that_one(cast: Cast, meeting: Meeting, pete: Person) -> None:
    first = _action(cast, meeting, "First", position=1)
    second = _action(cast, meeting, "Second", position=2, status="done")
    first.owner_people.add(pete)
    ActionOwner.objects.filter(action=first).update(action=second)
    assert _copies(second) == [("done", cast.partnership.pk, dt.date(2022, 2, 23), 2)]


def test_a_link_written_before_its_action_gets_the_copies_when_the_action_is_written(
    cast: Cast, meeting: Meeting, pete: Person
) -> None:
    """Within a transaction the foreign key waits for the commit: the link may come first (a restore, SQL)."""
    ahead = (Action.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    with transaction.atomic():
        ActionOwner.objects.create(action_id=ahead, person=pete)
        action = Action.objects.create(
            pk=ahead,
            board=cast.board,
            meeting=meeting,
            position=4,
            text="Late",
            origin="manual",
            status="done",
        )
    assert _copies(action) == [("done", cast.partnership.pk, dt.date(2022, 2, 23), 4)]


def test_an_action_moved_to_another_partnership_leaves_my_actions(
    cast: Cast, meeting: Meeting, pete: Person
) -> None:
    action = _action(cast, meeting, "Moving on")
    action.owner_people.add(pete)
    assert _lists(cast) == (["Moving on"], [])
    Action.objects.filter(pk=action.pk).update(board=cast.other_board, partnership=cast.other_partnership)
    assert _copies(action)[0][1] == cast.other_partnership.pk
    assert _lists(cast) == ([], [])


def test_links_written_in_bulk_copy_their_actions(cast: Cast, meeting: Meeting, pete: Person) -> None:
    actions = [
        _action(cast, meeting, f"Action {n}", position=n, status="done" if n % 2 else "open")
        for n in range(1, 5)
    ]
    ActionOwner.objects.bulk_create(ActionOwner(action=a, person=pete) for a in actions)  # as imports do
    assert [_copies(a)[0][0] for a in actions] == ["done", "open", "done", "open"]


def test_my_actions_moves_an_action_when_it_is_closed_below_the_application(
    cast: Cast, meeting: Meeting, pete: Person
) -> None:
    older = _action(cast, meeting, "Older one", position=1)
    newer = _action(cast, meeting, "Newer one", position=2)
    for a in (older, newer):
        a.owner_people.add(pete)
    assert _lists(cast) == (["Older one", "Newer one"], [])  # open: oldest first
    assert "Still open (2)" in text_of(signed_in(cast.member).get(reverse("my_actions")))

    with connection.cursor() as cursor:
        cursor.execute("UPDATE actions_action SET status = 'done' WHERE id IN (%s, %s)", [older.pk, newer.pk])
    assert _lists(cast) == ([], ["Newer one", "Older one"])  # done: the latest first
    page = text_of(signed_in(cast.member).get(reverse("my_actions")))
    assert "Still open (0)" in page and "Done or dropped (2)" in page


def test_my_actions_shows_only_the_persons_own_partnership(
    cast: Cast, meeting: Meeting, pete: Person
) -> None:
    """A link to another partnership's action (which the application never makes) is not listed."""
    mine = _action(cast, meeting, "Ours")
    theirs = Action.objects.create(
        board=cast.other_board,
        meeting=Meeting.objects.create(board=cast.other_board, date=dt.date(2022, 2, 24)),
        position=1,
        text="Theirs",
        origin="manual",
    )
    mine.owner_people.add(pete)
    ActionOwner.objects.create(action=theirs, person=pete)
    assert _lists(cast) == (["Ours"], [])

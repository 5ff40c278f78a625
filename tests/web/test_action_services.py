"""The action log, through its services."""

from __future__ import annotations

import datetime as dt

import pytest
from cast import Cast

from boardkeeper.actions import services
from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.lib.versioning import StaleEdit


def test_progress_is_recorded_and_a_stale_edit_is_refused(seeded: Cast) -> None:
    action = Action.objects.get(text="PH to share examples of incidents")
    services.action_update(
        action=action, user=seeded.member, version=1, status="in_progress", note="examples shared with JG"
    )
    with pytest.raises(StaleEdit) as stale:
        services.action_update(
            action=Action.objects.get(pk=action.pk), user=seeded.manager, version=1, status="done"
        )
    assert stale.value.current.status == "in_progress" and stale.value.current.version == 2
    services.action_update(
        action=Action.objects.get(pk=action.pk), user=seeded.manager, version=2, status="done"
    )
    history = [(u.status_from, u.status_to, u.note) for u in ActionUpdate.objects.filter(action=action)]
    assert history == [("open", "in_progress", "examples shared with JG"), ("in_progress", "done", "")]


def test_the_log_filters_by_owner_status_and_overdue(seeded: Cast) -> None:
    pete = seeded.board.meetings.get().attendance.get(person__full_name="Pete Hill").person
    assert [a.text for a in services.action_log(partnership=seeded.partnership, owner=pete)] == [
        "PH to share examples of incidents"
    ]
    Action.objects.filter(text__startswith="LLB").update(due_date=dt.date(2022, 3, 1))
    overdue = services.action_log(partnership=seeded.partnership, overdue_on=dt.date(2022, 3, 5))
    assert [a.text for a in overdue] == ["LLB to be progressed"]
    assert services.action_log(partnership=seeded.partnership, statuses=["done"]).count() == 0


def test_a_board_log_reads_its_board_and_refuses_another_partnerships(seeded: Cast) -> None:
    """The board log filters on the board alone (PostgreSQL misjudged the board and partnership together):
    a board of another partnership is refused rather than listed."""
    board_log = [a.text for a in services.action_log(partnership=seeded.partnership, board=seeded.board)]
    assert board_log and board_log == [a.text for a in services.action_log(partnership=seeded.partnership)]
    assert not services.action_log(partnership=seeded.other_partnership, board=seeded.other_board).exists()
    with pytest.raises(ValueError, match="is not one of partnership"):
        services.action_log(partnership=seeded.other_partnership, board=seeded.board)

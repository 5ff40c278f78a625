"""The action log and the forward plan, through their services."""

from __future__ import annotations

import datetime as dt

import pytest
from cast import SEED_DOCX, Cast

from boardkeeper.actions import services
from boardkeeper.actions.models import Action, ActionUpdate, ForwardPlanEntry
from boardkeeper.meetings import services as meeting_services


@pytest.fixture
def seeded(cast: Cast) -> Cast:
    meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    return cast


def test_actions_that_ask_for_the_forward_plan_become_entries(seeded: Cast) -> None:
    entries = {e.topic: e for e in ForwardPlanEntry.objects.filter(board=seeded.board)}
    assert set(entries) == {"Ofsted & IICSA report findings", "Draft Strategic Plan"}
    assert entries["Ofsted & IICSA report findings"].target_month == dt.date(2022, 3, 1)
    assert entries["Ofsted & IICSA report findings"].owner_text == "Warwickshire Safeguarding Team"
    assert entries["Draft Strategic Plan"].target_month is None  # 'to future meeting': no month given


def test_the_next_meeting_agenda_is_drafted_from_the_forward_plan(seeded: Cast) -> None:
    held = seeded.board.meetings.get(date=dt.date(2022, 2, 23))
    assert held.next_meeting_date == dt.date(2022, 3, 11)
    march = services.schedule_next_meeting(board=seeded.board, date=held.next_meeting_date)
    agenda = [e.title for e in services.agenda_draft(meeting=march)]
    assert agenda == [
        "Welcome, introductions and apologies",
        "Minutes of the previous meeting and action log",
        "Ofsted & IICSA report findings",
        "Any other business",
    ]
    assert services.agenda_draft(meeting=march)[2].pk  # drafted once, then kept
    assert services.open_actions_before(march).count() == 8


def test_progress_is_recorded_and_a_stale_edit_is_refused(seeded: Cast) -> None:
    action = Action.objects.get(text="PH to share examples of incidents")
    services.action_update(
        action=action, user=seeded.member, version=1, status="in_progress", note="examples shared with JG"
    )
    with pytest.raises(services.StaleEdit) as stale:
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

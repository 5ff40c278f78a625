"""On a phone each cell of a stacked table names its column (tests/web/stacked_tables.py): the audit log, an
action's history of updates and the actions still open under an agenda, every cell that shows something
labelled with its column's header. (Every page of the permission walk keeps the looser rule of every page:
tests/web/test_browser_phone.py.)"""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from cast import Cast
from django.test import Client
from django.urls import reverse
from plan_pages import agenda_url
from stacked_tables import STACKED, unnamed_cells

from boardkeeper.actions import services as actions
from boardkeeper.actions.models import Action
from boardkeeper.meetings.models import Meeting


def labels(html: bytes) -> list[set[str]]:
    """The labels the cells of each stacked table give, table by table."""
    return [
        set(table.xpath("./tbody/tr/td/@data-label")) for table in lxml.html.fromstring(html).xpath(STACKED)
    ]


def test_the_audit_log_names_every_column_of_an_entry(cast: Cast, held: Meeting, manager: Client) -> None:
    html = manager.get(reverse("audit_log", args=[cast.partnership.slug]), {"action": "create"}).content
    assert labels(html) == [{"When", "Who", "What", "Record", "Changes"}]
    assert unnamed_cells(html) == []


def test_an_actions_history_names_every_column_of_an_update(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    action = Action.objects.get(text="PH to share examples of incidents")
    actions.action_update(
        action=action,
        user=cast.manager,
        version=action.version,
        status=Action.Status.IN_PROGRESS,
        note="Examples shared with JG",
        change_due=True,
        due_date=dt.date(2022, 4, 1),
    )
    html = manager.get(reverse("action", args=[action.pk])).content
    updates = ("When", "Who", "Status", "Note")
    assert {*updates} in labels(html)
    assert [cell for cell in unnamed_cells(html) if cell.columns == updates] == []


@pytest.mark.parametrize("done", [False, True])
def test_the_actions_open_under_an_agenda_name_their_columns(
    cast: Cast, march: Meeting, manager: Client, done: bool
) -> None:
    if done:  # none left open: the table's message spans the row, with nothing to name
        Action.objects.filter(board=cast.board).update(status=Action.Status.DONE)
    html = manager.get(agenda_url(march)).content
    assert labels(html) == [set() if done else {"Action", "Owner", "Due and status"}]
    assert unnamed_cells(html) == []

"""A GET never writes: every page of the site, opened by a viewer and by the business team, leaves every
table of the record as it was, row for row.

Left out of the comparison, because a GET may rightly write them:
- `audit_auditevent`: the audit trail records downloads and exports (who took a copy of what) and sign-ins
  and sign-outs, on a GET; recording that someone looked is the point of the trail, not a change of record;
- `django_session`: signing in, signing out and the messages framework keep their state in the session;
- the task tables (`django_tasks_db`): a page may enqueue work (an e-mail, say), which is not the record.

Everything else, the rows of every model and every many-to-many table, is compared by content, so an
update (a version bumped, a status set) is caught as well as a row added or removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cast import signed_in
from django.apps import apps
from django.db.models import Model
from django.urls import reverse
from test_permissions import PAGES, Record, record  # noqa: F401 (record: the fixture the pages are built on)

from boardkeeper.actions.models import AgendaEntry
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.next_meeting import schedule_next_meeting

EXCLUDED_TABLES = {"audit_auditevent", "django_session"}
EXCLUDED_APPS = {"django_tasks", "django_tasks_db"}
KNOWN_WRITES: set[str] = set()  # none: the review rules are read (defaults unsaved), no longer made on a look


def compared_models() -> list[type[Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.db_table not in EXCLUDED_TABLES and m._meta.app_label not in EXCLUDED_APPS
    ]


def everything(known: set[str] = KNOWN_WRITES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every compared table, in primary-key order."""
    return {
        m._meta.db_table: list(m._default_manager.order_by("pk").values_list())
        for m in compared_models()
        if m._meta.db_table not in known
    }


def differences(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return [
        f"{table}: {len(rows)} rows, now {len(after[table])}"
        + ("" if len(rows) != len(after[table]) else " (changed)")
        for table, rows in before.items()
        if after[table] != rows
    ]


@pytest.fixture
def recorded(request: pytest.FixtureRequest) -> Record:
    """test_permissions' `record`: the partnership its PAGES are built on."""
    result: Record = request.getfixturevalue("record")
    return result


@pytest.fixture
def march(recorded: Record) -> Meeting:
    """A scheduled meeting whose agenda nobody has touched: its page shows the proposed agenda."""
    return schedule_next_meeting(board=recorded.cast.board, date=dt.date(2022, 3, 11))


@pytest.mark.parametrize("who", ["viewer", "member", "manager"])
def test_no_get_of_any_page_writes_anything(recorded: Record, march: Meeting, who: str) -> None:
    walk(recorded, march, who, known=KNOWN_WRITES)


def walk(r: Record, march: Meeting, who: str, *, known: set[str]) -> None:
    # the URLs first: building some of them makes what they point at (a batch of uploads, an agenda entry)
    urls = {name: page.url(r) for name, page in PAGES.items()}
    urls["agenda of a scheduled meeting"] = reverse("agenda", args=[march.pk])
    urls["agenda of a scheduled meeting, downloaded"] = reverse("agenda_export", args=[march.pk])
    client = signed_in(getattr(r.cast, who))
    client.get(reverse("home"))  # the session's first request made
    before = everything(known)
    assert sum(len(rows) for rows in before.values()) > 0
    statuses: dict[str, int] = {}
    wrote: list[str] = []
    for name, url in urls.items():
        statuses[name] = client.get(url).status_code
        after = everything(known)
        wrote += [f"GET {name} {url}: {d}" for d in differences(before, after)]
        before = after
    assert wrote == []
    assert statuses["agenda of a scheduled meeting"] == 200
    assert not AgendaEntry.objects.filter(meeting=march).exists()
    assert all(code < 500 for code in statuses.values()), statuses

"""The pages of the record run a fixed number of queries, however much the record holds.

Each page is measured on a small record and on a larger one; a count that grows with the record is an
N+1 (a relation read row by row in a template).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cast import FIXTURES, SEED_DOCX, Cast
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Membership, Person, Team
from boardkeeper.imports import services
from boardkeeper.meetings.models import (
    AgendaItem,
    Attendance,
    CaseMention,
    Decision,
    Meeting,
    SourceDocument,
)

SYNTHETIC = sorted((FIXTURES / "synthetic").glob("0[1-5]_*"))


def queries(client: Client, url: str) -> list[str]:
    client.get(url)  # warm: the session and anything cached once per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def add_meeting(
    board: Board, date: dt.date, *, items: int, actions: int, people: list[Person], team: Team
) -> Meeting:
    """A meeting written row by row: every relation the meeting page shows, `items`/`actions` times."""
    meeting = Meeting.objects.create(board=board, date=date, title=f"Meeting {date}", location="Shire Hall")
    for person in people:
        Attendance.objects.create(meeting=meeting, person=person, status="present", role="Member")
    agenda = []
    for n in range(1, items + 1):
        item = AgendaItem.objects.create(
            meeting=meeting, position=n, number=str(n), title=f"Item {n}", discussion="Discussed.\nAgreed."
        )
        Decision.objects.create(item=item, text=f"Decision {n}")
        CaseMention.objects.create(item=item, pseudonym=f"Family {n}")
        agenda.append(item)
    for n in range(actions):
        action = Action.objects.create(
            board=board,
            meeting=meeting,
            item=agenda[n % len(agenda)],
            position=n,
            text=f"Action {n}",
            quote=f"Action: {n}",
            origin="action_column",
        )
        action.owner_people.add(people[n % len(people)])
        action.owner_teams.add(team)
    doc = SourceDocument(
        partnership=board.partnership,
        meeting=meeting,
        name=f"{date}.txt",
        sha256=f"{date}".ljust(64, "0"),
        format="text",
        size=1,
    )
    doc.file.save(doc.sha256, ContentFile(b"x"), save=False)
    doc.save()
    return meeting


@pytest.fixture
def seeded(cast: Cast) -> Meeting:
    return services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


@pytest.fixture
def manager(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.manager)
    return client


def grow(cast: Cast, seed: Meeting) -> None:
    """Five more meetings: four imported from other layouts, and one written with the seed's people."""
    for path in SYNTHETIC[:4]:
        services.import_file(board=cast.board, user=cast.manager, name=path.name, data=path.read_bytes())
    people = list(Person.objects.filter(attendance__meeting=seed))
    team = Team.objects.get(partnership=cast.partnership, name="Warwickshire Safeguarding Team")
    add_meeting(cast.board, dt.date(2022, 3, 11), items=12, actions=20, people=people, team=team)
    for person in people:
        Membership.objects.get_or_create(person=person, board=cast.board)
    assert Meeting.objects.filter(board=cast.board).count() == 6


def test_the_meeting_page_runs_the_same_queries_for_a_small_and_a_large_meeting(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    pete = Person.objects.get(full_name="Pete Hill")
    team = Team.objects.get(name="Warwickshire Safeguarding Team")
    small = add_meeting(cast.board, dt.date(2021, 1, 1), items=1, actions=1, people=[pete], team=team)
    large = add_meeting(
        cast.board,
        dt.date(2021, 2, 1),
        items=25,
        actions=40,
        people=list(Person.objects.filter(partnership=cast.partnership)),
        team=team,
    )
    counts = {
        name: queries(manager, reverse("meeting", args=[m.pk]))
        for name, m in [("small", small), ("seed", seeded), ("large", large)]
    }
    assert len(counts["small"]) == len(counts["seed"]) == len(counts["large"]), {
        k: len(v) for k, v in counts.items()
    }


def test_the_board_page_runs_the_same_queries_for_one_meeting_and_six(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    url = reverse("board", args=[cast.partnership.slug, cast.board.slug])
    before = queries(manager, url)
    grow(cast, seeded)
    after = queries(manager, url)
    assert len(before) == len(after), "\n".join(after)


def test_the_partnership_page_runs_the_same_queries_for_one_meeting_and_six(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    Board.objects.create(partnership=cast.partnership, name="Learning and Improvement", slug="learning")
    url = reverse("partnership", args=[cast.partnership.slug])
    before = queries(manager, url)
    grow(cast, seeded)
    after = queries(manager, url)
    assert len(before) == len(after), "\n".join(after)


def test_the_person_page_runs_the_same_queries_for_one_action_and_many(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    pete = Person.objects.get(full_name="Pete Hill")
    assert pete.actions.count() == 1
    url = reverse("person", args=[pete.pk])
    before = queries(manager, url)
    grow(cast, seeded)
    assert pete.actions.count() > 1 and pete.attendance.count() == 2 and pete.memberships.exists()
    after = queries(manager, url)
    assert len(before) == len(after), "\n".join(after)


def test_the_import_preview_runs_the_same_queries_for_few_people_and_many(
    cast: Cast, seeded: Meeting, manager: Client, tmp_path: Path
) -> None:
    def preview_of(name: str, data: bytes) -> str:
        pending = services.import_upload(board=cast.board, user=cast.manager, name=name, data=data)
        return reverse("import_preview", args=[pending.pk])

    few = preview_of(
        "few.txt",
        b"Executive Board\n\nDate: 1 April 2022\n\nPresent: Pete Hill (Warwickshire Police)\n\n"
        b"1. Welcome\n\nAction: PH to report on custody delays.\n",
    )
    many = preview_of(SYNTHETIC[0].name, SYNTHETIC[0].read_bytes())
    # the directory is asked once for every name: the candidates it finds (Pete Hill, for the few) are read
    # with their spellings (two queries), none found reads none; never a query a person
    assert len(queries(manager, many)) <= len(queries(manager, few)) <= 14

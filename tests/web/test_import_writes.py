"""The confirm's writes, batched (issue 12): every row an import writes still has its audit event, as a
row-by-row save gives it, and the writes take a few queries a kind of row, not a few a row."""

from __future__ import annotations

from cast import SEED_DOCX, Cast
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Membership, Organisation, Person, PersonAlias, Team
from boardkeeper.imports import services
from boardkeeper.meetings.models import AgendaItem, Attendance, CaseMention, Decision, Meeting, SourceDocument


def _created(model: type) -> set[str]:
    return set(
        AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, model=model._meta.label_lower).values_list(
            "object_id", flat=True
        )
    )


def test_every_row_of_an_import_has_its_create_event_with_its_values(cast: Cast) -> None:
    result = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    meeting = result.meeting
    written = {
        Meeting: Meeting.objects.filter(pk=meeting.pk),
        Person: Person.objects.filter(partnership=cast.partnership),
        PersonAlias: PersonAlias.objects.filter(person__partnership=cast.partnership),
        Membership: Membership.objects.filter(board=cast.board),
        Attendance: Attendance.objects.filter(meeting=meeting),
        AgendaItem: AgendaItem.objects.filter(meeting=meeting),
        Decision: Decision.objects.filter(item__meeting=meeting),
        CaseMention: CaseMention.objects.filter(item__meeting=meeting),
        Action: Action.objects.filter(meeting=meeting),
        Team: Team.objects.filter(partnership=cast.partnership),
        SourceDocument: SourceDocument.objects.filter(meeting=meeting),
    }
    for model, rows in written.items():
        pks = {str(pk) for pk in rows.values_list("pk", flat=True)}
        assert pks, model  # the seed minutes write some of each
        assert pks == _created(model), model
    item = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    assert item is not None
    event = AuditEvent.objects.get(model="meetings.agendaitem", object_id=str(item.pk))
    assert event.changes["title"] == [None, item.title]
    assert event.username == cast.manager.username
    assert event.partnership_id == cast.partnership.pk


def test_every_owner_of_an_imported_action_is_in_its_trail(cast: Cast) -> None:
    result = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    for action in Action.objects.filter(meeting=result.meeting).prefetch_related(
        "owner_people", "owner_teams"
    ):
        added = [
            name
            for e in AuditEvent.objects.filter(
                model="actions.action", object_id=str(action.pk), action="update"
            )
            for field in ("owner_people", "owner_teams")
            for name in e.changes.get(field, {}).get("added", [])
        ]
        owners = [p.full_name for p in action.owner_people.all()] + [t.name for t in action.owner_teams.all()]
        assert sorted(added) == sorted(owners), action.text


def test_an_import_writes_a_few_queries_a_kind_of_row_not_a_few_a_row(cast: Cast) -> None:
    with CaptureQueriesContext(connection) as writes:
        result = services.import_file(
            board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
        )
    assert result.actions == 8
    inserts = [q for q in writes.captured_queries if q["sql"].startswith("INSERT")]
    # a new person, organisation or team is written at once (the next names are matched against it);
    # every other kind of row in one INSERT (items, decisions, actions, owners' links, audit events ...)
    one_by_one = (
        result.people_created
        + Organisation.objects.filter(partnership=cast.partnership).count()
        + Team.objects.filter(partnership=cast.partnership).count()
    )
    assert len(inserts) <= one_by_one + 15, [q["sql"][:60] for q in inserts]

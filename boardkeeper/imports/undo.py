"""Undoing an import: a meeting's minutes taken off the record with everything their import wrote, and
nothing anyone has worked on since.

An import (`services._write`, with `plan.forward_plan.forward_plan_from_meeting`) writes the meeting, or
takes over the one scheduled for that day; its attendance, items, decisions, case mentions and actions;
the people it did not recognise, with their initials and other spellings, the organisations they came
from and board memberships; the teams that own its actions; forward-plan entries its actions ask for;
progress on earlier actions its action log moved on; the source file, and the pending import.

`import_undo_plan` says what of that would go and what stays, and why, for the page that asks the business
team to confirm; `import_undo` does it, all in one transaction.

Which directory rows the import made (a person, an alias, a membership, a team, an organisation; the
progress it recorded on earlier actions) is read from the audit trail: the import writes them between
the meeting's save and the source document's, and every write is audited. Without that trail (records
older than it), people, teams and organisations go when nothing else refers to them, and the rest stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction

from boardkeeper.actions.due_meetings import due_meetings_attach
from boardkeeper.actions.models import Action, ActionUpdate, ForwardPlanEntry
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Membership, Organisation, Person, PersonAlias, Team
from boardkeeper.lib.versioning import StaleEdit, update_versioned
from boardkeeper.meetings.models import (
    AgendaItem,
    Attendance,
    CaseMention,
    Decision,
    Meeting,
    PendingImport,
    SourceDocument,
)

Removed = dict[type[models.Model], set[Any]]

# what a row that refers to a person says about them, by (model, field); anything else is told by its name
_USES = {
    ("meetings.attendance", "person"): "attended another meeting",
    ("meetings.attendance", "deputy_for"): "is named as a deputy's principal at another meeting",
    ("actions.actionowner", "person"): "owns an action that stays",
    ("directory.membership", "person"): "is a member of a board",
    ("directory.personalias", "person"): "has initials or spellings learned from other minutes",
    ("reviews.review_named_people", "person"): "is named on a case review",
    ("actions.calendarfeed", "person"): "has a calendar address",
}


class UndoRefused(Exception):
    """This meeting's import cannot be undone, with the reason for the business team."""


class UndoStale(Exception):
    """What undo would do changed since the page was drawn (someone worked on an action, or the meeting
    changed): nothing was done. `plan` is what it would do now."""

    def __init__(self, plan: UndoPlan):
        super().__init__("What undoing this import would do has changed since the page was opened.")
        self.plan = plan


@dataclass(frozen=True)
class Kept:
    """A record that stays, and why."""

    record: Any
    reasons: list[str]


@dataclass
class UndoPlan:
    meeting: Meeting
    source: SourceDocument | None
    refusal: str = ""  # why it cannot be undone; '' when it can
    outcome: str = "delete"  # the meeting: 'delete', back to 'scheduled', or kept as 'held'
    restore: dict[str, Any] = field(default_factory=dict)  # the scheduled meeting's fields as they were
    agenda: int = 0  # agenda items of a scheduled meeting, which stay with it
    items: list[AgendaItem] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)
    case_mentions: list[int] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    kept_actions: list[Kept] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    kept_people: list[Kept] = field(default_factory=list)  # people this import added who stay
    known_people: int = 0  # recognised in the directory: left as they were
    memberships: list[Membership] = field(default_factory=list)  # of people who stay
    aliases: list[PersonAlias] = field(default_factory=list)  # of people who stay
    removed_people_rows: dict[str, list[int]] = field(default_factory=dict)  # their aliases, memberships
    teams: list[Team] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    plan_entries: list[ForwardPlanEntry] = field(default_factory=list)
    log_reverted: list[ActionUpdate] = field(default_factory=list)  # earlier actions put back
    log_kept: list[Kept] = field(default_factory=list)  # earlier actions changed again since
    pending: list[Any] = field(default_factory=list)  # ids of the pending imports of these minutes
    removed: Removed = field(default_factory=lambda: defaultdict(set))  # every row that goes, by model
    key: str = ""  # a digest of all the above: the page's plan is still the plan

    @property
    def possible(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class UndoResult:
    board_id: int
    date: dt.date
    file_name: str
    outcome: str  # as UndoPlan.outcome
    actions: int  # removed
    people: int  # removed
    kept_actions: int
    kept_people: int


@dataclass(frozen=True)
class _Trail:
    """The import's stretch of the audit trail: the meeting's save to the source document's."""

    first: int
    last: int
    meeting_event: AuditEvent

    def made(self, model: type[models.Model]) -> set[Any]:
        """The primary keys of the rows of `model` that the import created."""
        texts = AuditEvent.objects.filter(
            model=model._meta.label_lower,
            action=AuditEvent.Action.CREATE,
            pk__gte=self.first,
            pk__lte=self.last,
        ).values_list("object_id", flat=True)
        return {model._meta.pk.to_python(text) for text in texts}


def _trail(meeting: Meeting, source: SourceDocument) -> _Trail | None:
    last = (
        AuditEvent.objects.filter(
            model="meetings.sourcedocument", object_id=str(source.pk), action=AuditEvent.Action.CREATE
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if last is None:
        return None
    events = AuditEvent.objects.filter(
        model="meetings.meeting",
        object_id=str(meeting.pk),
        action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE],
        pk__lte=last,
    ).order_by("-pk")
    for event in events:  # the import's own: the one that made the meeting's minutes a draft
        status = event.changes.get("status")
        if isinstance(status, list) and len(status) == 2 and status[1] == Meeting.Status.MINUTES_DRAFT:
            return _Trail(event.pk, last, event)
    return None


def _staying(
    related: type[models.Model], link: models.Field[Any, Any], pks: Iterable[Any], removed: Removed
) -> models.QuerySet[Any]:
    """Rows of `related` whose `link` points at one of `pks`, other than those going themselves (listed
    in `removed`, or deleted with a row that is: a cascade one step away)."""
    rows = related._base_manager.filter(**{f"{link.attname}__in": list(pks)})
    if removed.get(related):
        rows = rows.exclude(pk__in=removed[related])
    for other in related._meta.concrete_fields:
        remote = other.remote_field
        if other is link or not other.many_to_one or remote is None or remote.on_delete is not models.CASCADE:
            continue
        gone = removed.get(other.related_model)  # type: ignore[arg-type]
        if gone:
            rows = rows.exclude(**{f"{other.attname}__in": gone})
    return rows


def _relations(model: type[models.Model]) -> list[Any]:
    """Every foreign key to `model` from any app, hidden ones ('+') and many-to-many tables' included."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and not rel.many_to_many  # a many-to-many: by its table
    ]


def _uses(model: type[models.Model], pks: set[Any], removed: Removed) -> dict[Any, list[str]]:
    """What else refers to each of `pks` once `removed` is gone, in words; read from the model meta."""
    uses: dict[Any, list[str]] = defaultdict(list)
    if not pks:
        return uses
    for rel in _relations(model):
        related, link = rel.related_model, rel.field
        rows = _staying(related, link, pks, removed)
        label = related._meta.label_lower
        if (label, link.name) == ("meetings.attendance", "person"):  # which meeting: the page says
            found = rows.order_by("meeting__date").values_list(
                "person_id", "meeting__date", "meeting__board__name"
            )
            for person_id, date, board in found:
                uses[person_id].append(f"attended the {board} meeting of {date:%-d %B %Y}")
            continue
        words = _USES.get((label, link.name), f"is referred to by {related._meta.verbose_name_plural}")
        for target in set(rows.values_list(link.attname, flat=True)):
            uses[target].append(words)
    return uses


def _later_updates(actions: list[Action]) -> dict[int, list[ActionUpdate]]:
    updates: dict[int, list[ActionUpdate]] = defaultdict(list)
    for update in ActionUpdate.objects.filter(action__in=actions).select_related("author__person"):
        updates[update.action_id].append(update)
    return updates


def _worked_on(updates: list[ActionUpdate]) -> str:
    last = updates[-1]
    what = (
        f"status {last.get_status_from_display()} to {last.get_status_to_display()}"
        if last.status_from != last.status_to
        else "progress recorded"
    )
    times = "" if len(updates) == 1 else f" (updated {len(updates)} times)"
    return f"Worked on since the import: {what} by {last.who} on {last.created_at:%-d %B %Y}{times}."


def import_undo_plan(*, meeting: Meeting) -> UndoPlan:
    """What undoing the import of `meeting`'s minutes would remove and what it would keep, and why.

    1. Refused: a meeting not imported from minutes; minutes the board has approved.
    2. Actions of the meeting that someone has worked on since (any update in their history) stay, with
       the meeting (held, without its minutes); the others go, with the forward-plan entries they made.
    3. Earlier actions the minutes' action log moved on are put back, unless they changed again since.
    4. People the import added go when nothing else refers to them (every relation to a person, from the
       model meta); the memberships, initials and spellings it recorded go too, except a membership a
       person still holds by attending another meeting of the board, and what people who stay were added
       with. Teams and organisations it added go when nothing else refers to them.
    5. A meeting that was scheduled before its minutes came goes back to scheduled, with its agenda.
    """
    source = SourceDocument.objects.filter(meeting=meeting).first()
    plan = UndoPlan(meeting=meeting, source=source)
    if source is None:
        plan.refusal = "This meeting was not imported from minutes: there is no import to undo."
        return plan
    if meeting.status == Meeting.Status.MINUTES_APPROVED:
        approved = f" on {meeting.approved_on:%-d %B %Y}" if meeting.approved_on else ""
        plan.refusal = (
            f"The board approved these minutes{approved}. If they should not be on record, withdraw the "
            "approval first, then undo the import."
        )
    board = meeting.board
    trail = _trail(meeting, source)
    removed = plan.removed

    # the meeting's own records
    plan.items = list(AgendaItem.objects.filter(meeting=meeting).only("pk", "number", "title"))
    plan.decisions = list(Decision.objects.filter(item__meeting=meeting).values_list("pk", flat=True))
    plan.case_mentions = list(CaseMention.objects.filter(item__meeting=meeting).values_list("pk", flat=True))
    plan.attendance = list(Attendance.objects.filter(meeting=meeting).select_related("person"))
    actions = list(
        Action.objects.filter(meeting=meeting).defer("item__discussion").prefetch_related("owner_people")
    )
    updates = _later_updates(actions)
    for action in actions:
        if updates.get(action.pk):
            plan.kept_actions.append(Kept(action, [_worked_on(updates[action.pk])]))
        else:
            plan.actions.append(action)
    plan.plan_entries = list(ForwardPlanEntry.objects.filter(source_action__in=plan.actions))
    plan.pending = list(PendingImport.objects.filter(meeting=meeting).values_list("pk", flat=True))
    removed[AgendaItem] = {i.pk for i in plan.items}
    removed[Decision] = set(plan.decisions)
    removed[CaseMention] = set(plan.case_mentions)
    removed[Attendance] = {a.pk for a in plan.attendance}
    removed[Action] = {a.pk for a in plan.actions}
    removed[ForwardPlanEntry] = {e.pk for e in plan.plan_entries}
    removed[SourceDocument] = {source.pk}
    removed[PendingImport] = set(plan.pending)

    # earlier actions these minutes' action log closed, carried or progressed
    if trail is not None:
        log = list(
            ActionUpdate.objects.filter(pk__in=trail.made(ActionUpdate), action__board=board)
            .exclude(action__meeting=meeting)
            .select_related("action__meeting")
            .order_by("pk")
        )
        latest = dict(
            ActionUpdate.objects.filter(action__in=[u.action_id for u in log])
            .values("action_id")
            .annotate(last=models.Max("pk"))
            .values_list("action_id", "last")
        )
        for update in log:
            if latest.get(update.action_id) == update.pk and update.action.status == update.status_to:
                plan.log_reverted.append(update)
            else:
                plan.log_kept.append(
                    Kept(update, ["It changed again after the import: it is left as it is now."])
                )
        removed[ActionUpdate] = {u.pk for u in plan.log_reverted}

    # the meeting itself
    if trail is not None:
        was_scheduled = trail.meeting_event.action == AuditEvent.Action.UPDATE
        before = trail.meeting_event.changes
    else:
        was_scheduled, before = meeting.agenda.exists(), {}
    if was_scheduled:
        plan.outcome = "scheduled"
        plan.agenda = meeting.agenda.count()
        for name in ("title", "location", "next_meeting_date"):
            if isinstance(before.get(name), list):
                plan.restore[name] = before[name][0]
    elif plan.kept_actions:
        plan.outcome = "held"
    else:
        removed[Meeting] = {meeting.pk}

    # people: those the import added go when nothing else refers to them
    candidates = {a.person_id for a in plan.attendance} | {
        p.pk for a in actions for p in a.owner_people.all()
    }

    def made(model: type[models.Model], pks: set[Any], unknown: set[Any]) -> set[Any]:
        """Those of `pks` the import created; `unknown` without a trail."""
        return pks & trail.made(model) if trail is not None else unknown

    added = made(Person, candidates, candidates)  # without a trail, use alone decides
    plan.known_people = len(candidates - added)
    memberships = list(Membership.objects.filter(board=board, person__in=candidates).select_related("person"))
    aliases = list(PersonAlias.objects.filter(person__in=candidates).select_related("person"))
    made_memberships = made(Membership, {m.pk for m in memberships}, set())
    made_aliases = made(PersonAlias, {a.pk for a in aliases}, set())
    # whoever attends a board belongs to it: a membership another meeting of the board gives stays
    attends_elsewhere = set(
        Attendance.objects.filter(
            person__in=candidates,
            meeting__board=board,
            status__in=[Attendance.Status.PRESENT, Attendance.Status.IN_ATTENDANCE],
        )
        .exclude(meeting=meeting)
        .values_list("person_id", flat=True)
    )
    # what the import made does not keep its people (a membership another meeting gives is told by that)
    removed[Membership], removed[PersonAlias] = made_memberships, made_aliases
    uses = _uses(Person, added, removed)
    for pk in Person.objects.filter(pk__in=added, user__isnull=False).values_list("pk", flat=True):
        uses[pk].append("signs in to Boardkeeper")
    people = {p.pk: p for p in Person.objects.filter(pk__in=added).select_related("organisation")}
    for person in sorted(people.values(), key=lambda p: (p.full_name, p.pk)):
        if uses.get(person.pk):
            plan.kept_people.append(Kept(person, uses[person.pk]))
        else:
            plan.people.append(person)
    gone = removed[Person] = {p.pk for p in plan.people}
    # people who stay keep what they were added with; what the minutes taught about people already known
    # (other initials, spellings) goes
    kept_added = {k.record.pk for k in plan.kept_people}
    plan.aliases = [a for a in aliases if a.pk in made_aliases and a.person_id not in kept_added | gone]
    plan.memberships = [
        m for m in memberships if m.pk in made_memberships and m.person_id not in attends_elsewhere | gone
    ]
    plan.removed_people_rows = {
        "aliases": sorted(a.pk for a in aliases if a.person_id in gone),
        "memberships": sorted(m.pk for m in memberships if m.person_id in gone),
    }
    removed[PersonAlias] = {a.pk for a in plan.aliases} | set(plan.removed_people_rows["aliases"])
    removed[Membership] = {m.pk for m in plan.memberships} | set(plan.removed_people_rows["memberships"])

    # teams owning its actions, and organisations of its people, that it added and nothing else uses
    teams = set(Team.objects.filter(actions__in=plan.actions).values_list("pk", flat=True))
    teams = made(Team, teams, teams)
    plan.teams = list(Team.objects.filter(pk__in=teams - set(_uses(Team, teams, removed))).order_by("name"))
    removed[Team] = {t.pk for t in plan.teams}
    organisations = {p.organisation_id for p in plan.people if p.organisation_id is not None}
    organisations = made(Organisation, organisations, organisations)
    plan.organisations = list(
        Organisation.objects.filter(
            pk__in=organisations - set(_uses(Organisation, organisations, removed))
        ).order_by("name")
    )
    removed[Organisation] = {o.pk for o in plan.organisations}

    plan.key = _digest(plan)
    return plan


def _digest(plan: UndoPlan) -> str:
    """The plan in a few characters: a confirmation made from a page that showed another plan is refused."""
    meeting = plan.meeting
    parts: list[Any] = [
        meeting.pk,
        meeting.status,
        meeting.approved_on,
        plan.source.pk if plan.source else None,
        plan.refusal,
        plan.outcome,
        sorted(plan.restore.items()),
        sorted((model._meta.label_lower, sorted(pks)) for model, pks in plan.removed.items() if pks),
    ]
    for kept in (plan.kept_actions, plan.kept_people, plan.log_kept):
        parts.append(sorted((k.record.pk, k.reasons) for k in kept))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def _audit_links_emptied(model: type[models.Model], pks: set[Any], removed: Removed) -> None:
    """Rows that stay but point at rows that go have their link emptied (SET_NULL) by an UPDATE no signal
    sees: the trail is told here, as for any write that bypasses signals."""
    if not pks:
        return
    for rel in _relations(model):
        if rel.on_delete is not models.SET_NULL:
            continue
        for row in _staying(rel.related_model, rel.field, pks, removed):
            audit.updated(row, {rel.field.attname: None})


@audit.acts
@transaction.atomic
def import_undo(*, meeting: Meeting, user: User, expect: str | None = None) -> UndoResult:
    """Undo the import of `meeting`'s minutes as `import_undo_plan` says, in one transaction.

    `expect` is the plan's key as the confirmation page showed it: if the plan has changed since, nothing
    is done (`UndoStale`, with the plan as it is now). The file is removed from storage once the
    transaction has committed, so a rollback never leaves a document without its file.
    """
    # one undo at a time; an approval or another undo waits for this one
    locked = (
        Meeting.objects.select_for_update(of=("self",)).filter(pk=meeting.pk).select_related("board").first()
    )
    if locked is None:
        raise UndoRefused("This meeting is no longer on record: its import may have been undone already.")
    plan = import_undo_plan(meeting=locked)
    if plan.refusal:
        raise UndoRefused(plan.refusal)
    if expect is not None and expect != plan.key:
        raise UndoStale(plan)
    source = plan.source
    assert source is not None  # a plan without a source is refused
    removed = plan.removed
    audit.event(
        AuditEvent.Action.DELETE,
        locked,
        detail=f"Import undone: the minutes of {locked.date:%-d %B %Y} from {source.name}",
    )

    # 1. earlier actions the action log moved on, put back
    for update in plan.log_reverted:
        action = update.action
        try:
            update_versioned(
                Action.objects.all(), pk=action.pk, version=action.version, status=update.status_from
            )
        except StaleEdit:
            raise UndoStale(import_undo_plan(meeting=locked)) from None
        audit.updated(action, {"status": update.status_from})
        update.delete()

    # 2. links to what goes, emptied in rows that stay (the trail is told), then the rows themselves
    for model, pks in removed.items():
        _audit_links_emptied(model, pks, removed)
    ForwardPlanEntry.objects.filter(pk__in=removed[ForwardPlanEntry]).delete()
    Action.objects.filter(pk__in=removed[Action]).delete()
    AgendaItem.objects.filter(pk__in=removed[AgendaItem]).delete()  # with decisions and case mentions
    Attendance.objects.filter(pk__in=removed[Attendance]).delete()
    SourceDocument.objects.filter(pk=source.pk).delete()
    PendingImport.objects.filter(pk__in=removed[PendingImport]).delete()

    # 3. the meeting: gone, scheduled again as it was, or held without minutes
    if locked.pk in removed[Meeting]:
        locked.delete()
    else:
        locked.status = Meeting.Status.SCHEDULED if plan.outcome == "scheduled" else Meeting.Status.HELD
        locked.approved_on = None
        if plan.outcome == "scheduled":
            locked.title = plan.restore.get("title") or ""
            locked.location = plan.restore.get("location") or ""
            next_date = plan.restore.get("next_meeting_date")
            locked.next_meeting_date = dt.date.fromisoformat(next_date) if next_date else None
        else:
            locked.next_meeting_date = None  # as the minutes gave it: they are gone
        locked.save(update_fields=["status", "approved_on", "title", "location", "next_meeting_date"])

    # 4. the directory rows the import added that nothing else uses
    Membership.objects.filter(pk__in=removed[Membership]).delete()
    PersonAlias.objects.filter(pk__in=removed[PersonAlias]).delete()
    Person.objects.filter(pk__in=removed[Person]).delete()
    Team.objects.filter(pk__in=removed[Team]).delete()
    Organisation.objects.filter(pk__in=removed[Organisation]).delete()

    # actions due 'at the next meeting' that were given this one are given the next on record, if any
    due_meetings_attach(board=locked.board)

    storage, name = SourceDocument.file.field.storage, source.file.name
    if name and not SourceDocument.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))
    return UndoResult(
        board_id=locked.board_id,
        date=locked.date,
        file_name=source.name,
        outcome=plan.outcome,
        actions=len(plan.actions),
        people=len(plan.people),
        kept_actions=len(plan.kept_actions),
        kept_people=len(plan.kept_people),
    )

"""A meeting's agenda: proposed from the standing items and the forward plan, and shown so without writing
anything, until the business team first changes it; it is then saved, and kept as they edit it."""

from __future__ import annotations

from django.db import transaction

from boardkeeper.actions.models import AgendaEntry, ForwardPlanEntry
from boardkeeper.audit import recorder as audit
from boardkeeper.lib.versioning import update_versioned
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.forward_plan import forward_plan_for


def agenda_proposed(*, meeting: Meeting) -> list[AgendaEntry]:
    """The agenda the standing items and the forward plan propose for a meeting: unsaved entries (no pk),
    computed afresh on every look, so that reading an agenda never writes one."""
    titles: list[tuple[str, str, ForwardPlanEntry | None]] = [
        ("Welcome, introductions and apologies", AgendaEntry.Kind.STANDING, None),
        ("Minutes of the previous meeting and action log", AgendaEntry.Kind.ACTION_LOG, None),
    ]
    titles += [(e.topic, AgendaEntry.Kind.FORWARD_PLAN, e) for e in forward_plan_for(meeting)]
    titles.append(("Any other business", AgendaEntry.Kind.AOB, None))
    return [
        AgendaEntry(meeting=meeting, position=n, title=title[:300], kind=kind, source=source)
        for n, (title, kind, source) in enumerate(titles, start=1)
    ]


@transaction.atomic
def agenda_start(*, meeting: Meeting) -> tuple[list[AgendaEntry], bool]:
    """The meeting's agenda saved: the proposal written as it now stands, once (one drafter at a time), then
    kept as edited. With True when this call wrote it, False when it was already saved."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # two first changes draft once
    existing = list(meeting.agenda.select_related("source").order_by("position"))
    if existing:
        return existing, False
    return [
        AgendaEntry.objects.create(
            meeting=meeting, position=e.position, title=e.title, kind=e.kind, source=e.source
        )
        for e in agenda_proposed(meeting=meeting)
    ], True


def agenda_draft(*, meeting: Meeting) -> list[AgendaEntry]:
    """The meeting's agenda, saved once from the standing items and the forward plan, then kept as edited."""
    return agenda_start(meeting=meeting)[0]


def agenda_for(*, meeting: Meeting) -> list[AgendaEntry]:
    """What a meeting's agenda page shows, without writing: the saved agenda, or for a scheduled meeting
    whose agenda nobody has changed yet the proposed one (`agenda_proposed`, unsaved)."""
    saved = list(meeting.agenda.select_related("source").order_by("position"))
    if saved or meeting.status != Meeting.Status.SCHEDULED:
        return saved
    return agenda_proposed(meeting=meeting)


def _lock_agenda(meeting_id: int) -> list[AgendaEntry]:
    Meeting.objects.select_for_update().filter(pk=meeting_id).first()  # moves and removals one at a time
    return list(AgendaEntry.objects.filter(meeting_id=meeting_id).order_by("position", "pk"))


@transaction.atomic
def agenda_entry_add(*, meeting: Meeting, title: str, presenter: str = "", papers: str = "") -> AgendaEntry:
    """A new item, placed before 'Any other business' when that closes the agenda; a scheduled meeting's
    proposed agenda is saved first (the first change to an agenda saves it)."""
    agenda = _lock_agenda(meeting.pk)
    if not agenda and meeting.status == Meeting.Status.SCHEDULED:
        agenda = agenda_draft(meeting=meeting)
    at = len(agenda) - 1 if agenda and agenda[-1].kind == AgendaEntry.Kind.AOB else len(agenda)
    entry = AgendaEntry.objects.create(
        meeting=meeting,
        position=at + 1,
        title=title.strip()[:300],
        presenter=presenter.strip()[:200],
        papers=papers.strip()[:300],
        kind=AgendaEntry.Kind.OTHER,
    )
    agenda.insert(at, entry)
    _renumber(agenda)
    return entry


def _renumber(entries: list[AgendaEntry]) -> None:
    """Positions 1, 2, 3... in the given order, writing only the rows whose number changes."""
    changed = []
    for n, entry in enumerate(entries, start=1):
        if entry.position != n:
            audit.updated(entry, {"position": n})
            entry.position = n
            changed.append(entry)
    if changed:
        AgendaEntry.objects.bulk_update(changed, ["position"])


@transaction.atomic
def agenda_entry_update(
    *, entry: AgendaEntry, title: str, presenter: str, papers: str, version: int
) -> AgendaEntry:
    """New wording for an item, refusing an edit made from a stale page (its version moved on): `StaleEdit`
    then carries the item as it now is, or None when it has been removed."""
    fields = {
        "title": title.strip()[:300],
        "presenter": presenter.strip()[:200],
        "papers": papers.strip()[:300],
    }
    update_versioned(AgendaEntry.objects.all(), pk=entry.pk, version=version, **fields)
    audit.updated(entry, fields)
    entry.title, entry.presenter, entry.papers = fields["title"], fields["presenter"], fields["papers"]
    entry.version = version + 1
    return entry


@transaction.atomic
def agenda_entry_move(*, entry: AgendaEntry, by: int) -> None:
    """Up (-1) or down (+1) one place; at the top or the bottom, nothing moves."""
    agenda = _lock_agenda(entry.meeting_id)
    index = next((i for i, e in enumerate(agenda) if e.pk == entry.pk), None)
    if index is None:
        return  # removed meanwhile
    target = index + (1 if by > 0 else -1)
    if 0 <= target < len(agenda):
        agenda[index], agenda[target] = agenda[target], agenda[index]
    _renumber(agenda)


@transaction.atomic
def agenda_entry_remove(*, entry: AgendaEntry) -> None:
    agenda = _lock_agenda(entry.meeting_id)
    AgendaEntry.objects.filter(pk=entry.pk).delete()
    _renumber([e for e in agenda if e.pk != entry.pk])

"""A meeting's agenda: drafted once from the standing items and the forward plan, then kept as the business
team edits it."""

from __future__ import annotations

from django.db import transaction

from boardkeeper.actions.models import AgendaEntry, ForwardPlanEntry
from boardkeeper.audit import recorder as audit
from boardkeeper.lib.versioning import update_versioned
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.forward_plan import forward_plan_for


@transaction.atomic
def agenda_draft(*, meeting: Meeting) -> list[AgendaEntry]:
    """The meeting's agenda, drafted once from the standing items and the forward plan, then kept as edited."""
    existing = list(meeting.agenda.select_related("source").order_by("position"))
    if existing:
        return existing
    titles: list[tuple[str, str, ForwardPlanEntry | None]] = [
        ("Welcome, introductions and apologies", AgendaEntry.Kind.STANDING, None),
        ("Minutes of the previous meeting and action log", AgendaEntry.Kind.ACTION_LOG, None),
    ]
    titles += [(e.topic, AgendaEntry.Kind.FORWARD_PLAN, e) for e in forward_plan_for(meeting)]
    titles.append(("Any other business", AgendaEntry.Kind.AOB, None))
    return [
        AgendaEntry.objects.create(meeting=meeting, position=n, title=title[:300], kind=kind, source=source)
        for n, (title, kind, source) in enumerate(titles, start=1)
    ]


@transaction.atomic
def agenda_for(*, meeting: Meeting) -> list[AgendaEntry]:
    """A scheduled meeting's agenda, drafted on first sight (`agenda_draft`); one drafter at a time."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # two first views draft once
    if meeting.status == Meeting.Status.SCHEDULED:
        return agenda_draft(meeting=meeting)
    return list(meeting.agenda.select_related("source").order_by("position"))


def _lock_agenda(meeting_id: int) -> list[AgendaEntry]:
    Meeting.objects.select_for_update().filter(pk=meeting_id).first()  # moves and removals one at a time
    return list(AgendaEntry.objects.filter(meeting_id=meeting_id).order_by("position", "pk"))


@transaction.atomic
def agenda_entry_add(*, meeting: Meeting, title: str, presenter: str = "", papers: str = "") -> AgendaEntry:
    """A new item, placed before 'Any other business' when that closes the agenda."""
    agenda = _lock_agenda(meeting.pk)
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

"""What the search index holds of each record, and keeping it so.

Each kind has a builder that turns a queryset of its records into index rows; `reindex` replaces the rows
of some records (after a save, an import, a deletion), `rebuild` replaces them all. The text is stripped
of the two control characters the backends use to mark matches in a snippet, so that a record cannot
forge a highlight."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import chain
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.escalations.models import Escalation
from boardkeeper.meetings.models import AgendaItem, Decision, Meeting
from boardkeeper.reviews.models import Review
from boardkeeper.search.models import SearchEntry

START, STOP = "\x02", "\x03"  # a match's start and stop in a snippet (backends.py)
CHUNK = 1000
_paused: ContextVar[bool] = ContextVar("search_index_paused", default=False)
Kind = SearchEntry.Kind


def clean(text: str | None) -> str:
    """Text as indexed: without the snippet markers (no record can forge a highlight)."""
    return (text or "").replace(START, " ").replace(STOP, " ")


def _day(date: Any) -> str:
    return f"{date:%-d %B %Y}" if date else ""


def _items(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = AgendaItem.objects.select_related("meeting__board")
    for item in qs if ids is None else qs.filter(pk__in=ids):
        m = item.meeting
        number = f"item {item.number}" if item.number else f"item {item.position}"
        yield SearchEntry(
            kind=Kind.ITEM,
            record_id=item.pk,
            partnership_id=m.board.partnership_id,
            board_id=m.board_id,
            date=m.date,
            title=clean(f"{item.number} {item.title}".strip())[:500],
            body=clean(item.discussion),
            context=f"{m.board.name}, {_day(m.date)}, {number}"[:300],
            url=f"{reverse('meeting', args=[m.pk])}#item-{item.pk}",
        )


def _decisions(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = Decision.objects.select_related("item__meeting__board")
    for d in qs if ids is None else qs.filter(pk__in=ids):
        item, m = d.item, d.item.meeting
        yield SearchEntry(
            kind=Kind.DECISION,
            record_id=d.pk,
            partnership_id=m.board.partnership_id,
            board_id=m.board_id,
            date=m.date,
            title=clean(f"Decision under {item.number} {item.title}".replace("  ", " "))[:500],
            body=clean(d.text),
            context=f"{m.board.name}, {_day(m.date)}"[:300],
            url=f"{reverse('meeting', args=[m.pk])}#item-{item.pk}",
        )


def _actions(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = Action.objects.select_related("meeting__board")
    for a in qs if ids is None else qs.filter(pk__in=ids):
        m = a.meeting
        yield SearchEntry(
            kind=Kind.ACTION,
            record_id=a.pk,
            partnership_id=m.board.partnership_id,
            board_id=a.board_id,
            date=m.date,
            title=clean(a.text)[:500],
            body=clean(
                " ".join(
                    filter(
                        None,
                        [
                            f"Owner: {a.owner_text}." if a.owner_text else "",
                            f"Due: {a.due_text}." if a.due_text else "",
                            f"Status: {a.get_status_display()}.",
                        ],
                    )
                )
            ),
            context=f"{m.board.name}, raised {_day(m.date)}"[:300],
            url=reverse("action", args=[a.pk]),
        )


def _meetings(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = Meeting.objects.select_related("board")
    for m in qs if ids is None else qs.filter(pk__in=ids):
        yield SearchEntry(
            kind=Kind.MEETING,
            record_id=m.pk,
            partnership_id=m.board.partnership_id,
            board_id=m.board_id,
            date=m.date,
            title=clean(m.title or f"{m.board.name} meeting")[:500],
            body=clean(" ".join(filter(None, [m.board.name, m.location, m.minutes_status]))),
            context=f"{m.board.name}, {_day(m.date)}"[:300],
            url=reverse("meeting", args=[m.pk]),
        )


def _people(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = Person.objects.select_related("organisation").prefetch_related("aliases")
    for p in qs if ids is None else qs.filter(pk__in=ids):
        org = p.organisation.name if p.organisation else ""
        yield SearchEntry(
            kind=Kind.PERSON,
            record_id=p.pk,
            partnership_id=p.partnership_id,
            title=clean(p.full_name)[:500],
            body=clean(" ".join([p.job_title, org, *(a.alias for a in p.aliases.all())])),
            context=", ".join(filter(None, [p.job_title, org]))[:300],
            url=reverse("person", args=[p.pk]),
        )


def _reviews(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = Review.objects.prefetch_related("themes")
    for r in qs if ids is None else qs.filter(pk__in=ids):
        text = [
            r.get_kind_display(),
            r.reviewer,
            r.referral_source,
            r.terms_of_reference,
            r.decision_rationale,
        ]
        yield SearchEntry(
            kind=Kind.REVIEW,
            record_id=r.pk,
            partnership_id=r.partnership_id,
            date=r.created_at.date(),
            title=clean(r.pseudonym)[:500],
            body=clean(" ".join(filter(None, [*text, *(t.name for t in r.themes.all())]))),
            context=f"{r.get_kind_display()}: {r.get_stage_display()}"[:300],
            url=reverse("review", args=[r.pk]),
        )


def _escalations(ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    qs = Escalation.objects.select_related("partnership")
    for e in qs if ids is None else qs.filter(pk__in=ids):
        text = [e.raised_by_org, e.about_agency, e.concern, e.outcome, e.learning]
        yield SearchEntry(
            kind=Kind.ESCALATION,
            record_id=e.pk,
            partnership_id=e.partnership_id,
            date=e.opened_on,
            title=clean(f"{e.reference} {e.pseudonym}".strip())[:500],
            body=clean(" ".join(filter(None, text))),
            context=f"{e.raised_by_org} about {e.about_agency}"[:300],
            url=reverse("escalation", args=[e.partnership.slug, e.pk]),
        )


BUILDERS: dict[str, Callable[[Iterable[int] | None], Iterator[SearchEntry]]] = {
    Kind.ITEM: _items,
    Kind.DECISION: _decisions,
    Kind.ACTION: _actions,
    Kind.MEETING: _meetings,
    Kind.PERSON: _people,
    Kind.REVIEW: _reviews,
    Kind.ESCALATION: _escalations,
}


def _write(rows: Iterable[SearchEntry]) -> int:
    """Insert in chunks: a rebuild of ten years holds tens of thousands of rows."""
    written, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            written += len(SearchEntry.objects.bulk_create(chunk))
            chunk = []
    return written + len(SearchEntry.objects.bulk_create(chunk))


@contextmanager
def paused() -> Iterator[None]:
    """Saves inside the block leave the index alone (signals.py asks `is_paused`): a writer of many rows
    (the import) indexes them once at its end instead, in a few INSERTs rather than one a row."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()


def reindex(kind: str, ids: Iterable[int]) -> None:
    """Replace the rows of these records with what they now hold (a record gone is left out), CHUNK
    records a statement."""
    ids = list(ids)
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            SearchEntry.objects.filter(kind=kind, record_id__in=chunk).delete()
            _write(BUILDERS[kind](chunk))


def reindex_board(board_id: int) -> None:
    """A board renamed: every row that names it, those of its meetings, their items and decisions, and its
    actions."""
    meetings = Meeting.objects.filter(board_id=board_id).order_by()
    items = AgendaItem.objects.filter(meeting__board_id=board_id).order_by()
    decisions = Decision.objects.filter(item__meeting__board_id=board_id).order_by()
    actions = Action.objects.filter(board_id=board_id).order_by()
    with transaction.atomic():
        for kind, qs in [
            (Kind.MEETING, meetings),
            (Kind.ITEM, items),
            (Kind.DECISION, decisions),
            (Kind.ACTION, actions),
        ]:
            reindex(kind, qs.values_list("pk", flat=True))


def forget(kind: str, ids: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, record_id__in=list(ids)).delete()


def index_meeting(meeting: Meeting) -> None:
    """Everything an import writes in bulk (no signals): the meeting, its items, their decisions, its
    actions and the people who attended, indexed at once inside the import's transaction (one DELETE, and
    one INSERT for the lot: an import writes a few queries a kind of row, not a few a row)."""
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by().values_list("pk", flat=True))
    records = {
        Kind.MEETING: [meeting.pk],
        Kind.ITEM: items,
        Kind.DECISION: list(
            Decision.objects.filter(item_id__in=items).order_by().values_list("pk", flat=True)
        ),
        Kind.ACTION: list(Action.objects.filter(meeting=meeting).order_by().values_list("pk", flat=True)),
        Kind.PERSON: list(meeting.attendance.order_by().values_list("person_id", flat=True)),
    }
    with transaction.atomic():
        stale = Q(pk__in=[])
        for kind, ids in records.items():
            stale |= Q(kind=kind, record_id__in=ids)
        SearchEntry.objects.filter(stale).delete()
        _write(chain.from_iterable(BUILDERS[kind](ids) for kind, ids in records.items() if ids))


def rebuild() -> int:
    """Every record indexed afresh, all or nothing; returns the number of rows."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        return sum(_write(build(None)) for build in BUILDERS.values())


def records_exist() -> bool:
    """Whether there is anything to index (an installation upgraded to a version with search)."""
    querysets: list[QuerySet[Any]] = [Meeting.objects.all(), Person.objects.all(), Review.objects.all()]
    return any(qs.exists() for qs in querysets)

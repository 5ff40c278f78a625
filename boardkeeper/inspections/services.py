"""Recording inspections, finding the items of the minutes that mention them, and reading each one's
improvement plan
(`boardkeeper.recommendations.plans` reads the plan).

An inspection's details are edited on its version (`update_versioned`): a save from a stale page is refused
(`StaleEdit`) and nothing is lost. The plan is read, never written, here: its recommendations, their actions
(rows of the action log, updated there) and evidence are recorded through `boardkeeper.recommendations`.

Items of the minutes are matched on words, case-insensitively and on word boundaries: the words the
business team gave (`mentioned_as`), or the inspectorate's usual names and the acronyms of the title. Only
the partnership's meetings from a year before the inspection onward are searched: the board talks of an
inspection as it is announced, held and reported, not years before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.versioning import StaleEdit, update_versioned
from boardkeeper.meetings.models import AgendaItem, Meeting

EDITABLE = ("body", "title", "board", "inspected_on", "published_on", "judgement", "summary", "mentioned_as")
SEARCH_BEFORE = dt.timedelta(days=365)  # minutes searched from this long before the inspection

# What minutes call each inspectorate when nobody has said (`mentioned_as`): matched as whole words.
DEFAULT_WORDS: dict[str, tuple[str, ...]] = {
    Inspection.Body.OFSTED: ("Ofsted",),
    Inspection.Body.CQC: ("CQC", "Care Quality Commission"),
    Inspection.Body.HMICFRS: ("HMICFRS", "HMIC"),
    Inspection.Body.PROBATION: ("HMIP", "HMI Probation", "Inspectorate of Probation"),
    Inspection.Body.JOINT: ("JTAI", "joint targeted area inspection"),
    Inspection.Body.INQUIRY: (),  # the title's acronym: 'IICSA'
    Inspection.Body.PEER: ("peer review",),
    Inspection.Body.OTHER: (),
}
_SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "into", "of", "on", "the", "to", "&"}
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{2,}\b")  # ILACS, JTAI, IICSA, SEND


class InspectionRefused(ValueError):
    """The change cannot be made; the message says why, in words for the page."""


def inspections_of(partnership: Partnership) -> QuerySet[Inspection]:
    return Inspection.objects.filter(partnership=partnership).select_related("board")


# Recording ---------------------------------------------------------------------------------------------


def _clean(fields: dict[str, Any], partnership: Partnership) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    for key in ("title", "judgement", "mentioned_as"):
        if key in fields:
            fields[key] = " ".join(str(fields[key] or "").split())
    if "summary" in fields:
        fields["summary"] = str(fields["summary"] or "").strip()
    board: Board | None = fields.get("board")
    if board is not None and board.partnership_id != partnership.pk:
        raise InspectionRefused("Choose a board of this partnership.")
    inspected, published = fields.get("inspected_on"), fields.get("published_on")
    if inspected and published and published < inspected:
        raise InspectionRefused("The date published cannot come before the date of the inspection.")
    return fields


@audit.acts
@transaction.atomic
def inspection_create(*, partnership: Partnership, user: User, **fields: Any) -> Inspection:
    fields = _clean(fields, partnership)
    if not fields.get("title"):
        raise InspectionRefused("Enter the title of the inspection or report.")
    return Inspection.objects.create(partnership=partnership, **fields)


@audit.acts
@transaction.atomic
def inspection_edit(*, inspection: Inspection, user: User, version: int, **fields: Any) -> Inspection:
    """The inspection's details; refused (StaleEdit) if someone saved it since the page was drawn."""
    dates = {n: fields.get(n, getattr(inspection, n)) for n in ("inspected_on", "published_on")}
    fields = {**_clean(fields, inspection.partnership)}
    _clean(dates, inspection.partnership)  # the two dates as they will be after the change
    update_versioned(Inspection.objects.select_related("board"), pk=inspection.pk, version=version, **fields)
    audit.updated(inspection, fields)
    for name, value in fields.items():
        setattr(inspection, name, value)
    inspection.version = version + 1
    return inspection


@audit.acts
@transaction.atomic
def inspection_delete(*, inspection: Inspection, user: User, version: int) -> None:
    """Removes an inspection recorded by mistake. Refused while it has recommendations: they, their
    actions' links and their evidence would go with it, and a plan is not to be lost by one click."""
    if inspection.recommendations.exists():
        raise InspectionRefused(
            "It has recommendations, so it cannot be removed: remove its recommendations first."
        )
    deleted, _ = Inspection.objects.filter(pk=inspection.pk, version=version).delete()  # signals: audited
    if not deleted:
        raise StaleEdit(Inspection.objects.filter(pk=inspection.pk).first())


# The minutes that mention it ---------------------------------------------------------------------------


def title_acronyms(title: str) -> list[str]:
    """The acronyms a title holds ('Ofsted ILACS' gives ILACS) or makes: the initials of its capitalised
    words, if three or more ('Independent Inquiry into Child Sexual Abuse' gives IICSA)."""
    found = _ACRONYM.findall(title)
    words = [w for w in re.findall(r"[\w']+", title) if w.lower() not in _SMALL_WORDS]
    if len(words) >= 3 and all(w[0].isupper() for w in words):
        found.append("".join(w[0] for w in words))
    return list(dict.fromkeys(found))


def search_words(inspection: Inspection) -> list[str]:
    """The words minutes name the inspection by: those the business team gave, comma-separated, or the
    inspectorate's usual names and the title's acronyms."""
    if inspection.mentioned_as.strip():
        words = [w.strip() for w in inspection.mentioned_as.split(",")]
    else:
        words = [*DEFAULT_WORDS.get(inspection.body, ()), *title_acronyms(inspection.title)]
        if not words:  # nothing better: the title itself
            words = [inspection.title]
    return list(dict.fromkeys(w for w in words if w))


def _pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _mentions(pattern: re.Pattern[str] | None, item: AgendaItem) -> bool:
    return pattern is not None and bool(pattern.search(item.title) or pattern.search(item.discussion))


def items_mentioning(inspection: Inspection) -> list[AgendaItem]:
    """The items of the partnership's minutes, from a year before the inspection onward, whose title or
    discussion names it, oldest first."""
    words = search_words(inspection)
    pattern = _pattern(words)
    if pattern is None:
        return []
    rough = reduce(or_, (Q(title__icontains=w) | Q(discussion__icontains=w) for w in words))
    candidates = (
        AgendaItem.objects.filter(
            rough,
            meeting__board__partnership_id=inspection.partnership_id,
            meeting__date__gte=inspection.inspected_on - SEARCH_BEFORE,
        )
        .select_related("meeting__board")
        .order_by("meeting__date", "meeting__pk", "position")
    )
    return [item for item in candidates if _mentions(pattern, item)]


def link_items_to_inspections(meeting: Meeting, items: Iterable[AgendaItem]) -> None:
    """Gives each item of the meeting `inspections`: those of the partnership it mentions (one query)."""
    inspections = list(
        Inspection.objects.filter(
            partnership_id=meeting.board.partnership_id, inspected_on__lte=meeting.date + SEARCH_BEFORE
        ).order_by("inspected_on", "pk")
    )
    patterns = [(i, _pattern(search_words(i))) for i in inspections]
    for item in items:
        setattr(item, "inspections", [i for i, p in patterns if _mentions(p, item)])  # noqa: B010

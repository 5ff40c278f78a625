"""Searching the index for a person (what they may open, and nothing else) or for a script."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.escalations.services import visible_escalations
from boardkeeper.reviews.services import visible_reviews
from boardkeeper.search.backends import Hit, Query, backend
from boardkeeper.search.indexer import START, STOP
from boardkeeper.search.models import SearchEntry

Kind = SearchEntry.Kind
NEED_TO_KNOW = (Kind.REVIEW, Kind.ESCALATION)


@dataclass(frozen=True)
class Filters:
    board_ids: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class Results:
    count: int
    hits: list[Hit]


def visible_to(user: User, roles: list[PartnershipRole]) -> Q:
    """The rows a person may open: their partnerships' records, and of the case reviews and escalations
    only those the pages would show them (`visible_reviews`, `visible_escalations`: the business team
    every one, anyone else those they are named on)."""
    allowed = Q(pk__in=[])
    for role in roles:
        p = role.partnership
        if role.can_edit:
            allowed |= Q(partnership=p)
            continue
        reviews = visible_reviews(user, p, business_team=False).values("pk")
        escalations = visible_escalations(user, p, business_team=False).values("pk")
        allowed |= Q(partnership=p) & (
            ~Q(kind__in=NEED_TO_KNOW)
            | Q(kind=Kind.REVIEW, record_id__in=reviews)
            | Q(kind=Kind.ESCALATION, record_id__in=escalations)
        )
    return allowed


def filtered(allowed: Q, filters: Filters) -> QuerySet[SearchEntry]:
    rows = SearchEntry.objects.filter(allowed)
    if filters.board_ids:
        rows = rows.filter(board_id__in=filters.board_ids)
    if filters.kinds:
        rows = rows.filter(kind__in=filters.kinds)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    return rows


def search(text: str, allowed: Q, filters: Filters, *, offset: int = 0, limit: int = 20) -> Results:
    """The matches of `text` among the allowed rows, best first: an empty query finds nothing."""
    query = Query.parse(text)
    if query.empty:
        return Results(0, [])
    count, hits = backend().search(query, filtered(allowed, filters), offset, limit)
    return Results(count, hits)


def marked(snippet: str) -> SafeString:
    """A snippet as HTML: escaped first, then the engine's markers made <mark>; an unclosed marker is
    closed, so the markup is always well formed."""
    out, open_ = [], False
    for part in re.split(f"([{START}{STOP}])", snippet):
        if part == START and not open_:
            out.append("<mark>")
            open_ = True
        elif part == STOP and open_:
            out.append("</mark>")
            open_ = False
        elif part not in (START, STOP):
            out.append(html.escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))


def title_marked(title: str, terms: list[str]) -> SafeString:
    """A title with the query's words marked where a word of the title begins with one (stemming aside:
    'fund' marks 'funding')."""
    words = sorted({t.lower() for t in terms if t}, key=len, reverse=True)
    if not words:
        return mark_safe(html.escape(title))
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    text = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", title)
    return marked(text)


def plain(snippet: str) -> str:
    """A snippet for a terminal or JSON: the markers become square brackets."""
    return snippet.replace(START, "[").replace(STOP, "]")

"""The search page: one box (also in every page's header), filters by partnership, board, kind and dates,
20 results a page, each with its snippet. Only what the person could open is ever found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from boardkeeper.accounts.permissions import partnerships_for_user, signed_in_user
from boardkeeper.directory.models import Board
from boardkeeper.search import services
from boardkeeper.search.backends import Query
from boardkeeper.search.models import SearchEntry

PAGE_SIZE = 20
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")


def _date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _dates(request: HttpRequest, errors: list[tuple[str, str]]) -> dict[str, dt.date | None]:
    """The date filters as typed; one that is not a date is reported and left out (the search still runs)."""
    out: dict[str, dt.date | None] = {}
    for name, label in (("from", "Date from"), ("to", "Date to")):
        value = request.GET.get(name, "").strip()
        out[name] = None
        if value:
            try:
                out[name] = _date(value)
            except ValueError:
                errors.append((f"filter-{name}", f"{label} must be a real date, like 23/2/2022"))
    if out["from"] and out["to"] and out["from"] > out["to"]:
        errors.append(("filter-to", "Date to must be the same as or after date from"))
        out["to"] = None
    return out


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def search(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    roles = partnerships_for_user(request)
    partnerships = {r.partnership.pk: r.partnership for r in roles}
    chosen = _int(request.GET.get("partnership", ""))
    if chosen in partnerships:
        roles = [r for r in roles if r.partnership.pk == chosen]
    boards = list(
        Board.objects.filter(partnership__in=[r.partnership for r in roles]).select_related("partnership")
    )
    board = _int(request.GET.get("board", ""))
    board = board if board in {b.pk for b in boards} else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in SearchEntry.Kind.values else ""
    errors: list[tuple[str, str]] = []
    dates = _dates(request, errors)
    text = request.GET.get("q", "").strip()[:500]
    page_number = _int(request.GET.get("page", "1")) or 1
    filters = services.Filters(
        board_ids=[board] if board else [],
        kinds=[kind] if kind else [],
        date_from=dates["from"],
        date_to=dates["to"],
    )
    allowed = services.visible_to(user, roles)
    first = services.search(text, allowed, filters, offset=0, limit=PAGE_SIZE)
    page = Paginator(range(first.count), PAGE_SIZE).get_page(page_number)
    results = first
    if page.number > 1:
        results = services.search(
            text, allowed, filters, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    terms = Query.parse(text).terms
    rows = [
        (hit.entry, services.title_marked(hit.entry.title, terms), services.marked(hit.snippet))
        for hit in results.hits
    ]
    context: dict[str, Any] = {
        "q": text,
        "rows": rows,
        "count": results.count,
        "page": page,
        "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "partnerships": list(partnerships.values()),
        "partnership": chosen if chosen in partnerships else None,
        "boards": boards,
        "board": board,
        "kinds": SearchEntry.Kind.choices,
        "kind": kind,
        "date_from": request.GET.get("from", "")[:40],
        "date_to": request.GET.get("to", "")[:40],
        "errors": errors,
        "from_error": next((m for i, m in errors if i == "filter-from"), ""),
        "to_error": next((m for i, m in errors if i == "filter-to"), ""),
        "several": len(partnerships) > 1,
    }
    return render(request, "search/search.html", context)

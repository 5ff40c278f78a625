"""The inspections register's pages in the permission walk (tests/web/test_permissions.py merges them into PAGES
and this snapshot into its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Max
from django.urls import reverse

from boardkeeper.audit.models import AuditEvent
from boardkeeper.inspections.models import Inspection

WALK = "HMICFRS child protection inspection"  # the walk's own inspection, made on first use


def inspection_of(r: Any) -> Inspection:
    """The partnership's inspection, made here once (as escalations are): the walk's own, which snapshot()
    counts apart from the others, so that making it is not taken for a refused write."""
    inspection, _ = Inspection.objects.get_or_create(
        partnership=r.cast.partnership,
        title=WALK,
        defaults={"body": "hmicfrs", "inspected_on": dt.date(2022, 2, 1), "mentioned_as": "HMIC"},
    )
    return inspection


def form(r: Any) -> dict[str, Any]:
    """The details of the walk's inspection as its edit page would post them, on its version as it now is."""
    i = inspection_of(r)
    return {
        "version": str(i.version),
        "body": "hmicfrs",
        "title": WALK,
        "inspected_on": "01/02/2022",
        "published_on": "",
        "judgement": "Requires improvement",
        "summary": "",
        "mentioned_as": "HMIC",
    }


def one(name: str, post: Callable[[Any], dict[str, Any]] | None = None, *, editors_only: bool = False) -> Any:
    return lambda Page: Page(
        lambda r: reverse(name, args=[r.cast.partnership.slug, inspection_of(r).pk]),
        post=post,
        editors_only=editors_only,
    )


def pages(Page: Any) -> dict[str, Any]:
    """Each URL name of the register, as a `Page` of tests/web/test_permissions.py (its `Record`: `r`)."""
    return {
        "inspections": Page(lambda r: reverse("inspections", args=[r.cast.partnership.slug])),
        "inspection_new": Page(
            lambda r: reverse("inspection_new", args=[r.cast.partnership.slug]),
            post=lambda r: {**form(r), "title": "Ofsted ILACS", "body": "ofsted"},
            editors_only=True,
        ),
        "inspection": one("inspection")(Page),
        "inspection_edit": one("inspection_edit", form, editors_only=True)(Page),
        "inspection_delete": one(
            "inspection_delete", lambda r: {"version": str(inspection_of(r).version)}, editors_only=True
        )(Page),
        "inspection_plan_docx": one("inspection_plan_docx")(Page),
        "inspection_plan_xlsx": one("inspection_plan_xlsx")(Page),
    }


def snapshot() -> tuple[int, ...]:
    """What a refused request must not change in the register: the inspections other than the walk's, the
    walk's own version (1 until it is made and while it is unchanged), and the removals."""
    walk = Inspection.objects.filter(title=WALK).aggregate(v=Max("version"))["v"] or 1
    return (
        Inspection.objects.exclude(title=WALK).count(),
        walk,
        AuditEvent.objects.filter(model="inspections.inspection", action="delete").count(),
    )

"""The search page in the permission walk (tests/web/test_permissions.py merges these into PAGES and this
snapshot into its own). It lists what the signed-in person may open across their partnerships, as home
does, so it is not partnership-scoped: that another partnership's records never appear in it is tested
in tests/web/test_search.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def pages(Page: Any) -> dict[str, Any]:
    """Each URL name of search, as a `Page` of tests/web/test_permissions.py."""
    return {"search": Page(lambda r: reverse("search"), partnership_scoped=False)}


def snapshot() -> tuple[int, ...]:
    """Search changes nothing: there is nothing of its own that a refused request could change."""
    return ()

"""The audit log's download in the permission walk (tests/web/test_permissions.py merges these into PAGES and
this snapshot into its own): the business team's alone, like the log's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def pages(Page: Any) -> dict[str, Any]:
    """Each URL name of the audit log not yet in the walk, as a `Page` of tests/web/test_permissions.py."""
    return {
        "audit_log_csv": Page(
            lambda r: reverse("audit_log_csv", args=[r.cast.partnership.slug]), editors_only=True
        ),
    }


def snapshot() -> tuple[int, ...]:
    """Nothing: reading the log changes no record (a refused download records no export)."""
    return ()

"""The recommendations register's pages in the permission walk (tests/web/test_permissions.py merges them into PAGES
and this snapshot into its own)."""

from __future__ import annotations

from typing import Any


def pages(Page: Any) -> dict[str, Any]:
    """Each URL name of the register, as a `Page` of tests/web/test_permissions.py (its `Record`: `r`)."""
    return {}


def snapshot() -> tuple[int, ...]:
    """What a refused request must not change in the register."""
    return ()

"""What list pages read of a partnership that changes less often than it is read (its meetings, its people, the
options made of them, the action log's counts by status), kept in the process between requests and keyed by
the partnership's reference version.

The version is the sum of the tokens of the partnership's changes, with the latest one's id
(directory.models.ReferenceChange): the database adds a change with a random token, by triggers, whenever a
board, meeting, person or organisation of the partnership changes in what a page shows of it, whenever one
of its actions or their owner links changes in what the log counts by (actions migration 0009), and whenever
one of its reviews, the themes given to them or the themes' names change (reviews migration 0003). Every page
reads the version in the same query as the user's role (accounts.permissions). So a value found here was
read while the partnership's version was the one the page has just read: never older than the database, in
any process on any machine, with nothing to invalidate and nothing shared between processes.

    meetings = cached(access.reference, ("log meetings", board_id), lambda: tuple(...))

A value is shared by every request that asks for the same name: it must never be changed (tuples, frozen
dataclasses, strings) by the request that gets it. At most LIMIT values are kept, the least recently used
dropped first: a large partnership's own log keeps about 0.4 MB (840 meetings and their options), a board's
log a tenth of that. A value not kept costs what reading it did before: one query and its options.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

LIMIT = 256  # values kept in a process: the log's of about 40 partnerships, 25-100 MB at national scale

# (partnership id, its version): what a key starts with; None when the page has no version (never cached)
Reference = tuple[int, str] | None

_MISSING = object()


class Kept:
    """Values by key, at most a limit of them, the least recently used dropped first; safe between threads."""

    def __init__(self) -> None:
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self.values:
                return default
            self.values.move_to_end(key)
            return self.values[key]

    def put(self, key: Hashable, value: Any, *, limit: int) -> None:
        with self._lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > limit:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self.values.clear()


_kept = Kept()
_values = _kept.values  # what is kept, for the tests that look


def cached(reference: Reference, name: Hashable, build: Callable[[], T]) -> T:
    """The value `build()` gave under this name for the partnership at this version, built now if no request
    of this process has asked for it since the version changed."""
    if reference is None:
        return build()
    key = (*reference, name)
    found = _kept.get(key, _MISSING)
    if found is not _MISSING:
        value: T = found
        return value
    value = build()  # outside the lock: two requests may both build it, and either result is right
    _kept.put(key, value, limit=LIMIT)
    return value


def clear() -> None:
    """Forget every value (tests that compare a page before and after a change made outside the version)."""
    _kept.clear()

"""Pages of a list whose count is known already (the list page shows counts it has read anyway, or counts up
to a limit): the paginator is told the count and never runs its own COUNT."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator


def counted_page(rows: Any, size: int, number: str | None, *, count: int | None = None) -> Page[Any]:
    """Page `number` of `rows` (a queryset read for that page alone), `size` to a page, as
    `Paginator.get_page` gives it (a number past the end: the last page); with `count`, no COUNT query."""
    paginator = Paginator(rows, size)
    if count is not None:
        paginator.count = count  # a cached_property: the paginator reads this and never counts
    return paginator.get_page(number)


class Slices:
    """Rows a paginator told the count slices (`counted_page`), read a page at a time: each slice is one
    `read(offset, limit)` (a query of that page alone), an empty one none."""

    __slots__ = ()

    def read(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def __getitem__(self, part: slice) -> list[Any]:
        start, stop = part.start or 0, part.stop
        return self.read(start, stop - start) if stop > start else []

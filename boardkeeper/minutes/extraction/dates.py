"""Dates as minutes write them: '23 rd February 2022', '23/02/2022', 'October 22, 2012', '2018-08-27'."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(\d{1,2})\s?(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?"
_YEAR = r"((?:19|20)\d\d)"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_YEAR}-(\d\d)-(\d\d)(?!\d)"), "ymd"),
    (re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", re.I), "dmy"),
    (re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I), "mdy"),
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)?\d\d)\b"), "numeric"),
    # '23 Apr 24': a short year after a month's name
    (re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH},?\s+(\d\d)\b(?![\d:.])", re.I), "dmy2"),
]
_NO_YEAR = re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH}\b(?!,?\s+(?:19|20)\d\d)", re.I)


def find_dates(text: str) -> Iterator[tuple[int, dt.date]]:
    """Every full date in text, with its position, in order of appearance."""
    found: list[tuple[int, dt.date]] = []
    taken = bytearray(len(text))  # characters already read as part of a date (earlier patterns win)
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            d = _to_date(m.groups(), kind)
            if d:
                found.append((m.start(), d))
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return iter(sorted(found, key=lambda x: x[0]))


def first_date(text: str) -> dt.date | None:
    return next((d for _, d in find_dates(text)), None)


def date_without_year(text: str, after: dt.date | None) -> dt.date | None:
    """A day and month with no year ('9th October 8pm'): the first such day after `after`."""
    if after is None:
        return None
    m = _NO_YEAR.search(text)
    if not m:
        return None
    day, month = int(m.group(1)), MONTHS[m.group(2).lower().rstrip(".")]
    for year in (after.year, after.year + 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            return None
        if d > after:
            return d
    return None


def _to_date(groups: tuple[str | None, ...], kind: str) -> dt.date | None:
    try:
        if kind == "ymd":
            y, mo, d = (int(g or 0) for g in groups)
        elif kind == "dmy":
            d, mo, y = int(groups[0] or 0), MONTHS[(groups[1] or "").lower().rstrip(".")], int(groups[2] or 0)
        elif kind == "dmy2":
            d, mo, y = (
                int(groups[0] or 0),
                MONTHS[(groups[1] or "").lower().rstrip(".")],
                2000 + int(groups[2] or 0),
            )
        elif kind == "mdy":
            mo, d, y = MONTHS[(groups[0] or "").lower().rstrip(".")], int(groups[1] or 0), int(groups[2] or 0)
        else:  # numeric dates in English minutes are day first
            d, mo, y = (int(g or 0) for g in groups)
            if y < 100:
                y += 2000
        return dt.date(y, mo, d)
    except (ValueError, KeyError):
        return None

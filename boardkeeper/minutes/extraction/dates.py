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
_WEEKDAY = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s*)?"  # 'Tuesday15th' too
)
_YEAR = r"((?:19|20)\d\d)"
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)?\d\d)\b")

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_YEAR}-(\d\d)-(\d\d)(?!\d)"), "ymd"),
    # '12-14 March 2024', '12th to 14th March 2024': a range, read as its first day
    (
        re.compile(
            rf"\b{_WEEKDAY}{_DAY}\s*(?:-|\u2013|\u2014|to|until)\s*\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}\b",
            re.I,
        ),
        "dmy",
    ),
    (re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", re.I), "dmy"),
    (re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I), "mdy"),
    (_NUMERIC, "numeric"),
    # '23 Apr 24': a short year after a month's name
    (re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH},?\s+(\d\d)\b(?![\d:.])", re.I), "dmy2"),
]
_NO_YEAR = re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH}\b(?!,?\s+(?:19|20)\d\d)", re.I)


_LETTER_O_YEAR = re.compile(r"\b(?:19|20|2[Oo])[0-9Oo]{2}\b")
_NAMED_ORDER = re.compile(
    rf"\b(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR})", re.I
)


def _zeros(match: re.Match[str]) -> str:
    return match.group(0).replace("O", "0").replace("o", "0")


def _as_typed(text: str) -> str:
    """'2O24' typed with a letter O read as the year it means; same length, same places."""
    return _LETTER_O_YEAR.sub(_zeros, text) if "O" in text or "o" in text else text


def date_order(texts: list[str], saved: dt.date | None = None) -> str:
    """'dmy' or 'mdy': how this document writes its numeric dates, told by its other dates.

    A numeric date with a part over 12 settles it ('17/01/2024' is day first); failing that, the
    way it writes dates with a month's name ('October 22, 2012' is American); failing that, when the
    file was last saved (minutes are written after their meeting: the reading that puts the dates
    nearest before that day); failing that, day first, as English minutes write them.
    """
    day_first = month_first = numeric = 0
    for text in texts:
        for m in _NUMERIC.finditer(_as_typed(text)):
            a, b = int(m.group(1)), int(m.group(2))
            numeric += 1
            day_first += a > 12 >= b
            month_first += b > 12 >= a
    if not numeric:
        return "dmy"  # no numeric date to read either way
    if day_first != month_first:
        return "dmy" if day_first > month_first else "mdy"
    named_mdy = named_dmy = 0
    for text in texts:
        for m in _NAMED_ORDER.finditer(text):
            if m.group(1):
                named_mdy += 1
            else:
                named_dmy += 1
    if named_mdy != named_dmy:
        return "mdy" if named_mdy > named_dmy else "dmy"
    return _order_by_saved(texts, saved) if saved is not None else "dmy"


def _order_by_saved(texts: list[str], saved: dt.date) -> str:
    """The reading whose dates stand nearest before the day the file was saved (a later date means
    the file was saved before it; none before it, a template's date: no help, day first)."""

    def fit(order: str) -> tuple[int, int]:
        dates = [d for text in texts for _, d in find_dates(text, order)]
        before = [d for d in dates if d <= saved]
        return len(before), -min(((saved - d).days for d in before), default=10**6)

    dmy, mdy = fit("dmy"), fit("mdy")
    return "mdy" if mdy > dmy else "dmy"


def find_dates(text: str, order: str = "dmy") -> Iterator[tuple[int, dt.date]]:
    """Every full date in text, with its position, in order of appearance.

    `order` reads ambiguous numeric dates ('03/04/2024'): 'dmy' or 'mdy' (see `date_order`).
    """
    text = _as_typed(text)
    found: list[tuple[int, dt.date]] = []
    taken = bytearray(len(text))  # characters already read as part of a date (earlier patterns win)
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            d = _to_date(m.groups(), "mdy_numeric" if kind == "numeric" and order == "mdy" else kind)
            if d:
                found.append((m.start(), d))
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return iter(sorted(found, key=lambda x: x[0]))


def first_date(text: str, order: str = "dmy") -> dt.date | None:
    return next((d for _, d in find_dates(text, order)), None)


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
        elif kind == "mdy_numeric":
            mo, d, y = (int(g or 0) for g in groups)
            y += 2000 if y < 100 else 0
        else:  # numeric dates in English minutes are day first
            d, mo, y = (int(g or 0) for g in groups)
            y += 2000 if y < 100 else 0
        return dt.date(y, mo, d)
    except (ValueError, KeyError):
        return None

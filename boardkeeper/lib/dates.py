"""Calendar arithmetic the apps share (working days are in `workdays`)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), held to the month's last day: 31 January + 1 is 28 or 29
    February. The first of a month stays the first."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)

"""Working days in England (or Wales): weekdays that are not bank holidays.

Statutory clocks in case reviews run in working days ('within 5 working days of becoming aware'). A due
date is the anchor plus n working days, counted from the day after the anchor: a notification due 5
working days after Friday 8 April 2022 is due on Monday 19 April (Good Friday and Easter Monday are
not working days). Bank holidays come from the `holidays` package, which carries the one-off ones
(the 2022 jubilee and state funeral, the 2023 coronation).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

REGIONS = {"ENG": "England", "WLS": "Wales"}
ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=256)
def _bank_holidays(region: str, year: int) -> dict[dt.date, str]:
    """The year's bank holidays of the region, with their names, read once per process."""
    return dict(holidays.country_holidays("GB", subdiv=region, years=year))


def _weekdays_upto(day: dt.date) -> int:
    """Monday-to-Friday days from a fixed Monday (day 1) up to and including `day`."""
    weeks, rest = divmod(day.toordinal() - 1, 7)  # ordinal 1 (1 January of year 1) was a Monday
    return weeks * 5 + min(rest + 1, 5)


class WorkingDays:
    """Working days of one region. Cheap to make; the holidays of each year are read once per process."""

    def __init__(self, region: str = "ENG"):
        if region not in REGIONS:
            raise ValueError(f"unknown region {region!r}: one of {', '.join(REGIONS)}")
        self.region = region

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _bank_holidays(self.region, day.year)

    def holiday_name(self, day: dt.date) -> str | None:
        return _bank_holidays(self.region, day.year).get(day)

    def add(self, start: dt.date, n: int) -> dt.date:
        """The nth working day after `start` (n >= 1); n = 0 gives `start` itself."""
        if n < 0:
            raise ValueError("count working days forwards")
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def back(self, start: dt.date, n: int) -> dt.date:
        """The nth working day before `start` (n >= 1): the last day to give n working days' notice."""
        if n < 0:
            raise ValueError("count working days backwards")
        day = start
        while n:
            day -= ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end < start:
            return -self.between(end, start)
        weekdays = _weekdays_upto(end) - _weekdays_upto(start)
        closed = sum(
            1
            for year in range(start.year, end.year + 1)
            for day in _bank_holidays(self.region, year)
            if start < day <= end and day.weekday() < 5
        )
        return weekdays - closed

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

"""Publication planning: when a review's report can go out without overwhelming the partnership.

Reports attract national attention, so partnerships stagger them to what their communications team
can handle. The rules, per partnership: at most `per_month` publications in a calendar month, at least
`min_gap` working days between any two, none in a blackout (an election period, for example), and only
on a working day. Pure Python: no Django here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from boardkeeper.lib.workdays import WorkingDays

HORIZON_DAYS = 3 * 366  # how far ahead a free date is looked for


@dataclass(frozen=True)
class Blackout:
    start: dt.date
    end: dt.date  # inclusive
    reason: str

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Capacity:
    per_month: int = 2
    min_gap: int = 10  # working days between two publications
    blackouts: tuple[Blackout, ...] = ()


@dataclass(frozen=True)
class Booking:
    day: dt.date
    what: str  # the review's pseudonym, for messages


def clashes(day: dt.date, booked: Iterable[Booking], capacity: Capacity, calendar: WorkingDays) -> list[str]:
    """Why `day` will not do, in words; empty when it is free."""
    booked = list(booked)
    problems = []
    if not calendar.is_working_day(day):
        name = calendar.holiday_name(day)
        what = f"a bank holiday ({name})" if name else "at a weekend"
        problems.append(f"{day:%-d %B %Y} is {what}, not a working day.")
    for blackout in capacity.blackouts:
        if blackout.covers(day):
            problems.append(
                f"{day:%-d %B %Y} falls in a period with no publications: {blackout.reason} "
                f"({blackout.start:%-d %B} to {blackout.end:%-d %B %Y})."
            )
    same_month = [b for b in booked if (b.day.year, b.day.month) == (day.year, day.month)]
    if len(same_month) >= capacity.per_month:
        names = ", ".join(b.what for b in sorted(same_month, key=lambda b: b.day))
        problems.append(
            f"{day:%B %Y} is full: {len(same_month)} of {capacity.per_month} publications are planned ({names})."
        )
    for other in sorted(booked, key=lambda b: b.day):
        if abs((other.day - day).days) > 2 * capacity.min_gap + 14:
            continue  # more working days apart than the gap, whatever the holidays
        gap = abs(calendar.between(other.day, day))
        if gap < capacity.min_gap:
            problems.append(
                f"{other.what} is planned for {other.day:%-d %B %Y}, {gap} working day{'s' if gap != 1 else ''} "
                f"away; publications need at least {capacity.min_gap} working days between them."
            )
    return problems


def next_free(
    day: dt.date, booked: Iterable[Booking], capacity: Capacity, calendar: WorkingDays
) -> dt.date | None:
    """The first date on or after `day` with no clash; None if there is none within three years."""
    booked = list(booked)
    for offset in range(HORIZON_DAYS):
        candidate = day + dt.timedelta(days=offset)
        if calendar.is_working_day(candidate) and not clashes(candidate, booked, capacity, calendar):
            return candidate
    return None

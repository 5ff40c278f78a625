"""Working days in England and Wales: the clocks of case reviews count them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardkeeper.lib.workdays import WorkingDays

ENGLAND = WorkingDays("ENG")
days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))


@pytest.mark.parametrize(
    ("start", "n", "due", "why"),
    [
        (dt.date(2022, 4, 8), 5, dt.date(2022, 4, 19), "Good Friday 15 and Easter Monday 18 April 2022"),
        (dt.date(2022, 4, 14), 1, dt.date(2022, 4, 19), "Thursday before Easter: next working day Tuesday"),
        (
            dt.date(2022, 12, 22),
            5,
            dt.date(2023, 1, 3),
            "Christmas 2022 fell on a Sunday: 26, 27 Dec and 2 Jan off",
        ),
        (dt.date(2023, 5, 3), 5, dt.date(2023, 5, 11), "early May bank holiday 1 May, coronation 8 May 2023"),
        (dt.date(2023, 5, 5), 1, dt.date(2023, 5, 9), "Friday 5 May 2023: Monday 8 May is the coronation"),
        (
            dt.date(2022, 4, 8),
            15,
            dt.date(2022, 5, 4),
            "rapid review: Easter and the May Day holiday (2 May)",
        ),
        (dt.date(2022, 9, 16), 1, dt.date(2022, 9, 20), "the Queen's state funeral, 19 September 2022"),
        (dt.date(2023, 12, 29), 1, dt.date(2024, 1, 2), "year end: New Year's Day 2024 is a Monday"),
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(start: dt.date, n: int, due: dt.date, why: str) -> None:
    assert ENGLAND.add(start, n) == due, why
    assert ENGLAND.between(start, due) == n


def test_wales_shares_englands_bank_holidays_and_scotland_is_not_offered() -> None:
    assert WorkingDays("WLS").add(dt.date(2022, 4, 8), 5) == dt.date(2022, 4, 19)
    with pytest.raises(ValueError, match="unknown region"):
        WorkingDays("SCT")


def test_notice_counts_back_over_holidays() -> None:
    # seven working days before Tuesday 3 January 2023: back over 2 Jan, 27 and 26 Dec
    assert ENGLAND.back(dt.date(2023, 1, 3), 7) == dt.date(2022, 12, 20)


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=130))
def test_a_due_date_is_never_a_weekend_or_a_bank_holiday(start: dt.date, n: int) -> None:
    due = ENGLAND.add(start, n)
    assert due.weekday() < 5 and ENGLAND.holiday_name(due) is None and ENGLAND.is_working_day(due)


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=400))
def test_adding_n_working_days_then_counting_back_gives_n(start: dt.date, n: int) -> None:
    assert ENGLAND.between(start, ENGLAND.add(start, n)) == n
    assert ENGLAND.between(ENGLAND.add(start, n), start) == -n


@settings(max_examples=200, deadline=None)
@given(a=days, b=days)
def test_counting_agrees_with_walking_day_by_day(a: dt.date, b: dt.date) -> None:
    lo, hi = min(a, b), max(a, b)
    hi = min(hi, lo + dt.timedelta(days=800))
    walked = sum(ENGLAND.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert ENGLAND.between(lo, hi) == walked


@settings(max_examples=200, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=60))
def test_back_is_the_inverse_of_add_on_working_days(start: dt.date, n: int) -> None:
    day = ENGLAND.on_or_after(start)
    assert ENGLAND.back(ENGLAND.add(day, n), n) == day

"""Publication planning: capacity per month, gaps in working days, blackouts, and the next free date."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.reviews.planner import Blackout, Booking, Capacity, clashes, next_free

DAYS = WorkingDays("ENG")
RULES = Capacity(per_month=2, min_gap=10)
JUNE = [Booking(dt.date(2024, 6, 4), "Child A"), Booking(dt.date(2024, 6, 20), "Family M")]


def test_a_free_date_has_no_clash() -> None:
    assert clashes(dt.date(2024, 7, 16), JUNE, RULES, DAYS) == []


def test_a_full_month_is_refused_and_the_next_free_date_proposed() -> None:
    problems = clashes(dt.date(2024, 6, 12), JUNE, RULES, DAYS)
    assert "June 2024 is full: 2 of 2 publications are planned (Child A, Family M)." in problems
    # July: 20 June plus 10 working days is 4 July
    assert next_free(dt.date(2024, 6, 12), JUNE, RULES, DAYS) == dt.date(2024, 7, 4)


def test_two_publications_need_ten_working_days_between_them() -> None:
    booked = [Booking(dt.date(2024, 3, 25), "Child B")]  # Monday before Easter 2024
    problems = clashes(dt.date(2024, 4, 5), booked, RULES, DAYS)
    assert problems == [
        "Child B is planned for 25 March 2024, 7 working days away; publications need at least 10 "
        "working days between them."
    ]  # Good Friday 29 March and Easter Monday 1 April do not count
    assert next_free(dt.date(2024, 4, 5), booked, RULES, DAYS) == dt.date(2024, 4, 10)


def test_a_blackout_is_refused_and_skipped() -> None:
    rules = Capacity(2, 10, (Blackout(dt.date(2024, 3, 25), dt.date(2024, 5, 2), "Pre-election period"),))
    problems = clashes(dt.date(2024, 4, 16), [], rules, DAYS)
    assert problems == [
        "16 April 2024 falls in a period with no publications: Pre-election period (25 March to 2 May 2024)."
    ]
    assert next_free(dt.date(2024, 4, 16), [], rules, DAYS) == dt.date(2024, 5, 3)


def test_weekends_and_bank_holidays_are_not_publication_days() -> None:
    assert clashes(dt.date(2023, 5, 8), [], RULES, DAYS) == [
        "8 May 2023 is a bank holiday (Coronation of Charles III), not a working day."
    ]
    assert clashes(dt.date(2024, 6, 8), [], RULES, DAYS) == [
        "8 June 2024 is at a weekend, not a working day."
    ]
    assert next_free(dt.date(2023, 5, 6), [], RULES, DAYS) == dt.date(2023, 5, 9)


def test_several_clashes_are_all_reported() -> None:
    booked = [*JUNE, Booking(dt.date(2024, 6, 24), "Mr F")]
    problems = clashes(dt.date(2024, 6, 21), booked, RULES, DAYS)
    assert len(problems) == 3  # the month is full, and 20 June and 24 June are both too close


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2027, 12, 31)),
    offsets=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
    per_month=st.integers(min_value=1, max_value=3),
    gap=st.integers(min_value=0, max_value=15),
)
def test_the_proposed_date_never_clashes(
    start: dt.date, offsets: list[int], per_month: int, gap: int
) -> None:
    booked = [Booking(start + dt.timedelta(days=o), f"R{i}") for i, o in enumerate(offsets)]
    rules = Capacity(per_month, gap)
    proposal = next_free(start, booked, rules, DAYS)
    assert proposal is not None and proposal >= start
    assert clashes(proposal, booked, rules, DAYS) == []

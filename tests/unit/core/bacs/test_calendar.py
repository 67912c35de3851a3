"""The Bacs processing calendar against real 2026/2027 England & Wales bank holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.bacs.calendar import (
    BacsCalendarError,
    BacsCycle,
    add_processing_days,
    cycle_for_collection,
    cycle_for_processing_day,
    earliest_collection_date,
    england_and_wales_bank_holidays,
    is_processing_day,
    next_processing_day,
    previous_processing_day,
    processing_days_between,
)

# GOV.UK's England and Wales list for 2026 and 2027, substitute days included.
HOLIDAYS = frozenset(
    {
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day (Saturday) observed
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day (Saturday) observed
        date(2027, 12, 28),  # Boxing Day (Sunday) observed
    }
)


def test_the_holidays_package_gives_the_england_and_wales_bank_holidays() -> None:
    found = england_and_wales_bank_holidays([2026, 2027])
    weekdays = frozenset(day for day in found if day.weekday() < 5)
    assert weekdays == HOLIDAYS
    # Scotland's 2 January and St Andrew's Day are not England & Wales holidays.
    assert date(2027, 1, 4) not in found
    assert date(2026, 11, 30) not in found


def test_asking_for_no_years_of_bank_holidays_is_refused() -> None:
    with pytest.raises(
        BacsCalendarError, match=r"^years: give at least one year of bank holidays$"
    ):
        england_and_wales_bank_holidays([])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 24), True),  # Thursday
        (date(2026, 12, 25), False),  # Christmas Day, Friday
        (date(2026, 12, 26), False),  # Saturday
        (date(2026, 12, 28), False),  # Boxing Day observed
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 30), True),
        (date(2027, 12, 27), False),
        (date(2027, 12, 29), True),
    ],
)
def test_processing_days_are_weekdays_that_are_not_bank_holidays(day: date, expected: bool) -> None:
    assert is_processing_day(day, bank_holidays=HOLIDAYS) is expected


def test_without_the_bank_holidays_christmas_would_count() -> None:
    assert is_processing_day(date(2026, 12, 25), bank_holidays=frozenset()) is True


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2026, 12, 24), date(2026, 12, 29)),  # over Christmas and Boxing Day observed
        (date(2026, 12, 31), date(2027, 1, 4)),  # over New Year's Day and a weekend
        (date(2027, 3, 25), date(2027, 3, 30)),  # over Easter
        (date(2027, 3, 27), date(2027, 3, 30)),  # from a Saturday
        (date(2027, 3, 30), date(2027, 3, 31)),
    ],
)
def test_next_processing_day(day: date, following: date) -> None:
    assert next_processing_day(day, bank_holidays=HOLIDAYS) == following


def test_previous_processing_day() -> None:
    assert previous_processing_day(date(2026, 12, 29), bank_holidays=HOLIDAYS) == date(2026, 12, 24)
    assert previous_processing_day(date(2027, 3, 30), bank_holidays=HOLIDAYS) == date(2027, 3, 25)


def test_adding_processing_days_skips_weekends_and_bank_holidays() -> None:
    assert add_processing_days(date(2026, 12, 23), 3, bank_holidays=HOLIDAYS) == date(2026, 12, 30)
    assert add_processing_days(date(2026, 12, 30), -3, bank_holidays=HOLIDAYS) == date(2026, 12, 23)
    assert add_processing_days(date(2026, 12, 26), 0, bank_holidays=HOLIDAYS) == date(2026, 12, 26)


def test_processing_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert (
        processing_days_between(date(2026, 12, 23), date(2026, 12, 30), bank_holidays=HOLIDAYS) == 3
    )
    assert (
        processing_days_between(date(2026, 12, 30), date(2026, 12, 23), bank_holidays=HOLIDAYS)
        == -3
    )
    assert (
        processing_days_between(date(2027, 3, 25), date(2027, 3, 29), bank_holidays=HOLIDAYS) == 0
    )
    assert (
        processing_days_between(date(2027, 3, 25), date(2027, 3, 25), bank_holidays=HOLIDAYS) == 0
    )
    # The whole of 2027: 261 weekdays less the 8 bank holidays on weekdays.
    assert (
        processing_days_between(date(2026, 12, 31), date(2027, 12, 31), bank_holidays=HOLIDAYS)
        == 253
    )


def test_ten_working_days_notice_over_christmas() -> None:
    # Sent Mon 14 Dec 2026: 15-18 Dec (4), 21-24 Dec (8), 29 Dec (9), 30 Dec (10).
    assert earliest_collection_date(date(2026, 12, 14), bank_holidays=HOLIDAYS) == date(
        2026, 12, 30
    )


def test_ten_working_days_notice_over_easter_2027() -> None:
    # Sent Mon 15 Mar 2027: 16-19 Mar (4), 22-25 Mar (8), 30 Mar (9), 31 Mar (10).
    assert earliest_collection_date(date(2027, 3, 15), bank_holidays=HOLIDAYS) == date(2027, 3, 31)


def test_a_shorter_agreed_notice_period() -> None:
    # Sent Wed 24 Mar 2027: Thu 25 (1), Easter, Tue 30 (2), Wed 31 (3).
    assert earliest_collection_date(date(2027, 3, 24), 3, bank_holidays=HOLIDAYS) == date(
        2027, 3, 31
    )


@pytest.mark.parametrize("days", [0, -1, True, 2.5])
def test_a_notice_period_must_be_a_whole_positive_number_of_days(days: object) -> None:
    with pytest.raises(BacsCalendarError, match=r"^notice_days must be a whole number"):
        earliest_collection_date(date(2027, 3, 15), days, bank_holidays=HOLIDAYS)  # type: ignore[arg-type]


def test_the_three_day_cycle_for_a_collection_after_christmas() -> None:
    assert cycle_for_collection(date(2026, 12, 29), bank_holidays=HOLIDAYS) == BacsCycle(
        input_day=date(2026, 12, 23),
        processing_day=date(2026, 12, 24),
        entry_day=date(2026, 12, 29),
    )


def test_the_three_day_cycle_for_a_collection_after_easter() -> None:
    assert cycle_for_collection(date(2027, 3, 31), bank_holidays=HOLIDAYS) == BacsCycle(
        input_day=date(2027, 3, 25),
        processing_day=date(2027, 3, 30),
        entry_day=date(2027, 3, 31),
    )


def test_the_cycle_around_a_processing_day() -> None:
    assert cycle_for_processing_day(date(2027, 3, 25), bank_holidays=HOLIDAYS) == BacsCycle(
        input_day=date(2027, 3, 24),
        processing_day=date(2027, 3, 25),
        entry_day=date(2027, 3, 30),
    )


def test_no_collection_or_processing_on_a_bank_holiday() -> None:
    with pytest.raises(
        BacsCalendarError,
        match=r"^collection date Mon 28 Dec 2026 is not a Bacs processing day "
        r"\(weekend or bank holiday\)$",
    ):
        cycle_for_collection(date(2026, 12, 28), bank_holidays=HOLIDAYS)
    with pytest.raises(
        BacsCalendarError, match=r"^processing day Sat 27 Mar 2027 is not a Bacs processing day"
    ):
        cycle_for_processing_day(date(2027, 3, 27), bank_holidays=HOLIDAYS)


def test_a_datetime_or_a_bad_count_is_refused() -> None:
    with pytest.raises(BacsCalendarError, match=r"^day must be a date, got datetime$"):
        is_processing_day(datetime(2026, 12, 24, 9), bank_holidays=HOLIDAYS)
    with pytest.raises(BacsCalendarError, match=r"^n must be a whole number of days, got True$"):
        add_processing_days(date(2026, 12, 24), True, bank_holidays=HOLIDAYS)


DAYS = st.dates(date(2026, 1, 1), date(2027, 12, 31))


@given(DAYS, st.integers(0, 60))
def test_adding_then_counting_gives_back_the_same_number(day: date, n: int) -> None:
    later = add_processing_days(day, n, bank_holidays=HOLIDAYS)
    assert processing_days_between(day, later, bank_holidays=HOLIDAYS) == n
    assert add_processing_days(later, -n, bank_holidays=HOLIDAYS) <= day


@given(DAYS)
def test_the_next_processing_day_is_the_first_one(day: date) -> None:
    following = next_processing_day(day, bank_holidays=HOLIDAYS)
    assert is_processing_day(following, bank_holidays=HOLIDAYS)
    between = [day + timedelta(days=offset) for offset in range(1, (following - day).days)]
    assert not any(is_processing_day(other, bank_holidays=HOLIDAYS) for other in between)


@given(DAYS)
def test_a_cycle_is_three_consecutive_processing_days(day: date) -> None:
    collection = next_processing_day(day, bank_holidays=HOLIDAYS)
    cycle = cycle_for_collection(collection, bank_holidays=HOLIDAYS)
    assert processing_days_between(cycle.input_day, cycle.entry_day, bank_holidays=HOLIDAYS) == 2
    assert cycle_for_processing_day(cycle.processing_day, bank_holidays=HOLIDAYS) == cycle

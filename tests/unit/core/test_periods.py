"""Unit tests for carecharge.core.periods."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.periods import DateRange, age_on, financial_year, financial_year_label

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@st.composite
def date_ranges(draw: st.DrawFn, max_days: int = 800) -> DateRange:
    start = draw(dates)
    length = draw(st.integers(min_value=0, max_value=max_days))
    return DateRange(start, start + timedelta(days=length))


# --- DateRange basics -----------------------------------------------------------------------


def test_range_is_inclusive_at_both_ends() -> None:
    week = DateRange(date(2025, 4, 7), date(2025, 4, 13))
    assert week.days == 7
    assert date(2025, 4, 7) in week
    assert date(2025, 4, 13) in week
    assert date(2025, 4, 6) not in week
    assert date(2025, 4, 14) not in week


def test_single_day_range() -> None:
    day = DateRange(date(2024, 2, 29), date(2024, 2, 29))
    assert day.days == 1
    assert list(day.iter_days()) == [date(2024, 2, 29)]


def test_days_across_a_leap_february() -> None:
    assert DateRange(date(2024, 2, 1), date(2024, 3, 1)).days == 30
    assert DateRange(date(2023, 2, 1), date(2023, 3, 1)).days == 29
    assert DateRange(date(2025, 4, 1), date(2026, 3, 31)).days == 365


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        DateRange(date(2025, 4, 2), date(2025, 4, 1))


def test_datetimes_are_refused() -> None:
    with pytest.raises(TypeError):
        DateRange(datetime(2025, 4, 1, 9, 30), date(2025, 4, 2))
    with pytest.raises(TypeError):
        _ = datetime(2025, 4, 1, 9, 30) in DateRange(date(2025, 4, 1), date(2025, 4, 2))


def test_range_is_frozen_and_comparable() -> None:
    first = DateRange(date(2025, 4, 1), date(2025, 4, 30))
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.end = date(2025, 5, 1)  # type: ignore[misc]
    assert first == DateRange(date(2025, 4, 1), date(2025, 4, 30))
    assert len({first, DateRange(date(2025, 4, 1), date(2025, 4, 30))}) == 1
    assert str(first) == "2025-04-01 to 2025-04-30"


def test_iter_days_across_a_year_end() -> None:
    assert list(DateRange(date(2025, 12, 30), date(2026, 1, 2)).iter_days()) == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 2),
    ]


# --- overlaps and intersection --------------------------------------------------------------


def dr(start: str, end: str) -> DateRange:
    return DateRange(date.fromisoformat(start), date.fromisoformat(end))


APRIL = dr("2025-04-01", "2025-04-30")


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (dr("2025-03-01", "2025-03-31"), None),  # touches, shares no day
        (dr("2025-03-01", "2025-04-01"), dr("2025-04-01", "2025-04-01")),
        (dr("2025-04-10", "2025-04-12"), dr("2025-04-10", "2025-04-12")),
        (dr("2025-04-30", "2025-05-09"), dr("2025-04-30", "2025-04-30")),
        (dr("2025-01-01", "2025-12-31"), APRIL),
        (dr("2025-05-01", "2025-05-01"), None),
    ],
)
def test_intersection_and_overlaps(other: DateRange, expected: DateRange | None) -> None:
    assert APRIL.intersection(other) == expected
    assert other.intersection(APRIL) == expected
    assert APRIL.overlaps(other) is (expected is not None)
    assert other.overlaps(APRIL) is (expected is not None)


@given(date_ranges(), date_ranges())
def test_intersection_holds_exactly_the_shared_days(a: DateRange, b: DateRange) -> None:
    shared = a.intersection(b)
    if shared is None:
        assert not a.overlaps(b)
        assert a.end < b.start or b.end < a.start
    else:
        assert a.overlaps(b)
        assert shared.days == len(set(a.iter_days()) & set(b.iter_days()))
        assert shared.start in a and shared.start in b
        assert shared.end in a and shared.end in b


# --- split_at -------------------------------------------------------------------------------


def test_split_at_dates_start_new_pieces() -> None:
    pieces = APRIL.split_at([date(2025, 4, 15), date(2025, 4, 10)])
    assert pieces == [
        DateRange(date(2025, 4, 1), date(2025, 4, 9)),
        DateRange(date(2025, 4, 10), date(2025, 4, 14)),
        DateRange(date(2025, 4, 15), date(2025, 4, 30)),
    ]


def test_split_at_ignores_start_outside_and_duplicate_dates() -> None:
    cuts = [date(2025, 4, 1), date(2025, 3, 31), date(2025, 5, 1), date(2025, 4, 30)]
    pieces = APRIL.split_at([*cuts, date(2025, 4, 30)])
    assert pieces == [
        DateRange(date(2025, 4, 1), date(2025, 4, 29)),
        DateRange(date(2025, 4, 30), date(2025, 4, 30)),
    ]


def test_split_at_nothing_gives_the_whole_range() -> None:
    assert APRIL.split_at([]) == [APRIL]
    assert APRIL.split_at(iter([date(2024, 1, 1)])) == [APRIL]


@given(date_ranges(), st.lists(dates, max_size=20))
def test_split_pieces_are_contiguous_and_cover_the_range(
    whole: DateRange, cuts: list[date]
) -> None:
    pieces = whole.split_at(cuts)
    assert pieces[0].start == whole.start
    assert pieces[-1].end == whole.end
    for before, after in itertools.pairwise(pieces):
        assert after.start == before.end + timedelta(days=1)
    assert sum(p.days for p in pieces) == whole.days
    inside = {c for c in cuts if whole.start < c <= whole.end}
    assert [p.start for p in pieces[1:]] == sorted(inside)


# --- charging weeks -------------------------------------------------------------------------


def test_charging_weeks_monday_start_with_partial_ends() -> None:
    # Thursday 3 April 2025 to Wednesday 23 April 2025.
    weeks = list(DateRange(date(2025, 4, 3), date(2025, 4, 23)).charging_weeks())
    assert weeks == [
        DateRange(date(2025, 4, 3), date(2025, 4, 6)),
        DateRange(date(2025, 4, 7), date(2025, 4, 13)),
        DateRange(date(2025, 4, 14), date(2025, 4, 20)),
        DateRange(date(2025, 4, 21), date(2025, 4, 23)),
    ]


def test_charging_weeks_sunday_start() -> None:
    weeks = list(DateRange(date(2025, 4, 1), date(2025, 4, 14)).charging_weeks(week_start=6))
    assert weeks == [
        DateRange(date(2025, 4, 1), date(2025, 4, 5)),
        DateRange(date(2025, 4, 6), date(2025, 4, 12)),
        DateRange(date(2025, 4, 13), date(2025, 4, 14)),
    ]


def test_charging_weeks_of_an_exact_week_and_a_single_day() -> None:
    week = DateRange(date(2025, 4, 7), date(2025, 4, 13))
    assert list(week.charging_weeks()) == [week]
    sunday = DateRange(date(2025, 4, 13), date(2025, 4, 13))
    assert list(sunday.charging_weeks()) == [sunday]
    assert list(sunday.charging_weeks(week_start=6)) == [sunday]


@pytest.mark.parametrize("bad", [-1, 7, True])
def test_charging_weeks_refuses_bad_week_start(bad: int) -> None:
    with pytest.raises(ValueError, match="week_start"):
        list(APRIL.charging_weeks(week_start=bad))


@given(date_ranges(), st.integers(min_value=0, max_value=6))
def test_charging_weeks_cover_the_range_in_whole_weeks(whole: DateRange, week_start: int) -> None:
    weeks = list(whole.charging_weeks(week_start))
    assert weeks[0].start == whole.start
    assert weeks[-1].end == whole.end
    assert sum(w.days for w in weeks) == whole.days
    for before, after in itertools.pairwise(weeks):
        assert after.start == before.end + timedelta(days=1)
        assert after.start.weekday() == week_start
    for middle in weeks[1:-1]:
        assert middle.days == 7
    for week in weeks:
        assert 1 <= week.days <= 7
        days = list(week.iter_days())
        assert all(d.weekday() != week_start for d in days[1:])


# --- financial years ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (date(2025, 4, 1), date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        (date(2026, 3, 31), date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        (date(2025, 3, 31), date(2024, 4, 1), date(2025, 3, 31), "2024/25"),
        (date(2025, 1, 1), date(2024, 4, 1), date(2025, 3, 31), "2024/25"),
        (date(2025, 12, 31), date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        (date(1999, 6, 1), date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
        (date(2009, 4, 1), date(2009, 4, 1), date(2010, 3, 31), "2009/10"),
    ],
)
def test_financial_year(day: date, start: date, end: date, label: str) -> None:
    assert financial_year(day) == DateRange(start, end)
    assert financial_year_label(day) == label


@given(dates)
def test_every_day_is_in_its_financial_year(day: date) -> None:
    year = financial_year(day)
    assert day in year
    assert year.days in (365, 366)
    assert (year.start.month, year.start.day) == (4, 1)


# --- age ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1958, 6, 15), date(2025, 6, 14), 66),
        (date(1958, 6, 15), date(2025, 6, 15), 67),
        (date(1958, 6, 15), date(2025, 6, 16), 67),
        (date(2000, 1, 1), date(2000, 1, 1), 0),
        (date(2000, 12, 31), date(2001, 12, 30), 0),
        (date(2000, 12, 31), date(2001, 12, 31), 1),
        # Leap-day birthdays fall on 28 February in common years (documented choice).
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(1900, 3, 1), date(2000, 2, 29), 99),
        (date(1900, 3, 1), date(2000, 3, 1), 100),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@given(dates, dates)
def test_age_never_decreases_and_same_date_next_year_is_one_more(born: date, later: date) -> None:
    if later < born:
        born, later = later, born
    age = age_on(born, later)
    assert age >= 0
    assert age_on(born, later + timedelta(days=1)) in (age, age + 1)
    if (2, 29) not in ((born.month, born.day), (later.month, later.day)):
        assert age_on(born, later.replace(year=later.year + 1)) == age + 1

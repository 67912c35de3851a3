"""Pension credit qualifying age: the State Pension age tables for women, at every boundary."""

from __future__ import annotations

from datetime import date

import pytest

from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.pension_age import (
    has_reached,
    pension_credit_qualifying_date,
    reached_from_age,
)


@pytest.mark.parametrize(
    ("born", "qualifies"),
    [
        # Before the 2010 phasing: the 60th birthday.
        (date(1940, 1, 1), date(2000, 1, 1)),
        (date(1950, 4, 5), date(2010, 4, 5)),
        # Pensions Act 1995 table 1: 6 May 2010 + 2 months per month of birth.
        (date(1950, 4, 6), date(2010, 5, 6)),
        (date(1950, 5, 5), date(2010, 5, 6)),
        (date(1950, 5, 6), date(2010, 7, 6)),
        (date(1951, 3, 6), date(2012, 3, 6)),
        (date(1952, 8, 20), date(2015, 1, 6)),
        (date(1953, 4, 5), date(2016, 3, 6)),
        # Pensions Act 2011, women to 65: 6 July 2016 + 4 months per month of birth.
        (date(1953, 4, 6), date(2016, 7, 6)),
        (date(1953, 5, 6), date(2016, 11, 6)),
        (date(1953, 6, 6), date(2017, 3, 6)),
        (date(1953, 10, 6), date(2018, 7, 6)),
        (date(1953, 12, 5), date(2018, 11, 6)),
        # Pensions Act 2011, everyone to 66: 6 March 2019 + 2 months per month of birth.
        (date(1953, 12, 6), date(2019, 3, 6)),
        (date(1954, 1, 6), date(2019, 5, 6)),
        (date(1954, 10, 5), date(2020, 9, 6)),
        # 66th birthday.
        (date(1954, 10, 6), date(2020, 10, 6)),
        (date(1956, 2, 29), date(2022, 2, 28)),  # a leap-day birthday falls on 28 February
        (date(1960, 4, 5), date(2026, 4, 5)),
        # Pensions Act 2014 s26: 66 years and 1 to 11 months (its explanatory notes' examples).
        (date(1960, 4, 6), date(2026, 5, 6)),
        (date(1960, 4, 15), date(2026, 5, 15)),
        (date(1960, 5, 6), date(2026, 7, 6)),
        (date(1960, 9, 10), date(2027, 3, 10)),
        (date(1961, 1, 22), date(2027, 11, 22)),
        # ... and its three month-end cases (para (7A)).
        (date(1960, 7, 31), date(2026, 11, 30)),
        (date(1960, 12, 31), date(2027, 9, 30)),
        (date(1961, 1, 31), date(2027, 11, 30)),
        (date(1961, 3, 5), date(2028, 2, 5)),
        # 67th birthday.
        (date(1961, 3, 6), date(2028, 3, 6)),
        (date(1977, 4, 5), date(2044, 4, 5)),
        # Pensions Act 2007, to 68: 6 May 2044 + 2 months per month of birth.
        (date(1977, 4, 6), date(2044, 5, 6)),
        (date(1978, 4, 5), date(2046, 3, 6)),
        # 68th birthday.
        (date(1978, 4, 6), date(2046, 4, 6)),
        (date(1990, 3, 25), date(2058, 3, 25)),
    ],
)
def test_qualifying_date(born: date, qualifies: date) -> None:
    assert pension_credit_qualifying_date(born) == qualifies


def test_the_qualifying_date_never_goes_backwards_as_birth_dates_get_later() -> None:
    day = date(1949, 1, 1)
    previous = pension_credit_qualifying_date(day)
    while day < date(1980, 1, 1):
        day = date.fromordinal(day.toordinal() + 1)
        current = pension_credit_qualifying_date(day)
        assert current >= previous, day
        previous = current


def test_reached_on_the_day_not_the_day_before() -> None:
    born = date(1953, 12, 6)  # qualifies 6 March 2019
    assert not has_reached(born, date(2019, 3, 5))
    assert has_reached(born, date(2019, 3, 6))


def test_age_alone_settles_it_when_every_possible_birth_date_agrees() -> None:
    assert reached_from_age(70, date(2025, 6, 2)) is True
    assert reached_from_age(60, date(2025, 6, 2)) is False
    # At 66 on 2 June 2025 the person was born 3 June 1958 to 2 June 1959: all 66th birthdays.
    assert reached_from_age(66, date(2025, 6, 2)) is True


def test_age_alone_that_cannot_settle_it_names_the_field() -> None:
    # At 66 on 1 June 2026: born 2 June 1959 (qualified 2 June 2025) to 1 June 1960
    # (66 years 2 months: 1 August 2026).
    with pytest.raises(AssessmentInputError) as caught:
        reached_from_age(66, date(2026, 6, 1))
    assert caught.value.field == "person.age"
    assert "date_of_birth" in caught.value.message

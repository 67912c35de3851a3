"""Pension credit qualifying age: the State Pension age of a woman born on the same day.

State Pension Credit Act 2002 s1(6) defines the qualifying age as the pensionable age of a woman
born on the same day (Pensions Act 1995 Schedule 4 Part 1), so the same date applies to men.
The tables, as amended and in force:

* born before 6 April 1950: the 60th birthday (1995 Act);
* 6 April 1950 to 5 April 1953: table 1 of the 1995 Act: each month of birth (the 6th to the
  5th) reaches pension age on the 6th of a month, two months later per month of birth, from
  6 May 2010 to 6 March 2016;
* 6 April 1953 to 5 December 1953: the Pensions Act 2011 schedule, four months later per month
  of birth, from 6 July 2016 to 6 November 2018;
* 6 December 1953 to 5 October 1954: the 2011 Act's rise to 66, two months later per month of
  birth, from 6 March 2019 to 6 September 2020;
* 6 October 1954 to 5 April 1960: the 66th birthday;
* 6 April 1960 to 5 March 1961: 66 years and 1 to 11 months (Pensions Act 2014 s26 table 3);
  where the month reached has no such day, the last day of that month (s26(3), para (7A));
* 6 March 1961 to 5 April 1977: the 67th birthday;
* 6 April 1977 to 5 April 1978: the Pensions Act 2007 rise to 68, two months later per month of
  birth, from 6 May 2044 to 6 March 2046;
* born on or after 6 April 1978: the 68th birthday.

A birthday on 29 February falls on 28 February in other years, as in ``periods.age_on``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from carecharge.core.assessment.errors import AssessmentInputError


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the last day of the month when that day does not exist."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _birthday(born: date, years: int) -> date:
    return _add_months(born, 12 * years)


def _cohort(born: date, first: date) -> int:
    """Which one-month birth cohort (6th to 5th) ``born`` falls in, counting ``first`` as 0."""
    months = (born.year - first.year) * 12 + born.month - first.month
    return months if born.day >= 6 else months - 1


_TABLE_1995 = date(1950, 4, 6)
_TABLE_2011 = date(1953, 4, 6)
_TABLE_2011_66 = date(1953, 12, 6)
_AGE_66 = date(1954, 10, 6)
_TABLE_2014 = date(1960, 4, 6)
_AGE_67 = date(1961, 3, 6)
_TABLE_2007_68 = date(1977, 4, 6)
_AGE_68 = date(1978, 4, 6)


def pension_credit_qualifying_date(born: date) -> date:
    """The day a person born on ``born`` reaches pension credit qualifying age."""
    if born < _TABLE_1995:
        return _birthday(born, 60)
    if born < _TABLE_2011:
        return _add_months(date(2010, 5, 6), 2 * _cohort(born, _TABLE_1995))
    if born < _TABLE_2011_66:
        return _add_months(date(2016, 7, 6), 4 * _cohort(born, _TABLE_2011))
    if born < _AGE_66:
        return _add_months(date(2019, 3, 6), 2 * _cohort(born, _TABLE_2011_66))
    if born < _TABLE_2014:
        return _birthday(born, 66)
    if born < _AGE_67:
        return _add_months(born, 66 * 12 + 1 + _cohort(born, _TABLE_2014))
    if born < _TABLE_2007_68:
        return _birthday(born, 67)
    if born < _AGE_68:
        return _add_months(date(2044, 5, 6), 2 * _cohort(born, _TABLE_2007_68))
    return _birthday(born, 68)


def has_reached(born: date, on: date) -> bool:
    """Whether a person born on ``born`` is at pension credit qualifying age on ``on``."""
    return pension_credit_qualifying_date(born) <= on


def _years_before(on: date, years: int) -> date:
    return _add_months(on, -12 * years)


def reached_from_age(age: int, on: date, *, field: str = "person.age") -> bool:
    """Whether someone aged ``age`` on ``on`` has reached pension credit age, if age settles it.

    The date of birth lies somewhere between the day after the ``age + 1``-th birthday before
    ``on`` and the ``age``-th; the qualifying date only moves later as the birth date does, so
    if the youngest possible person has reached it everyone has, and if the oldest has not, nobody
    has. Otherwise the age alone cannot tell, and :class:`AssessmentInputError` says so.
    """
    oldest = _years_before(on, age + 1) + timedelta(days=1)
    youngest = _years_before(on, age)
    if has_reached(youngest, on):
        return True
    if not has_reached(oldest, on):
        return False
    raise AssessmentInputError(
        field,
        f"at age {age} on {on.isoformat()} a person may or may not have reached pension credit "
        "age, depending on the date of birth; give person.date_of_birth or "
        "person.pension_credit_age",
    )

"""Parsers for single values in an import file.

Each parser takes the trimmed, non-blank text of one cell and returns the typed value, or
raises ``FieldError`` with a plain-English message for the officer who has to fix the file.
The messages describe the value; the caller attaches the line and column.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from carecharge.core.identifiers import (
    is_plausible_email,
    is_valid_nhs_number,
    is_valid_ni_number,
    normalise_nhs_number,
    normalise_ni_number,
    normalise_postcode,
)
from carecharge.core.money import MoneyError, parse_pounds

MAX_ID_LENGTH = 40
EARLIEST_DATE = date(1900, 1, 1)
MAX_UNITS_PER_WEEK = Decimal(1000)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SUSPENSION_REASONS = ("hospital", "holiday", "other")
# Who collects a line's charge: the values of `core.charging.types.Collection`.
COLLECTIONS = ("council", "provider", "direct_payment_net", "direct_payment_gross")
DATE_FORMS = "write dates as 2025-04-07 or 07/04/2025"

# calendar.month_name follows the process locale; messages must always be in English.
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_SHORT_YEAR_DATE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}")
# Digits are spelt [0-9] rather than \d so that non-ASCII digits, which Decimal would accept,
# are refused.
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"no", "n", "false", "0"})


class FieldError(ValueError):
    """A cell's value is unacceptable; ``message`` says why, in plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def identifier(value: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise FieldError(
            f"This id is {len(value)} characters long; ids can be at most {MAX_ID_LENGTH}"
        )
    return value


def text(value: str) -> str:
    return value


def parse_date(value: str) -> date:
    """Read an ISO (2025-04-07) or UK (07/04/2025) date."""
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
        return _real_date(value, year, month, day, day_first=False)
    if match := _UK_DATE.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
        return _real_date(value, year, month, day, day_first=True)
    if _SHORT_YEAR_DATE.fullmatch(value):
        raise FieldError(f"{value} has a two-digit year; {DATE_FORMS}")
    raise FieldError(f"{value} is not a date; {DATE_FORMS}")


def _real_date(value: str, year: int, month: int, day: int, *, day_first: bool) -> date:
    if year < EARLIEST_DATE.year:
        # Checked first so that year 0, which date() and the calendar cannot hold, goes no further.
        raise FieldError(f"{value} is before 1900, so it cannot be right")
    if not 1 <= month <= 12:
        # 04/13/2025 is almost always a US-style month/day date; say so rather than just "no".
        hint = " (dates must be written day/month/year)" if day_first and day <= 12 else ""
        raise FieldError(f"{value} is not a real date: there is no month {month}{hint}")
    if day < 1:
        raise FieldError(f"{value} is not a real date: there is no day 0")
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        raise FieldError(
            f"{value} is not a real date: {_MONTH_NAMES[month - 1]} {year} has {days_in_month} days"
        )
    return date(year, month, day)


def parse_flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise FieldError(
        f"{value} is not yes or no; use yes, no, y, n, true, false, 1 or 0 "
        "(or leave it blank for no)"
    )


def parse_units(value: str) -> Decimal:
    if not _DECIMAL.fullmatch(value):
        raise FieldError(f"{value} is not a number; write it like 10 or 7.5")
    units = Decimal(value)
    if units <= 0:
        raise FieldError(f"{value} is not allowed: the number of units must be more than 0")
    if units > MAX_UNITS_PER_WEEK:
        raise FieldError(
            f"{value} is more than {MAX_UNITS_PER_WEEK} units a week, so it cannot be right"
        )
    if units != units.quantize(Decimal("0.01")):
        raise FieldError(f"{value} has more than 2 decimal places")
    return units


def parse_delivered_units(value: str) -> Decimal:
    """Units a provider delivered in a week: 0 (nothing delivered) or more, to 2 places."""
    if not _DECIMAL.fullmatch(value):
        raise FieldError(f"{value} is not a number; write it like 10 or 7.5")
    units = Decimal(value)
    if units < 0:
        raise FieldError(f"{value} is not allowed: the number of units cannot be negative")
    if units > MAX_UNITS_PER_WEEK:
        raise FieldError(
            f"{value} is more than {MAX_UNITS_PER_WEEK} units a week, so it cannot be right"
        )
    if units != units.quantize(Decimal("0.01")):
        raise FieldError(f"{value} has more than 2 decimal places")
    # "-0" passes the checks above; it means nothing was delivered, like "0".
    return units.copy_abs()


def parse_pence(value: str) -> int:
    try:
        return parse_pounds(value)
    except MoneyError as error:
        raise FieldError(str(error)) from error


def parse_days(value: str) -> tuple[str, ...]:
    """Read e.g. "Mon Wed, fri" as ("Mon", "Wed", "Fri"), in week order, without repeats."""
    by_lower = {day.lower(): day for day in WEEKDAYS}
    words = [word for word in re.split(r"[\s,]+", value) if word]
    unknown = [word for word in words if word.lower() not in by_lower]
    if unknown:
        raise FieldError(
            "Not a day of the week: " + ", ".join(unknown) + ". Use Mon, Tue, Wed, Thu, Fri, "
            "Sat or Sun, separated by spaces or commas"
        )
    chosen = {by_lower[word.lower()] for word in words}
    return tuple(day for day in WEEKDAYS if day in chosen)


def parse_reason(value: str) -> str:
    lowered = value.lower()
    if lowered not in SUSPENSION_REASONS:
        raise FieldError(f"{value} is not a suspension reason; use hospital, holiday or other")
    return lowered


def parse_collection(value: str) -> str:
    lowered = value.lower()
    if lowered not in COLLECTIONS:
        raise FieldError(
            f"{value} is not a way of collecting the charge; use council, provider, "
            "direct_payment_net or direct_payment_gross (or leave it blank for council)"
        )
    return lowered


def parse_nhs_number(value: str) -> str:
    # The number itself is personal data, so the messages do not repeat it.
    normal = normalise_nhs_number(value)
    if normal is None:
        raise FieldError("This is not an NHS number: an NHS number has 10 digits")
    if not is_valid_nhs_number(normal):
        raise FieldError(
            "This is not a valid NHS number: its check digit is wrong, so it may have been mistyped"
        )
    return normal


def parse_ni_number(value: str) -> str:
    normal = normalise_ni_number(value)
    if normal is None:
        raise FieldError(
            "This is not a National Insurance number: it should be two letters, six digits "
            "and a final letter A, B, C or D, like AB 12 34 56 C"
        )
    if not is_valid_ni_number(normal):
        raise FieldError(
            "This is not a valid National Insurance number: HMRC does not use its first two "
            "letters (temporary and example numbers are not accepted)"
        )
    return normal


def parse_postcode(value: str) -> str:
    normal = normalise_postcode(value)
    if normal is None:
        raise FieldError(f"{value} is not a valid UK postcode")
    return normal


def parse_email(value: str) -> str:
    if not is_plausible_email(value):
        raise FieldError(f"{value} does not look like an email address")
    return value


def known_code(codes: frozenset[str], kind: str) -> Callable[[str], str]:
    """A parser that accepts only one of ``codes`` (matched exactly, as the system stores it)."""

    def parse(value: str) -> str:
        if value in codes:
            return value
        near = sorted(code for code in codes if code.lower() == value.lower())
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise FieldError(f"{value} is not a known {kind}{hint}")

    return parse

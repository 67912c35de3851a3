"""Strict readers for the values of a JSON request, each naming the field path on error.

An optional key given as ``null`` means "not given". Amounts are strings of pounds with up to two
decimal places (``"12.50"``), never JSON numbers; dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final, TypeVar

from carecharge.core.assessment.errors import AssessmentInputError

E = TypeVar("E", bound=StrEnum)

AMOUNT: Final = re.compile(r"(0|[1-9][0-9]{0,14})(?:\.([0-9]{1,2}))?")
PERCENT: Final = re.compile(r"(0|[1-9][0-9]{0,2})(\.[0-9]{1,4})?")
SHARE: Final = re.compile(r"0(\.[0-9]{1,6})?|1(\.0{1,6})?")
DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_ITEMS: Final = 500
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2199
MAX_TEXT: Final = 200


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return f"{value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def obj(value: object, path: str, allowed: tuple[str, ...]) -> Mapping[str, object]:
    """An object with only the allowed keys (and no key twice, when read from JSON text)."""
    if not isinstance(value, dict) and not isinstance(value, Mapping):
        raise AssessmentInputError(path or "(request)", f"must be an object, not {kind(value)}")
    if type(value) is not dict:
        duplicates = getattr(value, "duplicates", ())
        if duplicates:
            raise AssessmentInputError(join(path, duplicates[0]), "is given twice")
    for key in value:
        if key not in allowed:
            shown = key if isinstance(key, str) else repr(key)
            raise AssessmentInputError(
                join(path, shown), f"unknown key; allowed keys are {', '.join(allowed)}"
            )
    return value


def items(value: object, path: str) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AssessmentInputError(path, f"must be a list, not {kind(value)}")
    if len(value) > MAX_ITEMS:
        raise AssessmentInputError(path, f"has more than {MAX_ITEMS} items")
    return value


def money(value: object, path: str) -> int:
    """Pounds as a string, ``"12.50"`` (up to two decimal places), into pence."""
    if isinstance(value, str):
        match = AMOUNT.fullmatch(value)
        if match is not None:
            pence = (match[2] or "").ljust(2, "0")
            return int(match[1]) * 100 + int(pence)
        if value.startswith("-"):
            raise AssessmentInputError(path, "must not be negative")
        raise AssessmentInputError(
            path, f'must be an amount of pounds such as "12.50", not {kind(value)}'
        )
    raise AssessmentInputError(
        path, f'must be an amount written as a string such as "12.50", not {kind(value)}'
    )


def day(value: object, path: str) -> date:
    """An ISO date from 1900-01-01 to 2199-12-31 (a guard against absurd dates)."""
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise AssessmentInputError(path, f"{value!r} is not a real date") from None
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise AssessmentInputError(path, f"must be between {FIRST_YEAR} and {LAST_YEAR}")
        return parsed
    raise AssessmentInputError(path, f"must be a date written YYYY-MM-DD, not {kind(value)}")


def flag(value: object, path: str, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    raise AssessmentInputError(path, f"must be true or false, not {kind(value)}")


def whole(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AssessmentInputError(path, f"must be a whole number, not {kind(value)}")
    if not low <= value <= high:
        raise AssessmentInputError(path, f"must be between {low} and {high}")
    return value


_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {}


def choice(value: object, path: str, enum: type[E]) -> E:
    members = _MEMBERS.get(enum)
    if members is None:
        members = _MEMBERS[enum] = {member.value: member for member in enum}
    if isinstance(value, str):
        found = members.get(value)
        if found is not None:
            return found  # type: ignore[return-value]
    allowed = ", ".join(member.value for member in enum)
    raise AssessmentInputError(path, f"must be one of {allowed}, not {kind(value)}")


def text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AssessmentInputError(path, f"must be non-empty text, not {kind(value)}")
    if len(value) > MAX_TEXT:
        raise AssessmentInputError(path, f"must be at most {MAX_TEXT} characters")
    return " ".join(value.split())


def percent(value: object, path: str) -> Decimal:
    if isinstance(value, str) and PERCENT.fullmatch(value):
        return Decimal(value)
    raise AssessmentInputError(
        path, f'must be a percentage written as a string such as "2.5", not {kind(value)}'
    )

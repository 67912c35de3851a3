"""Per-line checking machinery: collects every problem on a line instead of stopping at one."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from carecharge.core.importing.care_records import Problem
from carecharge.core.importing.csv_reading import RawRow
from carecharge.core.importing.fields import FieldError

T = TypeVar("T")

MAX_TEXT_LENGTH = 200
# Line breaks and tabs inside a value would garble letters and on-screen tables; Excel lets them
# in with Alt+Enter, so they are caught here rather than trusted.
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


class RowChecker:
    """Reads typed values from one line, recording a Problem for each bad one."""

    def __init__(self, row: RawRow, record_type: str) -> None:
        self.line = row.line
        self.values = row.values
        self.record_type = record_type
        self.problems: list[Problem] = []

    def add(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))

    def optional(self, column: str, parse: Callable[[str], T]) -> T | None:
        """The parsed value, or None when the cell is blank or bad (bad ones are recorded)."""
        value = self.values[column]
        if not value:
            return None
        if len(value) > MAX_TEXT_LENGTH:
            self.add(
                column,
                f"{column} is {len(value)} characters long; the most allowed is {MAX_TEXT_LENGTH}",
            )
            return None
        if any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in value):
            self.add(
                column,
                f"{column} contains a line break, tab or other control character; each value "
                "must be plain text on one line",
            )
            return None
        try:
            return parse(value)
        except FieldError as error:
            self.add(column, error.message)
            return None

    def required(
        self, column: str, parse: Callable[[str], T], *, when: str | None = None
    ) -> T | None:
        if not self.values[column]:
            reason = when or f"on a {self.record_type} line"
            self.add(column, f"{column} is required {reason}")
            return None
        return self.optional(column, parse)

    def not_after(self, column: str, value: date, business_date: date) -> None:
        # Dates that describe the past (birth, death) cannot be later than the business date.
        if value > business_date:
            self.add(
                column,
                f"{self.values[column]} is in the future: it is after the business date, "
                f"{business_date:%d/%m/%Y}",
            )

    def not_before(
        self, column: str, value: date | None, earlier_column: str, earlier: date | None
    ) -> None:
        if value is not None and earlier is not None and value < earlier:
            self.add(
                column,
                f"{column} {self.values[column]} is before {earlier_column} "
                f"{self.values[earlier_column]}",
            )

    def blank_unless(self, applicable: frozenset[str], users: dict[str, str]) -> None:
        """Record a problem for each value in a column this record type does not use.

        ``users`` maps each column to the record types that do use it, for the message.
        """
        for column, value in self.values.items():
            if value and column not in applicable:
                self.add(
                    column,
                    f"{column} must be blank on a {self.record_type} line (it is only used on "
                    f"{users[column]} lines); the columns may have shifted",
                )

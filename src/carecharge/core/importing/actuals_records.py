"""What the provider-actuals validator is told about service lines, and what it returns.

Plain frozen dataclasses: a record exists only if every check on its line, and in the whole
file, passed (the same promise as the care-data records).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from carecharge.core.importing.care_records import Problem


@dataclass(frozen=True)
class LineFacts:
    """One service line as carecharge holds it, for checking the actuals that name it."""

    line_id: str
    """The case management system's id (``ServiceLine.case_system_id``)."""
    provider_code: str | None
    person_id: str | None
    """The person's case management system id, if they have one."""
    account_reference: str
    start_date: date
    end_date: date | None
    units_per_week: Decimal
    never_charged: bool = False
    """A free service, or a package under section 117 or NHS Continuing Healthcare."""


@dataclass(frozen=True)
class ActualRecord:
    line: int
    provider_code: str
    line_id: str
    week_start: date
    units: Decimal
    note: str | None


@dataclass(frozen=True)
class ActualsFile:
    """The outcome of validating one actuals file; ``actuals`` is empty whenever ``problems``
    is not, so a caller cannot apply half a file."""

    actuals: tuple[ActualRecord, ...]
    problems: tuple[Problem, ...]
    sha256: str

    @property
    def ok(self) -> bool:
        return not self.problems

"""The validated records a care-data file yields, and the problems it can report.

These are plain frozen dataclasses so that the Django operation that applies them can trust
every value: a record exists only if every check on its line (and in the whole file) passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, in words a council officer can act on.

    ``line`` is the physical line number in the file (the header is line 1) where the record
    starts, or ``None`` for a problem with the whole file. ``column`` is the header name of the
    offending column, or ``None`` when the problem is with the line or file as a whole.
    """

    line: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class PersonRecord:
    line: int
    person_id: str
    title: str | None
    forename: str
    surname: str
    date_of_birth: date
    nhs_number: str | None  # 10 digits, no spaces
    ni_number: str | None  # normalised by carecharge.core.identifiers
    address_line_1: str | None
    address_line_2: str | None
    town: str | None
    postcode: str | None  # normalised, e.g. "SW1A 1AA"
    phone: str | None
    email: str | None
    date_of_death: date | None


@dataclass(frozen=True)
class ServiceLineRecord:
    line: int
    line_id: str
    person_id: str
    package_id: str
    service_code: str
    provider_code: str | None
    units_per_week: Decimal
    unit_cost_pence: int
    days: tuple[str, ...]  # a subset of "Mon".."Sun" in week order; empty when not given
    start_date: date
    end_date: date | None
    section_117: bool
    chc: bool
    funded_nursing_care: bool
    collection: str | None = None
    """Who collects the charge (``"council"`` when the cell is blank); ``None`` when the file
    has no ``collection`` column at all, so the line keeps what carecharge holds."""


@dataclass(frozen=True)
class SuspensionRecord:
    line: int
    suspension_id: str
    person_id: str
    reason: str  # "hospital", "holiday" or "other"
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class CareFile:
    """The outcome of validating one file.

    The record tuples are empty whenever there is any problem, so a caller cannot apply half a
    file by mistake (DESIGN.md principle 7). ``sha256`` is the hex digest of the exact bytes
    received, so the caller can recognise the same file uploaded twice.
    """

    people: tuple[PersonRecord, ...]
    service_lines: tuple[ServiceLineRecord, ...]
    suspensions: tuple[SuspensionRecord, ...]
    problems: tuple[Problem, ...]
    sha256: str

    @property
    def ok(self) -> bool:
        return not self.problems

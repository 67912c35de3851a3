"""Validate a care-data CSV file exported from a council's case management system.

The whole file is checked before anything is applied (DESIGN.md principle 7): every problem on
every line is reported, and records are returned only when there are none at all. The format
is described for council staff in docs/import-format.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

from carecharge.core.importing.care_records import (
    CareFile,
    PersonRecord,
    Problem,
    ServiceLineRecord,
    SuspensionRecord,
)
from carecharge.core.importing.care_rows import (
    COLUMN_USERS,
    COLUMNS,
    COLUMNS_BY_TYPE,
    OPTIONAL_COLUMNS,
    FileContext,
    check_person,
    check_service_line,
    check_suspension,
)
from carecharge.core.importing.csv_reading import RawRow, read_table
from carecharge.core.importing.row_checking import RowChecker

RECORD_TYPES = tuple(COLUMNS_BY_TYPE)


def validate_care_file(
    data: bytes,
    *,
    business_date: date,
    known_service_codes: frozenset[str],
    known_provider_codes: frozenset[str],
    known_person_ids: frozenset[str],
    service_categories: Mapping[str, str] | None = None,
) -> CareFile:
    """Check ``data`` against the care-data format; never raises on bad input.

    ``service_categories`` (service code -> `care.ServiceCategory` value) lets the optional
    ``collection`` column be checked against the kind of service; without it that check is
    skipped.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    table = read_table(data, COLUMNS, OPTIONAL_COLUMNS)
    context = FileContext(
        business_date=business_date,
        known_service_codes=known_service_codes,
        known_provider_codes=known_provider_codes,
        known_person_ids=known_person_ids,
        # A service line may refer to a person given anywhere in the file, even further down
        # or on a line with its own problems: that line is reported once, not once per reference.
        people_in_file=frozenset(
            row.values["person_id"]
            for row in table.rows
            if row.values["record_type"].lower() == "person" and row.values["person_id"]
        ),
        service_categories=service_categories or {},
        collection_given="collection" not in table.absent,
    )
    problems = list(table.problems)
    people: list[PersonRecord] = []
    service_lines: list[ServiceLineRecord] = []
    suspensions: list[SuspensionRecord] = []
    for row in table.rows:
        record, row_problems = _check_row(row, context)
        problems.extend(row_problems)
        if isinstance(record, PersonRecord):
            people.append(record)
        elif isinstance(record, ServiceLineRecord):
            service_lines.append(record)
        elif isinstance(record, SuspensionRecord):
            suspensions.append(record)
    if problems:
        # Half a file must never be applied, so a file with problems yields no records.
        return CareFile((), (), (), tuple(_in_file_order(problems)), sha256)
    return CareFile(tuple(people), tuple(service_lines), tuple(suspensions), (), sha256)


def _check_row(
    row: RawRow, context: FileContext
) -> tuple[PersonRecord | ServiceLineRecord | SuspensionRecord | None, list[Problem]]:
    record_type = row.values["record_type"].lower()
    if record_type not in COLUMNS_BY_TYPE:
        # Without a known type there is no telling which columns should be filled in.
        return None, [_record_type_problem(row)]
    checker = RowChecker(row, record_type)
    checker.blank_unless(COLUMNS_BY_TYPE[record_type], COLUMN_USERS)
    record: PersonRecord | ServiceLineRecord | SuspensionRecord | None
    if record_type == "person":
        record = check_person(checker, context)
    elif record_type == "service_line":
        record = check_service_line(checker, context)
    else:
        record = check_suspension(checker, context)
    return record, checker.problems


def _record_type_problem(row: RawRow) -> Problem:
    allowed = "it must be person, service_line or suspension"
    value = row.values["record_type"]
    if not value:
        return Problem(row.line, "record_type", f"record_type is blank; {allowed}")
    return Problem(row.line, "record_type", f"{value[:40]} is not a record type; {allowed}")


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    # Whole-file problems first, then by line; sorting is stable, so the order of the checks
    # within a line is kept.
    return sorted(problems, key=lambda problem: -1 if problem.line is None else problem.line)

"""Validate a provider-actuals CSV file: units delivered per service line and charging week.

The whole file is checked before anything is applied (DESIGN.md principle 7): every problem on
every line is reported, and records are returned only when there are none. The format is in
docs/provider-actuals.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date

from carecharge.core.importing.actuals_records import ActualRecord, ActualsFile, LineFacts
from carecharge.core.importing.actuals_rows import (
    OPTIONAL_COLUMNS,
    PERSON_COLUMNS,
    RECORD_TYPE,
    REQUIRED_COLUMNS,
    ActualsContext,
    check_actual,
)
from carecharge.core.importing.care_records import Problem
from carecharge.core.importing.csv_reading import read_table
from carecharge.core.importing.row_checking import RowChecker


def validate_actuals_file(
    data: bytes,
    *,
    business_date: date,
    known_provider_codes: frozenset[str],
    lines: Mapping[str, LineFacts],
    week_start_for: Callable[[date], int | None],
) -> ActualsFile:
    """Check ``data`` against the provider-actuals format; never raises on bad input.

    ``lines`` holds what carecharge knows of (at least) every line_id the file names;
    `line_ids_in` lists them. ``week_start_for`` gives the weekday charging weeks start on
    (Monday 0) on a date, or None when no rule covers it.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    table = read_table(data, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    problems = list(table.problems)
    if not problems and set(PERSON_COLUMNS) <= table.absent:
        problems.append(
            Problem(
                None,
                None,
                "The header needs a person_id column or an account_reference column (or both)",
            )
        )
    if problems:
        return ActualsFile((), tuple(problems), sha256)
    context = ActualsContext(
        business_date=business_date,
        known_provider_codes=known_provider_codes,
        lines=lines,
        week_start_for=week_start_for,
    )
    records: list[ActualRecord] = []
    for row in table.rows:
        checker = RowChecker(row, RECORD_TYPE)
        record = check_actual(checker, context)
        problems.extend(checker.problems)
        if record is not None:
            records.append(record)
    if problems:
        return ActualsFile((), tuple(problems), sha256)
    return ActualsFile(tuple(records), (), sha256)


def line_ids_in(data: bytes) -> frozenset[str]:
    """The line_id values a file names, read leniently, so the caller can load their facts."""
    table = read_table(data, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    return frozenset(row.values["line_id"] for row in table.rows if row.values.get("line_id"))

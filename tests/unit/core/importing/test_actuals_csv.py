"""Tests for the provider-actuals CSV validator (pure Python; no Django, no clock)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecharge.core.importing import Problem
from carecharge.core.importing.actuals_csv import line_ids_in, validate_actuals_file
from carecharge.core.importing.actuals_records import ActualRecord, ActualsFile, LineFacts
from carecharge.core.importing.actuals_rows import COLUMNS

FIXTURES = Path(__file__).parents[3] / "fixtures" / "imports"
BUSINESS_DATE = date(2025, 6, 30)  # a Monday
PROVIDERS = frozenset({"PRV001", "PRV002"})
LINES = {
    "L001": LineFacts(
        line_id="L001", provider_code="PRV001", person_id="P001", account_reference="00000018",
        start_date=date(2025, 4, 7), end_date=None, units_per_week=Decimal(10),
    ),
    "L002": LineFacts(
        line_id="L002", provider_code="PRV001", person_id="P001", account_reference="00000018",
        start_date=date(2025, 4, 7), end_date=date(2025, 5, 18), units_per_week=Decimal(5),
        never_charged=True,
    ),
    "L003": LineFacts(
        line_id="L003", provider_code="PRV002", person_id="P002", account_reference="00000026",
        start_date=date(2025, 4, 10), end_date=None, units_per_week=Decimal(7),
    ),
    "L004": LineFacts(
        line_id="L004", provider_code=None, person_id=None, account_reference="00000034",
        start_date=date(2025, 4, 7), end_date=None, units_per_week=Decimal(3),
    ),
}  # fmt: skip
GOOD_ROW = {
    "provider_code": "PRV001",
    "person_id": "P001",
    "line_id": "L001",
    "week_start": "07/04/2025",
    "units": "10",
}


def mondays_from_april_2025(day: date) -> int | None:
    """Charging weeks start on Monday from 7 April 2025; no rule before."""
    return 0 if day >= date(2025, 4, 7) else None


def validate(
    data: bytes,
    *,
    lines: Mapping[str, LineFacts] = LINES,
    business_date: date = BUSINESS_DATE,
) -> ActualsFile:
    return validate_actuals_file(
        data,
        business_date=business_date,
        known_provider_codes=PROVIDERS,
        lines=lines,
        week_start_for=mondays_from_april_2025,
    )


def csv_bytes(*rows: Mapping[str, str], columns: tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode("utf-8")


def row(**changes: str) -> dict[str, str]:
    return {**GOOD_ROW, **changes}


def problems_of(*rows: Mapping[str, str]) -> list[Problem]:
    return list(validate(csv_bytes(*rows)).problems)


# --- A good file ------------------------------------------------------------------------------


def test_good_fixture_gives_exact_records() -> None:
    data = (FIXTURES / "actuals_good.csv").read_bytes()
    result = validate(data)
    assert result.problems == ()
    assert result.ok
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.actuals == (
        ActualRecord(2, "PRV001", "L001", date(2025, 4, 7), Decimal("10"), None),
        ActualRecord(3, "PRV001", "L001", date(2025, 4, 14), Decimal("10.5"), None),
        ActualRecord(
            4, "PRV001", "L001", date(2025, 4, 21), Decimal("14"),
            "Extra visits after a hospital discharge",
        ),
        ActualRecord(5, "PRV001", "L002", date(2025, 4, 7), Decimal("9"), None),
        ActualRecord(6, "PRV002", "L003", date(2025, 4, 7), Decimal("4"), None),
    )  # fmt: skip
    assert line_ids_in(data) == frozenset({"L001", "L002", "L003"})


def test_zero_units_mean_nothing_was_delivered() -> None:
    result = validate(csv_bytes(row(units="0"), row(week_start="14/04/2025", units="-0")))
    assert result.problems == ()
    assert [a.units for a in result.actuals] == [Decimal(0), Decimal(0)]


def test_person_may_be_named_by_account_reference_only() -> None:
    columns = ("provider_code", "account_reference", "line_id", "week_start", "units")
    data = csv_bytes(row(account_reference="00000018"), columns=columns)
    result = validate(data)
    assert result.problems == ()
    assert result.actuals[0].line_id == "L001"


def test_the_note_column_may_be_left_out() -> None:
    columns = ("provider_code", "person_id", "line_id", "week_start", "units")
    assert validate(csv_bytes(row(), columns=columns)).ok


def test_a_part_week_at_the_start_of_a_line_is_accepted() -> None:
    # L003 starts on Thursday 10 April; the week from Monday 7 April overlaps it.
    assert problems_of(row(provider_code="PRV002", person_id="P002", line_id="L003")) == []


def test_the_last_week_ending_before_the_business_date_is_accepted() -> None:
    # The week of 23 June ends on Sunday 29 June, the day before the business date.
    assert problems_of(row(week_start="2025-06-23")) == []


# --- Whole-file problems ----------------------------------------------------------------------


def test_header_needs_a_person_column() -> None:
    columns = ("provider_code", "line_id", "week_start", "units", "note")
    assert validate(csv_bytes(row(), columns=columns)).problems == (
        Problem(
            None,
            None,
            "The header needs a person_id column or an account_reference column (or both)",
        ),
    )


def test_header_missing_required_columns_and_unknown_columns() -> None:
    columns = ("provider_code", "person_id", "line_id", "hours")
    assert validate(csv_bytes(columns=columns) + b"PRV001,P001,L001,3\r\n").problems == (
        Problem(None, None, "The header is missing these columns: week_start, units"),
        Problem(None, None, "The header has columns that are not part of the format: hours"),
    )


def test_empty_file_and_header_only() -> None:
    assert validate(b"").problems == (Problem(None, None, "The file is empty"),)
    assert validate(csv_bytes()).problems == (
        Problem(None, None, "The file has a header but no records"),
    )


# --- Each check on a line, with its line number -----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"provider_code": "PRV999"}, "provider_code", "PRV999 is not a known provider code"),
        ({"provider_code": "prv001"}, "provider_code",
         "prv001 is not a known provider code (did you mean PRV001?)"),
        ({"provider_code": "PRV002"}, "provider_code",
         "line_id L001 is not with provider PRV002 in carecharge (it is with PRV001)"),
        ({"line_id": "L004", "person_id": "", "account_reference": "00000034"}, "provider_code",
         "line_id L004 is not with provider PRV001 in carecharge (it has none)"),
        ({"person_id": "P002"}, "person_id",
         "line_id L001 is not for person_id P002"),
        ({"person_id": "", "account_reference": "00000026"}, "account_reference",
         "line_id L001 is not for account reference 00000026"),
        ({"person_id": ""}, "person_id",
         "person_id or account_reference is required on every line"),
        ({"line_id": "L999"}, "line_id",
         "There is no service line with line_id L999 in carecharge"),
        ({"line_id": ""}, "line_id", "line_id is required on every line"),
        ({"week_start": "09/04/2025"}, "week_start",
         "09/04/2025 is a Wednesday; charging weeks start on a Monday, so give the date the "
         "week starts (07/04/2025)"),
        ({"week_start": "2025-06-30"}, "week_start",
         "The week starting 30/06/2025 has not ended by the business date, 30/06/2025; send its "
         "actuals after 06/07/2025"),
        ({"week_start": "2025-06-24"}, "week_start",
         "2025-06-24 is a Tuesday; charging weeks start on a Monday, so give the date the week "
         "starts (23/06/2025)"),
        ({"week_start": "31/03/2025"}, "week_start",
         "carecharge has no rule for when charging weeks start on 31/03/2025, so actuals for "
         "that week cannot be taken"),
        ({"week_start": "31/02/2025"}, "week_start",
         "31/02/2025 is not a real date: February 2025 has 28 days"),
        ({"line_id": "L002", "week_start": "26/05/2025"}, "week_start",
         "line_id L002 runs from 07/04/2025 to 18/05/2025; the week starting 26/05/2025 is "
         "outside it"),
        ({"units": "-1"}, "units",
         "-1 is not allowed: the number of units cannot be negative"),
        ({"units": "1.234"}, "units", "1.234 has more than 2 decimal places"),
        ({"units": "ten"}, "units", "ten is not a number; write it like 10 or 7.5"),
        ({"units": "1000.01"}, "units",
         "1000.01 is more than 1000 units a week, so it cannot be right"),
        ({"units": ""}, "units", "units is required on every line"),
        ({"note": "two\nlines"}, "note",
         "note contains a line break, tab or other control character; each value must be plain "
         "text on one line"),
    ],
)  # fmt: skip
def test_line_problem(changes: dict[str, str], column: str, message: str) -> None:
    assert problems_of(row(), row(**{"week_start": "14/04/2025", **changes})) == [
        Problem(3, column, message)
    ]


def test_week_before_a_line_starts_is_outside_it() -> None:
    assert problems_of(
        row(provider_code="PRV002", person_id="P002", line_id="L003", week_start="31/03/2025")
    ) == [
        Problem(
            2,
            "week_start",
            "carecharge has no rule for when charging weeks start on 31/03/2025, so actuals for "
            "that week cannot be taken",
        )
    ]
    late_start = {**LINES, "L003": replace(LINES["L003"], start_date=date(2025, 5, 1))}
    data = csv_bytes(row(provider_code="PRV002", person_id="P002", line_id="L003"))
    assert validate(data, lines=late_start).problems == (
        Problem(
            2,
            "week_start",
            "line_id L003 runs from 01/05/2025; the week starting 07/04/2025 is outside it",
        ),
    )


def test_the_same_line_and_week_twice_points_at_the_first() -> None:
    assert problems_of(row(), row(week_start="14/04/2025"), row(units="11"), row(units="12")) == [
        Problem(
            4,
            "week_start",
            "line_id L001 already has actuals for the week starting 07/04/2025 on line 2; give "
            "each line and week once",
        ),
        Problem(
            5,
            "week_start",
            "line_id L001 already has actuals for the week starting 07/04/2025 on line 2; give "
            "each line and week once",
        ),
    ]


def test_every_problem_on_a_line_is_reported() -> None:
    bad = row(provider_code="PRV002", person_id="P002", week_start="09/04/2025", units="x")
    assert problems_of(bad) == [
        Problem(2, "units", "x is not a number; write it like 10 or 7.5"),
        Problem(
            2,
            "week_start",
            "09/04/2025 is a Wednesday; charging weeks start on a Monday, so give the date the "
            "week starts (07/04/2025)",
        ),
        Problem(
            2,
            "provider_code",
            "line_id L001 is not with provider PRV002 in carecharge (it is with PRV001)",
        ),
        Problem(2, "person_id", "line_id L001 is not for person_id P002"),
    ]


def test_eleven_problem_fixture_reports_each_with_its_line() -> None:
    result = validate((FIXTURES / "actuals_eleven_problems.csv").read_bytes())
    assert result.actuals == ()
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "provider_code"),
        (3, "provider_code"),
        (4, "person_id"),
        (5, "week_start"),
        (6, "week_start"),
        (7, "week_start"),
        (8, "units"),
        (9, "units"),
        (11, "week_start"),
        (12, "line_id"),
        (13, "person_id"),
    ]
    assert result.problems[4].message == (
        "The week starting 30/06/2025 has not ended by the business date, 30/06/2025; send its "
        "actuals after 06/07/2025"
    )


def test_a_file_with_any_problem_yields_no_records() -> None:
    result = validate(csv_bytes(row(), row(week_start="14/04/2025", units="-2")))
    assert result.actuals == ()
    assert not result.ok


# --- Never raises -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    result = validate(data)
    assert result.ok == (result.problems == ())
    if not result.ok:
        assert result.actuals == ()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=20)))
def test_arbitrary_values_never_raise(values: dict[str, str]) -> None:
    result = validate(csv_bytes(values))
    assert all(p.line in {None, 2} for p in result.problems)
    assert result.ok == (len(result.actuals) == 1)

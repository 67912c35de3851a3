"""Tests for the care-data CSV validator (pure Python; no Django, no clock)."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecharge.core.importing import (
    CareFile,
    PersonRecord,
    Problem,
    ServiceLineRecord,
    SuspensionRecord,
    validate_care_file,
)
from carecharge.core.importing.care_rows import COLUMNS

FIXTURES = Path(__file__).parents[3] / "fixtures" / "imports"
BUSINESS_DATE = date(2025, 6, 30)
SERVICE_CODES = frozenset({"DOMCARE", "DAYCARE", "RESPITE"})
PROVIDER_CODES = frozenset({"PRV001", "PRV002"})
KNOWN_PEOPLE = frozenset({"P900"})
SAVE_AS = 'Open it in Excel and save it again choosing "CSV UTF-8 (Comma delimited)"'

PERSON = {
    "record_type": "person",
    "person_id": "P001",
    "forename": "Margaret",
    "surname": "O'Brien",
    "date_of_birth": "12/03/1938",
}
SERVICE_LINE = {
    "record_type": "service_line",
    "line_id": "L001",
    "person_id": "P001",
    "package_id": "PKG1",
    "service_code": "DOMCARE",
    "units_per_week": "10",
    "unit_cost": "18.50",
    "start_date": "2025-04-07",
}
SUSPENSION = {
    "record_type": "suspension",
    "suspension_id": "S001",
    "person_id": "P001",
    "reason": "hospital",
    "start_date": "2025-04-14",
}


def csv_bytes(*rows: Mapping[str, str], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """A file with a header and one line per row; columns a row leaves out are blank."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        assert set(row) <= set(COLUMNS), set(row) - set(COLUMNS)
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode("utf-8")


def validate(data: bytes) -> CareFile:
    return validate_care_file(
        data,
        business_date=BUSINESS_DATE,
        known_service_codes=SERVICE_CODES,
        known_provider_codes=PROVIDER_CODES,
        known_person_ids=KNOWN_PEOPLE,
    )


def problems_of(*rows: Mapping[str, str]) -> list[Problem]:
    return list(validate(csv_bytes(*rows)).problems)


def person(**changes: str) -> dict[str, str]:
    return {**PERSON, **changes}


def service_line(**changes: str) -> dict[str, str]:
    return {**SERVICE_LINE, **changes}


def suspension(**changes: str) -> dict[str, str]:
    return {**SUSPENSION, **changes}


# --- A good file ------------------------------------------------------------------------------


GOOD_PEOPLE = (
    PersonRecord(
        line=2,
        person_id="P001",
        title="Mrs",
        forename="Margaret",
        surname="O'Brien",
        date_of_birth=date(1938, 3, 12),
        nhs_number="9434765919",
        ni_number="AB123456C",
        address_line_1="12 Station Road",
        address_line_2="Flat 2",
        town="Leeds",
        postcode="LS1 4AP",
        phone="0113 496 0000",
        email="margaret@example.org",
        date_of_death=None,
    ),
    PersonRecord(
        line=3,
        person_id="P002",
        title=None,
        forename="John",
        surname="Smith, Jr",
        date_of_birth=date(1945, 11, 30),
        nhs_number=None,
        ni_number=None,
        address_line_1=None,
        address_line_2=None,
        town=None,
        postcode=None,
        phone=None,
        email=None,
        date_of_death=date(2025, 5, 2),
    ),
)
GOOD_SERVICE_LINES = (
    ServiceLineRecord(
        line=4,
        line_id="L001",
        person_id="P001",
        package_id="PKG1",
        service_code="DOMCARE",
        provider_code="PRV001",
        units_per_week=Decimal("10.5"),
        unit_cost_pence=1850,
        days=("Mon", "Wed", "Fri"),
        start_date=date(2025, 4, 7),
        end_date=None,
        section_117=False,
        chc=False,
        funded_nursing_care=False,
    ),
    ServiceLineRecord(
        line=5,
        line_id="L002",
        person_id="P900",
        package_id="PKG9",
        service_code="DAYCARE",
        provider_code=None,
        units_per_week=Decimal("2"),
        unit_cost_pence=4500,
        days=(),
        start_date=date(2025, 4, 1),
        end_date=date(2025, 9, 30),
        section_117=True,
        chc=False,
        funded_nursing_care=False,
    ),
)
GOOD_SUSPENSIONS = (
    SuspensionRecord(
        line=6,
        suspension_id="S001",
        person_id="P001",
        reason="hospital",
        start_date=date(2025, 4, 14),
        end_date=date(2025, 4, 21),
    ),
    SuspensionRecord(
        line=7,
        suspension_id="S002",
        person_id="P002",
        reason="holiday",
        start_date=date(2025, 5, 1),
        end_date=None,
    ),
)


def test_good_fixture_gives_exact_records() -> None:
    data = (FIXTURES / "care_good.csv").read_bytes()
    result = validate(data)
    assert result.problems == ()
    assert result.ok
    assert result.people == GOOD_PEOPLE
    assert result.service_lines == GOOD_SERVICE_LINES
    assert result.suspensions == GOOD_SUSPENSIONS
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_money_and_units_are_exact_types() -> None:
    line = validate((FIXTURES / "care_good.csv").read_bytes()).service_lines[0]
    assert type(line.unit_cost_pence) is int
    assert isinstance(line.units_per_week, Decimal)
    assert line.units_per_week == Decimal("10.50")


def test_bom_and_plain_files_give_the_same_records() -> None:
    plain = (FIXTURES / "care_good.csv").read_bytes()
    with_bom = codecs.BOM_UTF8 + plain
    assert validate(with_bom).people == validate(plain).people
    assert validate(with_bom).ok
    assert validate(with_bom).sha256 != validate(plain).sha256


def test_lf_line_endings_are_accepted() -> None:
    plain = (FIXTURES / "care_good.csv").read_bytes().replace(b"\r\n", b"\n")
    assert validate(plain).service_lines == GOOD_SERVICE_LINES


def test_same_bytes_give_the_same_hash_even_when_invalid() -> None:
    data = b"not,a,care,file\n"
    first, second = validate(data), validate(data)
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert not first.ok


def test_header_is_case_insensitive_trimmed_and_in_any_order() -> None:
    columns = tuple(reversed(COLUMNS))
    data = csv_bytes(PERSON, columns=columns)
    header, rest = data.split(b"\r\n", 1)
    shouted = b",".join(b" " + name.upper() + b" " for name in header.split(b","))
    result = validate(shouted + b"\r\n" + rest)
    assert result.problems == ()
    assert result.people[0].person_id == "P001"


def test_values_are_trimmed_and_codes_matched_exactly() -> None:
    result = validate(csv_bytes(person(forename="  Margaret "), service_line(days=" mon ,TUE ")))
    assert result.people[0].forename == "Margaret"
    assert result.service_lines[0].days == ("Mon", "Tue")


def test_blank_lines_and_rows_of_commas_are_skipped_but_counted() -> None:
    data = csv_bytes(PERSON)
    data += b"\r\n" + b"," * (len(COLUMNS) - 1) + b"\r\n"
    data += csv_bytes(service_line(unit_cost="abc")).split(b"\r\n", 1)[1]
    assert validate(data).problems == (Problem(5, "unit_cost", "'abc' is not an amount of money"),)


def test_quoted_line_break_keeps_physical_line_numbers() -> None:
    data = csv_bytes(person(address_line_1="1 High St\nLeeds", postcode="LS1 4AP"), service_line())
    data += csv_bytes(service_line(line_id="L002", unit_cost="x")).split(b"\r\n", 1)[1]
    assert validate(data).problems == (
        Problem(
            2,
            "address_line_1",
            "address_line_1 contains a line break, tab or other control character; each value "
            "must be plain text on one line",
        ),
        Problem(5, "unit_cost", "'x' is not an amount of money"),
    )


# --- The ten-problem fixture ------------------------------------------------------------------


def test_ten_problem_fixture_reports_all_ten() -> None:
    result = validate((FIXTURES / "care_ten_problems.csv").read_bytes())
    assert result.problems == (
        Problem(3, "date_of_birth", "31/02/1950 is not a real date: February 1950 has 28 days"),
        Problem(
            4, "person_id", "person_id P001 appears more than once: it was first used on line 2"
        ),
        Problem(
            5,
            "nhs_number",
            "This is not a valid NHS number: its check digit is wrong, so it may have been "
            "mistyped",
        ),
        Problem(
            6,
            "ni_number",
            "This is not a National Insurance number: it should be two letters, six digits and "
            "a final letter A, B, C or D, like AB 12 34 56 C",
        ),
        Problem(7, "postcode", "NOT A PC is not a valid UK postcode"),
        Problem(
            8,
            "chc",
            "chc must be blank on a person line (it is only used on service_line lines); the "
            "columns may have shifted",
        ),
        Problem(9, "unit_cost", "'-5.00' is negative"),
        Problem(10, "service_code", "XYZ is not a known service code"),
        Problem(
            11,
            "person_id",
            "There is no person with person_id P999 in this file or already in carecharge",
        ),
        Problem(12, "end_date", "end_date 2025-05-01 is before start_date 2025-05-10"),
    )
    assert (result.people, result.service_lines, result.suspensions) == ((), (), ())
    assert not result.ok


# --- Whole-file problems ----------------------------------------------------------------------


def only(message: str) -> tuple[Problem, ...]:
    return (Problem(None, None, message),)


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\r\n\r\n", b" \n,,,\n"])
def test_empty_file(data: bytes) -> None:
    assert validate(data).problems == only("The file is empty")


def test_header_without_records() -> None:
    assert validate(csv_bytes()).problems == only("The file has a header but no records")


def test_windows_1252_dash_is_reported_with_its_line() -> None:
    data = csv_bytes(PERSON, person(person_id="P002", surname="Smith \x00"))
    data = data.replace(b"\x00", b"\x96")  # an en dash as Windows-1252 writes it
    assert validate(data).problems == only(
        "The file is not saved as UTF-8 text: line 3 contains a character that cannot be read "
        f"(byte 0x96). {SAVE_AS}"
    )


def test_latin_1_pound_sign_is_reported_with_its_line() -> None:
    text = csv_bytes(service_line(unit_cost="£18.50")).decode("utf-8")
    data = csv_bytes(PERSON) + text.split("\r\n", 1)[1].encode("latin-1")
    assert validate(data).problems == only(
        "The file is not saved as UTF-8 text: line 3 contains a character that cannot be read "
        f"(byte 0xA3). {SAVE_AS}"
    )


def test_missing_columns_are_all_listed() -> None:
    columns = tuple(c for c in COLUMNS if c not in {"nhs_number", "chc", "reason"})
    assert validate(csv_bytes(PERSON, columns=columns)).problems == only(
        "The header is missing these columns: nhs_number, chc, reason"
    )


def test_unexpected_columns_are_listed() -> None:
    data = csv_bytes(columns=(*COLUMNS, "notes", "Care Manager")) + b"person\r\n"
    assert validate(data).problems == only(
        "The header has columns that are not part of the format: notes, care manager"
    )


def test_unnamed_and_repeated_header_columns() -> None:
    data = csv_bytes(columns=(*COLUMNS, "", "town"))
    assert validate(data).problems == (
        Problem(
            None,
            None,
            "Column 30 of the header has no name; remove the column (or any extra commas at the "
            "end of the header)",
        ),
        Problem(None, None, "The header has the column town more than once (columns 11, 31)"),
    )


def test_header_repeated_in_the_file() -> None:
    data = csv_bytes(PERSON) + csv_bytes(service_line())
    assert validate(data).problems == (
        Problem(
            3,
            None,
            "This line repeats the header row; remove it (two files may have been joined together)",
        ),
    )


def test_lines_with_the_wrong_number_of_fields() -> None:
    data = csv_bytes(PERSON) + b"service_line,P001\r\n" + b"," * 29 + b"x\r\n"
    assert validate(data).problems == (
        Problem(
            3,
            None,
            "This line has 2 values but the header has 29 columns; a comma may be missing or "
            "extra, or a value containing a comma may not be in double quotes",
        ),
        Problem(
            4,
            None,
            "This line has 30 values but the header has 29 columns; a comma may be missing or "
            "extra, or a value containing a comma may not be in double quotes",
        ),
    )


def test_runaway_quote_is_reported_not_raised() -> None:
    data = csv_bytes(PERSON) + b'person,"' + b"x" * 140_000 + b"\r\n"
    problems = validate(data).problems
    assert [(p.line, p.column) for p in problems] == [(3, None)]
    assert problems[0].message.startswith("This line cannot be read as CSV (")
    assert problems[0].message.endswith(
        'this usually means a double quote (") was opened and never closed'
    )


# --- Record type and shifted columns ----------------------------------------------------------


def test_record_type_blank_or_unknown() -> None:
    assert problems_of({"person_id": "P001"}, {"record_type": "carer"}) == [
        Problem(
            2, "record_type", "record_type is blank; it must be person, service_line or suspension"
        ),
        Problem(
            3,
            "record_type",
            "carer is not a record type; it must be person, service_line or suspension",
        ),
    ]


def test_record_type_is_case_insensitive() -> None:
    assert validate(csv_bytes(person(record_type=" Person "))).ok


@pytest.mark.parametrize(
    ("row", "column", "users"),
    [
        (person(unit_cost="12.00"), "unit_cost", "service_line"),
        (service_line(reason="hospital"), "reason", "suspension"),
        (suspension(surname="Smith"), "surname", "person"),
        (suspension(package_id="PKG1"), "package_id", "service_line"),
    ],
)
def test_value_in_a_column_the_record_type_does_not_use(
    row: dict[str, str], column: str, users: str
) -> None:
    kind = row["record_type"]
    lines = [row] if kind == "person" else [PERSON, row]
    assert problems_of(*lines) == [
        Problem(
            len(lines) + 1,
            column,
            f"{column} must be blank on a {kind} line (it is only used on {users} lines); the "
            "columns may have shifted",
        )
    ]


def test_column_shared_by_two_types_names_both() -> None:
    assert problems_of(person(start_date="2025-04-07")) == [
        Problem(
            2,
            "start_date",
            "start_date must be blank on a person line (it is only used on service_line and "
            "suspension lines); the columns may have shifted",
        )
    ]


# --- Person lines -----------------------------------------------------------------------------


PERSON_PROBLEMS = [
    ({"person_id": ""}, "person_id", "person_id is required on a person line"),
    ({"person_id": "P" * 41}, "person_id", "This id is 41 characters long; ids can be at most 40"),
    ({"forename": ""}, "forename", "forename is required on a person line"),
    ({"surname": ""}, "surname", "surname is required on a person line"),
    ({"title": "x" * 201}, "title", "title is 201 characters long; the most allowed is 200"),
    (
        {"phone": "0113\t496"},
        "phone",
        "phone contains a line break, tab or other control "
        "character; each value must be plain text on one line",
    ),
    ({"date_of_birth": ""}, "date_of_birth", "date_of_birth is required on a person line"),
    (
        {"date_of_birth": "31/02/2025"},
        "date_of_birth",
        "31/02/2025 is not a real date: February 2025 has 28 days",
    ),
    (
        {"date_of_birth": "31/04/1940"},
        "date_of_birth",
        "31/04/1940 is not a real date: April 1940 has 30 days",
    ),
    (
        {"date_of_birth": "03/13/1940"},
        "date_of_birth",
        "03/13/1940 is not a real date: there is no month 13 "
        "(dates must be written day/month/year)",
    ),
    (
        {"date_of_birth": "1940-13-03"},
        "date_of_birth",
        "1940-13-03 is not a real date: there is no month 13",
    ),
    (
        {"date_of_birth": "00/01/1940"},
        "date_of_birth",
        "00/01/1940 is not a real date: there is no day 0",
    ),
    (
        {"date_of_birth": "12 March 1938"},
        "date_of_birth",
        "12 March 1938 is not a date; write dates as 2025-04-07 or 07/04/2025",
    ),
    (
        {"date_of_birth": "12/03/38"},
        "date_of_birth",
        "12/03/38 has a two-digit year; write dates as 2025-04-07 or 07/04/2025",
    ),
    (
        {"date_of_birth": "31/12/1899"},
        "date_of_birth",
        "31/12/1899 is before 1900, so it cannot be right",
    ),
    (
        {"date_of_birth": "01/07/2025"},
        "date_of_birth",
        "01/07/2025 is in the future: it is after the business date, 30/06/2025",
    ),
    (
        {"nhs_number": "943 476 591"},
        "nhs_number",
        "This is not an NHS number: an NHS number has 10 digits",
    ),
    (
        {"nhs_number": "9434765918"},
        "nhs_number",
        "This is not a valid NHS number: its check digit is wrong, so it may have been mistyped",
    ),
    (
        {"ni_number": "AB 12 34 56 E"},
        "ni_number",
        "This is not a National Insurance number: it should be two letters, six digits and a "
        "final letter A, B, C or D, like AB 12 34 56 C",
    ),
    (
        {"ni_number": "QQ 12 34 56 C"},
        "ni_number",
        "This is not a valid National Insurance number: HMRC does not use its first two letters "
        "(temporary and example numbers are not accepted)",
    ),
    (
        {"town": "Leeds", "postcode": "LS1 4AP"},
        "address_line_1",
        "address_line_1 is required when any part of the address is given",
    ),
    (
        {"address_line_1": "1 High St"},
        "postcode",
        "postcode is required when any part of the address is given",
    ),
    (
        {"address_line_1": "1 High St", "postcode": "LS1"},
        "postcode",
        "LS1 is not a valid UK postcode",
    ),
    (
        {"email": "margaret.example.org"},
        "email",
        "margaret.example.org does not look like an email address",
    ),
    (
        {"date_of_death": "11/03/1938"},
        "date_of_death",
        "date_of_death 11/03/1938 is before date_of_birth 12/03/1938",
    ),
    (
        {"date_of_death": "2025-07-01"},
        "date_of_death",
        "2025-07-01 is in the future: it is after the business date, 30/06/2025",
    ),
]


@pytest.mark.parametrize(("changes", "column", "message"), PERSON_PROBLEMS)
def test_person_problem(changes: dict[str, str], column: str, message: str) -> None:
    assert problems_of(person(**changes)) == [Problem(2, column, message)]


def test_postcode_alone_needs_the_first_address_line() -> None:
    assert problems_of(person(postcode="LS1 4AP")) == [
        Problem(
            2, "address_line_1", "address_line_1 is required when any part of the address is given"
        )
    ]


def test_dates_on_the_boundaries_are_accepted() -> None:
    result = validate(csv_bytes(person(date_of_birth="01/01/1900", date_of_death="30/06/2025")))
    assert result.people[0].date_of_birth == date(1900, 1, 1)
    assert result.people[0].date_of_death == BUSINESS_DATE


def test_duplicate_person_points_at_the_first_each_time() -> None:
    assert problems_of(PERSON, person(), person()) == [
        Problem(
            3, "person_id", "person_id P001 appears more than once: it was first used on line 2"
        ),
        Problem(
            4, "person_id", "person_id P001 appears more than once: it was first used on line 2"
        ),
    ]


def test_every_problem_on_a_line_is_reported() -> None:
    assert problems_of(
        person(forename="", date_of_birth="31/02/1950", email="nope", chc="yes")
    ) == [
        Problem(
            2,
            "chc",
            "chc must be blank on a person line (it is only used on service_line "
            "lines); the columns may have shifted",
        ),
        Problem(2, "forename", "forename is required on a person line"),
        Problem(2, "date_of_birth", "31/02/1950 is not a real date: February 1950 has 28 days"),
        Problem(2, "email", "nope does not look like an email address"),
    ]


# --- Service lines ----------------------------------------------------------------------------


SERVICE_LINE_PROBLEMS = [
    ({"line_id": ""}, "line_id", "line_id is required on a service_line line"),
    ({"person_id": ""}, "person_id", "person_id is required on a service_line line"),
    (
        {"person_id": "P404"},
        "person_id",
        "There is no person with person_id P404 in this file or already in carecharge",
    ),
    ({"package_id": ""}, "package_id", "package_id is required on a service_line line"),
    ({"service_code": ""}, "service_code", "service_code is required on a service_line line"),
    ({"service_code": "BATH"}, "service_code", "BATH is not a known service code"),
    (
        {"service_code": "domcare"},
        "service_code",
        "domcare is not a known service code (did you mean DOMCARE?)",
    ),
    ({"provider_code": "PRV999"}, "provider_code", "PRV999 is not a known provider code"),
    ({"units_per_week": ""}, "units_per_week", "units_per_week is required on a service_line line"),
    ({"units_per_week": "ten"}, "units_per_week", "ten is not a number; write it like 10 or 7.5"),
    ({"units_per_week": "1e2"}, "units_per_week", "1e2 is not a number; write it like 10 or 7.5"),
    (
        {"units_per_week": "0"},
        "units_per_week",
        "0 is not allowed: the number of units must be more than 0",
    ),
    (
        {"units_per_week": "-3"},
        "units_per_week",
        "-3 is not allowed: the number of units must be more than 0",
    ),
    (
        {"units_per_week": "1000.01"},
        "units_per_week",
        "1000.01 is more than 1000 units a week, so it cannot be right",
    ),
    ({"units_per_week": "7.125"}, "units_per_week", "7.125 has more than 2 decimal places"),
    ({"unit_cost": ""}, "unit_cost", "unit_cost is required on a service_line line"),
    ({"unit_cost": "-5.00"}, "unit_cost", "'-5.00' is negative"),
    ({"unit_cost": "18.505"}, "unit_cost", "'18.505' has more than two decimal places"),
    ({"unit_cost": "$18"}, "unit_cost", "'$18' is not an amount of money"),
    (
        {"days": "Mon Mondy Fry"},
        "days",
        "Not a day of the week: Mondy, Fry. Use Mon, Tue, Wed, Thu, Fri, Sat or Sun, separated "
        "by spaces or commas",
    ),
    ({"start_date": ""}, "start_date", "start_date is required on a service_line line"),
    (
        {"start_date": "2025-02-29"},
        "start_date",
        "2025-02-29 is not a real date: February 2025 has 28 days",
    ),
    ({"end_date": "06/04/2025"}, "end_date", "end_date 06/04/2025 is before start_date 2025-04-07"),
    (
        {"section_117": "maybe"},
        "section_117",
        "maybe is not yes or no; use yes, no, y, n, true, false, 1 or 0 (or leave it blank for no)",
    ),
    (
        {"chc": "2"},
        "chc",
        "2 is not yes or no; use yes, no, y, n, true, false, 1 or 0 (or leave it blank for no)",
    ),
    (
        {"funded_nursing_care": "ja"},
        "funded_nursing_care",
        "ja is not yes or no; use yes, no, y, n, true, false, 1 or 0 (or leave it blank for no)",
    ),
]


@pytest.mark.parametrize(("changes", "column", "message"), SERVICE_LINE_PROBLEMS)
def test_service_line_problem(changes: dict[str, str], column: str, message: str) -> None:
    assert problems_of(PERSON, service_line(**changes)) == [Problem(3, column, message)]


def test_duplicate_line_id() -> None:
    assert problems_of(PERSON, service_line(), service_line(package_id="PKG2")) == [
        Problem(4, "line_id", "line_id L001 appears more than once: it was first used on line 3")
    ]


def test_service_line_may_refer_to_a_person_later_in_the_file_or_already_known() -> None:
    result = validate(
        csv_bytes(service_line(), service_line(line_id="L2", person_id="P900"), PERSON)
    )
    assert result.ok
    assert [line.person_id for line in result.service_lines] == ["P001", "P900"]


def test_flags_and_days_spellings() -> None:
    rows = [
        service_line(line_id=f"L{n}", section_117=yes, chc=no, funded_nursing_care=yes)
        for n, (yes, no) in enumerate([("yes", "no"), ("Y", "N"), ("TRUE", "false"), ("1", "0")])
    ]
    result = validate(csv_bytes(PERSON, *rows, service_line(line_id="L9", days="sun,SAT mon")))
    assert result.problems == ()
    assert all(line.section_117 and line.funded_nursing_care for line in result.service_lines[:4])
    assert not any(line.chc for line in result.service_lines)
    assert result.service_lines[4].days == ("Mon", "Sat", "Sun")


def test_units_and_costs_are_exact() -> None:
    result = validate(csv_bytes(PERSON, service_line(units_per_week="0.25", unit_cost="£1,234.5")))
    assert result.service_lines[0].units_per_week == Decimal("0.25")
    assert result.service_lines[0].unit_cost_pence == 123450


# --- Suspensions ------------------------------------------------------------------------------


SUSPENSION_PROBLEMS = [
    ({"suspension_id": ""}, "suspension_id", "suspension_id is required on a suspension line"),
    (
        {"person_id": "P404"},
        "person_id",
        "There is no person with person_id P404 in this file or already in carecharge",
    ),
    ({"reason": ""}, "reason", "reason is required on a suspension line"),
    (
        {"reason": "respite"},
        "reason",
        "respite is not a suspension reason; use hospital, holiday or other",
    ),
    ({"start_date": ""}, "start_date", "start_date is required on a suspension line"),
    (
        {"start_date": "2025-04-31"},
        "start_date",
        "2025-04-31 is not a real date: April 2025 has 30 days",
    ),
    ({"end_date": "2025-04-13"}, "end_date", "end_date 2025-04-13 is before start_date 2025-04-14"),
]


@pytest.mark.parametrize(("changes", "column", "message"), SUSPENSION_PROBLEMS)
def test_suspension_problem(changes: dict[str, str], column: str, message: str) -> None:
    assert problems_of(PERSON, suspension(**changes)) == [Problem(3, column, message)]


def test_duplicate_suspension_id() -> None:
    assert problems_of(PERSON, suspension(), suspension(reason="other")) == [
        Problem(
            4,
            "suspension_id",
            "suspension_id S001 appears more than once: it was first used on line 3",
        )
    ]


def test_ids_are_unique_per_record_type_only() -> None:
    # A line, a suspension and a person may share an id string: they are different things.
    result = validate(
        csv_bytes(
            person(person_id="X1"),
            service_line(line_id="X1", person_id="X1"),
            suspension(suspension_id="X1", person_id="X1"),
        )
    )
    assert result.ok


# --- Robustness -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    result = validate(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.ok or (result.people, result.service_lines, result.suspensions) == ((), (), ())


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["person", "service_line", "suspension", "PERSON", ""]),
    st.dictionaries(st.sampled_from(COLUMNS[1:]), st.text(max_size=30)),
)
def test_arbitrary_values_never_raise(record_type: str, values: dict[str, str]) -> None:
    result = validate(csv_bytes({"record_type": record_type, **values}))
    assert result.ok or (result.people, result.service_lines, result.suspensions) == ((), (), ())

"""The optional `collection` column of the care-data file: who collects a line's charge."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date

import pytest

from carecharge.core.importing import CareFile, Problem, validate_care_file
from carecharge.core.importing.care_rows import ALL_COLUMNS, COLUMNS

CATEGORIES = {
    "DOMCARE": "home_care",
    "RES": "residential_permanent",
    "RESPITE": "residential_short_stay",
    "NURS": "nursing",
    "DP": "direct_payment",
}
LINE = {
    "record_type": "service_line",
    "line_id": "L001",
    "person_id": "P900",
    "package_id": "PKG1",
    "service_code": "RES",
    "units_per_week": "1",
    "unit_cost": "900.00",
    "start_date": "2025-04-07",
}


def csv_bytes(*rows: Mapping[str, str], columns: tuple[str, ...] = ALL_COLUMNS) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode("utf-8")


def validate(data: bytes, categories: Mapping[str, str] | None = CATEGORIES) -> CareFile:
    return validate_care_file(
        data,
        business_date=date(2025, 6, 30),
        known_service_codes=frozenset(CATEGORIES),
        known_provider_codes=frozenset(),
        known_person_ids=frozenset({"P900"}),
        service_categories=categories,
    )


def line(**changes: str) -> dict[str, str]:
    return {**LINE, **changes}


@pytest.mark.parametrize(
    ("service", "written", "collection"),
    [
        ("RES", "", "council"),
        ("RES", "council", "council"),
        ("RES", "Provider", "provider"),
        ("RESPITE", "provider", "provider"),
        ("NURS", "PROVIDER", "provider"),
        ("DP", "direct_payment_net", "direct_payment_net"),
        ("DP", "direct_payment_gross", "direct_payment_gross"),
        ("DOMCARE", "council", "council"),
    ],
)
def test_allowed_collections(service: str, written: str, collection: str) -> None:
    result = validate(csv_bytes(line(service_code=service, collection=written)))
    assert result.problems == ()
    assert result.service_lines[0].collection == collection


def test_without_the_column_the_line_keeps_what_carecharge_holds() -> None:
    result = validate(csv_bytes(LINE, columns=COLUMNS))
    assert result.problems == ()
    assert result.service_lines[0].collection is None


@pytest.mark.parametrize(
    ("service", "written", "message"),
    [
        ("DOMCARE", "provider",
         "provider (the care home collects the contribution) is only for residential or nursing "
         "care lines; DOMCARE is a home_care service"),
        ("DP", "provider",
         "provider (the care home collects the contribution) is only for residential or nursing "
         "care lines; DP is a direct_payment service"),
        ("RES", "direct_payment_net",
         "direct_payment_net is only for direct payment lines; RES is a residential_permanent "
         "service"),
        ("DOMCARE", "direct_payment_gross",
         "direct_payment_gross is only for direct payment lines; DOMCARE is a home_care service"),
        ("RES", "cash",
         "cash is not a way of collecting the charge; use council, provider, direct_payment_net "
         "or direct_payment_gross (or leave it blank for council)"),
    ],
)  # fmt: skip
def test_refused_collections_name_the_line_and_column(
    service: str, written: str, message: str
) -> None:
    data = csv_bytes(line(line_id="L000"), line(service_code=service, collection=written))
    assert validate(data).problems == (Problem(3, "collection", message),)


def test_collection_must_be_blank_on_person_and_suspension_lines() -> None:
    person = {
        "record_type": "person", "person_id": "P001", "forename": "Ann", "surname": "Example",
        "date_of_birth": "1940-01-01", "collection": "council",
    }  # fmt: skip
    assert validate(csv_bytes(person)).problems == (
        Problem(
            2,
            "collection",
            "collection must be blank on a person line (it is only used on service_line lines); "
            "the columns may have shifted",
        ),
    )


def test_without_categories_the_kind_of_service_is_not_checked() -> None:
    result = validate(csv_bytes(line(service_code="DOMCARE", collection="provider")), None)
    assert result.problems == ()
    assert result.service_lines[0].collection == "provider"

"""Who collects a service line's charge: the optional `collection` column of the care import,
kept on the line, shown on the package page, and spelt as the charging contract spells it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.models import (
    CARE_HOME_CATEGORIES,
    ChargingMethod,
    Collection,
    ImportStatus,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.care.operations import import_care_file
from carecharge.core.charging import types
from carecharge.core.importing.care_rows import (
    ALL_COLUMNS,
    COLUMNS,
    DIRECT_PAYMENT_CATEGORIES,
)
from carecharge.core.importing.care_rows import (
    CARE_HOME_CATEGORIES as CORE_CARE_HOME_CATEGORIES,
)

BUSINESS_DATE = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def catalogue(db: None) -> None:
    for code, category in [
        ("HOMECARE", ServiceCategory.HOME_CARE),
        ("RES", ServiceCategory.RESIDENTIAL_PERMANENT),
        ("DP", ServiceCategory.DIRECT_PAYMENT),
    ]:
        Service.objects.create(
            code=code, name=code.title(), category=category,
            charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.WEEK, cost_centre="ASC1",
            subjective_code="5",
        )  # fmt: skip


def care_file(*lines: dict[str, str], columns: tuple[str, ...] = ALL_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerow(
        {"record_type": "person", "person_id": "P001", "forename": "Ann", "surname": "Example",
         "date_of_birth": "1940-01-01"}
    )  # fmt: skip
    for values in lines:
        writer.writerow({column: value for column, value in values.items() if column in columns})
    return out.getvalue().encode("utf-8")


def line(line_id: str, service: str, collection: str = "") -> dict[str, str]:
    return {
        "record_type": "service_line", "person_id": "P001", "package_id": "PKG1",
        "line_id": line_id, "service_code": service, "units_per_week": "1",
        "unit_cost": "700.00", "start_date": "2025-04-07", "collection": collection,
    }  # fmt: skip


def run(data: bytes) -> Any:
    return import_care_file(data=data, filename="care.csv", actor=None, business_date=BUSINESS_DATE)


def collections() -> dict[str, str]:
    return dict(ServiceLine.objects.values_list("case_system_id", "collection"))


def test_the_values_are_the_charging_contracts() -> None:
    assert Collection.values == [c.value for c in types.Collection]
    assert CARE_HOME_CATEGORIES == CORE_CARE_HOME_CATEGORIES
    assert {ServiceCategory.DIRECT_PAYMENT.value} == DIRECT_PAYMENT_CATEGORIES


def test_the_import_sets_collection_and_blank_means_council(catalogue: None) -> None:
    batch = run(
        care_file(
            line("L1", "RES", "provider"),
            line("L2", "DP", "direct_payment_net"),
            line("L3", "HOMECARE", ""),
            line("L4", "DP", "Direct_Payment_Gross"),
        )
    )
    assert batch.status == ImportStatus.APPLIED, batch.problems
    assert collections() == {
        "L1": "provider",
        "L2": "direct_payment_net",
        "L3": "council",
        "L4": "direct_payment_gross",
    }
    created = AuditEvent.objects.get(
        object_type="care.serviceline",
        object_id=str(ServiceLine.objects.get(case_system_id="L1").pk),
    )
    assert created.changes["collection"] == [None, "provider"]


def test_a_change_is_applied_and_audited_and_a_file_without_the_column_keeps_it(
    catalogue: None,
) -> None:
    run(care_file(line("L1", "RES", "provider")))
    changed = run(care_file(line("L1", "RES", "council")))
    assert changed.counts["lines_updated"] == 1
    event = AuditEvent.objects.filter(action="import.update").get()
    assert event.changes == {"collection": ["provider", "council"]}

    # Not the first file's bytes again (that would be recognised as already imported).
    assert run(care_file(line("L1", "RES", "Provider"))).status == ImportStatus.APPLIED
    old_format = run(care_file(line("L1", "RES"), columns=COLUMNS))
    assert old_format.status == ImportStatus.APPLIED
    assert old_format.counts["lines_unchanged"] == 1
    assert collections() == {"L1": "provider"}


def test_a_collection_that_does_not_fit_the_service_is_refused_with_its_line(
    catalogue: None,
) -> None:
    batch = run(care_file(line("L1", "RES", "provider"), line("L2", "HOMECARE", "provider")))
    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": 4,
            "column": "collection",
            "message": "provider (the care home collects the contribution) is only for "
            "residential or nursing care lines; HOMECARE is a home_care service",
        }
    ]
    assert not ServiceLine.objects.exists()


def test_the_package_page_shows_who_collects(
    catalogue: None, client_for: Callable[[str], Client]
) -> None:
    run(care_file(line("L1", "RES", "provider"), line("L2", "DP", "direct_payment_net")))
    package = ServiceLine.objects.get(case_system_id="L1").package
    page = client_for(Role.AUDITOR).get(f"/care/packages/{package.pk}/").content.decode()
    assert "Charge collected" in page
    assert 'data-collection="provider">The care home collects it (net payment)</td>' in page
    assert 'data-collection="direct_payment_net">Deducted from the direct payment (net)' in page

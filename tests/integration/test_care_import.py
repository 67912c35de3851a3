"""Importing the case management system's care file: applied whole, rejected whole, or recognised.

The fixture files are described in docs/import-format.md. The good file has two people (P001,
P002), a service line for each of P001 and P900 (P900 is already in carecharge) and two
suspensions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.utils import dateformat, timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.audit.operations import record_create
from carecharge.apps.care import operations
from carecharge.apps.care.importing import applying
from carecharge.apps.care.models import (
    CarePackage,
    ImportBatch,
    ImportStatus,
    Provider,
    Service,
    ServiceLine,
    Suspension,
)
from carecharge.apps.care.operations import import_care_file, import_summary
from carecharge.apps.people.models import Address, AddressRole, ServiceUser
from carecharge.core.identifiers import make_account_reference
from carecharge.core.importing.care_rows import COLUMNS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
GOOD = (FIXTURES / "care_good.csv").read_bytes()
TEN_PROBLEMS = (FIXTURES / "care_ten_problems.csv").read_bytes()
BUSINESS_DATE = date(2025, 6, 30)
SAVE_AS = 'Open it in Excel and save it again choosing "CSV UTF-8 (Comma delimited)"'

TEN_PROBLEMS_EXPECTED = [
    {
        "line": 3,
        "column": "date_of_birth",
        "message": "31/02/1950 is not a real date: February 1950 has 28 days",
    },
    {
        "line": 4,
        "column": "person_id",
        "message": "person_id P001 appears more than once: it was first used on line 2",
    },
    {
        "line": 5,
        "column": "nhs_number",
        "message": "This is not a valid NHS number: its check digit is wrong, so it may have "
        "been mistyped",
    },
    {
        "line": 6,
        "column": "ni_number",
        "message": "This is not a National Insurance number: it should be two letters, six "
        "digits and a final letter A, B, C or D, like AB 12 34 56 C",
    },
    {"line": 7, "column": "postcode", "message": "NOT A PC is not a valid UK postcode"},
    {
        "line": 8,
        "column": "chc",
        "message": "chc must be blank on a person line (it is only used on service_line "
        "lines); the columns may have shifted",
    },
    {"line": 9, "column": "unit_cost", "message": "'-5.00' is negative"},
    {"line": 10, "column": "service_code", "message": "XYZ is not a known service code"},
    {
        "line": 11,
        "column": "person_id",
        "message": "There is no person with person_id P999 in this file or already in carecharge",
    },
    {
        "line": 12,
        "column": "end_date",
        "message": "end_date 2025-05-01 is before start_date 2025-05-10",
    },
]


# --- Fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def catalogue(db: None) -> dict[str, models.Model]:
    """The services and provider the fixture files name."""
    return {
        "DOMCARE": Service.objects.create(
            code="DOMCARE", name="Home care", category="home_care",
            charging_method="means_tested", unit="hour", cost_centre="ASC100",
            subjective_code="5100",
        ),
        "DAYCARE": Service.objects.create(
            code="DAYCARE", name="Day care", category="day_care", charging_method="flat_rate",
            unit="session", cost_centre="ASC200", subjective_code="5200",
        ),
        "PRV001": Provider.objects.create(code="PRV001", name="Caring Hands Ltd"),
    }  # fmt: skip


@pytest.fixture
def known_person(catalogue: dict[str, models.Model]) -> ServiceUser:
    """P900 is already in carecharge; the good file gives them a service line."""
    return ServiceUser.objects.create(
        account_reference=make_account_reference(1),
        case_system_id="P900",
        forename="Edith",
        surname="Known",
        date_of_birth=date(1930, 1, 2),
    )


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user("officer.one", Role.CHARGING_OFFICER)


def run_import(data: bytes, filename: str = "care.csv", actor: User | None = None) -> ImportBatch:
    return import_care_file(data=data, filename=filename, actor=actor, business_date=BUSINESS_DATE)


def table_counts() -> dict[str, int]:
    return {
        "people": ServiceUser.objects.count(),
        "addresses": Address.objects.count(),
        "packages": CarePackage.objects.count(),
        "lines": ServiceLine.objects.count(),
        "suspensions": Suspension.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def counts(**given: int) -> dict[str, int]:
    """A batch's counts: the ones given, and 0 for the rest."""
    return {key: given.get(key, 0) for key in operations.COUNT_KEYS}


def replaced(data: bytes, *pairs: tuple[str, str]) -> bytes:
    text = data.decode("utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def csv_file(*rows: dict[str, str], columns: tuple[str, ...] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def person_row(person_id: str, **values: str) -> dict[str, str]:
    return {
        "record_type": "person", "person_id": person_id, "forename": "Ann",
        "surname": "Example", "date_of_birth": "1940-01-01", **values,
    }  # fmt: skip


def line_row(line_id: str, person_id: str, package_id: str, **values: str) -> dict[str, str]:
    return {
        "record_type": "service_line", "line_id": line_id, "person_id": person_id,
        "package_id": package_id, "service_code": "DOMCARE", "units_per_week": "7",
        "unit_cost": "20.00", "start_date": "2025-04-07", **values,
    }  # fmt: skip


def events_since(last_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=last_id).order_by("id"))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- A good file ------------------------------------------------------------------------------


def test_a_good_file_creates_exactly_the_records_in_it(
    known_person: ServiceUser, officer: User, media: Path
) -> None:
    batch = run_import(GOOD, "care_good.csv", officer)

    assert batch.status == ImportStatus.APPLIED
    assert batch.problems == []
    assert batch.filename == "care_good.csv"
    assert batch.sha256 == hashlib.sha256(GOOD).hexdigest()
    assert batch.size_bytes == len(GOOD)
    assert batch.received_by == officer
    assert batch.business_date == BUSINESS_DATE
    assert batch.counts == counts(
        people_created=2, packages_created=2, lines_created=2, suspensions_created=2
    )
    assert table_counts() == {
        "people": 3, "addresses": 1, "packages": 2, "lines": 2, "suspensions": 2, "audit": 9,
    }  # fmt: skip
    assert import_summary(batch) == (
        "Imported care_good.csv: 2 people added, 2 care packages added, 2 service lines added, "
        "2 suspensions added."
    )

    margaret = ServiceUser.objects.get(case_system_id="P001")
    # P900 holds sequence 1; new people follow in file order.
    assert margaret.account_reference == make_account_reference(2) == "00000026"
    assert (margaret.title, margaret.forename, margaret.surname) == ("Mrs", "Margaret", "O'Brien")
    assert margaret.date_of_birth == date(1938, 3, 12)
    assert margaret.nhs_number == "9434765919"
    assert margaret.ni_number == "AB123456C"
    assert margaret.phone == "0113 496 0000"
    assert margaret.email == "margaret@example.org"
    assert margaret.date_of_death is None
    home = Address.objects.get(person=margaret)
    assert (home.role, home.line_1, home.line_2, home.town, home.postcode) == (
        AddressRole.HOME,
        "12 Station Road",
        "Flat 2",
        "Leeds",
        "LS1 4AP",
    )

    john = ServiceUser.objects.get(case_system_id="P002")
    assert john.account_reference == make_account_reference(3)
    assert (john.title, john.forename, john.surname) == ("", "John", "Smith, Jr")
    assert john.date_of_birth == date(1945, 11, 30)
    assert john.date_of_death == date(2025, 5, 2)
    assert (john.nhs_number, john.ni_number, john.phone, john.email) == ("", "", "", "")
    assert not john.addresses.exists()

    pkg1 = CarePackage.objects.get(case_system_id="PKG1")
    assert pkg1.person == margaret
    assert (pkg1.section_117, pkg1.chc, pkg1.funded_nursing_care) == (False, False, False)
    pkg9 = CarePackage.objects.get(case_system_id="PKG9")
    assert pkg9.person == known_person
    assert (pkg9.section_117, pkg9.chc, pkg9.funded_nursing_care) == (True, False, False)

    l001 = ServiceLine.objects.get(case_system_id="L001")
    assert l001.package == pkg1
    assert l001.service.code == "DOMCARE"
    assert l001.provider is not None and l001.provider.code == "PRV001"
    assert l001.units_per_week == Decimal("10.50")
    assert l001.unit_cost_pence == 1850
    assert l001.days == "Mon Wed Fri"
    assert (l001.start_date, l001.end_date) == (date(2025, 4, 7), None)
    l002 = ServiceLine.objects.get(case_system_id="L002")
    assert l002.package == pkg9
    assert l002.service.code == "DAYCARE"
    assert l002.provider is None
    assert (l002.units_per_week, l002.unit_cost_pence, l002.days) == (Decimal("2.00"), 4500, "")
    assert (l002.start_date, l002.end_date) == (date(2025, 4, 1), date(2025, 9, 30))

    s001 = Suspension.objects.get(case_system_id="S001")
    assert (s001.person, s001.reason) == (margaret, "hospital")
    assert (s001.start_date, s001.end_date) == (date(2025, 4, 14), date(2025, 4, 21))
    s002 = Suspension.objects.get(case_system_id="S002")
    assert (s002.person, s002.reason) == (john, "holiday")
    assert (s002.start_date, s002.end_date) == (date(2025, 5, 1), None)


def test_every_record_created_is_audited_as_an_import(
    known_person: ServiceUser, officer: User
) -> None:
    batch = run_import(GOOD, "care_good.csv", officer)

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "people.serviceuser"),
        ("create", "people.address"),
        ("create", "people.serviceuser"),
        ("create", "care.carepackage"),
        ("create", "care.carepackage"),
        ("create", "care.serviceline"),
        ("create", "care.serviceline"),
        ("create", "care.suspension"),
        ("create", "care.suspension"),
    ]
    assert {e.source for e in events} == {"import"}
    assert {e.reason for e in events} == {f"Care data import {batch.pk}"}
    assert {e.actor_id for e in events} == {officer.pk}
    assert {e.actor_name for e in events} == {"officer.one"}
    line = ServiceLine.objects.get(case_system_id="L001")
    line_event = next(e for e in events if e.object_id == str(line.pk) and "line" in e.object_type)
    assert line_event.changes["unit_cost_pence"] == [None, 1850]
    assert line_event.changes["units_per_week"] == [None, "10.50"]
    assert line_event.changes["start_date"] == [None, "2025-04-07"]


# --- The same records again -------------------------------------------------------------------


def test_the_same_file_twice_is_recognised_and_changes_nothing(
    known_person: ServiceUser, officer: User
) -> None:
    first = run_import(GOOD, "care_good.csv", officer)
    before = table_counts()

    second = run_import(GOOD, "care_good (1).csv", officer)

    assert second.status == ImportStatus.DUPLICATE
    assert second.duplicate_of == first
    assert second.pk != first.pk
    assert second.stored_path == first.stored_path
    assert (second.counts, second.problems) == ({}, [])
    assert table_counts() == before
    assert ImportBatch.objects.filter(status=ImportStatus.APPLIED).count() == 1
    received = timezone.localdate(first.received_at)
    assert import_summary(second) == (
        f"care_good (1).csv was already imported on {received.day} {received:%B %Y} "
        f"(import {first.pk}): nothing was changed."
    )


def test_a_different_file_with_the_same_records_changes_nothing(
    known_person: ServiceUser,
) -> None:
    run_import(GOOD)
    before = table_counts()
    # Windows line endings, other date spellings and the lines in another order: different
    # bytes (so not a duplicate), same records.
    lines = GOOD.decode("utf-8").splitlines()
    reordered = [lines[0], *reversed(lines[1:])]
    same_records = replaced(
        "\r\n".join(reordered).encode("utf-8"), ("12/03/1938", "1938-03-12"), ("£18.50", "18.5")
    )

    batch = run_import(same_records, "care_again.csv")

    assert batch.status == ImportStatus.APPLIED
    assert batch.sha256 != hashlib.sha256(GOOD).hexdigest()
    assert batch.counts == counts(
        people_unchanged=2, packages_unchanged=2, lines_unchanged=2, suspensions_unchanged=2
    )
    assert table_counts() == before
    assert import_summary(batch) == (
        "Imported care_again.csv: everything in it was already up to date, so nothing was changed."
    )


# --- Changes ----------------------------------------------------------------------------------


def test_a_changed_file_updates_the_changed_person_and_line_with_before_and_after(
    known_person: ServiceUser, officer: User
) -> None:
    run_import(GOOD, actor=officer)
    margaret = ServiceUser.objects.get(case_system_id="P001")
    line = ServiceLine.objects.get(case_system_id="L001")
    since = last_event_id()
    changed = replaced(
        GOOD,
        ("O'Brien,", "O'Brien-Hart,"),
        ("margaret@example.org,", "margaret@example.org,2025-06-01"),
        ("£18.50", "£19.25"),
    )

    batch = run_import(changed, "care_changed.csv", officer)

    assert batch.status == ImportStatus.APPLIED
    assert batch.counts == counts(
        people_updated=1, people_unchanged=1, packages_unchanged=2, lines_updated=1,
        lines_unchanged=1, suspensions_unchanged=2,
    )  # fmt: skip
    margaret.refresh_from_db()
    assert margaret.surname == "O'Brien-Hart"
    # Bereavement processing comes later; the import only records the date.
    assert margaret.date_of_death == date(2025, 6, 1)
    line.refresh_from_db()
    assert line.unit_cost_pence == 1925
    assert ServiceLine.objects.get(case_system_id="L002").unit_cost_pence == 4500

    events = events_since(since)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("import.update", "people.serviceuser", str(margaret.pk)),
        ("import.update", "care.serviceline", str(line.pk)),
    ]
    assert events[0].changes == {
        "surname": ["O'Brien", "O'Brien-Hart"],
        "date_of_death": [None, "2025-06-01"],
    }
    assert events[1].changes == {"unit_cost_pence": [1850, 1925]}
    assert {(e.source, e.reason, e.actor_id) for e in events} == {
        ("import", f"Care data import {batch.pk}", officer.pk)
    }
    assert import_summary(batch) == (
        "Imported care_changed.csv: 1 person changed, 1 service line changed."
    )


def test_blank_person_details_are_kept_and_the_home_address_is_updated_in_place(
    catalogue: dict[str, models.Model],
) -> None:
    run_import(csv_file(person_row(
        "P001", title="Mrs", phone="0113 496 0000", email="ann@example.org",
        address_line_1="1 Old Road", town="Leeds", postcode="LS1 4AP",
    )))  # fmt: skip
    person = ServiceUser.objects.get(case_system_id="P001")
    home = Address.objects.get(person=person, role=AddressRole.HOME)
    since = last_event_id()

    batch = run_import(
        csv_file(person_row("P001", address_line_1="2 New Road", postcode="ls2 7ab"))
    )

    assert batch.counts == counts(people_updated=1)
    person.refresh_from_db()
    assert (person.title, person.phone, person.email) == ("Mrs", "0113 496 0000", "ann@example.org")
    moved = Address.objects.get(person=person, role=AddressRole.HOME)
    assert moved.pk == home.pk
    assert (moved.line_1, moved.line_2, moved.town, moved.postcode) == (
        "2 New Road",
        "",
        "",
        "LS2 7AB",
    )
    [event] = events_since(since)
    assert (event.action, event.object_type, event.object_id) == (
        "import.update",
        "people.address",
        str(home.pk),
    )
    assert event.changes == {
        "line_1": ["1 Old Road", "2 New Road"],
        "town": ["Leeds", ""],
        "postcode": ["LS1 4AP", "LS2 7AB"],
    }


def test_a_service_line_can_be_closed_and_reopened_by_the_file(
    catalogue: dict[str, models.Model],
) -> None:
    person = person_row("P001")
    run_import(csv_file(person, line_row("L1", "P001", "PK1", end_date="2025-05-31")))
    batch = run_import(csv_file(person, line_row("L1", "P001", "PK1", provider_code="PRV001")))

    assert batch.counts == counts(people_unchanged=1, packages_unchanged=1, lines_updated=1)
    line = ServiceLine.objects.get(case_system_id="L1")
    assert line.end_date is None
    assert line.provider == catalogue["PRV001"]


# --- Rejected files ---------------------------------------------------------------------------


def test_the_ten_problem_file_is_rejected_whole_with_every_problem(
    known_person: ServiceUser, media: Path
) -> None:
    run_import(GOOD)
    before = table_counts()

    batch = run_import(TEN_PROBLEMS, "care_ten_problems.csv")

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == TEN_PROBLEMS_EXPECTED
    assert batch.counts == {}
    assert table_counts() == before
    assert (media / batch.stored_path).read_bytes() == TEN_PROBLEMS
    assert import_summary(batch) == (
        "care_ten_problems.csv was not imported: 10 problems were found and nothing was changed."
    )


def test_a_file_not_saved_as_utf8_is_rejected(known_person: ServiceUser) -> None:
    # Excel's plain "CSV (Comma delimited)" writes £ as the single Windows-1252 byte 0xA3.
    windows_1252 = GOOD.decode("utf-8").encode("cp1252")
    before = table_counts()

    batch = run_import(windows_1252)

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": None,
            "column": None,
            "message": "The file is not saved as UTF-8 text: line 4 contains a character that "
            f"cannot be read (byte 0xA3). {SAVE_AS}",
        }
    ]
    assert table_counts() == before


def test_a_file_missing_columns_is_rejected(known_person: ServiceUser) -> None:
    columns = tuple(c for c in COLUMNS if c not in {"nhs_number", "chc", "reason"})
    before = table_counts()

    batch = run_import(csv_file(person_row("P001"), columns=columns))

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": None,
            "column": None,
            "message": "The header is missing these columns: nhs_number, chc, reason",
        }
    ]
    assert table_counts() == before
    assert import_summary(batch) == (
        "care.csv was not imported: 1 problem was found and nothing was changed."
    )


def test_lines_of_one_package_must_agree_on_person_and_funding(
    catalogue: dict[str, models.Model],
) -> None:
    data = csv_file(
        person_row("P001"),
        person_row("P002"),
        line_row("L1", "P001", "PK1", section_117="yes"),
        line_row("L2", "P002", "PK1", section_117="no"),
    )

    batch = run_import(data)

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": 5,
            "column": "package_id",
            "message": "package_id PK1 is for person_id P001 on line 4; every line of a "
            "package must be for the same person",
        },
        {
            "line": 5,
            "column": "section_117",
            "message": "section_117 is no here but yes on line 4 for the same package_id PK1; "
            "a package's funding must be the same on all its lines",
        },
    ]
    assert table_counts() == {
        "people": 0, "addresses": 0, "packages": 0, "lines": 0, "suspensions": 0, "audit": 0,
    }  # fmt: skip


def test_records_cannot_move_to_another_person(known_person: ServiceUser) -> None:
    run_import(GOOD)
    before = table_counts()
    data = csv_file(
        line_row("L9", "P002", "PKG1"),
        line_row("L001", "P002", "PKG2"),
        {"record_type": "suspension", "suspension_id": "S001", "person_id": "P900",
         "reason": "other", "start_date": "2025-06-01"},
    )  # fmt: skip

    batch = run_import(data)

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": 2,
            "column": "package_id",
            "message": "package_id PKG1 already belongs to person_id P001 in carecharge; a "
            "care package cannot move to another person",
        },
        {
            "line": 3,
            "column": "line_id",
            "message": "line_id L001 already belongs to person_id P001 in carecharge; a "
            "service line cannot move to another person",
        },
        {
            "line": 4,
            "column": "suspension_id",
            "message": "suspension_id S001 already belongs to person_id P001 in carecharge; a "
            "suspension cannot move to another person",
        },
    ]
    assert table_counts() == before


def test_text_longer_than_carecharge_holds_is_rejected(
    catalogue: dict[str, models.Model],
) -> None:
    batch = run_import(
        csv_file(
            person_row(
                "P001", title="T" * 25, address_line_1="1 Road", town="X" * 61, postcode="LS1 4AP"
            )
        )
    )

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": 2,
            "column": "title",
            "message": "title is 25 characters long; the most carecharge can hold is 20",
        },
        {
            "line": 2,
            "column": "town",
            "message": "town is 61 characters long; the most carecharge can hold is 60",
        },
    ]
    assert ServiceUser.objects.count() == 0


def test_a_failure_part_way_through_applying_leaves_nothing_changed(
    known_person: ServiceUser, monkeypatch: pytest.MonkeyPatch, media: Path
) -> None:
    before = table_counts()

    def fail_on_suspensions(**kwargs: Any) -> AuditEvent:
        # By the first suspension, people, packages and lines have all been written.
        if isinstance(kwargs["instance"], Suspension):
            raise RuntimeError("disk on fire")
        return record_create(**kwargs)

    monkeypatch.setattr(applying, "record_create", fail_on_suspensions)

    batch = run_import(GOOD)

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {"line": None, "column": None, "message": operations.UNEXPECTED_FAILURE}
    ]
    assert table_counts() == before
    assert not ImportBatch.objects.filter(status=ImportStatus.APPLIED).exists()
    assert (media / batch.stored_path).read_bytes() == GOOD

    # Once the fault is fixed the same file goes in: the failed attempt does not count.
    monkeypatch.setattr(applying, "record_create", record_create)
    retried = run_import(GOOD)
    assert retried.status == ImportStatus.APPLIED
    assert ServiceUser.objects.count() == 3


# --- Account references -----------------------------------------------------------------------


def test_a_reference_taken_by_someone_else_is_skipped(
    known_person: ServiceUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another import took sequence 2 after ours read the highest reference (a race we force).
    ServiceUser.objects.create(
        account_reference=make_account_reference(2), forename="Other", surname="Import",
        date_of_birth=date(1950, 1, 1),
    )  # fmt: skip
    real_highest = applying._highest_account_sequence
    reads: list[int] = []

    def stale_then_real() -> int:
        reads.append(1)
        return 1 if len(reads) == 1 else real_highest()

    monkeypatch.setattr(applying, "_highest_account_sequence", stale_then_real)

    batch = run_import(GOOD)

    assert batch.status == ImportStatus.APPLIED
    assert len(reads) == 2
    assert ServiceUser.objects.get(case_system_id="P001").account_reference == (
        make_account_reference(3)
    )
    assert ServiceUser.objects.get(case_system_id="P002").account_reference == (
        make_account_reference(4)
    )


@pytest.fixture
def committed_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access where each connection really commits, for races between connections.

    Afterwards the rows the test wrote are removed. The audit trail refuses deletes, so its
    guard is lifted inside the clean-up transaction only: if anything fails, it rolls back too.
    """
    with django_db_blocker.unblock():
        yield
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            AuditEvent.objects.all().delete()
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            for model in (Suspension, ServiceLine, CarePackage, Address, ServiceUser, ImportBatch):
                model.objects.all().delete()


def test_concurrent_imports_never_share_an_account_reference(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time, so there is no race")
    request.getfixturevalue("committed_db")
    real_highest = applying._highest_account_sequence
    both_have_read = threading.Barrier(2, timeout=10)
    reads: list[str] = []
    first_read = threading.local()

    def read_then_wait() -> int:
        # Both imports read the same highest reference before either inserts: the race.
        value = real_highest()
        reads.append(threading.current_thread().name)
        if not getattr(first_read, "done", False):
            first_read.done = True
            both_have_read.wait()
        return value

    monkeypatch.setattr(applying, "_highest_account_sequence", read_then_wait)
    results: dict[str, ImportBatch] = {}

    def run(person_id: str) -> None:
        try:
            results[person_id] = run_import(csv_file(person_row(person_id)), f"{person_id}.csv")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pid,), name=pid) for pid in ("PA", "PB")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert {batch.status for batch in results.values()} == {ImportStatus.APPLIED}
    assert sorted(ServiceUser.objects.values_list("account_reference", flat=True)) == [
        make_account_reference(1),
        make_account_reference(2),
    ]
    # The loser of the race found its reference taken, read the highest again and moved on.
    assert len(reads) == 3


def test_legacy_references_in_another_form_do_not_break_the_sequence(
    catalogue: dict[str, models.Model],
) -> None:
    ServiceUser.objects.create(
        account_reference="A1234567", forename="Legacy", surname="Person",
        date_of_birth=date(1950, 1, 1),
    )  # fmt: skip

    run_import(csv_file(person_row("P001")))

    assert ServiceUser.objects.get(case_system_id="P001").account_reference == "00000018"


# --- The original file ------------------------------------------------------------------------


def stored_files(media: Path) -> Iterator[Path]:
    return (path for path in media.rglob("*") if path.is_file())


def test_the_original_file_is_kept_under_its_hash(known_person: ServiceUser, media: Path) -> None:
    batch = run_import(GOOD, "../../../etc/passwd")

    sha = hashlib.sha256(GOOD).hexdigest()
    received = timezone.localdate(batch.received_at)
    assert batch.stored_path == f"imports/{received:%Y}/{received:%m}/{sha}.csv"
    kept = media / batch.stored_path
    assert kept.read_bytes() == GOOD
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == batch.sha256 == sha
    # The uploaded name is only shown, never used as a path; no temporary files are left.
    assert batch.filename == "passwd"
    assert list(stored_files(media)) == [kept]


def test_a_rejected_file_is_kept_too(catalogue: dict[str, models.Model], media: Path) -> None:
    batch = run_import(TEN_PROBLEMS, r"C:\Users\officer\Desktop\care.csv")

    assert batch.filename == "care.csv"
    kept = media / batch.stored_path
    assert kept.read_bytes() == TEN_PROBLEMS
    assert kept.name == f"{hashlib.sha256(TEN_PROBLEMS).hexdigest()}.csv"


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("care.csv", "care.csv"),
        ("/home/officer/exports/care 2025.csv", "care 2025.csv"),
        ("..", "unnamed file"),
        ("", "unnamed file"),
        ("evil\r\nname.csv", "evilname.csv"),
        ("a" * 300, "a" * 200),
    ],
)
def test_only_a_sanitised_name_is_kept(
    catalogue: dict[str, models.Model], uploaded: str, shown: str
) -> None:
    assert run_import(TEN_PROBLEMS, uploaded).filename == shown


# --- The command ------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_a_good_file_and_prints_the_summary(
    known_person: ServiceUser, tmp_path: Path
) -> None:
    out = io.StringIO()

    call_command(
        "import", "care", write(tmp_path, "care_good.csv", GOOD), "--business-date",
        "2025-06-30", stdout=out,
    )  # fmt: skip

    assert out.getvalue() == (
        "Imported care_good.csv: 2 people added, 2 care packages added, 2 service lines added, "
        "2 suspensions added.\n"
    )
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.business_date, batch.received_by) == (
        ImportStatus.APPLIED,
        BUSINESS_DATE,
        None,
    )
    # With nobody signed in, the audit trail names the channel.
    assert set(AuditEvent.objects.values_list("actor_name", "source")) == {("command", "import")}


def test_command_prints_every_problem_and_exits_1_when_rejected(
    known_person: ServiceUser, tmp_path: Path
) -> None:
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "import", "care", write(tmp_path, "bad.csv", TEN_PROBLEMS),
            "--business-date=2025-06-30", stdout=out,
        )  # fmt: skip

    batch = ImportBatch.objects.get()
    assert raised.value.returncode == 1
    assert str(raised.value) == (
        f"Import {batch.pk} was rejected; correct the problems listed and import the file again."
    )
    assert out.getvalue().splitlines() == [
        "bad.csv was not imported: 10 problems were found and nothing was changed.",
        "line 3, date_of_birth: 31/02/1950 is not a real date: February 1950 has 28 days",
        "line 4, person_id: person_id P001 appears more than once: it was first used on line 2",
        "line 5, nhs_number: This is not a valid NHS number: its check digit is wrong, so it may "
        "have been mistyped",
        "line 6, ni_number: This is not a National Insurance number: it should be two letters, "
        "six digits and a final letter A, B, C or D, like AB 12 34 56 C",
        "line 7, postcode: NOT A PC is not a valid UK postcode",
        "line 8, chc: chc must be blank on a person line (it is only used on service_line "
        "lines); the columns may have shifted",
        "line 9, unit_cost: '-5.00' is negative",
        "line 10, service_code: XYZ is not a known service code",
        "line 11, person_id: There is no person with person_id P999 in this file or already in "
        "carecharge",
        "line 12, end_date: end_date 2025-05-01 is before start_date 2025-05-10",
    ]


def test_command_names_whole_file_problems_as_such(
    catalogue: dict[str, models.Model], tmp_path: Path
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "care", write(tmp_path, "empty.csv", b""), stdout=out)
    assert out.getvalue().splitlines()[1:] == ["whole file: The file is empty"]


def test_command_reports_an_already_imported_file_and_exits_0(
    known_person: ServiceUser, tmp_path: Path
) -> None:
    path = write(tmp_path, "care_good.csv", GOOD)
    call_command("import", "care", path, "--business-date=2025-06-30", stdout=io.StringIO())
    first = ImportBatch.objects.get()
    out = io.StringIO()

    call_command("import", "care", path, "--business-date=2025-06-30", stdout=out)

    when = dateformat.format(timezone.localtime(first.received_at), "j F Y")
    assert out.getvalue() == (
        f"care_good.csv was already imported on {when} (import {first.pk}): nothing was changed.\n"
    )
    assert ImportBatch.objects.filter(status=ImportStatus.DUPLICATE).count() == 1


def test_command_exits_2_on_a_file_it_cannot_read(db: None, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(CommandError) as raised:
        call_command("import", "care", str(missing))
    assert raised.value.returncode == 2
    assert str(raised.value) == f"Cannot read {missing}: No such file or directory"

    with pytest.raises(CommandError) as raised:
        call_command("import", "care", str(tmp_path))
    assert raised.value.returncode == 2
    assert str(raised.value) == f"Cannot read {tmp_path}: Is a directory"
    assert not ImportBatch.objects.exists()


def test_command_refuses_a_business_date_it_cannot_read(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command(
            "import", "care", write(tmp_path, "c.csv", GOOD), "--business-date", "30/06/2025"
        )
    assert str(raised.value) == (
        "Error: argument --business-date: 30/06/2025 is not a date; write it as YYYY-MM-DD, "
        "like 2025-06-30"
    )
    assert not ImportBatch.objects.exists()


def test_command_exit_status_from_the_command_line(
    known_person: ServiceUser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from carecharge.cli import main

    # Django closes connections when a command-line command ends; that would end the test's
    # transaction, so it is stubbed out here.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    # Django is already set up; setting it up again would point logging at this test's
    # captured stderr, which is closed once the test ends.
    monkeypatch.setattr("django.setup", lambda *args, **kwargs: None)
    good = write(tmp_path, "good.csv", GOOD)
    bad = write(tmp_path, "bad.csv", TEN_PROBLEMS)

    # System checks (the whole project's URLs and settings) are tested elsewhere; here only the
    # command's own exit status matters.
    command = ["carecharge", "import", "--skip-checks", "care"]
    main([*command, good, "--business-date", "2025-06-30"])  # returns: exit status 0
    with pytest.raises(SystemExit) as rejected:
        main([*command, bad, "--business-date", "2025-06-30"])
    with pytest.raises(SystemExit) as unreadable:
        main([*command, str(tmp_path / "missing.csv")])

    assert (rejected.value.code, unreadable.value.code) == (1, 2)
    err = capsys.readouterr().err
    assert f"CommandError: Cannot read {tmp_path / 'missing.csv'}: No such file or directory" in err
    assert "Traceback" not in err


def test_command_help_starts_with_its_one_line_summary() -> None:
    from carecharge.cli import _our_commands

    summary = (
        "Import a file: care (people, service lines and suspensions from the case management "
        "system) or actuals (a provider's units delivered per service line and week)."
    )
    command = load_command_class("carecharge.apps.care", "import")
    assert command.help.splitlines()[0] == summary
    assert ("import", summary) in _our_commands()

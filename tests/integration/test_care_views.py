"""The care screens: the service catalogue, and importing care data through the upload page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    FreeReason,
    ImportBatch,
    Provider,
    Service,
    ServiceCategory,
    ServiceLine,
    Suspension,
    Unit,
)
from carecharge.apps.people.models import ServiceUser
from carecharge.core.importing.care_rows import ALL_COLUMNS, COLUMNS

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
HEADER = ",".join(COLUMNS)


@pytest.fixture(autouse=True)
def files_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Imports keep the original file; keep them out of the checkout."""
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def catalogue() -> None:
    common = {"cost_centre": "ASC4210", "subjective_code": "52210"}
    Service.objects.create(
        code="DOMCARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, **common,
    )  # fmt: skip
    Service.objects.create(
        code="MEALS", name="Meals at home", category=ServiceCategory.MEALS,
        charging_method=ChargingMethod.FLAT_RATE, unit=Unit.MEAL, flat_rate_rule="meals",
        cost_centre="ASC4610", subjective_code="52610",
    )  # fmt: skip
    Service.objects.create(
        code="REABLEMENT", name="Reablement", category=ServiceCategory.REABLEMENT,
        charging_method=ChargingMethod.FREE, free_reason=FreeReason.REABLEMENT, unit=Unit.HOUR,
        cost_centre="ASC4010", subjective_code="52010",
    )  # fmt: skip
    Provider.objects.create(
        code="PRV001", name="Northfield Home Support Ltd", line_1="Unit 4, Station Road",
        town="Northfield", postcode="NR1 3JE", cqc_location_id="1-101",
    )  # fmt: skip


def csv_file(*rows: str, name: str = "care.csv") -> SimpleUploadedFile:
    body = "\r\n".join([HEADER, *rows]) + "\r\n"
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/csv")


def blank_row(**values: str) -> str:
    return ",".join(f'"{values[c]}"' if c in values else "" for c in COLUMNS)


GOOD_ROWS = (
    blank_row(
        record_type="person", person_id="P001", title="Mrs", forename="Margaret",
        surname="O'Brien", date_of_birth="12/03/1938", nhs_number="943 476 5919",
        address_line_1="12 Station Road", postcode="ls1 4ap",
    ),
    blank_row(
        record_type="service_line", person_id="P001", package_id="PKG1", line_id="L001",
        service_code="DOMCARE", provider_code="PRV001", units_per_week="10.5",
        unit_cost="£18.50", days="Mon, Wed, Fri", start_date="07/04/2025", section_117="yes",
    ),
    blank_row(
        record_type="suspension", person_id="P001", suspension_id="S001", reason="hospital",
        start_date="14/04/2025", end_date="21/04/2025",
    ),
)  # fmt: skip


def upload(client: Client, file: SimpleUploadedFile | None, **extra: str) -> Any:
    data: dict[str, Any] = {"business_date": timezone.localdate().strftime("%d/%m/%Y"), **extra}
    if file is not None:
        data["file"] = file
    return client.post("/care/import/", data, follow=True)


# --- Services and providers -----------------------------------------------------------------


def test_services_page_lists_the_catalogue_and_providers(
    officer_client: Client, catalogue: None
) -> None:
    response = officer_client.get("/care/services/")
    assert response.status_code == 200
    rows = {s["code"]: s for s in response.context["services"]}
    assert rows["DOMCARE"]["how_charged"] == "Means-tested"
    assert rows["MEALS"]["how_charged"] == "Flat rate per meal (rule meals)"
    assert rows["REABLEMENT"]["how_charged"] == "Free: Reablement (first 6 weeks)"
    page = response.content.decode()
    for text in ["Home care", "Meals", "ASC4610", "52610", "Hour", "Northfield Home Support Ltd"]:
        assert text in page
    assert "Unit 4, Station Road, Northfield, NR1 3JE" in page
    assert "1-101" in page


# --- Import page ----------------------------------------------------------------------------


def test_import_page_offers_the_form_template_and_recent_imports(officer_client: Client) -> None:
    response = officer_client.get("/care/import/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "govuk-file-upload" in page
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in page
    assert 'href="/care/import/template.csv"' in page
    assert "No care data files have been imported yet" in page


def test_no_file_shows_the_error_summary(officer_client: Client) -> None:
    response = upload(officer_client, None)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_file">Choose a CSV file to import</a>' in page
    assert not ImportBatch.objects.exists()


def test_files_over_20_mb_are_refused(officer_client: Client) -> None:
    big = SimpleUploadedFile("big.csv", b"x" * (20 * 1024 * 1024 + 1), content_type="text/csv")
    response = upload(officer_client, big)
    assert response.status_code == 400
    assert "The selected file must be smaller than 20 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_future_business_date_is_refused(officer_client: Client) -> None:
    response = upload(officer_client, csv_file(*GOOD_ROWS), business_date="01/01/2999")
    assert response.status_code == 400
    assert "The business date must be today or in the past" in response.content.decode()


def test_a_bad_file_lists_every_problem_and_changes_nothing(
    officer_client: Client, catalogue: None
) -> None:
    data = (FIXTURES / "care_ten_problems.csv").read_bytes()
    response = upload(officer_client, SimpleUploadedFile("ten.csv", data, "text/csv"))
    batch = ImportBatch.objects.get()
    assert response.redirect_chain == [(f"/care/import/{batch.pk}/", 302)]
    assert batch.status == "rejected"
    page = response.content.decode()
    assert "ten.csv was not imported: 10 problems were found and nothing was changed." in page
    assert "10 problems in ten.csv" in page
    summary = page[page.index("govuk-error-summary") : page.index('id="problems"')]
    assert (
        '<a href="#problem-1">Line 3, date of birth: 31/02/1950 is not a real date: '
        "February 1950 has 28 days</a>" in summary
    )
    assert "Line 7, postcode: NOT A PC is not a valid UK postcode" in summary
    assert "Line 10, service code: XYZ is not a known service code" in summary
    assert "Line 12, end date: end_date 2025-05-01 is before start_date 2025-05-10" in summary
    rows = response.context["batch"]["problems"]
    assert [(p["line"], p["column"]) for p in rows][:3] == [
        (3, "date_of_birth"), (4, "person_id"), (5, "nhs_number"),
    ]  # fmt: skip
    assert 'id="problem-10"' in page
    assert not ServiceUser.objects.exists()
    assert not ServiceLine.objects.exists()


def test_a_whole_file_problem_is_shown_without_a_line(officer_client: Client) -> None:
    bad = SimpleUploadedFile("notes.csv", b"name,notes\r\nA,B\r\n", "text/csv")
    page = upload(officer_client, bad).content.decode()
    assert "Whole file: The header is missing these columns:" in page


def test_a_good_file_is_applied_and_summarised(officer_client: Client, catalogue: None) -> None:
    response = upload(officer_client, csv_file(*GOOD_ROWS, name="april.csv"))
    batch = ImportBatch.objects.get()
    assert batch.status == "applied"
    assert response.redirect_chain == [(f"/care/import/{batch.pk}/", 302)]
    page = response.content.decode()
    assert (
        "Imported april.csv: 1 person added, 1 care package added, 1 service line added, "
        "1 suspension added." in page
    )
    assert "File imported" in page
    assert "There is a problem" not in page
    person = ServiceUser.objects.get(case_system_id="P001")
    line = ServiceLine.objects.get(case_system_id="L001")
    assert (line.unit_cost_pence, line.package.section_117) == (1850, True)
    assert Suspension.objects.filter(person=person).count() == 1
    care = officer_client.get(f"/people/{person.pk}/care/").content.decode()
    assert "£18.50" in care and "£194.25" in care and "Section 117 aftercare" in care

    again = upload(officer_client, csv_file(*GOOD_ROWS, name="april-again.csv"))
    assert "april-again.csv was already imported" in again.content.decode()
    assert CarePackage.objects.count() == 1

    listing = officer_client.get("/care/import/").content.decode()
    assert "april.csv" in listing and "april-again.csv" in listing
    assert "Already loaded" in listing and "Loaded" in listing
    assert "Test.Charging_Officer" in listing


def test_the_template_has_the_header_and_an_example_of_each_record_type(
    officer_client: Client, catalogue: None
) -> None:
    response = officer_client.get("/care/import/template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    # The optional collection column is in the template, after the columns every file has.
    assert rows[0] == list(ALL_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["person", "service_line", "suspension"]
    # The template is itself a valid file for a council with the example codes.
    result = upload(officer_client, SimpleUploadedFile("template.csv", body, "text/csv"))
    assert ImportBatch.objects.get().status == "applied", result.content.decode()


def test_auditors_cannot_use_the_import_pages(
    client_for: Callable[[str], Client], catalogue: None
) -> None:
    auditor = client_for(Role.AUDITOR)
    assert auditor.get("/care/import/").status_code == 403
    assert auditor.get("/care/import/template.csv").status_code == 403
    assert upload(auditor, csv_file(*GOOD_ROWS)).status_code == 403
    assert not ImportBatch.objects.exists()
    assert auditor.get("/care/services/").status_code == 200


def test_care_pages_need_a_casework_role(client_for: Callable[[str], Client]) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    for url in ["/care/services/", "/care/import/", "/care/import/template.csv"]:
        assert admin.get(url).status_code == 403

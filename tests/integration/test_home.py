"""The home page shows the work waiting, and only work the officer's roles can open."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    ImportBatch,
    ImportStatus,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.people.models import ServiceUser

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_work() -> None:
    today = timezone.localdate()
    ServiceUser.objects.create(
        account_reference="00000018",
        forename="Ada",
        surname="Lovelace",
        date_of_birth=date(1940, 12, 10),
        date_of_death=today - timedelta(days=3),
    )
    # Care started a month ago; never assessed: on a provisional charge.
    waiting = ServiceUser.objects.create(
        account_reference="00000026", forename="Mary", surname="Seacole",
        date_of_birth=date(1945, 11, 23),
    )  # fmt: skip
    service = Service.objects.create(
        code="HC", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC100",
        subjective_code="9001",
    )  # fmt: skip
    package = CarePackage.objects.create(person=waiting, case_system_id="PK1")
    ServiceLine.objects.create(
        package=package, case_system_id="SL1", service=service, units_per_week=Decimal(7),
        unit_cost_pence=2200, start_date=today - timedelta(days=30),
    )  # fmt: skip
    for n in range(2):
        ImportBatch.objects.create(
            filename=f"care{n}.csv",
            sha256=f"{n}" * 64,
            stored_path="x",
            size_bytes=1,
            received_at=timezone.now(),
            business_date=today,
            status=ImportStatus.REJECTED,
        )


def rows(content: str) -> list[str]:
    import re

    return re.findall(
        r'<a class="govuk-link" href="[^"]*">([^<]+)</a></td>\s*<td[^>]*>(\d+)<', content
    )


def test_a_charging_officer_sees_every_work_queue_with_its_count(client_for, waiting_work) -> None:
    content = client_for(Role.CHARGING_OFFICER).get("/").content.decode()
    assert rows(content) == [
        ("Care data files rejected in the last 30 days", "2"),
        ("Deaths recorded in the last 30 days (final accounts to check)", "1"),
        ("Suspensions open today (hospital, holiday or other)", "0"),
        ("Service lines ending in the next 7 days", "0"),
        ("People receiving care with no completed assessment (provisional charge)", "1"),
        ("Billing runs: waiting for approval or posting", "0"),
    ]


def test_the_provisional_queue_lists_the_people_on_it(client_for, waiting_work) -> None:
    page = client_for(Role.ASSESSMENT_OFFICER).get("/people/?assessment=none")
    assert [person.surname for person in page.context["page"].object_list] == ["Seacole"]


def test_an_auditor_is_not_offered_the_import_page_it_cannot_open(client_for, waiting_work) -> None:
    content = client_for(Role.AUDITOR).get("/").content.decode()
    labels = [label for label, _ in rows(content)]
    assert "Care data files rejected in the last 30 days" not in labels
    assert "Deaths recorded in the last 30 days (final accounts to check)" in labels


def test_an_administrator_gets_no_casework_queues(client_for, waiting_work) -> None:
    content = client_for(Role.ADMINISTRATOR).get("/").content.decode()
    assert rows(content) == []
    assert "You are signed in as an administrator" in content

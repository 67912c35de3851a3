"""The service user screens: search, the person's tabs, restricted records and editing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments.models import CapitalItem, CapitalType, IncomeItem, IncomeType
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    Provider,
    Service,
    ServiceCategory,
    ServiceLine,
    Suspension,
    SuspensionReason,
    Unit,
)
from carecharge.apps.people.models import (
    Address,
    AddressRole,
    Representative,
    RepresentativeKind,
    ServiceUser,
    ThirdPartyPayer,
)
from carecharge.core.identifiers import make_account_reference

pytestmark = pytest.mark.django_db
_sequence = itertools.count(1)


def make_person(
    forename: str, surname: str, born: date = date(1940, 1, 2), **extra: Any
) -> ServiceUser:
    return ServiceUser.objects.create(
        account_reference=make_account_reference(next(_sequence)),
        forename=forename,
        surname=surname,
        date_of_birth=born,
        **extra,
    )


def add_home(person: ServiceUser, postcode: str, line_1: str = "1 High Street") -> Address:
    return Address.objects.create(
        person=person, role=AddressRole.HOME, line_1=line_1, town="Northfield", postcode=postcode
    )


def names_in(response: Any) -> list[str]:
    return [row["name"] for row in response.context["rows"] if not row["hidden"]]


@pytest.fixture
def people() -> dict[str, ServiceUser]:
    margaret = make_person(
        "Margaret", "O'Brien", date(1938, 3, 12), title="Mrs", nhs_number="9434765919",
        ni_number="AB123456C",
    )  # fmt: skip
    add_home(margaret, "LS1 4AP", "12 Station Road")
    john = make_person("John", "Smith", date(1945, 11, 30))
    add_home(john, "NR2 4PT")
    joan = make_person("Joan", "Smithers", date(1950, 6, 1))
    alan = make_person("Alan", "Johnson", date(1941, 6, 5))
    return {"margaret": margaret, "john": john, "joan": joan, "alan": alan}


# --- Search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("smi", ["John Smith", "Joan Smithers"]),
        ("SMITH", ["John Smith", "Joan Smithers"]),
        ("john smith", ["John Smith"]),
        ("Smith John", ["John Smith"]),
        ("jo", ["Alan Johnson", "John Smith", "Joan Smithers"]),
        ("o'brien", ["Mrs Margaret O'Brien"]),
        ("943 476 5919", ["Mrs Margaret O'Brien"]),
        ("9434765919", ["Mrs Margaret O'Brien"]),
        ("ls1 4ap", ["Mrs Margaret O'Brien"]),
        ("LS14AP", ["Mrs Margaret O'Brien"]),
        ("12/03/1938", ["Mrs Margaret O'Brien"]),
        ("1938-03-12", ["Mrs Margaret O'Brien"]),
        ("smith 30/11/1945", ["John Smith"]),
        ("nobody", []),
    ],
)
def test_search_finds_people_by_each_key(
    officer_client: Client, people: dict[str, ServiceUser], query: str, expected: list[str]
) -> None:
    response = officer_client.get("/people/", {"q": query})
    assert response.status_code == 200
    assert names_in(response) == expected


def test_search_by_account_reference(
    officer_client: Client, people: dict[str, ServiceUser]
) -> None:
    joan = people["joan"]
    response = officer_client.get("/people/", {"q": joan.account_reference})
    assert names_in(response) == ["Joan Smithers"]
    assert f'href="/people/{joan.pk}/"' in response.content.decode()


def test_results_show_formatted_identifiers_and_deceased(
    officer_client: Client, people: dict[str, ServiceUser]
) -> None:
    john = people["john"]
    john.date_of_death = date(2025, 5, 2)
    john.save()
    page = officer_client.get("/people/", {"q": "o'brien"}).content.decode()
    assert "943 476 5919" in page
    assert "LS1 4AP" in page
    assert "12/03/1938" in page
    page = officer_client.get("/people/", {"q": "john smith"}).content.decode()
    assert "Deceased" in page
    assert "NR2 4PT" in page


def test_empty_search_lists_nobody(officer_client: Client, people: dict[str, ServiceUser]) -> None:
    response = officer_client.get("/people/")
    assert response.status_code == 200
    assert response.context["page"] is None


def test_results_are_paginated_by_25(officer_client: Client) -> None:
    for n in range(30):
        make_person(f"Person{n:02d}", "Parker")
    first = officer_client.get("/people/", {"q": "parker"})
    assert len(first.context["rows"]) == 25
    assert "30 people found, showing 1 to 25" in first.content.decode()
    second = officer_client.get("/people/", {"q": "parker", "page": 2})
    assert names_in(second) == [f"Person{n:02d} Parker" for n in range(25, 30)]


def test_search_queries_do_not_grow_with_rows(officer_client: Client) -> None:
    def queries_for(text: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = officer_client.get("/people/", {"q": text})
        assert response.status_code == 200
        return len(captured)

    add_home(make_person("Few", "Fewer"), "NR1 3JE")
    officer_client.get("/people/")  # warm the session
    few = queries_for("fewer")
    for n in range(40):
        add_home(make_person(f"P{n}", "Quinn"), "NR1 3JE")
    assert queries_for("quinn") == few


def test_home_page_filters(officer_client: Client, people: dict[str, ServiceUser]) -> None:
    today = timezone.localdate()
    died = make_person("Dora", "Dead", date_of_death=today - timedelta(days=3))
    make_person("Olive", "Older", date_of_death=today - timedelta(days=60))
    Suspension.objects.create(
        person=people["alan"], reason=SuspensionReason.HOSPITAL, start_date=today - timedelta(1)
    )
    Suspension.objects.create(
        person=people["joan"], reason=SuspensionReason.HOLIDAY,
        start_date=today - timedelta(20), end_date=today - timedelta(10),
    )  # fmt: skip
    service = make_service()
    package = CarePackage.objects.create(person=people["john"], case_system_id="PKG1")
    ServiceLine.objects.create(
        package=package, case_system_id="L1", service=service, units_per_week=Decimal(5),
        unit_cost_pence=1000, start_date=today - timedelta(100), end_date=today + timedelta(5),
    )  # fmt: skip
    assert names_in(officer_client.get("/people/", {"deceased": "recent"})) == [died.full_name]
    assert names_in(officer_client.get("/people/", {"suspended": "today"})) == ["Alan Johnson"]
    assert names_in(officer_client.get("/people/", {"ending": "week"})) == ["John Smith"]
    page = officer_client.get("/people/", {"ending": "week"}).content.decode()
    assert "a service line ends in the next 7 days" in page


# --- Restricted records ---------------------------------------------------------------------


@pytest.fixture
def restricted() -> ServiceUser:
    return make_person("Rachel", "Private", nhs_number="9434765919", restricted=True)


def test_restricted_records_are_hidden_in_search(
    client_for: Callable[[str], Client], restricted: ServiceUser
) -> None:
    officer = client_for(Role.CHARGING_OFFICER).get("/people/", {"q": "private"})
    assert [r["hidden"] for r in officer.context["rows"]] == [True]
    page = officer.content.decode()
    assert "Restricted record" in page
    assert "Rachel" not in page and restricted.account_reference not in page
    senior = client_for(Role.SENIOR_OFFICER).get("/people/", {"q": "private"})
    assert names_in(senior) == ["Rachel Private"]


def test_officer_cannot_open_a_restricted_record(
    officer_client: Client, restricted: ServiceUser
) -> None:
    for tab in ["", "care/", "assessments/", "account/", "history/", "edit/"]:
        response = officer_client.get(f"/people/{restricted.pk}/{tab}")
        assert response.status_code == 403
        page = response.content.decode()
        assert "This is a restricted record" in page
        assert "Only senior officers and auditors can open them" in page
        assert "Rachel" not in page
    refused = AuditEvent.objects.filter(action="restricted.refused", object_id=str(restricted.pk))
    assert refused.count() == 6


@pytest.mark.parametrize("role", [Role.SENIOR_OFFICER, Role.AUDITOR])
def test_senior_officers_and_auditors_open_restricted_records_and_are_recorded(
    client_for: Callable[[str], Client], restricted: ServiceUser, role: str
) -> None:
    client = client_for(role)
    response = client.get(f"/people/{restricted.pk}/")
    assert response.status_code == 200
    assert "Rachel Private" in response.content.decode()
    client.get(f"/people/{restricted.pk}/care/")
    viewed = AuditEvent.objects.filter(action="restricted.viewed", object_id=str(restricted.pk))
    assert viewed.count() == 2
    assert {e.actor_name for e in viewed} == {f"test.{role}"}


# --- The person's tabs ----------------------------------------------------------------------


def make_service(code: str = "HOMECARE", **extra: Any) -> Service:
    values = {
        "name": "Home care", "category": ServiceCategory.HOME_CARE,
        "charging_method": ChargingMethod.MEANS_TESTED, "unit": Unit.HOUR,
        "cost_centre": "ASC4210", "subjective_code": "52210",
    }  # fmt: skip
    values.update(extra)
    return Service.objects.create(code=code, **values)


def test_details_tab(officer_client: Client, people: dict[str, ServiceUser]) -> None:
    margaret = people["margaret"]
    margaret.partner = people["alan"]
    margaret.save()
    Representative.objects.create(
        person=margaret, kind=RepresentativeKind.LPA, name="Susan O'Brien",
        receives_invoices=True, receives_letters=False, start_date=date(2024, 1, 1),
    )  # fmt: skip
    response = officer_client.get(f"/people/{margaret.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "XX XX XX 56 C" in page
    assert "AB123456C" not in page and "AB 12 34 56 C" not in page
    assert "12 Station Road" in page and "LS1 4AP" in page
    assert "Susan O&#x27;Brien" in page
    assert "Lasting power of attorney" in page
    assert f'href="/people/{people["alan"].pk}/"' in page  # the partner
    # The identity bar and every tab.
    assert margaret.account_reference in page
    assert "943 476 5919" in page
    assert "12 March 1938" in page
    for label in ["Details", "Care", "Assessments", "Account", "Letters", "History"]:
        assert f">{label}</a>" in page
    assert f'aria-current="page" href="/people/{margaret.pk}/"' in page


def test_identity_bar_shows_deceased_and_age_at_death(officer_client: Client) -> None:
    person = make_person("Edna", "Gone", date(1930, 6, 15), date_of_death=date(2025, 5, 2))
    page = officer_client.get(f"/people/{person.pk}/account/").content.decode()
    assert "Deceased 2 May 2025" in page
    assert "aged 94 at death" in page


def test_care_tab_shows_lines_costs_flags_and_suspensions(
    officer_client: Client, people: dict[str, ServiceUser]
) -> None:
    today = timezone.localdate()
    john = people["john"]
    provider = Provider.objects.create(code="HC01", name="Northfield Home Support Ltd")
    package = CarePackage.objects.create(person=john, case_system_id="PKG1", section_117=True)
    ServiceLine.objects.create(
        package=package, case_system_id="L001", service=make_service(), provider=provider,
        units_per_week=Decimal("10.5"), unit_cost_pence=1850, days="Mon Wed Fri",
        start_date=today - timedelta(days=30),
    )  # fmt: skip
    ServiceLine.objects.create(
        package=package, case_system_id="L002", service=make_service("MEALS", name="Meals"),
        units_per_week=Decimal(7), unit_cost_pence=450, start_date=date(2024, 1, 1),
        end_date=date(2024, 3, 31),
    )  # fmt: skip
    Suspension.objects.create(
        person=john, reason=SuspensionReason.HOSPITAL, start_date=date(2025, 4, 14),
        end_date=date(2025, 4, 21),
    )  # fmt: skip
    page = officer_client.get(f"/people/{john.pk}/care/").content.decode()
    assert "£18.50" in page
    assert "£194.25" in page  # 10.5 hours at £18.50
    assert "10.5 hours" in page
    assert "Northfield Home Support Ltd" in page
    assert "Mon Wed Fri" in page
    assert "Section 117 aftercare" in page
    assert "Ended" in page and "31/03/2024" in page
    assert 'Weekly cost of the current lines: <strong class="carecharge-money">£194.25' in page
    assert "Hospital stay" in page and "14/04/2025" in page and "21/04/2025" in page
    package_page = officer_client.get(f"/care/packages/{package.pk}/").content.decode()
    assert "Care package PKG1" in package_page and "£194.25" in package_page
    assert "John Smith" in package_page


def test_restricted_package_page_is_refused(
    officer_client: Client, restricted: ServiceUser
) -> None:
    package = CarePackage.objects.create(person=restricted, case_system_id="PKG9")
    assert officer_client.get(f"/care/packages/{package.pk}/").status_code == 403


def test_assessments_tab(officer_client: Client, people: dict[str, ServiceUser]) -> None:
    alan = people["alan"]
    page = officer_client.get(f"/people/{alan.pk}/assessments/").content.decode()
    assert "No financial assessment has been completed yet" in page
    assert "No income has been recorded" in page
    IncomeItem.objects.create(
        person=alan, type=IncomeType.STATE_PENSION, weekly_pence=16990, start_date=date(2025, 4, 7)
    )
    CapitalItem.objects.create(
        person=alan, type=CapitalType.SAVINGS, amount_pence=1_234_567, valued_on=date(2025, 4, 1)
    )
    page = officer_client.get(f"/people/{alan.pk}/assessments/").content.decode()
    assert "State Pension (basic)" in page and "£169.90" in page
    assert "Savings" in page and "£12,345.67" in page


def test_account_tab(officer_client: Client, people: dict[str, ServiceUser]) -> None:
    john = people["john"]
    page = officer_client.get(f"/people/{john.pk}/account/").content.decode()
    assert john.account_reference in page
    assert "No invoices have been raised yet" in page
    assert "John Smith at their home address" in page
    Representative.objects.create(
        person=john, kind=RepresentativeKind.DEPUTY, name="Northfield Deputyship Team",
        line_1="Town Hall", postcode="NR1 1AA", receives_invoices=True, start_date=date(2024, 1, 1),
    )  # fmt: skip
    ThirdPartyPayer.objects.create(
        person=john, name="Peter Smith", relationship="Son", line_1="3 Elm Way",
        postcode="NR3 2BB", start_date=date(2025, 1, 1),
    )  # fmt: skip
    page = officer_client.get(f"/people/{john.pk}/account/").content.decode()
    assert "Northfield Deputyship Team (Court of Protection deputy)" in page
    assert "Peter Smith" in page and "Son" in page


# --- Editing --------------------------------------------------------------------------------


def details_form(person: ServiceUser, **changes: str) -> dict[str, str]:
    data = {
        "title": person.title, "forename": person.forename, "middle_names": person.middle_names,
        "surname": person.surname, "phone": person.phone, "email": person.email,
        "preferred_contact": person.preferred_contact,
        "preferred_format": person.preferred_format,
        "preferred_language": person.preferred_language, "reason": "Letter from daughter",
    }  # fmt: skip
    data.update(changes)
    return data


def test_edit_form_errors_name_the_field_and_change_nothing(
    officer_client: Client, people: dict[str, ServiceUser]
) -> None:
    john = people["john"]
    before = AuditEvent.objects.count()
    response = officer_client.post(
        f"/people/{john.pk}/edit/",
        details_form(john, surname="", email="not-an-email", reason=""),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_surname">Enter the last name</a>' in page
    assert '<a href="#id_reason">Enter the reason for the change</a>' in page
    assert "Enter an email address in the correct format" in page
    assert "govuk-input--error" in page
    john.refresh_from_db()
    assert john.surname == "Smith" and john.email == ""
    assert AuditEvent.objects.count() == before


def test_valid_edit_writes_one_audit_event_with_before_and_after(
    officer_client: Client, people: dict[str, ServiceUser]
) -> None:
    john = people["john"]
    response = officer_client.post(
        f"/people/{john.pk}/edit/",
        details_form(john, surname="Smyth", phone="01632 960 001", preferred_format="large_print"),
        follow=True,
    )
    assert response.redirect_chain == [(f"/people/{john.pk}/", 302)]
    assert "Details saved" in response.content.decode()
    john.refresh_from_db()
    assert (john.surname, john.phone, john.preferred_format) == (
        "Smyth", "01632 960 001", "large_print",
    )  # fmt: skip
    events = AuditEvent.objects.filter(object_type="people.serviceuser", object_id=str(john.pk))
    assert events.count() == 1
    event = events.get()
    assert event.action == "update"
    assert event.reason == "Letter from daughter"
    assert event.actor_name == "test.charging_officer"
    assert event.changes == {
        "surname": ["Smith", "Smyth"],
        "phone": ["", "01632 960 001"],
        "preferred_format": ["standard", "large_print"],
    }
    history = officer_client.get(f"/people/{john.pk}/history/").content.decode()
    assert "Letter from daughter" in history and "Smyth" in history


def test_saving_without_changes_says_nothing_was_changed(
    officer_client: Client, people: dict[str, ServiceUser]
) -> None:
    john = people["john"]
    response = officer_client.post(f"/people/{john.pk}/edit/", details_form(john), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="people.serviceuser").exists()


def test_auditors_cannot_edit(
    client_for: Callable[[str], Client], people: dict[str, ServiceUser]
) -> None:
    john = people["john"]
    auditor = client_for(Role.AUDITOR)
    assert auditor.get(f"/people/{john.pk}/").status_code == 200
    assert auditor.get(f"/people/{john.pk}/edit/").status_code == 403
    response = auditor.post(f"/people/{john.pk}/edit/", details_form(john, surname="X"))
    assert response.status_code == 403
    john.refresh_from_db()
    assert john.surname == "Smith"


def test_add_and_change_an_address(officer_client: Client, people: dict[str, ServiceUser]) -> None:
    alan = people["alan"]
    url = f"/people/{alan.pk}/address/billing/"
    bad = officer_client.post(url, {"line_1": "", "postcode": "NOT A PC", "reason": "Moved"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Enter the first line of the address" in page
    assert "Enter a real postcode, like LS1 4AP" in page
    assert not Address.objects.filter(person=alan).exists()

    officer_client.post(url, {"line_1": "4 Mill Lane", "postcode": "nr14 8ab", "reason": "Moved"})
    address = Address.objects.get(person=alan, role="billing")
    assert address.postcode == "NR14 8AB"
    created = AuditEvent.objects.get(object_type="people.address", action="create")
    assert created.reason == "Moved"

    officer_client.post(
        url, {"line_1": "5 Mill Lane", "postcode": "NR14 8AB", "reason": "Wrong number"}
    )
    address.refresh_from_db()
    assert address.line_1 == "5 Mill Lane"
    changed = AuditEvent.objects.get(object_type="people.address", action="update")
    assert changed.changes == {"line_1": ["4 Mill Lane", "5 Mill Lane"]}
    assert officer_client.get(f"/people/{alan.pk}/address/nowhere/").status_code == 404
    history = officer_client.get(f"/people/{alan.pk}/history/").content.decode()
    assert "Wrong number" in history and "5 Mill Lane" in history and "NR14 8AB" in history


def test_a_restricted_partner_is_not_named(
    officer_client: Client, people: dict[str, ServiceUser], restricted: ServiceUser
) -> None:
    john = people["john"]
    john.partner = restricted
    john.save()
    page = officer_client.get(f"/people/{john.pk}/").content.decode()
    assert "Restricted record" in page
    assert "Rachel" not in page and f"/people/{restricted.pk}/" not in page


def test_pages_need_a_casework_role(
    client_for: Callable[[str], Client], people: dict[str, ServiceUser]
) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    assert admin.get("/people/").status_code == 403
    assert admin.get(f"/people/{people['john'].pk}/").status_code == 403
    assert Client().get("/people/").status_code == 302

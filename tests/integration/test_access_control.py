"""Every URL pattern, every role: anonymous users are sent to sign in, and each role gets exactly
what the table below says. A new URL fails this test until someone decides who may use it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from carecharge.apps.accounts.roles import (
    ALL_ROLES,
    ASSESSMENT_ROLES,
    CASEWORK_EDIT_ROLES,
    CASEWORK_ROLES,
    Role,
    is_public,
    view_roles,
)
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    ImportBatch,
    ImportStatus,
    Provider,
    Service,
    ServiceCategory,
    Unit,
)
from carecharge.apps.people.models import ServiceUser

PUBLIC = "public"
READ = CASEWORK_ROLES
EDIT = CASEWORK_EDIT_ROLES

EXPECTED: dict[str, frozenset[str] | str] = {
    "web:home": ALL_ROLES,
    "web:health": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "estimate:start": PUBLIC,
    "estimate:questions": PUBLIC,
    "estimate:result": PUBLIC,
    "accounts:change_password": ALL_ROLES,
    "audit:history": CASEWORK_ROLES | {Role.ADMINISTRATOR},
    "people:search": READ,
    "people:detail": READ,
    "people:care": READ,
    "people:assessments": READ,
    "people:account": READ,
    "people:history": READ,
    "people:edit": EDIT,
    "people:address": EDIT,
    "care:services": READ,
    "care:package": READ,
    "care:import": EDIT,
    "care:import_result": EDIT,
    "care:import_template": EDIT,
    "assessments:start": ASSESSMENT_ROLES,
    "assessments:edit": ASSESSMENT_ROLES,
    "assessments:detail": READ,
    "assessments:compare": READ,
    "assessments:add_note": ASSESSMENT_ROLES,
    "assessments:upload_evidence": ASSESSMENT_ROLES,
    "assessments:evidence": READ,
    "assessments:deprivation_new": ASSESSMENT_ROLES,
    "assessments:deprivation_withdraw": ASSESSMENT_ROLES,
    "documents:create_outcome_letter": ASSESSMENT_ROLES,
    "documents:download": READ,
    "documents:person_letters": READ,
    "uprating:runs": ASSESSMENT_ROLES | {Role.AUDITOR},
    "uprating:start": ASSESSMENT_ROLES,
    "uprating:run": ASSESSMENT_ROLES | {Role.AUDITOR},
    "uprating:preview": ASSESSMENT_ROLES,
    "uprating:approve": frozenset({Role.SENIOR_OFFICER}),
    "uprating:post": ASSESSMENT_ROLES,
    "uprating:excel": ASSESSMENT_ROLES | {Role.AUDITOR},
    "uprating:item": ASSESSMENT_ROLES | {Role.AUDITOR},
    "uprating:resolve": ASSESSMENT_ROLES,
}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += walk(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            found.append((f"{namespace}{entry.name}", entry))
    return found


ALL_PATTERNS = walk(get_resolver())


@pytest.fixture
def records(db: None) -> dict[str, Any]:
    person = ServiceUser.objects.create(
        account_reference="00000018",
        forename="Ada",
        surname="Lovelace",
        date_of_birth=date(1940, 12, 10),
    )
    service = Service.objects.create(
        code="HC",
        name="Home care",
        category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED,
        unit=Unit.HOUR,
        cost_centre="ASC100",
        subjective_code="9001",
    )
    provider = Provider.objects.create(code="P1", name="Kind Care Ltd")
    package = CarePackage.objects.create(person=person, case_system_id="PK1")
    batch = ImportBatch.objects.create(
        filename="care.csv",
        sha256="0" * 64,
        stored_path="x",
        size_bytes=1,
        received_at="2026-11-23T09:00:00Z",
        business_date=date(2026, 11, 23),
        status=ImportStatus.REJECTED,
        problems=[],
    )
    return {
        "person": person,
        "service": service,
        "provider": provider,
        "package": package,
        "batch": batch,
    }


ASSESSMENT_RECORD_VIEWS = {"assessments:evidence", "assessments:deprivation_withdraw"}


def assessment_record(name: str, records: dict[str, Any]) -> Any:
    """An evidence document or a deprivation decision, made when first needed."""
    from carecharge.apps.assessments.models import (
        Assessment,
        DeprivationDecision,
        EvidenceDocument,
    )

    if name not in records:
        person = records["person"]
        if name == "assessments:evidence":
            assessment = records.get("assessment") or Assessment.objects.create(
                person=person, version=1, setting="non_residential",
                effective_from=date(2026, 11, 23), created_at="2026-11-23T09:00:00Z",
            )  # fmt: skip
            records["assessment"] = assessment
            records[name] = EvidenceDocument.objects.create(
                person=person, assessment=assessment, description="Bank statement",
                file_name="statement.pdf", content_type="application/pdf", size_bytes=9,
                sha256="0" * 64, content=b"%PDF-1.7\n", uploaded_at="2026-11-23T09:00:00Z",
            )  # fmt: skip
        else:
            records[name] = DeprivationDecision.objects.create(
                person=person, asset="Gift to a relative", amount_pence=1_000_000,
                disposed_on=date(2026, 1, 5), decided_on=date(2026, 6, 1),
                reason="Gift made after care was known to be needed",
                created_at="2026-11-23T09:00:00Z",
            )  # fmt: skip
    return records[name]


def document_record(records: dict[str, Any]) -> Any:
    """An issued letter (a stand-in PDF stored with its true hash), made when first needed."""
    import hashlib

    from carecharge.apps.documents.models import Document

    if "document" not in records:
        pdf = b"%PDF-1.7\n%%EOF\n"
        records["document"] = Document.objects.create(
            kind="assessment_outcome", person=records["person"], recipient_name="Ada Lovelace",
            recipient_address="1 High Street", issued_on=date(2026, 11, 23), snapshot={},
            template="documents/letters/assessment_outcome.html", template_hash="0" * 64,
            renderer="test", pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
            size_bytes=len(pdf), created_at="2026-11-23T09:00:00Z",
        )  # fmt: skip
    return records["document"]


def uprating_record(name: str, records: dict[str, Any]) -> Any:
    """An uprating run with one item (for the item pages), made when first needed."""
    from carecharge.apps.assessments.models import Assessment
    from carecharge.apps.uprating.models import UpratingItem, UpratingRun

    if "uprating_item" not in records:
        old = Assessment.objects.create(
            person=records["person"], version=99, setting="non_residential",
            effective_from=date(2026, 4, 6), created_at="2026-11-23T09:00:00Z",
        )  # fmt: skip
        run = UpratingRun.objects.create(from_date=date(2027, 4, 12), created_at=old.created_at)
        records["uprating_item"] = UpratingItem.objects.create(
            run=run, person=records["person"], old_assessment=old, old_weekly_charge_pence=0
        )
    item = records["uprating_item"]
    return item if name in {"uprating:item", "uprating:resolve"} else item.run


def url_for(name: str, pattern: URLPattern, records: dict[str, Any]) -> str:
    from django.urls import reverse

    values: dict[str, Any] = {}
    for key in pattern.pattern.regex.groupindex:
        if name in ASSESSMENT_RECORD_VIEWS and key == "pk":
            values[key] = assessment_record(name, records).pk
        elif name.startswith("assessments:") and key in {"pk", "other_pk"}:
            if "assessment" not in records:  # a draft, made when first needed
                from carecharge.apps.assessments.models import Assessment

                records["assessment"] = Assessment.objects.create(
                    person=records["person"], version=1, setting="non_residential",
                    effective_from=date(2026, 11, 23), created_at="2026-11-23T09:00:00Z",
                )  # fmt: skip
            values[key] = records["assessment"].pk
        elif name.startswith("uprating:") and key == "pk":
            values[key] = uprating_record(name, records).pk
        elif key == "person_pk":
            values[key] = records["person"].pk
        elif name == "documents:download":
            values[key] = document_record(records).pk
        elif key == "pk":
            values[key] = {
                "care:package": records["package"].pk,
                "care:import_result": records["batch"].pk,
            }.get(name, records["person"].pk)
        elif key == "role":
            values[key] = "home"
        elif key == "object_type":
            values[key] = "care.provider"
        elif key == "object_id":
            values[key] = str(records["provider"].pk)
        else:
            raise AssertionError(f"{name}: no test value for URL parameter {key!r}")
    return reverse(name, kwargs=values)


def test_every_url_pattern_is_in_the_table() -> None:
    names = {name for name, _ in ALL_PATTERNS if not name.startswith(("djdt", "None"))}
    assert names == set(EXPECTED), (
        f"missing from the table: {sorted(names - set(EXPECTED))}; "
        f"in the table but gone: {sorted(set(EXPECTED) - names)}"
    )


@pytest.mark.parametrize(("name", "pattern"), ALL_PATTERNS, ids=[n for n, _ in ALL_PATTERNS])
def test_each_view_declares_exactly_the_expected_roles(name: str, pattern: URLPattern) -> None:
    expected = EXPECTED[name]
    if expected == PUBLIC:
        assert is_public(pattern.callback)
    else:
        assert not is_public(pattern.callback)
        assert view_roles(pattern.callback) == expected


@pytest.mark.parametrize(("name", "pattern"), ALL_PATTERNS, ids=[n for n, _ in ALL_PATTERNS])
def test_anonymous_users_are_sent_to_sign_in(
    name: str, pattern: URLPattern, records: dict[str, Any]
) -> None:
    url = url_for(name, pattern, records)
    response = Client().get(url)
    if EXPECTED[name] == PUBLIC:
        assert response.status_code in {200, 405}
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_each_role_gets_exactly_what_it_should(
    role: str, records: dict[str, Any], client_for: Any
) -> None:
    client = client_for(role)
    wrong: list[str] = []
    for name, pattern in ALL_PATTERNS:
        expected = EXPECTED[name]
        url = url_for(name, pattern, records)
        status = client.get(url).status_code
        allowed = expected == PUBLIC or role in expected
        # 405: the page exists only for POST (sign out); 302: a public page redirecting.
        ok = status in {200, 302, 405} if allowed else status == 403
        if not ok:
            wrong.append(f"{name} ({url}): {status}, expected {'access' if allowed else 403}")
    assert wrong == []


def test_a_view_without_a_declaration_is_refused(rf: Any, make_user: Any) -> None:
    from django.http import HttpResponse

    from carecharge.apps.accounts.middleware import RoleRequiredMiddleware

    def undeclared(request: Any) -> HttpResponse:
        return HttpResponse("secret")

    request = rf.get("/somewhere/")
    request.user = make_user("asha.patel", *ALL_ROLES)
    middleware = RoleRequiredMiddleware(lambda r: HttpResponse())
    response = middleware.process_view(request, undeclared, (), {})
    assert response is not None
    assert response.status_code == 403

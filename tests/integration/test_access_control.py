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

# Money in: income officers and their seniors take, place, move and refund payments.
MONEY_IN = frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER})

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
    # Top-ups, CHC awards, organisations and provider actuals (see apps/care/access.py).
    "care:top_up_new": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:top_up_end": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:chc_new": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:chc_end": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:chc_withdraw": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:organisations": frozenset({Role.SENIOR_OFFICER, Role.ADMINISTRATOR}),
    "care:organisation_new": frozenset({Role.SENIOR_OFFICER, Role.ADMINISTRATOR}),
    "care:actuals_import": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:actuals_import_result": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:actuals_template": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "care:actuals_exceptions": frozenset(
        {Role.CHARGING_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}
    ),
    "care:actual": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
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
    "ledger:trial_balance": frozenset({Role.SENIOR_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR}),
    # Billing runs (apps/billing/views.py) and, included under /billing/, the invoice PDFs,
    # statements and finance export (apps/billing/document_views.py).
    "billing:runs": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "billing:start": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "billing:run": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "billing:preview": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "billing:approve": frozenset({Role.SENIOR_OFFICER}),
    "billing:post": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "billing:cancel": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}),
    "billing:excel": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "billing:person": frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "billing:release": frozenset({Role.SENIOR_OFFICER}),
    "billing:invoice_pdf": READ,
    "billing:invoice_issue": frozenset(
        {Role.CHARGING_OFFICER, Role.FINANCE_OFFICER, Role.SENIOR_OFFICER}
    ),
    "billing:statement_view": READ,
    "billing:statement_pdf": READ,
    "billing:statement_issue": frozenset(
        {Role.CHARGING_OFFICER, Role.FINANCE_OFFICER, Role.SENIOR_OFFICER}
    ),
    "billing:export_journal": frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "billing:export_invoices": frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "payments:receipts": READ,
    "payments:unallocated": READ,
    "payments:banking": READ,
    "payments:receipt": READ,
    "payments:file": READ,
    "payments:refunds": READ,
    "payments:refund": READ,
    "payments:expected": READ,
    "payments:in_person": MONEY_IN,
    "payments:import": MONEY_IN,
    "payments:clear": MONEY_IN,
    "payments:move": MONEY_IN,
    "payments:reverse": MONEY_IN,
    "payments:split": MONEY_IN,
    "payments:card": frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.CHARGING_OFFICER}),
    "payments:refund_request": MONEY_IN,
    "payments:refund_decide": MONEY_IN,
    "payments:refund_paid": MONEY_IN,
    "payments:refund_bacs": MONEY_IN,
    "payments:refund_bacs_file": frozenset(
        {Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}
    ),
    "payments:reconcile": frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    "payments:reconciliation": frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR}),
    # Direct Debit: everyone on cases reads; income officers and seniors change mandates, make
    # and download the Bacs files (full bank details), settle runs and import reports.
    "directdebit:mandates": READ,
    "directdebit:mandate": READ,
    "directdebit:auddis": READ,
    "directdebit:file": READ,
    "directdebit:runs": READ,
    "directdebit:run": READ,
    "directdebit:reports": READ,
    "directdebit:report": READ,
    "directdebit:mandate_new": MONEY_IN,
    "directdebit:mandate_cancel": MONEY_IN,
    "directdebit:auddis_make": MONEY_IN,
    "directdebit:file_download": MONEY_IN,
    "directdebit:run_new": MONEY_IN,
    "directdebit:run_settle": MONEY_IN,
    "directdebit:run_cancel": MONEY_IN,
    "directdebit:report_import": MONEY_IN,
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


CARE_RECORD_VIEWS = {
    "care:top_up_end", "care:chc_end", "care:chc_withdraw", "care:actuals_import_result",
    "care:actual",
}  # fmt: skip


def care_record(name: str, records: dict[str, Any]) -> Any:
    """A top-up agreement, CHC award, actuals batch or held actual, made when first needed."""
    from carecharge.apps.care.models import ChcAward, ProviderActual, ServiceLine, TopUpAgreement
    from carecharge.apps.people.models import Organisation

    if "care_line" not in records:
        records["care_line"] = ServiceLine.objects.create(
            package=records["package"], case_system_id="PK1-L1", service=records["service"],
            provider=records["provider"], units_per_week=10, unit_cost_pence=2000,
            start_date=date(2026, 4, 6),
        )  # fmt: skip
    if name == "care:top_up_end":
        return TopUpAgreement.objects.create(
            person=records["person"], line=records["care_line"], weekly_pence=5000,
            start_date=date(2026, 4, 6), signed_on=date(2026, 4, 1),
            next_review_date=date(2027, 4, 1), first_party_basis="property_disregard",
            created_at="2026-11-23T09:00:00Z",
        )  # fmt: skip
    if name in {"care:chc_end", "care:chc_withdraw"}:
        icb, _ = Organisation.objects.get_or_create(code="QWO", name="An ICB", kind="icb")
        return ChcAward.objects.create(
            person=records["person"], icb=icb, start_date=date(2026, 4, 6),
            decided_on=date(2026, 5, 1), reference=f"R-{name}", recorded_at="2026-11-23T09:00:00Z",
        )  # fmt: skip
    if "actuals_batch" not in records:
        records["actuals_batch"] = ImportBatch.objects.create(
            kind="actuals", filename="actuals.csv", sha256="1" * 64, stored_path="x",
            size_bytes=1, received_at="2026-11-23T09:00:00Z", business_date=date(2026, 11, 23),
            status=ImportStatus.APPLIED,
        )  # fmt: skip
    if name == "care:actuals_import_result":
        return records["actuals_batch"]
    return ProviderActual.objects.create(
        batch=records["actuals_batch"], line=records["care_line"], week_start=date(2026, 4, 6),
        units=15, status="held", planned_units=10, variance_percent=50,
    )  # fmt: skip


def billing_record(name: str, records: dict[str, Any]) -> Any:
    """A posted billing run of one week for the person, with its invoice issued (for the run,
    line, invoice, statement and export pages), made when first needed."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from carecharge.apps.assessments.models import Assessment, AssessmentState
    from carecharge.apps.billing import operations
    from carecharge.apps.billing.invoices import issue_invoice
    from carecharge.apps.billing.models import Invoice, RunPerson
    from carecharge.apps.care.models import ServiceLine
    from carecharge.apps.people.models import Address

    if "billing_invoice" not in records:
        person = records["person"]
        Address.objects.create(
            person=person, role="home", line_1="1 High Street", town="Northfield",
            postcode="NF1 1AA",
        )  # fmt: skip
        ServiceLine.objects.create(
            package=records["package"], case_system_id="PK1-BILL", service=records["service"],
            units_per_week=10, unit_cost_pence=2000, start_date=date(2025, 4, 7),
        )  # fmt: skip
        Assessment.objects.create(
            person=person, version=50, state=AssessmentState.COMPLETED,
            setting="non_residential", effective_from=date(2025, 4, 7), request={},
            result={"weekly_charge": 5000}, weekly_charge_pence=5000, created_at=timezone.now(),
            completed_at=timezone.now(),
        )  # fmt: skip
        starter, approver = (
            User.objects.create(username=username) for username in ("bill.starter", "bill.approver")
        )
        starter.groups.set(Group.objects.filter(name=Role.CHARGING_OFFICER))
        approver.groups.set(Group.objects.filter(name=Role.SENIOR_OFFICER))
        run = operations.run_to_posted(
            through=date(2025, 4, 13), actor=starter, approver=approver, source="command"
        )
        invoice = Invoice.objects.select_related("account").get(run=run)
        issue_invoice(invoice, actor=starter)
        records["billing_invoice"] = invoice
    invoice = records["billing_invoice"]
    if name.startswith("billing:invoice_"):
        return invoice
    if name.startswith("billing:statement_"):
        return invoice.account.code
    if name in {"billing:person", "billing:release"}:
        return RunPerson.objects.get(run=invoice.run_id, person=invoice.person_id)
    return invoice.run


def payments_record(name: str, records: dict[str, Any]) -> Any:
    """A receipt in the unallocated queue, its file, a refund waiting for a decision and a kept
    reconciliation (for the payments pages), made when first needed."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from carecharge.apps.ledger.operations import account_for_person
    from carecharge.apps.payments import receipts
    from carecharge.apps.payments.models import MonthEndReconciliation, PaymentFile, Refund

    if "payments_receipt" not in records:
        clerk = User.objects.create(username="payments.clerk")
        records["payment_file"] = PaymentFile.objects.create(
            kind="csv", filename="may.csv", sha256="0" * 64, size_bytes=1,
            received_at=timezone.now(), counts={"receipts": 1},
        )  # fmt: skip
        [records["payments_receipt"]] = receipts.post_receipts(
            [
                receipts.NewReceipt(
                    channel="bank", received_on=date(2026, 5, 12), amount_pence=1_000,
                    duplicate_key="access:1",
                )
            ],
            actor=None,
            file=records["payment_file"],
        )  # fmt: skip
        records["refund"] = Refund.objects.create(
            number="RF000001", account=account_for_person(records["person"]), amount_pence=100,
            method="cheque", payee_name="Ada Lovelace", reason="Overpaid", state="requested",
            requested_at=timezone.now(), requested_by=clerk,
        )  # fmt: skip
        records["kept_reconciliation"] = MonthEndReconciliation.objects.create(
            period_start=date(2026, 5, 1), period_end=date(2026, 5, 31), figures={},
            sha256="0" * 64, balanced=True, prepared_at=timezone.now(), prepared_by=clerk,
        )  # fmt: skip
    if name == "payments:card":
        return account_for_person(records["person"]).code
    if name == "payments:split":  # a receipt on an account (the queued one has none)
        if "placed_receipt" not in records:
            [records["placed_receipt"]] = receipts.post_receipts(
                [
                    receipts.NewReceipt(
                        channel="bank", received_on=date(2026, 5, 12), amount_pence=500,
                        duplicate_key="access:2", account=account_for_person(records["person"]),
                    )
                ],
                actor=None,
            )  # fmt: skip
        return records["placed_receipt"].number
    if name in {"payments:receipt", "payments:clear", "payments:move", "payments:reverse"}:
        return records["payments_receipt"].number
    if name in {"payments:refund", "payments:refund_decide", "payments:refund_paid"}:
        return records["refund"].number
    if name == "payments:refund_request":
        return records["person"].account_reference
    if name == "payments:file":
        return records["payment_file"].pk
    if name == "payments:refund_bacs_file":
        from carecharge.apps.directdebit.models import BacsFile

        if "refund_file" in records:
            return records["refund_file"].pk
        made = records["refund_file"] = BacsFile.objects.create(
            kind="refunds", sun="999901", serial_number=1, processing_day=date(2026, 5, 5),
            created_on=date(2026, 5, 1), text="", sha256="1" * 64, control_report="",
            item_count=0, total_pence=0, created_at=timezone.now(),
        )  # fmt: skip
        return made.pk
    return records["kept_reconciliation"].pk


def directdebit_record(name: str, records: dict[str, Any]) -> Any:
    """A mandate, a collection run with its file, and an imported Bacs report (for the Direct
    Debit pages), made when first needed."""
    from django.utils import timezone

    from carecharge.apps.directdebit.models import (
        BacsFile,
        BacsReportImport,
        CollectionRun,
        Mandate,
    )
    from carecharge.apps.ledger.operations import account_for_person

    if "dd_mandate" not in records:
        now = timezone.now()
        records["dd_mandate"] = Mandate.objects.create(
            sun="999901", reference="NBC00000018", account=account_for_person(records["person"]),
            payer_name="Ada Lovelace", bacs_name="ADA LOVELACE", sort_code="400000",
            account_number="10000299", modulus_check="valid", basis="balance",
            signed_on=date(2026, 3, 2), created_at=now,
        )  # fmt: skip
        file = BacsFile.objects.create(
            kind="collections", sun="999901", serial_number=2, processing_day=date(2026, 3, 31),
            created_on=date(2026, 3, 12), text="VOL1", sha256="2" * 64, control_report="Report",
            item_count=0, total_pence=0, created_at=now,
        )  # fmt: skip
        records["dd_file"] = file
        records["dd_run"] = CollectionRun.objects.create(
            collection_date=date(2026, 4, 1), processing_day=date(2026, 3, 31),
            input_day=date(2026, 3, 30), built_on=date(2026, 3, 12), file=file, item_count=0,
            total_pence=0, created_at=now,
        )  # fmt: skip
        records["dd_report"] = BacsReportImport.objects.create(
            kind="arudd", filename="arudd.xml", sha256="0" * 64, size_bytes=1, content=b"x",
            report_date=date(2026, 4, 2), imported_at=now,
        )  # fmt: skip
    if name.startswith("directdebit:mandate"):
        return records["dd_mandate"]
    if name.startswith("directdebit:file"):
        return records["dd_file"]
    if name.startswith("directdebit:run"):
        return records["dd_run"]
    return records["dd_report"]


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
        elif name in CARE_RECORD_VIEWS and key == "pk":
            values[key] = care_record(name, records).pk
        elif name.startswith("uprating:") and key == "pk":
            values[key] = uprating_record(name, records).pk
        elif name.startswith("billing:") and key == "pk":
            values[key] = billing_record(name, records).pk
        elif name.startswith("billing:") and key == "code":
            values[key] = billing_record(name, records)
        elif name.startswith("payments:"):
            values[key] = payments_record(name, records)
        elif name.startswith("directdebit:") and key == "pk":
            values[key] = directdebit_record(name, records).pk
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

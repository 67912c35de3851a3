"""Direct Debit mandates: set up (and refused), lodged in AUDDIS files, cancelled, rejected by
the AUDDIS reports, made live by the file acceptance report, and cancelled when the service user
dies. On SQLite and PostgreSQL, with the ledger check passing after every test."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import DatabaseError, transaction

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.operations import import_care_file
from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.models import (
    AuddisInstruction,
    BacsFile,
    Mandate,
    MandateStatus,
)
from carecharge.apps.ledger.operations import account_for_organisation, account_for_payer
from carecharge.apps.people.models import ServiceUser, ThirdPartyPayer
from carecharge.core.bacs.standard18_check import check_standard18
from carecharge.core.importing.care_rows import COLUMNS

from .test_directdebit_support import (
    BANKS,
    BILLED_ON,
    FAILS_MODULUS,
    DirectDebits,
    audacc,
    auddis,
    dd,
)

pytestmark = pytest.mark.django_db
__all__ = ["dd"]  # the fixture, imported for pytest to find


def _instructions(file: BacsFile) -> list[tuple[str, str, str, str]]:
    report = check_standard18(file.text.encode("ascii"))
    return [
        (i.transaction_code, i.reference, f"{i.sort_code} {i.account_number}", i.payer_name)
        for i in report.items
    ]


def test_a_new_mandate_takes_the_payment_reference_and_queues_a_0n(dd: DirectDebits) -> None:
    account = dd.billed("ada", "50.00")
    mandate = dd.mandate(account, "  Ada   Tester ")

    reference = f"NBC{account.person.account_reference}"
    assert (mandate.reference, mandate.sun, mandate.status) == (reference, "999901", "pending")
    assert (mandate.payer_name, mandate.bacs_name) == ("Ada Tester", "ADA TESTER")
    assert (mandate.sort_code, mandate.account_number) == ("400000", "10000299")
    assert mandate.modulus_check.startswith("passed: ")
    assert mandate.modulus_check.endswith("(VocaLink table v8.50)")
    assert [(i.code, i.reason, i.file_id) for i in mandate.instructions.all()] == [
        ("0N", "New mandate", None)
    ]
    event = AuditEvent.objects.get(object_type="directdebit.mandate", action="create")
    assert (event.actor_name, event.changes["reference"]) == ("charlie", [None, reference])


@pytest.mark.parametrize(
    ("sort_code", "account_number", "message"),
    [
        (
            *FAILS_MODULUS,
            "account_number: sort code 40-00-00 and account number 12345678 fail the UK modulus "
            "check (first check: MOD11 failed, remainder 2); ask the payer to check their bank "
            "details",
        ),
        ("40-00", "10000299", "sort_code: the sort code must be six digits"),
        ("40-00-00", "12AB5678", "account_number: the account number must be 6 to 10 digits"),
        (
            "40-00-00",
            "1234567890",
            "account_number: 10-digit account numbers must be converted to the eight-digit form "
            "the bank uses for Bacs before they can be checked; ask the payer or the bank",
        ),
    ],
)
def test_bank_details_failing_the_checks_are_refused_and_nothing_is_saved(
    dd: DirectDebits, sort_code: str, account_number: str, message: str
) -> None:
    account = dd.billed("ada", "50.00")
    with pytest.raises(operations.DirectDebitError) as refused:
        operations.create_mandate(
            account=account,
            payer_name="Ada Tester",
            sort_code=sort_code,
            account_number=account_number,
            signed_on=BILLED_ON,
            actor=dd.s.officer,
            today=BILLED_ON,
        )
    assert str(refused.value) == message
    assert (Mandate.objects.count(), AuddisInstruction.objects.count()) == (0, 0)


def test_other_bad_details_are_refused_naming_the_field(dd: DirectDebits) -> None:
    account = dd.billed("ada", "50.00")

    def refused(**changes: object) -> str:
        details: dict[str, object] = {
            "account": account,
            "payer_name": "Ada Tester",
            "sort_code": BANKS[0][0],
            "account_number": BANKS[0][1],
            "signed_on": BILLED_ON,
            "actor": dd.s.officer,
            "today": BILLED_ON,
            **changes,
        }
        with pytest.raises(operations.DirectDebitError) as error:
            operations.create_mandate(**details)  # type: ignore[arg-type]
        return str(error.value)

    assert refused(payer_name="Margaret O'Brien") == (
        """payer_name "MARGARET O'BRIEN" has "'", which is not in the Bacs character set """
        "(A-Z 0-9 . & / - space): give bacs_name, the account holder's name as Bacs should "
        "carry it (18 characters at most from A-Z 0-9 . & / - and space, e.g. initials and "
        "surname)"
    )
    assert refused(bacs_name="MARGARET OBRIEN-HARTLEY") == (
        "bacs_name 'MARGARET OBRIEN-HARTLEY' is 23 characters, more than 18"
    )
    assert refused(payer_name=" ") == "payer_name: give the account holder's name"
    assert refused(signed_on=date(2026, 3, 3)) == "signed_on: 03/03/2026 is in the future"
    assert refused(basis="instalment", instalment_pence=3_000, collection_day=31) == (
        "collection_day: give a day of the month from 1 to 28, so every month has it"
    )
    assert refused(basis="instalment", instalment_pence=0, collection_day=1) == (
        "instalment_pence: an instalment must be more than £0.00"
    )
    assert refused(instalment_pence=3_000) == (
        "basis: a mandate collecting the balance due has no instalment amount or day"
    )
    icb = account_for_organisation(dd.s.icb())
    assert refused(account=icb) == (
        "account: D-ORG-ICB1 is not a service user's or a top-up payer's account; only they "
        "pay by Direct Debit"
    )
    assert Mandate.objects.count() == 0

    mandate = dd.mandate(account, "Margaret O'Brien", bacs_name="m obrien")
    assert mandate.bacs_name == "M OBRIEN"
    assert refused() == (
        f"account: {account.code} already has mandate {mandate.reference} (new: instruction "
        "waiting to be sent to bacs); cancel it before setting up another"
    )


def test_the_auddis_file_lodges_new_mandates_and_sends_cancellations(dd: DirectDebits) -> None:
    ada = dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    bea = dd.mandate(dd.billed("bea", "50.00"), "Bea Tester", converted=True)
    cal = dd.mandate(dd.billed("cal", "50.00"), "Cal Tester")
    operations.cancel_mandate(cal, reason="Changed her mind", actor=dd.s.officer, today=BILLED_ON)

    first = dd.lodge()

    # Cal's 0N was withdrawn, never sent: there is nothing at her bank to cancel.
    assert _instructions(first) == [
        ("0N", ada.reference, "400000 10000299", "ADA TESTER"),
        ("0S", bea.reference, "400000 10000604", "BEA TESTER"),
    ]
    assert (first.serial_number, first.processing_day, first.item_count) == (
        1,
        date(2026, 3, 3),
        2,
    )
    assert first.sha256 == check_standard18(first.text.encode("ascii")).sha256
    assert "\r\n" in first.text  # the demo council's files end lines with CRLF
    for mandate in (ada, bea, cal):
        mandate.refresh_from_db()
    assert [(m.status, m.lodged_on, m.live_from) for m in (ada, bea)] == [
        ("lodged", date(2026, 3, 3), date(2026, 3, 4)),
        ("lodged", date(2026, 3, 3), date(2026, 3, 4)),
    ]
    assert (cal.status, cal.ended_on, cal.end_reason) == (
        "cancelled",
        BILLED_ON,
        "Changed her mind",
    )
    assert cal.instructions.get().withdrawn_reason == (
        "Mandate ended before it was sent: Changed her mind"
    )

    with pytest.raises(operations.DirectDebitError, match="no AUDDIS instructions waiting"):
        dd.lodge()

    operations.cancel_mandate(ada, reason="Paying by card now", actor=dd.s.officer)
    second = dd.lodge(date(2026, 3, 6))  # a Friday: processed on Monday
    assert _instructions(second) == [("0C", ada.reference, "400000 10000299", "ADA TESTER")]
    assert (second.serial_number, second.processing_day) == (2, date(2026, 3, 9))
    with pytest.raises(operations.DirectDebitError, match="is already cancelled"):
        operations.cancel_mandate(ada, reason="again", actor=dd.s.officer)


def test_a_debtor_s_next_mandate_gets_a_reference_of_its_own(dd: DirectDebits) -> None:
    account = dd.billed("ada", "50.00")
    first = dd.mandate(account, "Ada Tester")
    operations.cancel_mandate(first, reason="New bank", actor=dd.s.officer, today=BILLED_ON)
    second = dd.mandate(account, "Ada Tester")
    operations.cancel_mandate(second, reason="Newer bank", actor=dd.s.officer, today=BILLED_ON)
    third = dd.mandate(account, "Ada Tester")
    assert [m.reference for m in (first, second, third)] == [
        first.reference,
        f"{first.reference}/2",
        f"{first.reference}/3",
    ]


def test_only_finance_and_senior_officers_make_bacs_files(dd: DirectDebits) -> None:
    dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    with pytest.raises(operations.DirectDebitError) as refused:
        operations.write_auddis_file(actor=dd.s.officer, today=BILLED_ON)
    assert str(refused.value) == "charlie does not have a role that may make Bacs files"
    assert BacsFile.objects.count() == 0


def test_auddis_rejections_reject_the_mandate_with_the_reason(dd: DirectDebits) -> None:
    ada = dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    bea = dd.mandate(dd.billed("bea", "50.00"), "Bea Tester")
    dd.lodge()
    operations.cancel_mandate(bea, reason="Moving away", actor=dd.s.officer)
    dd.lodge(date(2026, 3, 3))

    result = operations.import_report(
        auddis((ada.reference, "0N", "5"), (bea.reference, "0C", "6")),
        filename="auddis.xml",
        actor=dd.finance,
        today=date(2026, 3, 5),
    )

    assert [(a.reference, a.action, a.detail) for a in result.actions] == [
        (
            ada.reference,
            "rejected",
            "AUDDIS 0N rejected, reason 5: no account; mandate rejected, contact the payer",
        ),
        (
            bea.reference,
            "noted",
            "AUDDIS 0C rejected, reason 6: no instruction; the mandate stays cancelled",
        ),
    ]
    ada.refresh_from_db()
    assert (ada.status, ada.ended_on, ada.end_reason) == (
        MandateStatus.REJECTED,
        date(2026, 3, 5),
        "AUDDIS 0N rejected, reason 5: no account",
    )
    assert not AuddisInstruction.objects.filter(file__isnull=True).exists()


def test_the_file_acceptance_report_makes_mandates_live_or_sends_them_again(
    dd: DirectDebits,
) -> None:
    ada = dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    first = dd.lodge()
    accepted = operations.import_report(
        audacc(first.serial_number), filename="audacc1.xml", actor=dd.finance, today=BILLED_ON
    )
    ada.refresh_from_db()
    assert ada.status == MandateStatus.LIVE
    assert [a.detail for a in accepted.actions] == [
        "AUDDIS file 000001 accepted: mandate live",
        "AUDDIS file 000001 accepted by Bacs",
    ]

    bea = dd.mandate(dd.billed("bea", "50.00"), "Bea Tester")
    second = dd.lodge(date(2026, 3, 3))
    rejected = operations.import_report(
        audacc(second.serial_number, accepted=False),
        filename="audacc2.xml",
        actor=dd.finance,
        today=date(2026, 3, 4),
    )
    bea.refresh_from_db()
    assert (bea.status, bea.lodged_on, bea.live_from) == (MandateStatus.PENDING, None, None)
    assert [a.detail for a in rejected.actions] == [
        "AUDDIS file 000002 rejected by Bacs: HDR1 LABEL MISSING: 0N queued for the next "
        "AUDDIS file"
    ]
    third = dd.lodge(date(2026, 3, 4))
    assert _instructions(third) == [("0N", bea.reference, "400000 10000604", "BEA TESTER")]

    with pytest.raises(operations.DirectDebitError) as refused:
        operations.import_report(
            audacc(731), filename="audacc3.xml", actor=dd.finance, today=BILLED_ON
        )
    assert str(refused.value) == (
        "audacc3.xml: the report was not applied; nothing was changed:\n"
        "line 1 (MessagingAdvice): volume serial '000731' is not an AUDDIS file carecharge made"
    )


def test_a_test_submission_s_acceptance_changes_nothing(dd: DirectDebits) -> None:
    ada = dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    file = dd.lodge()
    result = operations.import_report(
        audacc(file.serial_number, live=False), filename="t.xml", actor=dd.finance
    )
    ada.refresh_from_db()
    assert ada.status == MandateStatus.LODGED
    assert [a.detail for a in result.actions] == [
        "AUDDIS file 000001: a test submission; nothing changed"
    ]


def _care_file(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return out.getvalue().encode()


def test_a_death_recorded_by_the_care_import_cancels_the_mandates(dd: DirectDebits) -> None:
    account = dd.billed("ada", "50.00")
    person = dd.s.people["ada"]
    ServiceUser.objects.filter(pk=person.pk).update(case_system_id="P900")
    payer = ThirdPartyPayer.objects.create(
        person=person,
        name="Pat Payer",
        line_1="3 Side Street",
        postcode="NF3 3CC",
        start_date=date(2025, 4, 7),
    )
    own = dd.mandate(account, "Ada Tester")
    top_up = dd.mandate(account_for_payer(payer), "Pat Payer")
    dd.lodge()
    unsent = dd.mandate(dd.billed("bea", "50.00"), "Bea Tester")  # someone else's
    bystander = Mandate.objects.get(pk=unsent.pk)

    batch = import_care_file(
        data=_care_file(
            [
                {
                    "record_type": "person",
                    "person_id": "P900",
                    "forename": "Ada",
                    "surname": "Tester",
                    "date_of_birth": "1945-06-01",
                    "date_of_death": "2026-02-27",
                }
            ]
        ),
        filename="deaths.csv",
        actor=dd.s.officer,
        business_date=BILLED_ON,
        source="command",
    )

    assert batch.status == "applied", batch.problems
    for mandate in (own, top_up, bystander):
        mandate.refresh_from_db()
    assert [(m.status, m.end_reason) for m in (own, top_up)] == [
        (MandateStatus.CANCELLED, f"Service user died on 27/02/2026 (Care data import {batch.pk})")
    ] * 2
    assert bystander.status == MandateStatus.PENDING
    sent = dd.lodge(date(2026, 3, 3))
    assert [(code, reference) for code, reference, *_ in _instructions(sent)] == [
        ("0N", bystander.reference),
        ("0C", own.reference),
        ("0C", top_up.reference),
    ]


def test_files_are_never_changed_or_deleted(dd: DirectDebits) -> None:
    dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    file = dd.lodge()
    with pytest.raises(DatabaseError), transaction.atomic():
        BacsFile.objects.filter(pk=file.pk).update(text="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        BacsFile.objects.filter(pk=file.pk).delete()
    file.refresh_from_db()
    assert file.sha256 == check_standard18(file.text.encode("ascii")).sha256

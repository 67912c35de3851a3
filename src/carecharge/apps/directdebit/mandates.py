"""Mandates (Direct Debit Instructions) and the AUDDIS file that lodges and cancels them.

A new mandate is checked whole before anything is saved: the bank details pass the UK modulus
check, the payer's name fits Bacs, the debtor has no other open mandate. It queues a ``0N``
(``0S`` for a paper instruction being converted); cancelling a lodged mandate queues a ``0C``;
the AUDDIS file sends whatever is queued. Every status change is audited with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carecharge.apps.accounts.roles import Role, has_any_role
from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.apps.payments.references import reference_for
from carecharge.apps.people.models import ServiceUser
from carecharge.core.bacs.calendar import is_processing_day, next_processing_day
from carecharge.core.bacs.modulus import ModulusStatus, check_account
from carecharge.core.bacs.standard18 import Standard18Item, reference_problem, text_problem
from carecharge.core.money import format_pounds

from .files import store_file
from .models import (
    OPEN_STATUSES,
    AuddisInstruction,
    BacsFile,
    CollectionBasis,
    FileKind,
    InstructionCode,
    Mandate,
    MandateStatus,
)
from .policy import DirectDebitError, bank_holidays, policy_on

SOURCE = "directdebit"
MANDATE_ROLES = {Role.CHARGING_OFFICER, Role.FINANCE_OFFICER, Role.SENIOR_OFFICER}
BANKING_ROLES = {Role.FINANCE_OFFICER, Role.SENIOR_OFFICER}
MANDATE_AUDITED = [
    "status",
    "sort_code",
    "account_number",
    "bacs_name",
    "modulus_check",
    "lodged_on",
    "live_from",
    "final_collection",
    "ended_on",
    "end_reason",
]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def require_role(actor: Any, allowed: Iterable[str], doing: str) -> None:
    """Refuse a signed-in user without one of ``allowed`` (deny by default)."""
    if not has_any_role(actor, allowed):
        name = actor.get_username() if hasattr(actor, "get_username") else str(actor)
        raise DirectDebitError(f"{name} does not have a role that may {doing}")


def show_day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# --- Setting up a mandate ---------------------------------------------------------------------


def _checked_bank_details(sort_code: str, account_number: str) -> tuple[str, str, str]:
    result = check_account(sort_code, account_number)
    shown = f"sort code {sort_code.strip()} and account number {account_number.strip()}"
    if result.status == ModulusStatus.MALFORMED:
        field = "sort_code" if "sort code" in result.reason else "account_number"
        raise DirectDebitError(f"{field}: {result.reason}")
    if result.status == ModulusStatus.UNSUPPORTED_LENGTH:
        raise DirectDebitError(f"account_number: {result.reason}")
    if not result.valid:
        raise DirectDebitError(
            f"account_number: {shown} fail the UK modulus check ({result.reason}); ask the "
            "payer to check their bank details"
        )
    audit = f"{result.status.value}: {result.reason} (VocaLink table v{result.table_version})"
    return result.sort_code, result.account_number.zfill(8), audit[:300]


def _bacs_name(payer_name: str, bacs_name: str | None) -> str:
    if bacs_name is not None and bacs_name.strip():
        name = bacs_name.strip().upper()
        problem = text_problem(name, "bacs_name")
        if problem:
            raise DirectDebitError(problem)
        return name
    name = " ".join(payer_name.split()).upper()
    problem = text_problem(name, "payer_name")
    if problem:
        raise DirectDebitError(
            f"{problem}: give bacs_name, the account holder's name as Bacs should carry it "
            "(18 characters at most from A-Z 0-9 . & / - and space, e.g. initials and surname)"
        )
    return name


def _debtor(account: LedgerAccount) -> None:
    has_party = account.person_id is not None or account.payer_id is not None
    if account.kind != AccountKind.DEBTOR or not has_party:
        raise DirectDebitError(
            f"account: {account.code} is not a service user's or a top-up payer's account; only "
            "they pay by Direct Debit"
        )
    open_one = Mandate.objects.filter(account=account, status__in=OPEN_STATUSES).first()
    if open_one is not None:
        raise DirectDebitError(
            f"account: {account.code} already has mandate {open_one.reference} "
            f"({open_one.get_status_display().lower()}); cancel it before setting up another"
        )


def _basis(
    basis: str, instalment_pence: int | None, collection_day: int | None
) -> tuple[int | None, int | None]:
    if basis == CollectionBasis.BALANCE:
        if instalment_pence is not None or collection_day is not None:
            raise DirectDebitError(
                "basis: a mandate collecting the balance due has no instalment amount or day"
            )
        return None, None
    if basis != CollectionBasis.INSTALMENT:
        raise DirectDebitError(f"basis: {basis!r} is not 'balance' or 'instalment'")
    if not isinstance(instalment_pence, int) or instalment_pence <= 0:
        raise DirectDebitError("instalment_pence: an instalment must be more than £0.00")
    if not isinstance(collection_day, int) or not 1 <= collection_day <= 28:
        raise DirectDebitError(
            "collection_day: give a day of the month from 1 to 28, so every month has it"
        )
    return instalment_pence, collection_day


def _reference(account: LedgerAccount, prefix: str, sun: str) -> str:
    base = f"{prefix}{reference_for(account)}"
    taken = set(
        Mandate.objects.filter(sun=sun)
        .filter(Q(reference=base) | Q(reference__startswith=f"{base}/"))
        .values_list("reference", flat=True)
    )
    reference = base
    number = 2
    # A debtor's second mandate needs its own reference: banks refuse one used before.
    while reference in taken:
        reference = f"{base}/{number}"
        number += 1
    problem = reference_problem(reference)
    if problem:
        raise DirectDebitError(f"The instruction reference cannot be made: {problem}")
    return reference


def create_mandate(
    *,
    account: LedgerAccount,
    payer_name: str,
    sort_code: str,
    account_number: str,
    signed_on: date,
    actor: Any,
    basis: str = CollectionBasis.BALANCE,
    instalment_pence: int | None = None,
    collection_day: int | None = None,
    bacs_name: str | None = None,
    converted: bool = False,
    today: date | None = None,
) -> Mandate:
    """Record a payer's Direct Debit Instruction and queue its AUDDIS lodgement (``0N``, or
    ``0S`` for a paper instruction already held). Refused whole, with the field named, if any
    detail is wrong."""
    today = today or timezone.localdate()
    require_role(actor, MANDATE_ROLES, "set up Direct Debits")
    if not payer_name.strip():
        raise DirectDebitError("payer_name: give the account holder's name")
    if signed_on > today:
        raise DirectDebitError(f"signed_on: {show_day(signed_on)} is in the future")
    policy = policy_on(today)
    sort_code, account_number, modulus = _checked_bank_details(sort_code, account_number)
    name = _bacs_name(payer_name, bacs_name)
    instalment_pence, collection_day = _basis(basis, instalment_pence, collection_day)
    with transaction.atomic():
        LedgerAccount.objects.select_for_update().filter(pk=account.pk).first()
        _debtor(account)
        mandate = Mandate.objects.create(
            sun=policy.sun,
            reference=_reference(account, policy.reference_prefix, policy.sun),
            account=account,
            payer_name=" ".join(payer_name.split())[:140],
            bacs_name=name,
            sort_code=sort_code,
            account_number=account_number,
            modulus_check=modulus,
            basis=basis,
            instalment_pence=instalment_pence,
            collection_day=collection_day,
            signed_on=signed_on,
            converted=converted,
            created_at=timezone.now(),
            created_by=_user(actor),
        )
        record_create(actor=actor, instance=mandate, source=SOURCE)
        code = InstructionCode.CONVERT if converted else InstructionCode.NEW
        queue_instruction(mandate, code, reason="New mandate", actor=actor, today=today)
    return mandate


def queue_instruction(
    mandate: Mandate, code: str, *, reason: str, actor: Any, today: date
) -> AuddisInstruction:
    return AuddisInstruction.objects.create(
        mandate=mandate,
        code=code,
        reason=reason[:500],
        queued_on=today,
        queued_at=timezone.now(),
        queued_by=_user(actor),
    )


# --- Changing and ending a mandate ----------------------------------------------------------


def change_mandate(
    mandate: Mandate, *, actor: Any, reason: str, action: str = "update", **values: Any
) -> Mandate:
    """Save and audit changed fields of a mandate (its status, dates or bank details)."""
    before = snapshot(mandate, MANDATE_AUDITED)
    for name, value in values.items():
        setattr(mandate, name, value)
    mandate.save(update_fields=list(values))
    record_update(
        actor=actor, instance=mandate, before=before, reason=reason, source=SOURCE, action=action
    )
    return mandate


def end_mandate(
    mandate: Mandate,
    *,
    status: str,
    reason: str,
    on: date,
    actor: Any,
    tell_bank: bool,
) -> Mandate:
    """Cancel or reject a mandate. ``tell_bank``: queue a ``0C`` if the payer's bank holds the
    instruction (not when the bank itself ended it). A ``0N`` not yet sent is withdrawn."""
    was = mandate.status
    change_mandate(
        mandate,
        actor=actor,
        reason=reason,
        action=f"directdebit.{status}",
        status=status,
        ended_on=on,
        end_reason=reason[:500],
        final_collection=False,
    )
    unsent = AuddisInstruction.objects.filter(
        mandate=mandate, file__isnull=True, withdrawn_at__isnull=True
    )
    unsent.filter(code__in=[InstructionCode.NEW, InstructionCode.CONVERT]).update(
        withdrawn_at=timezone.now(),
        withdrawn_reason=f"Mandate ended before it was sent: {reason}"[:500],
    )
    bank_holds_it = was in (MandateStatus.LODGED, MandateStatus.LIVE)
    if tell_bank and bank_holds_it and not unsent.filter(code=InstructionCode.CANCEL).exists():
        queue_instruction(mandate, InstructionCode.CANCEL, reason=reason, actor=actor, today=on)
    return mandate


def _refuse_ended(mandate: Mandate) -> None:
    if mandate.status not in OPEN_STATUSES:
        raise DirectDebitError(
            f"Mandate {mandate.reference} is already {mandate.get_status_display().lower()}"
        )


def cancel_mandate(
    mandate: Mandate, *, reason: str, actor: Any, today: date | None = None
) -> Mandate:
    """The council cancels a mandate (the payer asked it to, or it is no longer needed): a 0C is
    queued for the payer's bank, or the unsent 0N withdrawn."""
    today = today or timezone.localdate()
    require_role(actor, MANDATE_ROLES, "cancel Direct Debits")
    if not reason.strip():
        raise DirectDebitError("reason: say why the mandate is cancelled")
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
        _refuse_ended(mandate)
        return end_mandate(
            mandate,
            status=MandateStatus.CANCELLED,
            reason=reason.strip(),
            on=today,
            actor=actor,
            tell_bank=True,
        )


def request_final_collection(mandate: Mandate, *, reason: str, actor: Any) -> Mandate:
    """Make the mandate's next collection its last (code 19); it ends once that is collected."""
    require_role(actor, MANDATE_ROLES, "change Direct Debits")
    if not reason.strip():
        raise DirectDebitError("reason: say why the next collection is the last")
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
        _refuse_ended(mandate)
        return change_mandate(mandate, actor=actor, reason=reason.strip(), final_collection=True)


def people_of(account: LedgerAccount) -> ServiceUser | None:
    """The service user an account's charges are for (a top-up payer's resident included)."""
    if account.person_id is not None:
        return ServiceUser.objects.get(pk=account.person_id)
    if account.payer_id is not None:
        return ServiceUser.objects.filter(third_party_payers__pk=account.payer_id).first()
    return None


def cancel_for_death(
    person: ServiceUser, *, actor: Any, reason: str = "", today: date | None = None
) -> list[Mandate]:
    """Cancel every open mandate for the person's charges, their own and their top-up payers',
    once their date of death is recorded; 0Cs are queued for those the banks hold."""
    if person.date_of_death is None:
        return []
    today = today or timezone.localdate()
    why = f"Service user died on {show_day(person.date_of_death)}" + (
        f" ({reason})" if reason else ""
    )
    ended = []
    with transaction.atomic():
        for mandate in Mandate.objects.select_for_update(of=("self",)).filter(
            Q(account__person=person) | Q(account__payer__person=person),
            status__in=OPEN_STATUSES,
        ):
            ended.append(
                end_mandate(
                    mandate,
                    status=MandateStatus.CANCELLED,
                    reason=why,
                    on=today,
                    actor=actor,
                    tell_bank=True,
                )
            )
    return ended


def cancel_for_all_deaths(*, actor: Any, today: date | None = None) -> list[Mandate]:
    """Cancel the open mandates of every service user whose date of death is recorded: a sweep
    for deaths recorded some other way than the care import."""
    people = ServiceUser.objects.filter(date_of_death__isnull=False).filter(
        Q(ledger_accounts__dd_mandates__status__in=OPEN_STATUSES)
        | Q(third_party_payers__ledger_accounts__dd_mandates__status__in=OPEN_STATUSES)
    )
    ended: list[Mandate] = []
    for person in people.distinct():
        ended += cancel_for_death(person, actor=actor, today=today)
    return ended


def activate_lodged(*, today: date, actor: Any) -> list[Mandate]:
    """Lodged mandates whose instruction reached the payer's bank (its entry day has come)
    without being rejected become live."""
    made_live = []
    with transaction.atomic():
        lodged = Mandate.objects.select_for_update().filter(
            status=MandateStatus.LODGED, live_from__lte=today
        )
        for mandate in lodged:
            made_live.append(
                change_mandate(
                    mandate,
                    actor=actor,
                    reason=f"Instruction lodged on {show_day(mandate.lodged_on or today)}; "
                    "no rejection received",
                    action="directdebit.live",
                    status=MandateStatus.LIVE,
                )
            )
    return made_live


# --- The AUDDIS file --------------------------------------------------------------------------


def waiting_instructions() -> list[AuddisInstruction]:
    return list(
        AuddisInstruction.objects.filter(file__isnull=True, withdrawn_at__isnull=True)
        .select_related("mandate")
        .order_by("queued_at", "id")
    )


def write_auddis_file(*, actor: Any, today: date | None = None) -> BacsFile:
    """Send every queued instruction in one AUDDIS Standard 18 file, processed on the next Bacs
    day after the file goes. The file is checked by the validator before it is stored; the new
    mandates in it are lodged, live from the day the payers' banks receive them."""
    today = today or timezone.localdate()
    require_role(actor, BANKING_ROLES, "make Bacs files")
    policy = policy_on(today)
    holidays = bank_holidays(today)
    input_day = (
        today
        if is_processing_day(today, bank_holidays=holidays)
        else next_processing_day(today, bank_holidays=holidays)
    )
    processing = next_processing_day(input_day, bank_holidays=holidays)
    entry = next_processing_day(processing, bank_holidays=holidays)
    with transaction.atomic():
        waiting = list(
            AuddisInstruction.objects.select_for_update()
            .filter(file__isnull=True, withdrawn_at__isnull=True)
            .order_by("queued_at", "id")
        )
        if not waiting:
            raise DirectDebitError("There are no AUDDIS instructions waiting to be sent")
        mandates = {m.pk: m for m in Mandate.objects.filter(pk__in=[i.mandate_id for i in waiting])}
        items = [
            Standard18Item(
                sort_code=mandates[i.mandate_id].sort_code,
                account_number=mandates[i.mandate_id].account_number,
                payer_name=mandates[i.mandate_id].bacs_name,
                transaction_code=i.code,
                amount_pence=0,
                reference=mandates[i.mandate_id].reference,
            )
            for i in waiting
        ]
        file = store_file(
            kind=FileKind.AUDDIS,
            items=items,
            processing_day=processing,
            created_on=today,
            policy=policy,
            actor=actor,
        )
        for instruction in waiting:
            mandate = mandates[instruction.mandate_id]
            AuddisInstruction.objects.filter(pk=instruction.pk).update(
                file=file,
                sort_code=mandate.sort_code,
                account_number=mandate.account_number,
                bacs_name=mandate.bacs_name,
            )
            lodging = instruction.code != InstructionCode.CANCEL
            if lodging and mandate.status == MandateStatus.PENDING:
                change_mandate(
                    mandate,
                    actor=actor,
                    reason=f"Sent to Bacs in AUDDIS file {file.serial_number:06d}",
                    action="directdebit.lodged",
                    status=MandateStatus.LODGED,
                    lodged_on=processing,
                    live_from=entry,
                )
    return file


def describe_instalment(mandate: Mandate) -> str:
    if mandate.basis != CollectionBasis.INSTALMENT or mandate.instalment_pence is None:
        return ""
    amount = format_pounds(mandate.instalment_pence)
    return f"{amount} monthly, on or after day {mandate.collection_day}"

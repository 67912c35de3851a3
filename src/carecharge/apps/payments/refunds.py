"""Refunds: credit balances paid back. One officer asks, a second approves, then it is paid by
Bacs credit or cheque. After a death the money goes to the executor, never to the person.

The ledger is posted when a refund is paid (the debtor's account is debited, the bank
credited), and the refund is allocated the account's unallocated money, oldest first, so that
money is not also set against a later invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from carecharge.apps.audit.operations import record_create, record_event
from carecharge.apps.billing.models import Invoice
from carecharge.apps.billing.numbers import take_numbers
from carecharge.apps.ledger import operations as ledger
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.apps.ledger.queries import balance
from carecharge.apps.people.models import Representative, RepresentativeKind
from carecharge.core import ledger as core
from carecharge.core.bacs.modulus import check_account
from carecharge.core.money import format_pounds

from .allocations import credits_with_money
from .models import Allocation, Receipt, Refund, RefundMethod, RefundState

SOURCE = "refund"


class RefundError(ValueError):
    """A refund that cannot be asked for, decided or paid; nothing was written."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def credit_pence(account: LedgerAccount) -> int:
    """Money on the account the debtor does not owe: minus its balance, when in credit."""
    return max(0, -balance(account))


def committed_pence(account: LedgerAccount) -> int:
    """Refunds asked for or approved and not yet paid: already promised from the credit."""
    found = Refund.objects.filter(
        account=account, state__in=[RefundState.REQUESTED, RefundState.APPROVED]
    ).aggregate(total=Coalesce(Sum("amount_pence"), 0))
    return int(found["total"])


@dataclass(frozen=True, slots=True)
class CreditBalance:
    account: LedgerAccount
    credit_pence: int
    committed_pence: int

    @property
    def available_pence(self) -> int:
        return self.credit_pence - self.committed_pence


def credit_balances() -> list[CreditBalance]:
    """Every debtor account in credit, largest first, with refunds already promised."""
    from carecharge.apps.ledger.models import Posting

    rows = (
        Posting.objects.filter(account__kind=AccountKind.DEBTOR)
        .values("account_id")
        .annotate(total=Sum("pence"))
        .filter(total__lt=0)
        .order_by("total")
    )
    totals = {row["account_id"]: -int(row["total"]) for row in rows}
    accounts = LedgerAccount.objects.select_related("person", "payer", "organisation").in_bulk(
        list(totals)
    )
    return [
        CreditBalance(accounts[pk], pence, committed_pence(accounts[pk]))
        for pk, pence in totals.items()
    ]


def executor_for(account: LedgerAccount) -> Representative | None:
    if account.person_id is None:
        return None
    return (
        Representative.objects.filter(person_id=account.person_id, kind=RepresentativeKind.EXECUTOR)
        .order_by("-start_date", "-pk")
        .first()
    )


def _take_number() -> str:
    prefix, number = take_numbers("refund", prefix="RF")
    return f"{prefix}{number:06d}"


def request_refund(
    *,
    account: LedgerAccount,
    amount_pence: int,
    method: str,
    payee_name: str,
    reason: str,
    actor: Any,
    sort_code: str = "",
    account_number: str = "",
) -> Refund:
    """Ask for a refund of credit on the account. Checked whole: the amount is no more than
    the credit not already promised; Bacs details pass the modulus check; after a death the
    payee is the executor."""
    problems: list[str] = []
    if account.kind != AccountKind.DEBTOR:
        raise RefundError(f"{account.code} is not a debtor's account")
    if method not in RefundMethod.values:
        problems.append(f"method: {method!r} is not Bacs or cheque")
    if not reason.strip():
        problems.append("reason: say why the money is refunded")
    payee = " ".join(payee_name.split())
    if not payee:
        problems.append("payee_name: say who is paid")
    sort, number = "", ""
    if method == RefundMethod.BACS:
        checked = check_account(sort_code, account_number)
        if not checked.valid:
            problems.append(f"account_number: {checked.reason}")
        sort, number = checked.sort_code, checked.account_number
    person = account.person
    if person is not None and person.date_of_death is not None:
        executor = executor_for(account)
        if executor is None:
            problems.append("payee_name: the person has died: record the executor before refunding")
        elif payee.casefold() != " ".join(executor.name.split()).casefold():
            problems.append(
                f"payee_name: the person has died: the refund is paid to the executor, "
                f"{executor.name}"
            )
    with transaction.atomic():
        LedgerAccount.objects.select_for_update().filter(pk=account.pk).first()
        available = credit_pence(account) - committed_pence(account)
        if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence <= 0:
            problems.append("amount: the amount must be more than £0.00")
        elif amount_pence > available:
            problems.append(
                f"amount: {format_pounds(amount_pence)} is more than the "
                f"{format_pounds(available)} in credit not already being refunded"
            )
        if problems:
            raise RefundError("; ".join(problems))
        refund = Refund.objects.create(
            number=_take_number(),
            account=account,
            amount_pence=amount_pence,
            method=method,
            payee_name=payee,
            sort_code=sort,
            account_number=number,
            reason=reason.strip(),
            state=RefundState.REQUESTED,
            requested_at=timezone.now(),
            requested_by=actor,
        )
        record_create(actor=actor, instance=refund, reason=reason.strip(), source="payments")
    return refund


def _decide(refund: Refund, *, actor: Any, approve: bool, note: str) -> Refund:
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.state != RefundState.REQUESTED:
            raise RefundError(f"Refund {locked.number} is {locked.get_state_display().lower()}")
        if locked.requested_by_id == getattr(actor, "pk", None):
            raise RefundError(
                f"Refund {locked.number} was asked for by you: a second person must decide it"
            )
        if not approve and not note.strip():
            raise RefundError("decision_note: say why the refund is rejected")
        LedgerAccount.objects.select_for_update().filter(pk=locked.account_id).first()
        if approve:
            approved = Refund.objects.filter(
                account_id=locked.account_id, state=RefundState.APPROVED
            ).aggregate(total=Coalesce(Sum("amount_pence"), 0))["total"]
            available = credit_pence(locked.account) - int(approved)
            if locked.amount_pence > available:
                raise RefundError(
                    f"Refund {locked.number}: the account has only {format_pounds(available)} "
                    "in credit not already approved to be refunded"
                )
        locked.state = RefundState.APPROVED if approve else RefundState.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note.strip()
        locked.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        record_event(
            actor=actor,
            action="refund.approved" if approve else "refund.rejected",
            instance=locked,
            changes={"state": [RefundState.REQUESTED, locked.state]},
            reason=note.strip(),
            source="payments",
        )
    return locked


def approve_refund(refund: Refund, *, actor: Any, note: str = "") -> Refund:
    return _decide(refund, actor=actor, approve=True, note=note)


def reject_refund(refund: Refund, *, actor: Any, note: str) -> Refund:
    return _decide(refund, actor=actor, approve=False, note=note)


def mark_paid(
    refund: Refund,
    *,
    paid_on: date,
    actor: Any,
    cheque_number: str = "",
    bacs_file_sha256: str = "",
) -> Refund:
    """Post an approved refund as paid: debit the debtor, credit the bank, and allocate the
    account's unallocated money to it so it is not also set against a later invoice."""
    with transaction.atomic():
        locked = Refund.objects.select_for_update().select_related("account").get(pk=refund.pk)
        if locked.state != RefundState.APPROVED:
            raise RefundError(
                f"Refund {locked.number} is {locked.get_state_display().lower()}: only an "
                "approved refund is paid"
            )
        if locked.method == RefundMethod.CHEQUE and not cheque_number.strip():
            raise RefundError("cheque_number: give the number of the cheque sent")
        if paid_on > timezone.localdate():
            raise RefundError("paid_on: the date paid cannot be in the future")
        account = LedgerAccount.objects.select_for_update().get(pk=locked.account_id)
        free = sum(money for _, money in credits_with_money(account))
        if locked.amount_pence > min(credit_pence(account), free):
            raise RefundError(
                f"Refund {locked.number}: the account no longer has "
                f"{format_pounds(locked.amount_pence)} of unallocated credit to pay back (it "
                "has paid an invoice since): reject this refund and ask again"
            )
        person = account.person
        if person is not None and person.date_of_death is not None:
            executor = executor_for(account)
            same = executor is not None and (
                " ".join(executor.name.split()).casefold() == locked.payee_name.casefold()
            )
            if not same:
                raise RefundError(
                    f"Refund {locked.number}: the person has died since it was asked for; "
                    "it can only be paid to their executor: reject it and ask again"
                )
        bank = ledger.system_account(AccountKind.BANK)
        posted = ledger.post(
            core.transfer(
                f"refund:{locked.number}",
                effective_date=paid_on,
                source=SOURCE,
                source_id=locked.number,
                description=f"Refund {locked.number} to {locked.payee_name}"[:200],
                debit=locked.account.code,
                credit=bank.code,
                pence=locked.amount_pence,
            ),
            actor=actor,
        )
        locked.state = RefundState.PAID
        locked.paid_on = paid_on
        locked.cheque_number = cheque_number.strip()
        locked.bacs_file_sha256 = bacs_file_sha256
        locked.transaction = posted
        locked.save(
            update_fields=["state", "paid_on", "cheque_number", "bacs_file_sha256", "transaction"]
        )
        _allocate_refund(locked, actor=actor)
        record_event(
            actor=actor,
            action="refund.paid",
            instance=locked,
            changes={"state": [RefundState.APPROVED, RefundState.PAID]},
            source="payments",
        )
    return locked


def _allocate_refund(refund: Refund, *, actor: Any) -> None:
    """Set the account's unallocated money, oldest first, against the refund; all of it must
    be found (checked before posting), or the refund would pay back money that paid invoices."""
    left = refund.amount_pence
    now = timezone.now()
    made = []
    for source, free in credits_with_money(refund.account):
        if left == 0:
            break
        used = min(free, left)
        left -= used
        made.append(
            Allocation(
                receipt=source if isinstance(source, Receipt) else None,
                credit_note=source if isinstance(source, Invoice) else None,
                refund=refund,
                amount_pence=used,
                automatic=True,
                reason=f"Paid back by refund {refund.number}",
                created_at=now,
                created_by=_user(actor),
            )
        )
    if left:
        raise RefundError(
            f"Refund {refund.number}: only {format_pounds(refund.amount_pence - left)} of the "
            "account's credit is free to pay back"
        )
    Allocation.objects.bulk_create(made)


def pay_by_bacs(
    chosen: list[Refund], *, processing_day: date, actor: Any, today: date | None = None
) -> Any:
    """Pay approved Bacs refunds in one Standard 18 credit file (code 99 to each payee, one
    code 17 contra from the council's collection account), checked by the validator before it
    is kept; each refund is then posted as paid that day. All or nothing."""
    # The Bacs files, the council's Service User Number and its bank account belong to Direct
    # Debit; refunds borrow them.
    from carecharge.apps.directdebit.files import store_file
    from carecharge.apps.directdebit.models import FileKind
    from carecharge.apps.directdebit.policy import DirectDebitError, policy_on
    from carecharge.core.bacs.standard18 import Standard18Item

    day = today or timezone.localdate()
    if not chosen:
        raise RefundError("Choose at least one approved Bacs refund to pay")
    wrong = [r.number for r in chosen if r.method != RefundMethod.BACS]
    if wrong:
        raise RefundError(f"Refunds {', '.join(wrong)} are not paid by Bacs")
    try:
        with transaction.atomic():
            locked = list(
                Refund.objects.select_for_update()
                .filter(pk__in=[r.pk for r in chosen])
                .order_by("number")
            )
            waiting = [r.number for r in locked if r.state != RefundState.APPROVED]
            if waiting:
                raise RefundError(f"Refunds {', '.join(waiting)} are not approved")
            items = [
                Standard18Item(
                    sort_code=r.sort_code,
                    account_number=r.account_number,
                    payer_name=r.payee_name.upper()[:18],
                    transaction_code="99",
                    amount_pence=r.amount_pence,
                    reference=f"REFUND {r.number}",
                )
                for r in sorted(locked, key=lambda r: r.number)
            ]
            made = store_file(
                kind=FileKind.REFUNDS,
                items=items,
                processing_day=processing_day,
                created_on=day,
                policy=policy_on(day),
                actor=actor,
            )
            for refund in locked:
                mark_paid(refund, paid_on=day, actor=actor, bacs_file_sha256=made.sha256)
    except DirectDebitError as error:
        raise RefundError(str(error)) from None
    return made

"""Posting money received: to the bank and the debtor's account, or to suspense (the
unallocated queue) when nobody can tell whose it is; clearing the queue; moving a receipt that
went to the wrong account. Each is one ledger transaction and a record, written together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from carecharge.apps.audit.operations import record_create
from carecharge.apps.billing.numbers import take_numbers
from carecharge.apps.ledger import operations as ledger
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.core import ledger as core
from carecharge.core.money import format_pounds

from .allocations import allocate_account, current_account_id, unallocate
from .models import (
    AccountMove,
    Channel,
    MatchRule,
    PaymentFile,
    Receipt,
    ReceiptReversal,
    SuspenseClearance,
)

RECEIPT_SEQUENCE = ("receipt", "RC")
SOURCE = "receipt"


class ReceiptError(ValueError):
    """A receipt that cannot be posted or moved; nothing was written."""


@dataclass(frozen=True, slots=True)
class NewReceipt:
    channel: str
    received_on: date
    amount_pence: int
    duplicate_key: str
    payer_name: str = ""
    reference_text: str = ""
    account: LedgerAccount | None = None
    match_rule: str = MatchRule.NONE
    match_trace: tuple[str, ...] = field(default_factory=tuple)
    named_invoice: str = ""
    cheque_number: str = ""
    line_number: int | None = None


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def take_receipt_numbers(count: int) -> list[str]:
    name, prefix = RECEIPT_SEQUENCE
    prefix, first = take_numbers(name, count, prefix=prefix)
    return [f"{prefix}{n:06d}" for n in range(first, first + count)]


def post_receipts(
    receipts: list[NewReceipt], *, actor: Any, file: PaymentFile | None = None
) -> list[Receipt]:
    """Post each receipt (bank debit, debtor or suspense credit) and allocate it. Call inside
    the caller's transaction when other records must be written with them."""
    if not receipts:
        return []
    with transaction.atomic():
        bank = ledger.system_account(AccountKind.BANK)
        suspense = ledger.system_account(AccountKind.SUSPENSE)
        numbers = take_receipt_numbers(len(receipts))
        now = timezone.now()
        made = []
        for number, new in zip(numbers, receipts, strict=True):
            if new.amount_pence <= 0:
                raise ReceiptError(f"Receipt {number}: the amount must be more than £0.00")
            to = new.account or suspense
            entry = core.transfer(
                f"receipt:{new.duplicate_key}",
                effective_date=new.received_on,
                source=SOURCE,
                source_id=number,
                description=f"Receipt {number}: {Channel(new.channel).label}"[:200],
                debit=bank.code,
                credit=to.code,
                pence=new.amount_pence,
            )
            posted = ledger.post(entry, actor=actor)
            made.append(
                Receipt.objects.create(
                    number=number,
                    channel=new.channel,
                    received_on=new.received_on,
                    amount_pence=new.amount_pence,
                    payer_name=new.payer_name[:140],
                    reference_text=new.reference_text[:500],
                    file=file,
                    line_number=new.line_number,
                    duplicate_key=new.duplicate_key,
                    match_rule=new.match_rule if new.account else MatchRule.NONE,
                    match_trace=list(new.match_trace),
                    account=new.account,
                    named_invoice=new.named_invoice,
                    cheque_number=new.cheque_number,
                    transaction=posted,
                    created_at=now,
                    created_by=_user(actor),
                )
            )
        for account in {r.account_id: r.account for r in made if r.account}.values():
            if account is not None:
                allocate_account(account, actor=actor)
    return made


def record_in_person(
    *,
    channel: str,
    account: LedgerAccount,
    amount_pence: int,
    received_on: date,
    actor: Any,
    payer_name: str = "",
    cheque_number: str = "",
    named_invoice: str = "",
) -> Receipt:
    """Cash or a cheque taken at the council's office: posted at once, with a receipt number
    to give the payer."""
    if channel not in (Channel.CASH, Channel.CHEQUE):
        raise ReceiptError("Only cash and cheques are taken in person")
    if channel == Channel.CHEQUE and not cheque_number.strip():
        raise ReceiptError("cheque_number: give the cheque's number")
    if account.kind != AccountKind.DEBTOR:
        raise ReceiptError(f"{account.code} is not a debtor's account")
    with transaction.atomic():
        receipt = post_receipts(
            [
                NewReceipt(
                    channel=channel,
                    received_on=received_on,
                    amount_pence=amount_pence,
                    duplicate_key=f"in-person:{uuid.uuid4().hex}",
                    payer_name=payer_name,
                    account=account,
                    match_rule=MatchRule.OFFICER,
                    match_trace=(f"Taken in person by {getattr(actor, 'username', actor)}.",),
                    named_invoice=named_invoice,
                    cheque_number=cheque_number.strip(),
                )
            ],
            actor=actor,
        )[0]
        record_create(actor=actor, instance=receipt, source="payments")
    return receipt


def _refuse_reversed(receipt: Receipt) -> None:
    if ReceiptReversal.objects.filter(receipt=receipt).exists():
        raise ReceiptError(f"Receipt {receipt.number} is already reversed")
    if receipt.allocations.filter(refund__isnull=False).exists():
        raise ReceiptError(
            f"Receipt {receipt.number} has been paid back in part by a refund: it cannot be "
            "moved or reversed"
        )


def reverse_receipt(
    receipt: Receipt, *, reason: str, effective_date: date, actor: Any = None
) -> ReceiptReversal:
    """Take back a receipt that was not money after all (a returned Direct Debit, an indemnity
    claim, a bounced cheque): the debtor owes again what it paid, its allocations are undone,
    and the invoices it paid are open again. Reversing twice is refused."""
    if not reason.strip():
        raise ReceiptError("reason: say why the receipt is reversed")
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        _refuse_reversed(receipt)
        holder_id = current_account_id(receipt)
        holder = (
            LedgerAccount.objects.get(pk=holder_id)
            if holder_id is not None
            else ledger.system_account(AccountKind.SUSPENSE)
        )
        unallocate(receipt, reason=f"Receipt reversed: {reason.strip()}", actor=actor)
        bank = ledger.system_account(AccountKind.BANK)
        posted = ledger.post(
            core.transfer(
                f"receipt-reversal:{receipt.number}",
                effective_date=effective_date,
                source=SOURCE,
                source_id=receipt.number,
                description=f"Receipt {receipt.number} reversed: {reason.strip()}"[:200],
                debit=holder.code,
                credit=bank.code,
                pence=receipt.amount_pence,
            ),
            actor=actor,
        )
        reversal = ReceiptReversal.objects.create(
            receipt=receipt,
            reason=reason.strip(),
            effective_date=effective_date,
            transaction=posted,
            reversed_at=timezone.now(),
            reversed_by=_user(actor),
        )
        record_create(actor=actor, instance=reversal, reason=reason.strip(), source="payments")
        if holder.kind == AccountKind.DEBTOR:
            allocate_account(holder, actor=actor)
    return reversal


def clear_from_suspense(
    receipt: Receipt, *, account: LedgerAccount, reason: str, actor: Any
) -> SuspenseClearance:
    """Take a receipt out of the unallocated queue and put it on a debtor's account."""
    if not reason.strip():
        raise ReceiptError("reason: say how you know whose payment this is")
    if account.kind != AccountKind.DEBTOR:
        raise ReceiptError(f"{account.code} is not a debtor's account")
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        _refuse_reversed(receipt)
        if current_account_id(receipt) is not None:
            raise ReceiptError(f"Receipt {receipt.number} is not in the unallocated queue")
        suspense = ledger.system_account(AccountKind.SUSPENSE)
        posted = ledger.post(
            core.transfer(
                f"receipt-clear:{receipt.number}",
                effective_date=timezone.localdate(),
                source=SOURCE,
                source_id=receipt.number,
                description=f"Receipt {receipt.number} taken out of suspense",
                debit=suspense.code,
                credit=account.code,
                pence=receipt.amount_pence,
            ),
            actor=actor,
        )
        clearance = SuspenseClearance.objects.create(
            receipt=receipt,
            account=account,
            reason=reason.strip(),
            transaction=posted,
            cleared_at=timezone.now(),
            cleared_by=actor,
        )
        record_create(actor=actor, instance=clearance, reason=reason.strip(), source="payments")
        allocate_account(account, actor=actor)
    return clearance


def move_receipt(receipt: Receipt, *, to: LedgerAccount, reason: str, actor: Any) -> AccountMove:
    """Move a receipt paid on the wrong account: its allocations there are undone, the money
    transferred, and it is allocated on the right account."""
    if not reason.strip():
        raise ReceiptError("reason: say why the receipt is moved")
    if to.kind != AccountKind.DEBTOR:
        raise ReceiptError(f"{to.code} is not a debtor's account")
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        _refuse_reversed(receipt)
        from_id = current_account_id(receipt)
        if from_id is None:
            raise ReceiptError(
                f"Receipt {receipt.number} is in the unallocated queue: clear it instead"
            )
        if from_id == to.pk:
            raise ReceiptError(f"Receipt {receipt.number} is already on {to.code}")
        source = LedgerAccount.objects.get(pk=from_id)
        unallocate(receipt, reason=f"Moved to {to.code}: {reason.strip()}", actor=actor)
        count = AccountMove.objects.filter(receipt=receipt).count() + 1
        posted = ledger.post(
            core.transfer(
                f"receipt-move:{receipt.number}:{count}",
                effective_date=timezone.localdate(),
                source=SOURCE,
                source_id=receipt.number,
                description=(
                    f"Receipt {receipt.number} ({format_pounds(receipt.amount_pence)}) moved "
                    f"from {source.code} to {to.code}"
                )[:200],
                debit=source.code,
                credit=to.code,
                pence=receipt.amount_pence,
            ),
            actor=actor,
        )
        move = AccountMove.objects.create(
            receipt=receipt,
            from_account=source,
            to_account=to,
            amount_pence=receipt.amount_pence,
            reason=reason.strip(),
            transaction=posted,
            moved_at=timezone.now(),
            moved_by=actor,
        )
        record_create(actor=actor, instance=move, reason=reason.strip(), source="payments")
        allocate_account(to, actor=actor)
        allocate_account(source, actor=actor)
    return move

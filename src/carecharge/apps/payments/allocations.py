"""Setting money on an account against the invoices it owes (`core.payments.allocation` does
the choosing). Allocations change no balance; they say which invoices are still owed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from carecharge.apps.billing.models import Invoice, InvoiceKind
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.core.payments.allocation import (
    AllocationPlan,
    OpenInvoice,
    allocate,
    check_manual,
)

from .models import AccountMove, Allocation, Receipt, ReceiptReversal, SuspenseClearance


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def current_account_id(receipt: Receipt) -> int | None:
    """Which debtor account the receipt is on now (None: still in the unallocated queue)."""
    move = AccountMove.objects.filter(receipt=receipt).order_by("-moved_at", "-id").first()
    if move is not None:
        return move.to_account_id
    cleared_to = (
        SuspenseClearance.objects.filter(receipt=receipt)
        .values_list("account_id", flat=True)
        .first()
    )
    return cleared_to if cleared_to is not None else receipt.account_id


def open_invoices(account: LedgerAccount) -> list[OpenInvoice]:
    """The account's invoices with something still owed on them, oldest first."""
    rows = (
        Invoice.objects.filter(account=account, kind=InvoiceKind.INVOICE)
        .annotate(allocated=Coalesce(Sum("allocations__amount_pence"), 0))
        .values_list("pk", "number", "issued_on", "due_on", "total_pence", "allocated")
        .order_by("due_on", "issued_on", "number")
    )
    return [
        OpenInvoice(pk, number, issued, due, total - allocated)
        for pk, number, issued, due, total, allocated in rows
        if total - allocated > 0
    ]


def unallocated_pence(receipt: Receipt) -> int:
    """What of the receipt is not set against an invoice (none once it is reversed)."""
    if ReceiptReversal.objects.filter(receipt=receipt).exists():
        return 0
    allocated = receipt.allocations.aggregate(total=Coalesce(Sum("amount_pence"), 0))["total"]
    return int(receipt.amount_pence - allocated)


def _credit_notes_with_money(account: LedgerAccount) -> list[tuple[Invoice, int]]:
    rows = (
        Invoice.objects.filter(account=account, kind=InvoiceKind.CREDIT_NOTE)
        .annotate(allocated=Coalesce(Sum("allocations_from__amount_pence"), 0))
        .order_by("issued_on", "number")
    )
    return [
        (note, -note.total_pence - note.allocated)
        for note in rows
        if -note.total_pence > note.allocated
    ]


def receipts_on(account_id: int) -> list[tuple[Receipt, int]]:
    """Every receipt on the account now (not moved away, not reversed), oldest first, with
    what of it is not yet allocated: a few queries, however many receipts the account has."""
    last_move = AccountMove.objects.filter(receipt=OuterRef("pk")).order_by("-moved_at", "-id")
    cleared = SuspenseClearance.objects.filter(receipt=OuterRef("pk"))
    allocated = (
        Allocation.objects.filter(receipt=OuterRef("pk"))
        .values("receipt")
        .annotate(total=Sum("amount_pence"))
        .values("total")
    )
    candidates = (
        Receipt.objects.filter(
            Q(account_id=account_id)
            | Q(clearance__account_id=account_id)
            | Q(moves__to_account_id=account_id)
        )
        .exclude(pk__in=ReceiptReversal.objects.values("receipt_id"))
        .annotate(
            moved_to=Subquery(last_move.values("to_account_id")[:1]),
            cleared_to=Subquery(cleared.values("account_id")[:1]),
            allocated=Coalesce(Subquery(allocated), 0),
        )
        .distinct()
        .order_by("received_on", "pk")
    )
    found: list[tuple[Receipt, int]] = []
    for receipt in candidates:
        holder = receipt.moved_to or receipt.cleared_to or receipt.account_id
        if holder == account_id:
            found.append((receipt, int(receipt.amount_pence - receipt.allocated)))
    return found


def _receipts_with_money(account: LedgerAccount) -> list[tuple[Receipt, int]]:
    return [(receipt, free) for receipt, free in receipts_on(account.pk) if free > 0]


def credits_with_money(account: LedgerAccount) -> list[tuple[Receipt | Invoice, int]]:
    """Receipts and credit notes on the account with money not yet allocated, oldest first."""
    found: list[tuple[Any, Any, int]] = [
        (receipt.received_on, receipt, free) for receipt, free in _receipts_with_money(account)
    ]
    found += [(note.issued_on, note, free) for note, free in _credit_notes_with_money(account)]
    found.sort(key=lambda s: (s[0], isinstance(s[1], Invoice), s[1].pk))
    return [(source, free) for _, source, free in found]


def _write(
    plan: AllocationPlan,
    *,
    receipt: Receipt | None = None,
    credit_note: Invoice | None = None,
    automatic: bool,
    reason: str,
    actor: Any,
) -> list[Allocation]:
    now = timezone.now()
    return Allocation.objects.bulk_create(
        [
            Allocation(
                receipt=receipt,
                credit_note=credit_note,
                invoice_id=share.invoice_id,
                amount_pence=share.pence,
                automatic=automatic,
                reason=reason,
                created_at=now,
                created_by=_user(actor),
            )
            for share in plan.shares
        ]
    )


def _held_for_refunds(account: LedgerAccount) -> int:
    from .models import Refund, RefundState

    found = Refund.objects.filter(
        account=account, state__in=[RefundState.REQUESTED, RefundState.APPROVED]
    ).aggregate(total=Coalesce(Sum("amount_pence"), 0))
    return int(found["total"])


def allocate_account(account: LedgerAccount, *, actor: Any = None) -> int:
    """Allocate every receipt and credit note on the account with money not yet allocated to
    its open invoices, oldest money to oldest invoices, less what refunds asked for or approved
    will pay back (that money is kept for them). Returns the pence allocated."""
    total = 0
    with transaction.atomic():
        LedgerAccount.objects.select_for_update().filter(pk=account.pk).first()
        invoices = open_invoices(account)
        if not invoices:
            return 0
        sources: list[tuple[Any, Any, int, str]] = [
            (receipt.received_on, receipt, free, receipt.named_invoice)
            for receipt, free in _receipts_with_money(account)
        ]
        sources += [
            (note.issued_on, note, free, "") for note, free in _credit_notes_with_money(account)
        ]
        sources.sort(key=lambda s: (s[0], isinstance(s[1], Invoice), s[1].pk))
        # The newest money is what a pending refund pays back: the oldest pays invoices.
        held = _held_for_refunds(account)
        for n in range(len(sources) - 1, -1, -1):
            if held <= 0:
                break
            day, source, free, named = sources[n]
            kept = min(free, held)
            held -= kept
            sources[n] = (day, source, free - kept, named)
        sources = [s for s in sources if s[2] > 0]
        for _, source, free, named in sources:
            if not invoices:
                break
            plan = allocate(free, invoices, named=named or None)
            if not plan.shares:
                continue
            is_receipt = isinstance(source, Receipt)
            _write(
                plan,
                receipt=source if is_receipt else None,
                credit_note=None if is_receipt else source,
                automatic=True,
                reason="; ".join(plan.trace),
                actor=actor,
            )
            paid = {share.invoice_id: share.pence for share in plan.shares}
            invoices = [
                OpenInvoice(
                    i.id, i.number, i.issued_on, i.due_on, i.outstanding_pence - paid.get(i.id, 0)
                )
                for i in invoices
                if i.outstanding_pence - paid.get(i.id, 0) > 0
            ]
            total += plan.allocated_pence
    return total


def unallocate(receipt: Receipt, *, reason: str, actor: Any = None) -> int:
    """Undo whatever the receipt is allocated to, by reversing allocations. Returns pence."""
    rows = (
        Allocation.objects.filter(receipt=receipt, invoice__isnull=False)
        .values("invoice_id")
        .annotate(net=Sum("amount_pence"))
        .filter(net__gt=0)
        .order_by("invoice_id")
    )
    now = timezone.now()
    reversed_rows = [
        Allocation(
            receipt=receipt,
            invoice_id=row["invoice_id"],
            amount_pence=-row["net"],
            automatic=False,
            reason=reason,
            created_at=now,
            created_by=_user(actor),
        )
        for row in rows
    ]
    Allocation.objects.bulk_create(reversed_rows)
    return -sum(a.amount_pence for a in reversed_rows)


def allocate_manually(
    receipt: Receipt, requested: Mapping[str, int], *, reason: str, actor: Any
) -> AllocationPlan:
    """An officer's own split of a receipt across its account's invoices (by number): what it
    was allocated to before is undone, and the split checked whole before anything is saved."""
    if not reason.strip():
        raise ValueError("Give a reason for allocating the receipt by hand")
    account_id = current_account_id(receipt)
    if account_id is None:
        raise ValueError(
            f"Receipt {receipt.number} is in the unallocated queue: put it on an account first"
        )
    with transaction.atomic():
        account = LedgerAccount.objects.select_for_update().get(pk=account_id)
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if ReceiptReversal.objects.filter(receipt=receipt).exists():
            raise ValueError(f"Receipt {receipt.number} is reversed: it paid nothing")
        refunded = receipt.allocations.filter(refund__isnull=False).aggregate(
            total=Coalesce(Sum("amount_pence"), 0)
        )["total"]
        unallocate(receipt, reason=f"Allocated again by hand: {reason.strip()}", actor=actor)
        plan = check_manual(receipt.amount_pence - refunded, open_invoices(account), requested)
        _write(plan, receipt=receipt, automatic=False, reason=reason.strip(), actor=actor)
    return plan

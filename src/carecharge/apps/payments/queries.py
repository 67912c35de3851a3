"""Reading payments: receipts, the unallocated queue, a receipt's history, daily banking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from carecharge.apps.ledger.models import LedgerAccount

from .models import AccountMove, Allocation, Channel, Receipt, ReceiptReversal, SuspenseClearance


def _in_suspense() -> Q:
    return Q(account__isnull=True) & ~Q(
        Exists(SuspenseClearance.objects.filter(receipt=OuterRef("pk")))
    )


def _reversed() -> Exists:
    return Exists(ReceiptReversal.objects.filter(receipt=OuterRef("pk")))


def receipts(
    *,
    received_from: date | None = None,
    received_to: date | None = None,
    channel: str = "",
    status: str = "",
    text: str = "",
) -> QuerySet[Receipt]:
    found = (
        Receipt.objects.select_related("account__person", "file", "clearance__account__person")
        .prefetch_related("moves__to_account__person")
        .annotate(reversed=_reversed())
    )
    if received_from:
        found = found.filter(received_on__gte=received_from)
    if received_to:
        found = found.filter(received_on__lte=received_to)
    if channel in Channel.values:
        found = found.filter(channel=channel)
    if status == "unallocated":
        found = found.filter(_in_suspense(), reversed=False)
    elif status == "reversed":
        found = found.filter(reversed=True)
    if text:
        cleaned = text.strip()
        found = found.filter(
            Q(number__iexact=cleaned)
            | Q(reference_text__icontains=cleaned)
            | Q(payer_name__icontains=cleaned)
            | Q(account__payment_reference__reference=cleaned)
            | Q(account__person__account_reference=cleaned)
            | Q(clearance__account__person__account_reference=cleaned)
            | Q(clearance__account__payment_reference__reference=cleaned)
            | Q(moves__to_account__person__account_reference=cleaned)
            | Q(moves__to_account__payment_reference__reference=cleaned)
        ).distinct()
    return found.order_by("-received_on", "-pk")


def unallocated() -> QuerySet[Receipt]:
    """The unallocated queue: receipts in suspense, oldest first."""
    return (
        Receipt.objects.filter(_in_suspense())
        .annotate(reversed=_reversed())
        .filter(reversed=False)
        .select_related("file")
        .order_by("received_on", "pk")
    )


def holder(receipt: Receipt) -> LedgerAccount | None:
    """The account a receipt is on now, from what `receipts()` fetched with it."""
    moves = list(receipt.moves.all())
    if moves:
        return max(moves, key=lambda m: (m.moved_at, m.pk)).to_account
    clearance: SuspenseClearance | None = getattr(receipt, "clearance", None)
    if clearance is not None:
        return clearance.account
    return receipt.account


def unallocated_total() -> tuple[int, int]:
    found = unallocated().aggregate(n=Count("pk"), pence=Coalesce(Sum("amount_pence"), 0))
    return int(found["n"]), int(found["pence"])


def receipt_or_404(number: str) -> Receipt:
    found = (
        Receipt.objects.select_related("account", "file", "transaction", "created_by")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise Http404("No such receipt")
    return found


@dataclass(frozen=True, slots=True)
class ReceiptHistory:
    clearance: SuspenseClearance | None
    moves: list[AccountMove]
    reversal: ReceiptReversal | None
    allocations: list[Allocation]


def history(receipt: Receipt) -> ReceiptHistory:
    return ReceiptHistory(
        clearance=SuspenseClearance.objects.select_related("account", "cleared_by")
        .filter(receipt=receipt)
        .first(),
        moves=list(
            AccountMove.objects.select_related("from_account", "to_account", "moved_by").filter(
                receipt=receipt
            )
        ),
        reversal=ReceiptReversal.objects.filter(receipt=receipt).first(),
        allocations=list(
            Allocation.objects.select_related("invoice", "refund", "created_by")
            .filter(receipt=receipt)
            .order_by("created_at", "pk")
        ),
    )


def account_or_none(pk: int | None) -> LedgerAccount | None:
    if pk is None:
        return None
    return LedgerAccount.objects.select_related("person", "payer", "organisation").get(pk=pk)


def banking(day: date) -> dict[str, Any]:
    """What was received on ``day``, by channel, and the cash and cheques to pay in."""
    on_day = Receipt.objects.filter(received_on=day)
    by_channel = {
        row["channel"]: (row["n"], row["pence"])
        for row in on_day.values("channel").annotate(n=Count("pk"), pence=Sum("amount_pence"))
    }
    # A cheque returned unpaid is not paid in (its reversal is recorded on its own day).
    paying_in = list(
        on_day.filter(channel__in=[Channel.CASH, Channel.CHEQUE])
        .exclude(pk__in=ReceiptReversal.objects.values("receipt_id"))
        .select_related("account", "created_by")
        .order_by("channel", "number")
    )
    return {"by_channel": by_channel, "paying_in": paying_in}

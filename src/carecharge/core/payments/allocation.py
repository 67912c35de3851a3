"""Allocating money on a debtor's account (a receipt, or a credit note) to their open invoices.

A receipt is first posted to the debtor's account in the ledger; allocation then says which
invoices it paid. It changes no balance: it is what a statement, the aged debt report and
recovery need to know which invoices are still owed. Automatic allocation pays the invoice the
payer named first (when they named one that is open), then the oldest by due date; whatever is
left stays on the account as a credit, to be allocated when the next invoice is raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from carecharge.core.money import format_pounds

__all__ = [
    "AllocationError",
    "AllocationPlan",
    "OpenInvoice",
    "Share",
    "allocate",
    "check_manual",
]


class AllocationError(ValueError):
    """A manual allocation that cannot be made (the message names the invoice)."""


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    id: int
    number: str
    issued_on: date
    due_on: date
    outstanding_pence: int


@dataclass(frozen=True, slots=True)
class Share:
    invoice_id: int
    number: str
    pence: int


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    shares: tuple[Share, ...]
    left_pence: int
    """Not allocated to any invoice: a credit on the account."""
    trace: tuple[str, ...]

    @property
    def allocated_pence(self) -> int:
        return sum(share.pence for share in self.shares)


def _oldest_first(item: OpenInvoice) -> tuple[date, date, str, int]:
    return (item.due_on, item.issued_on, item.number, item.id)


def allocate(
    pence: int, invoices: Sequence[OpenInvoice], *, named: str | None = None
) -> AllocationPlan:
    """Allocate ``pence`` (positive) to ``invoices``: the one ``named`` first, then oldest."""
    if isinstance(pence, bool) or not isinstance(pence, int) or pence <= 0:
        raise AllocationError(f"Only a positive amount in pence can be allocated, not {pence!r}")
    open_items = sorted((i for i in invoices if i.outstanding_pence > 0), key=_oldest_first)
    trace: list[str] = []
    if named:
        wanted = named.strip().upper()
        first = [i for i in open_items if i.number.upper() == wanted]
        if first:
            trace.append(f"The payment named invoice {first[0].number}: it is paid first.")
            open_items = first + [i for i in open_items if i is not first[0]]
        else:
            trace.append(
                f"The payment named {named.strip()}, which is not an open invoice on this "
                "account: the oldest invoices are paid instead."
            )
    left = pence
    shares: list[Share] = []
    for item in open_items:
        if left == 0:
            break
        paid = min(left, item.outstanding_pence)
        left -= paid
        shares.append(Share(item.id, item.number, paid))
        whole = "in full" if paid == item.outstanding_pence else "in part"
        trace.append(
            f"{format_pounds(paid)} to invoice {item.number} (due "
            f"{item.due_on.isoformat()}, {format_pounds(item.outstanding_pence)} owed): "
            f"paid {whole}."
        )
    if left:
        trace.append(
            f"{format_pounds(left)} is left on the account as a credit: no invoice is owed."
            if not open_items
            else f"{format_pounds(left)} is left on the account as a credit: every open "
            "invoice is paid."
        )
    return AllocationPlan(tuple(shares), left, tuple(trace))


def check_manual(
    pence: int, invoices: Sequence[OpenInvoice], requested: Mapping[str, int]
) -> AllocationPlan:
    """An officer's split of ``pence`` across invoices by number, checked whole: each amount
    positive and no more than the invoice owes, and no more allocated than there is."""
    by_number = {i.number.upper(): i for i in invoices}
    shares: list[Share] = []
    trace: list[str] = []
    problems: list[str] = []
    for number, amount in requested.items():
        item = by_number.get(number.strip().upper())
        if item is None:
            problems.append(f"Invoice {number}: not an open invoice on this account")
            continue
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            problems.append(f"Invoice {item.number}: the amount must be more than £0.00")
            continue
        if amount > item.outstanding_pence:
            problems.append(
                f"Invoice {item.number}: {format_pounds(amount)} is more than the "
                f"{format_pounds(item.outstanding_pence)} it owes"
            )
            continue
        shares.append(Share(item.id, item.number, amount))
        trace.append(f"{format_pounds(amount)} to invoice {item.number}, as the officer chose.")
    total = sum(share.pence for share in shares)
    if not problems and total > pence:
        problems.append(
            f"{format_pounds(total)} is allocated but only {format_pounds(pence)} is available"
        )
    if problems:
        raise AllocationError("; ".join(problems))
    left = pence - total
    if left:
        trace.append(f"{format_pounds(left)} is left on the account as a credit.")
    return AllocationPlan(tuple(shares), left, tuple(trace))

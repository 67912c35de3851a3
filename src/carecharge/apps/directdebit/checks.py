"""The Direct Debit app's part of `carecharge ledger check`: every collection settled is a
receipt of the same amount, and every collection taken back has its receipt reversed."""

from __future__ import annotations

from django.db.models import F, Q

from .models import CollectionItem, ItemReturn, RunState

LIMIT = 50


def _listed(problems: list[str], more: int) -> list[str]:
    return problems if more <= 0 else [*problems, f"... and {more} more"]


def collections_equal_receipts() -> list[str]:
    wrong = (
        CollectionItem.objects.filter(run__state=RunState.SETTLED)
        .filter(Q(receipt__isnull=True) | ~Q(receipt__amount_pence=F("amount_pence")))
        .values_list("run_id", "reference", "amount_pence", "receipt__number")
        .order_by("run_id", "id")
    )
    found = [
        f"Run {run}, {reference}: collected {pence}p but "
        + (f"receipt {number} differs" if number else "it has no receipt")
        for run, reference, pence, number in wrong[:LIMIT]
    ]
    return _listed(found, wrong.count() - len(found))


def returns_reverse_their_receipts() -> list[str]:
    wrong = (
        ItemReturn.objects.exclude(reversal__receipt=F("item__receipt"))
        .values_list("item__run_id", "item__reference")
        .order_by("id")
    )
    found = [
        f"Run {run}, {reference}: returned, but its reversal is not of its receipt"
        for run, reference in wrong[:LIMIT]
    ]
    return _listed(found, wrong.count() - len(found))


def register_all() -> None:
    from carecharge.apps.ledger import checks

    checks.register("Every Direct Debit collected equals its receipt", collections_equal_receipts)
    checks.register(
        "Every Direct Debit returned or claimed has its receipt reversed",
        returns_reverse_their_receipts,
    )

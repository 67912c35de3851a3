"""The billing app's part of `carecharge ledger check`: every invoice and credit note equals its
lines and its postings."""

from __future__ import annotations

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from carecharge.apps.ledger.models import Posting

from .models import ChargeRecord, Invoice

LIMIT = 50  # problems listed per check; the count says how many more


def _listed(problems: list[str], more: int) -> list[str]:
    return problems if more <= 0 else [*problems, f"... and {more} more"]


def invoices_equal_postings() -> list[str]:
    posted = (
        Posting.objects.filter(transaction=OuterRef("transaction"), account=OuterRef("account"))
        .values("transaction")
        .annotate(total=Sum("pence"))
        .values("total")
    )
    wrong = (
        Invoice.objects.annotate(
            posted=Coalesce(Subquery(posted, output_field=IntegerField()), Value(0))
        )
        .exclude(posted=F("total_pence"))
        .values_list("number", "total_pence", "posted")
    )
    found = [
        f"{number}: total {total}p but {posted}p posted to the debtor account"
        for number, total, posted in wrong[:LIMIT]
    ]
    return _listed(found, wrong.count() - len(found))


def invoices_equal_their_lines() -> list[str]:
    lines = (
        ChargeRecord.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum("amount_pence"))
        .values("total")
    )
    wrong = (
        Invoice.objects.annotate(
            lines_total=Coalesce(Subquery(lines, output_field=IntegerField()), Value(0))
        )
        .exclude(lines_total=F("total_pence"))
        .values_list("number", "total_pence", "lines_total")
    )
    found = [
        f"{number}: total {total}p but its lines add up to {lines_total}p"
        for number, total, lines_total in wrong[:LIMIT]
    ]
    return _listed(found, wrong.count() - len(found))


def register_all() -> None:
    from carecharge.apps.ledger import checks

    checks.register("Every invoice and credit note equals its postings", invoices_equal_postings)
    checks.register("Every invoice and credit note equals its lines", invoices_equal_their_lines)

"""Reading Direct Debit records: mandates, what is waiting to go to Bacs, runs and notices."""

from __future__ import annotations

from django.db.models import QuerySet

from carecharge.apps.ledger.models import LedgerAccount

from .collections import balance_due, in_flight_by_account, waiting_representations
from .mandates import waiting_instructions
from .models import (
    OPEN_STATUSES,
    AdvanceNotice,
    BacsReportImport,
    CollectionItem,
    CollectionRun,
    Mandate,
)

__all__ = [
    "balance_due",
    "in_flight_by_account",
    "mandate_for_account",
    "mandates",
    "notices_for",
    "reports",
    "run_items",
    "runs",
    "waiting_instructions",
    "waiting_representations",
]


def mandates(status: str | None = None) -> QuerySet[Mandate]:
    found = Mandate.objects.select_related("account").order_by("reference")
    return found.filter(status=status) if status else found


def mandate_for_account(account: LedgerAccount) -> Mandate | None:
    """The account's open mandate, if it has one."""
    return Mandate.objects.filter(account=account, status__in=OPEN_STATUSES).first()


def notices_for(mandate: Mandate) -> QuerySet[AdvanceNotice]:
    return AdvanceNotice.objects.filter(mandate=mandate).order_by("created_at", "id")


def runs() -> QuerySet[CollectionRun]:
    return CollectionRun.objects.select_related("file").order_by("-collection_date", "-id")


def run_items(run: CollectionRun) -> QuerySet[CollectionItem]:
    return run.items.select_related("mandate", "account", "receipt").order_by("id")


def reports() -> QuerySet[BacsReportImport]:
    return BacsReportImport.objects.defer("content").order_by("-imported_at", "-id")

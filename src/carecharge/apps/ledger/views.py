"""The ledger page: the trial balance and the receivables control total, read-only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carecharge.apps.accounts.roles import Role, roles

from . import presenters, queries

# Those who answer for the accounts: seniors approve, finance reconciles, auditors inspect.
LEDGER_ROLES = frozenset({Role.SENIOR_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR})


@roles(LEDGER_ROLES)
@require_GET
def trial_balance(request: HttpRequest) -> HttpResponse:
    transactions, postings = queries.counts()
    return render(
        request,
        "ledger/trial_balance.html",
        {
            "page": presenters.trial_balance_page(queries.trial_balance()),
            "transactions": transactions,
            "postings": postings,
        },
    )

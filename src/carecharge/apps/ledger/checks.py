"""The checks the ledger must always pass, and a registry other apps add their own checks to.

A check is a function of no arguments returning a list of problems (plain-English strings for
a finance officer); an empty list means it passed. Billing registers "every invoice equals its
postings" from its `AppConfig.ready()`::

    from carecharge.apps.ledger import checks
    checks.register("Every invoice equals its postings", invoices_match_postings)

`carecharge ledger check` runs every registered check in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Sum

from carecharge.core.money import format_pounds

from .models import LedgerTransaction, Posting

Check = Callable[[], list[str]]

LISTED = 50
"""At most this many problems are listed per check; the rest are counted."""

_registry: dict[str, Check] = {}


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def register(name: str, check: Check) -> None:
    """Add a check under ``name``; registering the same name again replaces it, so an app's
    `ready()` running twice (as some test runners do) never doubles a check."""
    if not name.strip():
        raise ValueError("a ledger check needs a name")
    _registry[name] = check


def registered() -> list[tuple[str, Check]]:
    return list(_registry.items())


def run_all() -> list[CheckResult]:
    """Run every registered check. A check that fails with an error is reported as a problem
    (with the error) rather than stopping the others."""
    results = []
    for name, check in registered():
        try:
            problems = tuple(check())
        except Exception as error:  # one broken check must not hide the others' results
            problems = (f"The check could not run: {type(error).__name__}: {error}",)
        results.append(CheckResult(name, problems))
    return results


def limited(problems: Iterable[str], total: int) -> list[str]:
    """The first `LISTED` problems, and a line saying how many more there are."""
    shown = list(problems)[:LISTED]
    if total > len(shown):
        shown.append(f"... and {total - len(shown)} more")
    return shown


def every_transaction_balances() -> list[str]:
    unbalanced = list(
        Posting.objects.values("transaction_id", "transaction__key", "transaction__effective_date")
        .annotate(total=Sum("pence"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    return limited(
        (
            f"Transaction {row['transaction__key']!r} (effective "
            f"{row['transaction__effective_date']:%d/%m/%Y}) does not balance: its postings sum "
            f"to {format_pounds(row['total'])}"
            for row in unbalanced
        ),
        len(unbalanced),
    )


def every_transaction_has_two_postings() -> list[str]:
    short = list(
        LedgerTransaction.objects.annotate(lines=Count("postings"))
        .filter(lines__lt=2)
        .order_by("pk")
        .values_list("key", "lines")
    )
    return limited(
        (
            f"Transaction {key!r} has {'no postings' if lines == 0 else 'only one posting'}"
            for key, lines in short
        ),
        len(short),
    )


def trial_balance_is_zero() -> list[str]:
    total = Posting.objects.aggregate(total=Sum("pence"))["total"] or 0
    if total:
        return [f"The trial balance sums to {format_pounds(total)}, not £0.00"]
    return []


register("Every transaction balances", every_transaction_balances)
register("Every transaction has at least two postings", every_transaction_has_two_postings)
register("The trial balance sums to zero", trial_balance_is_zero)

"""The trial balance as officers read it: debits and credits in separate columns, and the
debtor accounts shown together as the receivables control line (one per person would be tens of
thousands of rows; each person's account is on their own page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carecharge.core.money import format_pounds

from .models import AccountKind
from .queries import TrialBalanceRow


@dataclass(frozen=True, slots=True)
class Line:
    code: str
    name: str
    kind: str
    debit: str
    credit: str


@dataclass(frozen=True, slots=True)
class TrialBalancePage:
    lines: tuple[Line, ...]
    total_debit: str
    total_credit: str
    balanced: bool
    control_total: str
    debtor_accounts: int


def _line(code: str, name: str, kind: str, pence: int) -> Line:
    return Line(
        code=code,
        name=name,
        kind=kind,
        debit=format_pounds(pence) if pence > 0 else "",
        credit=format_pounds(-pence) if pence < 0 else "",
    )


def trial_balance_page(rows: Sequence[TrialBalanceRow]) -> TrialBalancePage:
    labels = dict(AccountKind.choices)
    debtors = [row for row in rows if row.kind == AccountKind.DEBTOR]
    control = sum(row.pence for row in debtors)
    lines = []
    if debtors:
        lines.append(
            _line(
                "D-*",
                f"Receivables control ({len(debtors):,} debtor accounts)",
                labels[AccountKind.DEBTOR],
                control,
            )
        )
    lines += [
        _line(row.code, row.name, labels.get(row.kind, row.kind), row.pence)
        for row in rows
        if row.kind != AccountKind.DEBTOR
    ]
    # Totalled from the lines shown (debtors in credit netted into the control line), the way
    # an officer adds them up; they agree exactly when the trial balance sums to zero.
    amounts = ([control] if debtors else []) + [
        row.pence for row in rows if row.kind != AccountKind.DEBTOR
    ]
    debit = sum(p for p in amounts if p > 0)
    credit = -sum(p for p in amounts if p < 0)
    return TrialBalancePage(
        lines=tuple(lines),
        total_debit=format_pounds(debit),
        total_credit=format_pounds(credit),
        balanced=debit == credit,
        control_total=format_pounds(control),
        debtor_accounts=len(debtors),
    )

"""Re-rating: what should have been charged, minus what was, as lines to post.

``rerate(expected, charged, billed_through=...)`` compares, key by key, the charges due now (from
``core.charging``) with the sums already posted. A key whose difference is nothing, in total and
per income code, gives no line; so re-rating after posting its own output gives nothing, and a
second billing run with nothing changed posts nothing. A key charged but no longer expected is
reversed in full. Backdated assessments, late actuals, suspensions, deaths and CHC awards all
flow through this one comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.exact import long_date
from carecharge.core.charging.types import Charge, ChargeKind, TraceStep
from carecharge.core.money import format_pounds
from carecharge.core.rerating.reasons import WORDS, reason_for
from carecharge.core.rerating.types import Adjustment, Charged, Reason

_KIND_WORDS = {
    ChargeKind.CONTRIBUTION: "contribution towards care",
    ChargeKind.FLAT_RATE: "flat-rate charge",
    ChargeKind.TOP_UP: "top-up",
    ChargeKind.ARRANGEMENT_FEE: "arrangement fee",
    ChargeKind.CHC_RECHARGE: "NHS Continuing Healthcare recharge",
}


def rerate(
    expected: Sequence[Charge],
    charged: Mapping[str, Charged],
    *,
    billed_through: date | None,
) -> list[Adjustment]:
    """The lines that bring what was charged for each key to what is due now.

    ``billed_through`` is the last day a previous run billed up to (``None`` before the first
    run): a first charge for a week ending on or before it is backdated.
    """
    due = _by_key(expected)
    for key, posted in charged.items():
        if key != posted.key:
            raise ChargingError("charged", f"the record filed under {key!r} is for {posted.key!r}")
        _check_sums("charged", key, posted.amount_pence, posted.income)
    keys = sorted(
        set(due) | set(charged),
        key=lambda key: ((due[key] if key in due else charged[key]).week.start, key),
    )
    lines: list[Adjustment] = []
    for key in keys:
        lines += _adjust(due.get(key), charged.get(key), billed_through)
    return lines


def _by_key(expected: Sequence[Charge]) -> dict[str, Charge]:
    due: dict[str, Charge] = {}
    for charge in expected:
        if charge.key in due:
            raise ChargingError("expected", f"two charges share the key {charge.key!r}")
        _check_sums("expected", charge.key, charge.amount_pence, charge.income)
        due[charge.key] = charge
    return due


def _check_sums(field: str, key: str, amount: int, income: tuple[tuple[str, int], ...]) -> None:
    if sum(pence for _, pence in income) != amount:
        raise ChargingError(
            field,
            f"{key}: the income parts ({format_pounds(sum(p for _, p in income))}) do not add up "
            f"to the amount ({format_pounds(amount)})",
        )


def _difference(
    new: tuple[tuple[str, int], ...], old: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    parts: dict[str, int] = defaultdict(int)
    for code, pence in new:
        parts[code] += pence
    for code, pence in old:
        parts[code] -= pence
    return tuple(sorted((code, pence) for code, pence in parts.items() if pence))


def _adjust(
    due: Charge | None, posted: Charged | None, billed_through: date | None
) -> list[Adjustment]:
    if (
        posted is not None
        and due is not None
        and (
            posted.debtor != due.debtor
            or posted.invoiced != due.invoiced
            or posted.kind != due.kind
        )
    ):
        # A line cannot move money between debtors: reverse what was posted, charge what is due.
        return _adjust(None, posted, billed_through) + _adjust(due, None, billed_through)
    if due is None:
        assert posted is not None
        return _reversal(posted)
    before = posted.amount_pence if posted else 0
    income = _difference(due.income, posted.income if posted else ())
    amount = due.amount_pence - before
    if not amount and not income:
        return []
    reason = reason_for(
        posted.basis if posted else None, due.basis, charged_before=posted is not None
    )
    description = due.description if reason is Reason.NEW else f"{due.description}: {WORDS[reason]}"
    backdated = posted is not None or (
        billed_through is not None and due.week.end <= billed_through
    )
    return [
        Adjustment(
            key=due.key,
            kind=due.kind,
            debtor=due.debtor,
            week=due.week,
            days=due.days,
            amount_pence=amount,
            income=income,
            invoiced=due.invoiced,
            reason=reason,
            corrects=posted.last_record if posted else None,
            backdated=backdated,
            description=description,
            units=due.units,
            basis=due.basis,
            trace=(*due.trace, _closing(before, amount)),
        )
    ]


def _reversal(posted: Charged) -> list[Adjustment]:
    amount = -posted.amount_pence
    income = _difference((), posted.income)
    if not amount and not income:
        return []
    what = _KIND_WORDS[posted.kind]
    week = long_date(posted.week.start)
    return [
        Adjustment(
            key=posted.key,
            kind=posted.kind,
            debtor=posted.debtor,
            week=posted.week,
            days=None,
            amount_pence=amount,
            income=income,
            invoiced=posted.invoiced,
            reason=Reason.CORRECTION,
            corrects=posted.last_record,
            backdated=True,
            description=f"Reversal: the {what} for the week beginning {week} is no longer due",
            units=None,
            basis=None,
            trace=(
                TraceStep(
                    f"Nothing is due now for this {what}: what it was charged for is no longer "
                    "recorded for the week",
                    0,
                ),
                _closing(posted.amount_pence, amount),
            ),
        )
    ]


def _closing(before: int, difference: int) -> TraceStep:
    return TraceStep(
        f"Already charged: {format_pounds(before)}; difference: {format_pounds(difference)}",
        difference,
    )

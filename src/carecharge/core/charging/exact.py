"""Exact amounts in flight, rounded once by a named rule.

A weekly amount spread over some days of a week is ``weekly x days / 7``: a seventh has no exact
``Decimal``, so amounts part-way through a charge are exact :class:`~fractions.Fraction` s of
pence (built from integers and ``Decimal`` s, never from ``float``). Each is rounded to whole
pence exactly once, by the rounding rule the charge names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Final

from carecharge.core.rules import RoundingDirection, RoundingRule

_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def exact(value: Decimal | int) -> Fraction:
    """A ``Decimal`` or int as an exact fraction (refuses ``float`` and ``bool``)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expected a Decimal or int, got {type(value).__name__}")
    return Fraction(value)


def round_by(amount_pence: Fraction, rule: RoundingRule) -> int:
    """Round an exact amount of pence to a multiple of the rule's base, in its direction.

    Ties follow the direction (``half_up`` away from zero, ``half_even`` to the even multiple);
    ``up`` is away from zero and ``down`` towards it, as ``assessment.figures.round_amount``
    does for a ``Decimal``.
    """
    numerator, denominator = amount_pence.numerator, amount_pence.denominator
    step = denominator * rule.base_pence
    whole, remainder = divmod(abs(numerator), step)
    if remainder:
        if rule.direction is RoundingDirection.UP:
            whole += 1
        elif rule.direction in (RoundingDirection.HALF_UP, RoundingDirection.HALF_EVEN):
            twice = 2 * remainder
            tie_goes_up = rule.direction is RoundingDirection.HALF_UP or whole % 2 == 1
            if twice > step or (twice == step and tie_goes_up):
                whole += 1
    magnitude = whole * rule.base_pence
    return -magnitude if numerator < 0 else magnitude


def shown_units(units: Fraction) -> Decimal:
    """Units to two decimal places, for an explanation or an invoice line only (never money)."""
    hundredths = round_by(units * 100, RoundingRule(1, RoundingDirection.HALF_UP))
    return Decimal(hundredths).scaleb(-2)


def integer_weights(values: list[Fraction]) -> list[int]:
    """Non-negative exact values scaled to whole numbers in the same proportions.

    ``money.apportion`` takes whole-number weights; scaling by the common denominator keeps the
    split exactly proportional instead of proportional to rounded costs.
    """
    scale = lcm(*(value.denominator for value in values)) if values else 1
    return [int(value * scale) for value in values]


def long_date(day: date) -> str:
    """``7 April 2025``: the form letters and invoices use, whatever the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

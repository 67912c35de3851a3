"""Money: integer pence at rest, ``Decimal`` in flight, never ``float``.

Conventions used throughout carecharge:

* A stored or exchanged amount is a whole number of pence (:data:`Pence`).
* An amount part-way through a calculation is a :class:`~decimal.Decimal` of **pounds**
  (``Decimal("12.345")`` is £12.345), matching the rules files and the JSON contract.
* Rounding happens only where a rule says so, with the mode that rule names. This module provides
  the mechanics (:func:`round_decimal`, :func:`round_to_pence`); it never picks a mode itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, Inexact, localcontext
from enum import StrEnum
from typing import TypeAlias

__all__ = [
    "MAX_PENCE",
    "MoneyError",
    "Pence",
    "RoundingMode",
    "apportion",
    "format_pounds",
    "parse_pounds",
    "pence_to_decimal",
    "round_decimal",
    "round_to_pence",
    "to_decimal_string",
]

Pence: TypeAlias = int
"""A whole number of pence, e.g. ``123456`` is £1,234.56. Negative for credits and refunds."""

MAX_PENCE: Pence = 2**63 - 1
"""Largest magnitude accepted from text: anything bigger cannot be stored in a 64-bit column."""

_PENNY = Decimal("0.01")
_MAX_EXPONENT = 1000

# Amounts as typed by officers or found in files: optional minus, optional pound sign (either
# order), whole pounds with or without correctly placed thousands commas, then 1-2 pence digits.
_AMOUNT = re.compile(
    r"(?P<sign>-?)£?(?P<sign2>-?)"
    r"(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.(?P<fraction>[0-9]+))?",
    re.ASCII,
)
_LOOKS_NUMERIC = re.compile(r"-?£?-?[0-9][0-9,]*(?:\.[0-9]*)?", re.ASCII)
_BARE_FRACTION = re.compile(r"-?£?-?\.[0-9]+", re.ASCII)


class MoneyError(ValueError):
    """An amount of money could not be read. The message is fit to show a council officer."""


class RoundingMode(StrEnum):
    """How to round an amount that falls between two allowed values.

    The values are the spellings used in the rules files. ``half_up`` rounds ties away from zero
    (-2.5 becomes -3), as a person doing the sum by hand would.
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    DOWN = "down"
    """Towards zero (truncate)."""
    UP = "up"
    """Away from zero."""
    FLOOR = "floor"
    """Towards minus infinity."""
    CEILING = "ceiling"
    """Towards plus infinity."""


def _require_pence(pence: object, what: str = "a whole number of pence") -> int:
    # bool is an int subclass and float would silently lose pennies; both are always bugs here.
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise TypeError(f"expected {what} (int), got {type(pence).__name__}")
    return pence


def _require_decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, got {result}")
    # Exact arithmetic sizes itself to the operands; refuse absurd exponents rather than hang.
    scale = -int(result.as_tuple().exponent)
    if result and (abs(result.adjusted()) > _MAX_EXPONENT or scale > _MAX_EXPONENT):
        raise ValueError(f"{name} is out of range")
    return result


def _quote(text: str) -> str:
    # Echo what was typed so the officer can find it, but keep a pasted essay out of the message.
    return f"'{text}'" if len(text) <= 40 else f"'{text[:37]}...'"


def parse_pounds(text: str, *, allow_negative: bool = False) -> Pence:
    """Read an amount in pounds, as typed by a person, into pence.

    Accepts surrounding spaces, an optional ``£``, thousands commas in the right places and at most
    two decimal places: ``"7"``, ``"12.5"``, ``"12.50"``, ``"£1,234.56"``, ``"-£3.00"``. A decimal
    point must have a digit on both sides: ``".5"`` and ``"12."`` are refused as likely slips.
    Exponents, ``nan``, ``inf``, other currency symbols and non-ASCII digits are refused.
    A minus sign is refused unless ``allow_negative`` is true; ``"-0.00"`` is zero, not negative.

    Raises :class:`MoneyError` with a plain-English message.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise MoneyError("No amount was given")
    shown = _quote(stripped)
    match = _AMOUNT.fullmatch(stripped)
    if match is None:
        if _LOOKS_NUMERIC.fullmatch(stripped) and "," in stripped:
            raise MoneyError(f"{shown} has commas in the wrong places")
        if _LOOKS_NUMERIC.fullmatch(stripped) and stripped.endswith("."):
            raise MoneyError(f"{shown} has a decimal point with nothing after it")
        if _BARE_FRACTION.fullmatch(stripped):
            raise MoneyError(f"{shown} needs a digit before the decimal point, such as 0.50")
        raise MoneyError(f"{shown} is not an amount of money")
    if match["sign"] and match["sign2"]:
        raise MoneyError(f"{shown} is not an amount of money")
    fraction = match["fraction"]
    if fraction is not None and len(fraction) > 2:
        raise MoneyError(f"{shown} has more than two decimal places")
    pounds_digits = match["pounds"].replace(",", "")
    # int() of a huge digit string is slow and eventually refused; no real amount is this long.
    if len(pounds_digits.lstrip("0")) > 17:
        raise MoneyError(f"{shown} is too large")
    pence = int(pounds_digits) * 100 + int((fraction or "").ljust(2, "0"))
    if pence > MAX_PENCE:
        raise MoneyError(f"{shown} is too large")
    if match["sign"] or match["sign2"]:
        if pence and not allow_negative:
            raise MoneyError(f"{shown} is negative")
        pence = -pence
    return pence


def format_pounds(pence: Pence) -> str:
    """Pence as pounds for people: ``123456`` -> ``"£1,234.56"``, ``-1200`` -> ``"-£12.00"``."""
    value = _require_pence(pence)
    pounds, pennies = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    return f"{sign}£{pounds:,}.{pennies:02d}"


def to_decimal_string(pence: Pence) -> str:
    """Pence in the JSON contract form: ``123456`` -> ``"1234.56"``, ``-5`` -> ``"-0.05"``.

    Always two decimal places (``0`` -> ``"0.00"``), no currency symbol, no thousands separators.
    """
    value = _require_pence(pence)
    pounds, pennies = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    return f"{sign}{pounds}.{pennies:02d}"


def pence_to_decimal(pence: Pence) -> Decimal:
    """Pence as an exact ``Decimal`` of pounds, to start a calculation: ``1250`` -> ``12.50``."""
    return Decimal(to_decimal_string(pence))


def _multiples(value: Decimal, step: Decimal, mode: RoundingMode) -> int:
    """How many whole ``step``s ``value`` rounds to under ``mode`` (negative if ``value`` is)."""
    with localcontext() as ctx:
        # Exact arithmetic only: size the precision to the operands and trap any rounding.
        ctx.prec = 30 + sum(
            len(d.as_tuple().digits) + abs(d.adjusted()) + abs(int(d.as_tuple().exponent))
            for d in (value, step)
        )
        ctx.traps[Inexact] = True
        quotient, remainder = divmod(value, step)  # quotient is truncated towards zero
        whole = int(quotient)
        if not remainder:
            return whole
        away = whole + (1 if value > 0 else -1)
        twice = abs(remainder) * 2
    if mode is RoundingMode.DOWN:
        return whole
    if mode is RoundingMode.UP:
        return away
    if mode is RoundingMode.FLOOR:
        return whole if value > 0 else away
    if mode is RoundingMode.CEILING:
        return away if value > 0 else whole
    if twice != step:
        return away if twice > step else whole
    if mode is RoundingMode.HALF_UP:
        return away
    return whole if whole % 2 == 0 else away  # HALF_EVEN on an exact tie


def round_decimal(amount: Decimal, *, base: Decimal, mode: RoundingMode) -> Decimal:
    """Round ``amount`` to a whole multiple of ``base`` using ``mode``, exactly.

    ``base`` is any positive step: ``Decimal("0.01")`` for the penny, ``Decimal("1")`` for whole
    pounds, ``Decimal("250")`` for "£1 per £250 or part" (with :attr:`RoundingMode.CEILING`).
    ``mode`` may also be given as its rules-file spelling (``"half_up"``).
    The result has ``base``'s scale: rounding to ``Decimal("0.01")`` gives two decimal places.
    """
    value = _require_decimal(amount, "amount")
    step = _require_decimal(base, "base")
    if step <= 0:
        raise ValueError(f"base must be positive, got {step}")
    count = _multiples(value, step, RoundingMode(mode))
    _, digits, exponent = step.as_tuple()
    coefficient = count * int("".join(map(str, digits)))
    # Built from integers so that no Decimal context can round the result.
    sign = 0 if coefficient >= 0 else 1
    return Decimal((sign, tuple(map(int, str(abs(coefficient)))), int(exponent)))


def round_to_pence(amount: Decimal, mode: RoundingMode) -> Pence:
    """Round a ``Decimal`` of **pounds** to whole pence: ``Decimal("12.345")``, half_up -> ``1235``.

    ``mode`` may also be given as its rules-file spelling (``"half_up"``).
    """
    return _multiples(_require_decimal(amount, "amount"), _PENNY, RoundingMode(mode))


def apportion(total_pence: Pence, weights: Sequence[int]) -> list[Pence]:
    """Split ``total_pence`` in proportion to ``weights`` so the parts sum exactly to the total.

    Largest-remainder method: each part first gets its exact share rounded towards zero, then the
    pennies left over go one each to the parts with the largest fractional remainders. Ties go to
    the **earliest** part in ``weights``, so the result is deterministic (a weekly charge spread
    over days puts spare pennies on the first days). Each part is within 1p of its exact share and
    a zero weight always gets 0. A negative total is split as its magnitude, then negated.

    ``apportion(1000, [1] * 7)`` -> ``[143, 143, 143, 143, 143, 143, 142]``.
    """
    total = _require_pence(total_pence)
    parts_weights = [_require_pence(w, "whole-number weights") for w in weights]
    if not parts_weights:
        raise ValueError("cannot apportion over no weights")
    if any(w < 0 for w in parts_weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(parts_weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    magnitude = abs(total)
    shares = [divmod(magnitude * w, weight_sum) for w in parts_weights]
    parts = [whole for whole, _ in shares]
    leftover = magnitude - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return parts if total >= 0 else [-p for p in parts]

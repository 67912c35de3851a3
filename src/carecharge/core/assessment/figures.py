"""The rules an assessment reads: cached look-ups, errors named for the request, and rounding.

Every figure and every rounding comes from the rules in force on the request's ``as_at``
(docs/decisions/0005-assessment-rule-names.md). A rule with no value in force that day is the
request's fault (``as_at``); a rule missing from the tree, or in the wrong unit, is the rules'.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Final

from carecharge.core.assessment.errors import AssessmentInputError, AssessmentRulesError
from carecharge.core.money import RoundingMode, round_decimal
from carecharge.core.rules import RuleEntry, RuleNotInForce, RuleSet, Unit, UnknownRule
from carecharge.core.rules.schema import RoundingRule

ENGLAND: Final = "england.charging"
WALES: Final = "wales.charging"
ROUND_WEEKLY: Final = f"{ENGLAND}.rounding.weekly_charge"
ROUND_TARIFF: Final = f"{ENGLAND}.rounding.tariff_income"
AA_HIGHER: Final = "england.benefits.attendance_allowance.higher"
AA_LOWER: Final = "england.benefits.attendance_allowance.lower"

_HUNDRED: Final = Decimal(100)


class Figures:
    """Typed access to the rules in force on one date, each looked up once and kept.

    Use :meth:`of` to share one instance per RuleSet (and so its cache) between assessments.
    """

    __slots__ = ("_cache", "rules")

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._cache: dict[str, RuleEntry] = {}

    @staticmethod
    @lru_cache(maxsize=4096)
    def of(rules: RuleSet) -> Figures:
        # RuleSet hashes on (as_at, content_hash): equal keys mean equal rules on that date.
        return Figures(rules)

    def has(self, name: str) -> bool:
        return name in self.rules

    def entry(self, name: str, unit: Unit) -> RuleEntry:
        entry = self._cache.get(name)
        if entry is not None and entry.unit is unit:
            return entry
        try:
            entry = self.rules.entry(name)
        except RuleNotInForce as error:
            raise AssessmentInputError(
                "as_at", f"the rules have no value in force on {self.rules.as_at}: {error}"
            ) from None
        except UnknownRule as error:
            raise AssessmentRulesError(f"the rules tree is incomplete: {error}") from None
        if entry.unit is not unit:
            raise AssessmentRulesError(
                f"rule {name!r} has unit {entry.unit.value!r}; the assessment needs {unit.value}"
            )
        self._cache[name] = entry
        return entry

    def pence(self, name: str) -> tuple[int, RuleEntry]:
        entry = self.entry(name, Unit.PENCE)
        assert isinstance(entry.value, int)
        return entry.value, entry

    def number(self, name: str, unit: Unit = Unit.WEEKS) -> tuple[int, RuleEntry]:
        entry = self.entry(name, unit)
        assert isinstance(entry.value, int)
        return entry.value, entry

    def percent(self, name: str) -> tuple[Decimal, RuleEntry]:
        entry = self.entry(name, Unit.PERCENT)
        assert isinstance(entry.value, Decimal)
        return entry.value, entry

    def rounding(self, name: str) -> tuple[RoundingRule, RuleEntry]:
        entry = self.entry(name, Unit.ROUNDING)
        assert isinstance(entry.value, RoundingRule)
        return entry.value, entry

    def jurisdiction_rule(self, jurisdiction: str, suffix: str) -> str:
        """The Welsh rule ``wales.charging.<suffix>`` when Wales has one, else England's."""
        if jurisdiction == "wales":
            name = f"{WALES}.{suffix}"
            if name in self.rules:
                return name
        return f"{ENGLAND}.{suffix}"


def round_amount(amount_pence: Decimal, rule: RoundingRule) -> int:
    """Round an exact amount of pence to a whole multiple of the rule's base, in pence.

    The same result as ``money.round_decimal(amount, base=rule.base_pence, mode=direction)``
    (the tests check this), done in integers because it runs on every assessment.
    """
    numerator, denominator = amount_pence.as_integer_ratio()
    magnitude = _round_ratio(abs(numerator), denominator, rule.base_pence, rule.direction)
    return -magnitude if numerator < 0 else magnitude


def _round_ratio(numerator: int, denominator: int, base: int, direction: str) -> int:
    """``numerator / denominator`` (not negative) to a multiple of ``base``; ties per direction,
    "up" and "half_up" away from zero, "down" towards it."""
    step = denominator * base
    whole, remainder = divmod(numerator, step)
    if remainder:
        if direction == "up":
            whole += 1
        elif direction in ("half_up", "half_even"):
            twice = 2 * remainder
            if twice > step or (twice == step and (direction == "half_up" or whole % 2 == 1)):
                whole += 1
    return whole * base


def round_with_money(amount_pence: Decimal, rule: RoundingRule) -> int:
    """The reference implementation of :func:`round_amount`, through ``money.round_decimal``."""
    base = Decimal(rule.base_pence)
    return int(round_decimal(amount_pence, base=base, mode=RoundingMode(rule.direction.value)))


def fraction_of(pence: int, percent: Decimal, rule: RoundingRule) -> int:
    """``percent`` per cent of ``pence``, rounded by ``rule`` (e.g. the weekly charge rule)."""
    exact = Decimal(pence) * percent / _HUNDRED
    if exact == exact.to_integral_value():
        return int(exact)
    return round_amount(exact, rule)


def half_of(pence: int, rule: RoundingRule) -> int:
    """Half of an amount (a joint item's share), rounded by ``rule`` when the pence are odd."""
    if pence % 2 == 0:
        return pence // 2
    return round_amount(Decimal(pence) / 2, rule)

"""The rules charging reads: national rounding and the council's billing policy, by date.

Every value is read from the rules in force on the date it applies to (for a charging week, its
first day), looked up once and kept. A rule missing from the tree, in the wrong unit or not in
force on that date is a :class:`ChargingError` on ``rules`` (or on ``lines`` for a flat-rate
line's price), never a crash.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from carecharge.core.charging.errors import ChargingError
from carecharge.core.rules import RuleBook, RuleEntry, RuleError, RuleSet, Unit
from carecharge.core.rules.schema import RoundingRule

WEEKLY_CHARGE: Final = "england.charging.rounding.weekly_charge"
DAILY_APPORTIONMENT: Final = "england.charging.rounding.daily_apportionment"

CONTINUE: Final = "continue"
STOP: Final = "stop"
SUSPENSION_REASONS: Final = ("hospital", "holiday", "other")


def charging_rule_prefixes(council: str) -> tuple[str, ...]:
    """The only rules charging may read: national rounding, the council's billing policy and
    its flat-rate prices. Their hash is what a person's charges depend on (the assessment
    figures, uprated every April, reach charging through each person's assessment instead)."""
    return (
        "england.charging.rounding.",
        f"local.{council}.billing.",
        f"local.{council}.flat_rates.",
    )


def charging_rules_hash(book: RuleBook, council: str) -> str:
    return book.scoped_hash(charging_rule_prefixes(council))


def rule_reference(entry: RuleEntry) -> str:
    """``"<rule name>: <title of its first reference>"``, as a trace step cites a rule."""
    if entry.references:
        return f"{entry.name}: {entry.references[0].title}"
    return entry.name


class CouncilRules:
    """One council's charging rules from one rule book, looked up by date and cached."""

    __slots__ = ("_cache", "_prefixes", "_sets", "book", "council")

    def __init__(self, book: RuleBook, council: str) -> None:
        self.book = book
        self.council = council
        self._prefixes = charging_rule_prefixes(council)
        self._sets: dict[date, RuleSet] = {}
        self._cache: dict[tuple[str, date], RuleEntry] = {}

    def _require_charging_rule(self, name: str, field: str) -> None:
        # Charges are fingerprinted with the hash of these rules only: reading any other rule
        # would let it change without the charges it affects being worked out again.
        if not name.startswith(self._prefixes):
            allowed = ", ".join(f"{p}*" for p in self._prefixes)
            raise ChargingError(
                field, f"rule {name!r} is not a charging rule: charging reads only {allowed}"
            )

    def local(self, suffix: str) -> str:
        """The council's billing rule ``local.<council>.billing.<suffix>``."""
        return f"local.{self.council}.billing.{suffix}"

    def entry(self, name: str, on: date, unit: Unit, *, field: str = "rules") -> RuleEntry:
        key = (name, on)
        found = self._cache.get(key)
        if found is None:
            self._require_charging_rule(name, field)
            rules = self._sets.get(on)
            if rules is None:
                rules = self._sets[on] = self.book.as_at(on)
            try:
                found = rules.entry(name)
            except RuleError as error:
                raise ChargingError(field, str(error)) from None
            if found.unit is not unit:
                raise ChargingError(
                    field, f"rule {name!r} is in {found.unit.value}, not {unit.value}"
                )
            self._cache[key] = found
        return found

    def rounding(self, name: str, on: date) -> tuple[RoundingRule, str]:
        entry = self.entry(name, on, Unit.ROUNDING)
        assert isinstance(entry.value, RoundingRule)
        return entry.value, rule_reference(entry)

    def week_start(self, on: date) -> int:
        entry = self.entry(self.local("week_start"), on, Unit.COUNT)
        assert isinstance(entry.value, int)
        if entry.value not in range(7):
            raise ChargingError(
                "rules",
                f"{entry.name} is {entry.value}; it must be 0 (Monday) to 6 (Sunday)",
            )
        return entry.value

    def week_start_changes(self) -> tuple[date, ...]:
        """Every date the week-start rule takes a value (its first included)."""
        name = self.local("week_start")
        self._require_charging_rule(name, "rules")
        if name not in self.book:
            raise ChargingError("rules", f"no rule named {name!r}")
        return tuple(value.effective_from for value in self.book.rule(name).values)

    def residential_suspension(self, reason: str, on: date) -> tuple[bool, str]:
        """Whether a care-home contribution continues during a suspension for ``reason``."""
        entry = self.entry(self.local(f"residential_suspension.{reason}"), on, Unit.TEXT)
        if entry.value not in (CONTINUE, STOP):
            raise ChargingError(
                "rules", f"{entry.name} is {entry.value!r}; it must be {CONTINUE!r} or {STOP!r}"
            )
        return entry.value == CONTINUE, rule_reference(entry)

    def reablement_free_weeks(self, on: date) -> tuple[int, str]:
        entry = self.entry(self.local("reablement_free_weeks"), on, Unit.WEEKS)
        assert isinstance(entry.value, int)
        return entry.value, rule_reference(entry)

    def charge_reablement_after_free_weeks(self, on: date) -> tuple[bool, str]:
        entry = self.entry(self.local("charge_reablement_after_free_weeks"), on, Unit.BOOL)
        assert isinstance(entry.value, bool)
        return entry.value, rule_reference(entry)

    def arrangement_fee(self, which: str, on: date) -> tuple[int, str]:
        """The ``setup`` or ``annual`` arrangement fee in force on ``on`` (0: no fee)."""
        entry = self.entry(self.local(f"arrangement_fee.{which}"), on, Unit.PENCE)
        assert isinstance(entry.value, int)
        return entry.value, rule_reference(entry)

    def arrangement_fee_income_code(self, on: date) -> str:
        entry = self.entry(self.local("arrangement_fee.income_code"), on, Unit.TEXT)
        assert isinstance(entry.value, str)
        return entry.value

    def flat_price(self, name: str, on: date, line_ref: str) -> tuple[int, str]:
        """A flat-rate service's price per unit in force on ``on``."""
        if not name:
            raise ChargingError("lines", f"flat-rate line {line_ref} names no price rule")
        try:
            entry = self.entry(name, on, Unit.PENCE, field="lines")
        except ChargingError as error:
            raise ChargingError("lines", f"line {line_ref}: {error.message}") from None
        assert isinstance(entry.value, int)
        return entry.value, rule_reference(entry)

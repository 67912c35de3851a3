"""A loaded book of dated rules, and the immutable set of values in force on one date."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from carecharge.core.rules.errors import RuleNotInForce, RuleTypeError, UnknownRule
from carecharge.core.rules.schema import (
    DatedValue,
    Period,
    Reference,
    RoundingRule,
    Rule,
    RuleValue,
    Unit,
)

#: Bumped if the normalised form that the content hash is computed over ever changes.
HASH_FORMAT: Final = "carecharge-rules/1"


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """The value of one rule in force on a date, with where it comes from.

    This is what a calculation's trace records as "the rule it applied".
    """

    name: str
    value: RuleValue
    unit: Unit
    period: Period | None
    effective_from: date
    references: tuple[Reference, ...]
    unverified: bool
    preview: bool
    note: str | None
    description: str


def _require_date(when: object) -> date:
    if isinstance(when, datetime) or not isinstance(when, date):
        raise TypeError(f"rules are looked up by date, not {type(when).__name__}")
    return when


class RuleBook:
    """Every rule loaded from a rules tree, with every dated value.

    Build it with :func:`carecharge.core.rules.load_rules`. It is read-only.
    """

    __slots__ = ("_content_hash", "_include_preview", "_rules", "_scoped")

    def __init__(self, rules: Mapping[str, Rule], *, include_preview: bool) -> None:
        self._rules: Mapping[str, Rule] = MappingProxyType(dict(sorted(rules.items())))
        self._include_preview = include_preview
        self._content_hash = _content_hash(self._rules.values())
        self._scoped: dict[tuple[str, ...], str] = {}

    def scoped_hash(self, prefixes: tuple[str, ...]) -> str:
        """Like :attr:`content_hash`, over only the rules whose names start with one of
        ``prefixes``: what a calculation that reads only those rules depends on, so that a
        change anywhere else does not make its earlier results look out of date."""
        found = self._scoped.get(prefixes)
        if found is None:
            chosen = [rule for name, rule in self._rules.items() if name.startswith(prefixes)]
            found = self._scoped[prefixes] = _content_hash(chosen, scope=prefixes)
        return found

    @property
    def content_hash(self) -> str:
        """SHA-256 (hex) over the normalised content of every loaded rule.

        It ignores file order, layout, comments and line endings, and changes when any
        name, description, unit, period, date, value, reference, note or flag changes.
        Preview values count only when they were loaded.
        """
        return self._content_hash

    @property
    def include_preview(self) -> bool:
        """Whether preview values were loaded."""
        return self._include_preview

    def as_at(self, when: date) -> RuleSet:
        """The immutable set of values in force on ``when`` (never "the year")."""
        return RuleSet(
            as_at=_require_date(when), content_hash=self._content_hash, _rules=self._rules
        )

    def names(self) -> tuple[str, ...]:
        """Every rule name, sorted."""
        return tuple(self._rules)

    def rule(self, name: str) -> Rule:
        """The full definition of one rule, with all its loaded dated values."""
        return _lookup(self._rules, name)

    def unverified(self) -> tuple[tuple[str, date], ...]:
        """Every loaded (name, effective date) whose value is marked ``unverified``."""
        return tuple(
            (rule.name, value.effective_from)
            for rule in self._rules.values()
            for value in rule.values
            if value.unverified
        )

    def change_dates(
        self, start: date, end: date, names: Iterable[str] | None = None
    ) -> tuple[date, ...]:
        """Sorted dates in ``start < d <= end`` on which any (or any named) rule changes.

        A charge period running from ``start`` to ``end`` must be split at each of them.
        """
        start, end = _require_date(start), _require_date(end)
        rules = self._rules.values() if names is None else [self.rule(n) for n in names]
        return tuple(
            sorted(
                {
                    value.effective_from
                    for rule in rules
                    for value in rule.values
                    if start < value.effective_from <= end
                }
            )
        )

    def __contains__(self, name: object) -> bool:
        return name in self._rules

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        preview = ", with previews" if self._include_preview else ""
        return f"<RuleBook {len(self._rules)} rules{preview} {self._content_hash[:12]}>"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The values in force on one date. Immutable; obtain it from ``RuleBook.as_at``."""

    as_at: date
    content_hash: str
    _rules: Mapping[str, Rule] = field(repr=False, compare=False)

    def entry(self, name: str) -> RuleEntry:
        """The value in force, its effective date, references and unverified flag."""
        rule = _lookup(self._rules, name)
        dated = rule.value_on(self.as_at)
        if dated is None:
            raise RuleNotInForce(name, self.as_at, _not_in_force_detail(rule))
        return _entry(rule, dated)

    def get(self, name: str) -> RuleValue:
        """The value in force: int for pence, weeks, days, count and years; Decimal for
        percent; bool; str for text; RoundingRule for rounding."""
        return self.entry(name).value

    def pence(self, name: str) -> int:
        """A pence amount; raises RuleTypeError if the rule is not in pence."""
        value = self._typed(name, {Unit.PENCE}, "pence")
        assert isinstance(value, int)
        return value

    def percent(self, name: str) -> Decimal:
        """A percentage as a Decimal (e.g. Decimal("2.5") for 2.5%)."""
        value = self._typed(name, {Unit.PERCENT}, "percent")
        assert isinstance(value, Decimal)
        return value

    def number(self, name: str) -> int:
        """A whole number of weeks, days, years or a count."""
        value = self._typed(
            name, {Unit.WEEKS, Unit.DAYS, Unit.COUNT, Unit.YEARS}, "weeks, days, count or years"
        )
        assert isinstance(value, int)
        return value

    def flag(self, name: str) -> bool:
        """A yes/no policy choice."""
        value = self._typed(name, {Unit.BOOL}, "bool")
        assert isinstance(value, bool)
        return value

    def text(self, name: str) -> str:
        """A text setting."""
        value = self._typed(name, {Unit.TEXT}, "text")
        assert isinstance(value, str)
        return value

    def rounding(self, name: str) -> RoundingRule:
        """A named rounding policy."""
        value = self._typed(name, {Unit.ROUNDING}, "rounding")
        assert isinstance(value, RoundingRule)
        return value

    def in_force(self) -> Mapping[str, RuleEntry]:
        """Every rule that has a value in force on this date, by name."""
        found: dict[str, RuleEntry] = {}
        for name, rule in self._rules.items():
            dated = rule.value_on(self.as_at)
            if dated is not None:
                found[name] = _entry(rule, dated)
        return MappingProxyType(found)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or name not in self._rules:
            return False
        return self._rules[name].value_on(self.as_at) is not None

    def _typed(self, name: str, units: set[Unit], wanted: str) -> RuleValue:
        rule = _lookup(self._rules, name)
        if rule.unit not in units:
            raise RuleTypeError(name, rule.unit.value, wanted)
        return self.get(name)


def _lookup(rules: Mapping[str, Rule], name: str) -> Rule:
    try:
        return rules[name]
    except KeyError:
        suggestions = difflib.get_close_matches(name, list(rules), n=3)
        raise UnknownRule(name, suggestions) from None


def _entry(rule: Rule, dated: DatedValue) -> RuleEntry:
    return RuleEntry(
        name=rule.name,
        value=dated.value,
        unit=rule.unit,
        period=rule.period,
        effective_from=dated.effective_from,
        references=dated.references,
        unverified=dated.unverified,
        preview=dated.preview,
        note=dated.note,
        description=rule.description,
    )


def _not_in_force_detail(rule: Rule) -> str:
    if rule.values:
        return f"its earliest value takes effect on {rule.values[0].effective_from.isoformat()}"
    if rule.withheld_previews:
        first = min(rule.withheld_previews).isoformat()
        return (
            f"it has only preview values (from {first}) and previews are not loaded; "
            "load the rules with include_preview=True to use them"
        )
    return "it has no values"


def _normal_value(value: RuleValue) -> object:
    if isinstance(value, RoundingRule):
        return {"base_pence": value.base_pence, "direction": value.direction.value}
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _normal_rule(rule: Rule) -> dict[str, object]:
    return {
        "name": rule.name,
        "description": rule.description,
        "unit": rule.unit.value,
        "period": rule.period.value if rule.period is not None else None,
        "values": [
            {
                "effective_from": v.effective_from.isoformat(),
                "value": _normal_value(v.value),
                "reference": [{"title": r.title, "url": r.url} for r in v.references],
                "note": v.note,
                "unverified": v.unverified,
                "preview": v.preview,
            }
            for v in rule.values
        ],
    }


def _content_hash(rules: Iterable[Rule], *, scope: tuple[str, ...] | None = None) -> str:
    normal: dict[str, object] = {
        "format": HASH_FORMAT,
        "rules": [_normal_rule(rule) for rule in sorted(rules, key=lambda r: r.name)],
    }
    if scope is not None:
        normal["scope"] = sorted(scope)
    text = json.dumps(normal, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

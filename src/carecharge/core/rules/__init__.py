"""Rules as dated data with a legal reference (DESIGN.md principle 2).

Usage::

    book = load_rules(Path("rules"))
    rules = book.as_at(date(2025, 6, 2))
    rules.pence("england.benefits.attendance_allowance.higher")   # 11040
    rules.entry("england.benefits.attendance_allowance.higher")   # value, date, references
    book.content_hash                                             # record with every result

Pure Python: no Django, no database, no clock.
"""

from carecharge.core.rules.errors import (
    Problem,
    RuleError,
    RuleFileError,
    RuleNotInForce,
    RuleTypeError,
    UnknownRule,
)
from carecharge.core.rules.loader import load_rules
from carecharge.core.rules.ruleset import RuleBook, RuleEntry, RuleSet
from carecharge.core.rules.schema import (
    DatedValue,
    Period,
    Reference,
    RoundingDirection,
    RoundingRule,
    Rule,
    RuleValue,
    Unit,
)

__all__ = [
    "DatedValue",
    "Period",
    "Problem",
    "Reference",
    "RoundingDirection",
    "RoundingRule",
    "Rule",
    "RuleBook",
    "RuleEntry",
    "RuleError",
    "RuleFileError",
    "RuleNotInForce",
    "RuleSet",
    "RuleTypeError",
    "RuleValue",
    "Unit",
    "UnknownRule",
    "load_rules",
]

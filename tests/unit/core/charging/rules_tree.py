"""A small rules tree for the charging and re-rating tests, council ``test``.

The tests never read the real rules/ tree (whose reviewed figures change on their own), except
test_real_rules.py, which checks that the demo council's billing rules are there and load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from carecharge.core.rules import RuleBook, load_rules
from tests.unit.core.assessment.rules_tree import write_tree

COUNCIL: Final = "test"
BILLING: Final = f"local.{COUNCIL}.billing"
START: Final = "2015-04-01"
MEALS: Final = f"local.{COUNCIL}.flat_rates.meals"
TELECARE: Final = f"local.{COUNCIL}.flat_rates.telecare"
HALF_UP: Final = {"base": 1, "direction": "half_up"}

# name -> (unit, period, {effective date: value})
TREE: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "england.charging.rounding.weekly_charge": ("rounding", None, {START: HALF_UP}),
    "england.charging.rounding.daily_apportionment": ("rounding", None, {START: HALF_UP}),
    f"{BILLING}.week_start": ("count", None, {START: 0}),
    f"{BILLING}.residential_suspension.hospital": ("text", None, {START: "continue"}),
    f"{BILLING}.residential_suspension.holiday": ("text", None, {START: "continue"}),
    f"{BILLING}.residential_suspension.other": ("text", None, {START: "stop"}),
    f"{BILLING}.reablement_free_weeks": ("weeks", None, {START: 6}),
    f"{BILLING}.charge_reablement_after_free_weeks": ("bool", None, {START: False}),
    f"{BILLING}.arrangement_fee.setup": ("pence", "once", {START: 7500}),
    f"{BILLING}.arrangement_fee.annual": ("pence", "year", {START: 25000}),
    f"{BILLING}.arrangement_fee.income_code": ("text", None, {START: "FEES/9100"}),
    f"{BILLING}.backdated_review_threshold": ("pence", "once", {START: 25000}),
    # £5.20 a meal, £5.50 from Thursday 1 May 2025 (charged from the next week's Monday).
    MEALS: ("pence", "once", {"2025-04-01": 520, "2025-05-01": 550}),
    TELECARE: ("pence", "week", {"2025-04-01": 475}),
}


def build(root: Path, **changes: Any) -> RuleBook:
    """The test tree with some rules replaced (``a__b`` for ``a.b``; ``None`` removes one)."""
    tree = dict(TREE)
    for key, value in changes.items():
        name = key.replace("__", ".")
        if value is None:
            tree.pop(name)
        else:
            tree[name] = value
    return load_rules(write_tree(root, tree))

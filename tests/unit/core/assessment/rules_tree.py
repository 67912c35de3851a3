"""A small, complete rules tree for the assessment tests, written into a directory.

The figures are the 2024/25 and 2025/26 ones from charging-rules.md where the reference has
them; the rest are made up for the tests and marked unverified, so the tests never depend on the
real rules under rules/ (which are reviewed and change on their own).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

E = "england.charging"
MIG = f"{E}.minimum_income_guarantee"
Y24 = "2024-04-08"
Y25 = "2025-04-07"
START = "2015-04-01"

# name -> (unit, period, {effective date: value, or (value, "unverified")})
TREE: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    f"{E}.capital.upper_limit": ("pence", "once", {START: 2325000}),
    f"{E}.capital.lower_limit": ("pence", "once", {START: 1425000}),
    f"{E}.capital.sale_expenses_percent": ("percent", None, {START: "10"}),
    f"{E}.tariff_income.step": ("pence", "once", {START: 25000}),
    f"{E}.tariff_income.amount_per_step": ("pence", "week", {START: 100}),
    f"{E}.personal_expenses_allowance": ("pence", "week", {Y24: 3015, Y25: 3065}),
    f"{E}.savings_credit_disregard.single": ("pence", "week", {Y24: 695, Y25: (710, "u")}),
    f"{E}.savings_credit_disregard.couple": ("pence", "week", {Y24: 1040, Y25: (1060, "u")}),
    f"{E}.war_pension_disregard": ("pence", "week", {START: 1000}),
    f"{E}.property_disregard_weeks": ("weeks", None, {START: 12}),
    f"{E}.property_readmission_weeks": ("weeks", None, {START: 52}),
    f"{E}.deferred_payment.disposable_income_allowance": ("pence", "week", {START: 14400}),
    f"{MIG}.single_18_to_24": ("pence", "week", {Y24: (8765, "u"), Y25: 8915}),
    f"{MIG}.single_25_to_pension_credit_age": ("pence", "week", {Y24: (11060, "u"), Y25: 11250}),
    f"{MIG}.single_pension_credit_age": ("pence", "week", {Y24: 22870, Y25: (23260, "u")}),
    f"{MIG}.lone_parent_18_plus": ("pence", "week", {Y24: (11060, "u"), Y25: (11250, "u")}),
    f"{MIG}.couple_member_18_plus": ("pence", "week", {Y24: (8690, "u"), Y25: (8840, "u")}),
    f"{MIG}.couple_member_pension_credit_age": (
        "pence",
        "week",
        {Y24: (17460, "u"), Y25: (17760, "u")},
    ),
    f"{MIG}.child": ("pence", "week", {Y24: (10125, "u"), Y25: (10300, "u")}),
    f"{MIG}.disability_premium_single": ("pence", "week", {Y24: (4880, "u"), Y25: 4965}),
    f"{MIG}.disability_premium_couple_member": (
        "pence",
        "week",
        {Y24: (3480, "u"), Y25: (3540, "u")},
    ),
    f"{MIG}.enhanced_disability_premium_single": (
        "pence",
        "week",
        {Y24: (2385, "u"), Y25: 2425},
    ),
    f"{MIG}.enhanced_disability_premium_couple_member": (
        "pence",
        "week",
        {Y24: (1715, "u"), Y25: (1745, "u")},
    ),
    f"{MIG}.carer_premium": ("pence", "week", {Y24: (4515, "u"), Y25: (4590, "u")}),
    f"{E}.rounding.tariff_income": ("rounding", None, {START: {"base": 25000, "direction": "up"}}),
    f"{E}.rounding.weekly_charge": ("rounding", None, {START: {"base": 1, "direction": "half_up"}}),
    f"{E}.rounding.monthly_to_weekly": (
        "rounding",
        None,
        {START: {"base": 1, "direction": "half_up"}},
    ),
    "england.benefits.attendance_allowance.higher": ("pence", "week", {Y24: 10855, Y25: 11040}),
    "england.benefits.attendance_allowance.lower": ("pence", "week", {Y24: 7265, Y25: 7390}),
    "england.benefits.pension_credit.standard_minimum_guarantee.single": (
        "pence",
        "week",
        {Y24: 21815, Y25: 22705},
    ),
    "england.benefits.pension_credit.standard_minimum_guarantee.couple": (
        "pence",
        "week",
        {Y24: 33305, Y25: 34665},
    ),
    "wales.charging.capital.limit_residential": ("pence", "once", {"2019-04-08": 5000000}),
    "wales.charging.capital.limit_non_residential": ("pence", "once", {"2017-04-10": 2400000}),
    "wales.charging.maximum_weekly_charge_non_residential": (
        "pence",
        "week",
        {"2020-04-06": 10000},
    ),
    "wales.charging.minimum_income_amount_residential": ("pence", "week", {Y24: 4390, Y25: 4465}),
    "wales.charging.minimum_income_amount_non_residential_buffer": (
        "percent",
        None,
        {START: "35"},
    ),
    "local.testcouncil.assessment.taper_percent": ("percent", None, {START: "90"}),
    "local.testcouncil.assessment.dre_mode": ("text", None, {START: "greater_of"}),
    "local.testcouncil.assessment.dre_flat_weekly": ("pence", "week", {START: 1085}),
    "local.testcouncil.assessment.disregard_night_care_element": ("bool", None, {START: True}),
}


def write_tree(root: Path, tree: dict[str, tuple[str, str | None, dict[str, Any]]]) -> Path:
    for name, (unit, period, values) in tree.items():
        path = root.joinpath(*name.split(".")).with_suffix(".yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        entries: dict[str, Any] = {}
        for when, given in values.items():
            value, unverified = (given[0], True) if isinstance(given, tuple) else (given, False)
            entry: dict[str, Any] = {
                "value": value,
                "reference": [
                    {"title": f"Test figure for {name}", "url": "https://example.org/rules"}
                ],
            }
            if unverified:
                entry["unverified"] = True
            entries[date.fromisoformat(when)] = entry
        document: dict[str, Any] = {"description": f"Test rule {name}.", "unit": unit}
        if period:
            document["period"] = period
        document["values"] = entries
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return root

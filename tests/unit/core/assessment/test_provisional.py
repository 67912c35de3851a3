"""The provisional charge before a first assessment: age band, cap, the policy of none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carecharge.core.assessment.errors import AssessmentRulesError
from carecharge.core.assessment.provisional import provisional_charge
from carecharge.core.rules import RuleSet, load_rules

from .rules_tree import write_tree

BASE = "local.testshire.assessment"


def rules_on(tmp_path: Path, day: date, mode: str = "age_band", **missing: bool) -> RuleSet:
    tree = {
        f"{BASE}.provisional_charge_mode": ("text", None, {"2015-04-01": mode}),
        f"{BASE}.provisional_charge.under_pension_credit_age": (
            "pence",
            "week",
            {"2015-04-01": 2000, "2026-04-06": 2150},
        ),
        f"{BASE}.provisional_charge.pension_credit_age": ("pence", "week", {"2015-04-01": 4000}),
    }
    for name in missing:
        tree.pop(f"{BASE}.{name}")
    return load_rules(write_tree(tmp_path, tree)).as_at(day)


def test_under_pension_credit_age_takes_the_lower_band_in_force(tmp_path: Path) -> None:
    rules = rules_on(tmp_path, date(2026, 5, 1))
    found = provisional_charge(
        rules, "testshire", date_of_birth=date(1990, 3, 1), weekly_cost_of_care=None
    )
    assert found is not None
    assert found.weekly == 2150
    assert "under pension credit age" in found.trace[0].label
    assert f"{BASE}.provisional_charge.under_pension_credit_age" in found.trace[0].reference


def test_pension_credit_age_band(tmp_path: Path) -> None:
    rules = rules_on(tmp_path, date(2026, 5, 1))
    found = provisional_charge(
        rules, "testshire", date_of_birth=date(1940, 3, 1), weekly_cost_of_care=12000
    )
    assert found is not None
    assert found.weekly == 4000
    assert len(found.trace) == 1


def test_never_more_than_the_cost_of_care(tmp_path: Path) -> None:
    rules = rules_on(tmp_path, date(2026, 5, 1))
    found = provisional_charge(
        rules, "testshire", date_of_birth=date(1940, 3, 1), weekly_cost_of_care=2575
    )
    assert found is not None
    assert found.weekly == 2575
    assert found.trace[-1].label == "Capped at the weekly cost of care, £25.75"


def test_a_policy_of_none_charges_nothing(tmp_path: Path) -> None:
    rules = rules_on(tmp_path, date(2026, 5, 1), mode="none")
    assert (
        provisional_charge(
            rules, "testshire", date_of_birth=date(1940, 3, 1), weekly_cost_of_care=None
        )
        is None
    )


def test_an_unknown_mode_or_a_missing_band_is_a_rules_fault(tmp_path: Path) -> None:
    with pytest.raises(AssessmentRulesError, match="'monthly' is not one of age_band, none"):
        provisional_charge(
            rules_on(tmp_path / "a", date(2026, 5, 1), mode="monthly"),
            "testshire",
            date_of_birth=date(1940, 3, 1),
            weekly_cost_of_care=None,
        )
    rules = rules_on(
        tmp_path / "b", date(2026, 5, 1), **{"provisional_charge.pension_credit_age": True}
    )
    with pytest.raises(AssessmentRulesError, match="pension_credit_age"):
        provisional_charge(
            rules, "testshire", date_of_birth=date(1940, 3, 1), weekly_cost_of_care=None
        )

"""The real rules tree holds every rule charging reads for the demo council, in its unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carecharge.core.charging import charges
from carecharge.core.charging.types import AssessedPeriod, PersonCharging, ServiceLine, Setting
from carecharge.core.periods import DateRange
from carecharge.core.rules import RoundingDirection, RoundingRule, RuleBook, Unit, load_rules

RULES = Path(__file__).parents[4] / "rules"
DEMO = "local.demo.billing."

EXPECTED = {
    "england.charging.rounding.daily_apportionment": (
        Unit.ROUNDING,
        RoundingRule(1, RoundingDirection.HALF_UP),
    ),
    DEMO + "week_start": (Unit.COUNT, 0),
    DEMO + "residential_suspension.hospital": (Unit.TEXT, "continue"),
    DEMO + "residential_suspension.holiday": (Unit.TEXT, "continue"),
    DEMO + "residential_suspension.other": (Unit.TEXT, "stop"),
    DEMO + "reablement_free_weeks": (Unit.WEEKS, 6),
    DEMO + "charge_reablement_after_free_weeks": (Unit.BOOL, False),
    DEMO + "arrangement_fee.setup": (Unit.PENCE, 7500),
    DEMO + "arrangement_fee.annual": (Unit.PENCE, 25000),
    DEMO + "arrangement_fee.income_code": (Unit.TEXT, "ASC4900/92100"),
    DEMO + "backdated_review_threshold": (Unit.PENCE, 25000),
}


@pytest.fixture(scope="module")
def real() -> RuleBook:
    return load_rules(RULES)


@pytest.mark.parametrize("year", range(2015, 2027))
def test_every_charging_rule_is_in_force_with_its_demo_value(real: RuleBook, year: int) -> None:
    rules = real.as_at(date(year, 6, 1))
    for name, (unit, value) in EXPECTED.items():
        entry = rules.entry(name)
        assert (entry.unit, entry.value) == (unit, value), name
    assert rules.entry("england.charging.rounding.daily_apportionment").unverified


def test_charges_run_on_the_real_rules_for_the_demo_council(real: RuleBook) -> None:
    april = DateRange(date(2025, 4, 7), date(2025, 4, 13))
    meals = ServiceLine(
        ref="ML1",
        service_code="MEALS",
        service_name="Meals at home",
        category="meals",
        charging="flat_rate",
        free_reason="",
        days=april,
        units_per_week=Decimal(7),
        unit_cost_pence=450,
        income_code="ASC4610/52610",
        unit="meal",
        flat_rate_rule="local.demo.flat_rates.meals",
    )
    care = ServiceLine(
        ref="HC1",
        service_code="HOMECARE",
        service_name="Home care",
        category="home_care",
        charging="means_tested",
        free_reason="",
        days=april,
        units_per_week=Decimal(10),
        unit_cost_pence=2496,
        income_code="ASC4210/52210",
    )
    person = PersonCharging(
        person_ref="10000001",
        assessed=(AssessedPeriod("assessment:1", april, 8420, Setting.NON_RESIDENTIAL),),
        lines=(care, meals),
    )
    found = charges(person, book=real, council="demo", since=april.start, through=april.end)
    # £84.20 assessed (below 10 x £24.96); 7 meals at the 2025/26 demo price of £5.20 = £36.40.
    assert [(c.key, c.amount_pence) for c in found] == [
        ("contribution:council:2025-04-07", 8420),
        ("flat_rate:ML1:2025-04-07", 3640),
    ]

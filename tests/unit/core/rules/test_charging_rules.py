"""The charging rules the means test reads (decision 5) are all present, in force and right.

Loads the real ``rules/`` tree. Each rule named in docs/decisions/0005-assessment-rule-names.md
must be in force on 1 June of every year from 2015 to 2026 with the unit the engine asks for,
and the figures read in official sources must be exactly those published.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carecharge.core.rules import (
    Period,
    RoundingDirection,
    RoundingRule,
    RuleBook,
    Unit,
    load_rules,
)

RULES = Path(__file__).parents[4] / "rules"
YEARS = range(2015, 2027)
EN = "england.charging."
MIG = EN + "minimum_income_guarantee."
WA = "wales.charging."
LOCAL = "local.demo.assessment."

# name -> (unit, period) exactly as decision 5 fixes them; period None for non-money units.
ENGLAND: dict[str, tuple[Unit, Period | None]] = {
    EN + "capital.upper_limit": (Unit.PENCE, Period.ONCE),
    EN + "capital.lower_limit": (Unit.PENCE, Period.ONCE),
    EN + "capital.sale_expenses_percent": (Unit.PERCENT, None),
    EN + "tariff_income.step": (Unit.PENCE, Period.ONCE),
    EN + "tariff_income.amount_per_step": (Unit.PENCE, Period.WEEK),
    EN + "personal_expenses_allowance": (Unit.PENCE, Period.WEEK),
    EN + "savings_credit_disregard.single": (Unit.PENCE, Period.WEEK),
    EN + "savings_credit_disregard.couple": (Unit.PENCE, Period.WEEK),
    EN + "war_pension_disregard": (Unit.PENCE, Period.WEEK),
    EN + "property_disregard_weeks": (Unit.WEEKS, None),
    EN + "property_readmission_weeks": (Unit.WEEKS, None),
    EN + "deferred_payment.disposable_income_allowance": (Unit.PENCE, Period.WEEK),
    EN + "deferred_payment.maximum_interest_rate": (Unit.PERCENT, None),
    MIG + "single_18_to_24": (Unit.PENCE, Period.WEEK),
    MIG + "single_25_to_pension_credit_age": (Unit.PENCE, Period.WEEK),
    MIG + "single_pension_credit_age": (Unit.PENCE, Period.WEEK),
    MIG + "lone_parent_18_plus": (Unit.PENCE, Period.WEEK),
    MIG + "couple_member_18_plus": (Unit.PENCE, Period.WEEK),
    MIG + "couple_member_pension_credit_age": (Unit.PENCE, Period.WEEK),
    MIG + "child": (Unit.PENCE, Period.WEEK),
    MIG + "disability_premium_single": (Unit.PENCE, Period.WEEK),
    MIG + "disability_premium_couple_member": (Unit.PENCE, Period.WEEK),
    MIG + "enhanced_disability_premium_single": (Unit.PENCE, Period.WEEK),
    MIG + "enhanced_disability_premium_couple_member": (Unit.PENCE, Period.WEEK),
    MIG + "carer_premium": (Unit.PENCE, Period.WEEK),
    EN + "rounding.tariff_income": (Unit.ROUNDING, None),
    EN + "rounding.weekly_charge": (Unit.ROUNDING, None),
    EN + "rounding.monthly_to_weekly": (Unit.ROUNDING, None),
    EN + "rounding.daily_apportionment": (Unit.ROUNDING, None),  # read by charging (decision 7)
}

WALES: dict[str, tuple[Unit, Period | None]] = {
    WA + "capital.limit_residential": (Unit.PENCE, Period.ONCE),
    WA + "capital.limit_non_residential": (Unit.PENCE, Period.ONCE),
    WA + "tariff_income.step": (Unit.PENCE, Period.ONCE),
    WA + "tariff_income.amount_per_step": (Unit.PENCE, Period.WEEK),
    WA + "maximum_weekly_charge_non_residential": (Unit.PENCE, Period.WEEK),
    WA + "minimum_income_amount_residential": (Unit.PENCE, Period.WEEK),
    WA + "minimum_income_amount_non_residential_buffer": (Unit.PERCENT, None),
}

COUNCIL: dict[str, tuple[Unit, Period | None]] = {
    LOCAL + "mig_uplift_percent": (Unit.PERCENT, None),
    LOCAL + "mig_uplift_weekly": (Unit.PENCE, Period.WEEK),
    LOCAL + "dre_mode": (Unit.TEXT, None),
    LOCAL + "dre_flat_weekly": (Unit.PENCE, Period.WEEK),
    LOCAL + "disregard_night_care_element": (Unit.BOOL, None),
    LOCAL + "taper_percent": (Unit.PERCENT, None),
    LOCAL + "minimum_weekly_charge": (Unit.PENCE, Period.WEEK),
    LOCAL + "maximum_weekly_charge": (Unit.PENCE, Period.WEEK),
    LOCAL + "housing_costs_allowed": (Unit.BOOL, None),
    LOCAL + "temporary_as_non_residential": (Unit.BOOL, None),
    LOCAL + "provisional_charge_mode": (Unit.TEXT, None),
    LOCAL + "provisional_charge.under_pension_credit_age": (Unit.PENCE, Period.WEEK),
    LOCAL + "provisional_charge.pension_credit_age": (Unit.PENCE, Period.WEEK),
}

ALL = {**ENGLAND, **WALES, **COUNCIL}


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules(RULES)


def test_exactly_the_decision_5_rules_exist_under_the_charging_folders(book: RuleBook) -> None:
    for prefix, expected in ((EN, ENGLAND), (WA, WALES), (LOCAL, COUNCIL)):
        assert {n for n in book.names() if n.startswith(prefix)} == set(expected), prefix


@pytest.mark.parametrize("name", sorted(ALL))
def test_rule_has_the_unit_and_period_the_engine_reads(book: RuleBook, name: str) -> None:
    unit, period = ALL[name]
    rule = book.rule(name)
    assert rule.unit is unit
    assert rule.period is period


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", sorted(ALL))
def test_rule_is_in_force_on_1_june_every_year(book: RuleBook, name: str, year: int) -> None:
    entry = book.as_at(date(year, 6, 1)).entry(name)
    assert entry.unit is ALL[name][0]
    assert entry.references


@pytest.mark.parametrize("name", sorted(ALL))
def test_rule_is_in_force_from_the_start_of_the_2015_16_financial_year(
    book: RuleBook, name: str
) -> None:
    assert book.as_at(date(2015, 4, 1)).entry(name).effective_from <= date(2015, 4, 1)


# ---- exact figures read in official sources -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "when", "pence"),
    [
        # Capital limits and tariff: unchanged since 2010 (2024/25 DHSC circular).
        (EN + "capital.upper_limit", date(2015, 6, 1), 2325000),
        (EN + "capital.upper_limit", date(2026, 6, 1), 2325000),
        (EN + "capital.lower_limit", date(2015, 6, 1), 1425000),
        (EN + "capital.lower_limit", date(2025, 6, 1), 1425000),
        (EN + "tariff_income.step", date(2024, 6, 1), 25000),
        (EN + "tariff_income.amount_per_step", date(2024, 6, 1), 100),
        # PEA: SI 2015/644, frozen to 2021/22; SI 2023/277.
        (EN + "personal_expenses_allowance", date(2015, 6, 1), 2490),
        (EN + "personal_expenses_allowance", date(2021, 6, 1), 2490),
        (EN + "personal_expenses_allowance", date(2022, 6, 1), 2565),
        (EN + "personal_expenses_allowance", date(2023, 4, 5), 2565),
        (EN + "personal_expenses_allowance", date(2023, 4, 6), 2825),
        (EN + "personal_expenses_allowance", date(2025, 6, 1), 3065),
        # MIG: regulation 7 as amended by SI 2015/644 (frozen 2015 to 2022) and SI 2023/277.
        (MIG + "single_18_to_24", date(2015, 6, 1), 7240),
        (MIG + "single_18_to_24", date(2022, 6, 1), 7460),
        (MIG + "single_18_to_24", date(2023, 6, 1), 8215),
        (MIG + "single_25_to_pension_credit_age", date(2015, 6, 1), 9140),
        (MIG + "single_25_to_pension_credit_age", date(2021, 6, 1), 9140),
        (MIG + "single_25_to_pension_credit_age", date(2022, 6, 1), 9415),
        (MIG + "single_25_to_pension_credit_age", date(2023, 6, 1), 10365),
        (MIG + "single_25_to_pension_credit_age", date(2025, 6, 1), 11250),
        (MIG + "single_pension_credit_age", date(2015, 6, 1), 18900),
        (MIG + "single_pension_credit_age", date(2022, 6, 1), 19470),
        (MIG + "single_pension_credit_age", date(2023, 6, 1), 21435),
        (MIG + "lone_parent_18_plus", date(2015, 6, 1), 9140),
        (MIG + "lone_parent_18_plus", date(2022, 6, 1), 9415),
        (MIG + "couple_member_18_plus", date(2015, 6, 1), 7180),
        (MIG + "couple_member_pension_credit_age", date(2015, 6, 1), 14430),
        (MIG + "child", date(2015, 6, 1), 8365),
        (MIG + "child", date(2022, 6, 1), 8620),
        (MIG + "child", date(2023, 6, 1), 9490),
        (MIG + "disability_premium_single", date(2015, 6, 1), 4035),
        (MIG + "enhanced_disability_premium_single", date(2015, 6, 1), 1970),
        (MIG + "disability_premium_couple_member", date(2015, 6, 1), 2875),
        # Secondary-source figures for 2025/26 (Ruils quoting the 2025/26 circular).
        (MIG + "single_18_to_24", date(2025, 6, 1), 8915),
        (MIG + "disability_premium_single", date(2025, 6, 1), 4965),
        (MIG + "enhanced_disability_premium_single", date(2025, 6, 1), 2425),
        # Wales: WSI 2014/666, 2015/720, 2017/214, 2020/131, 2023/67, 2024/330, 2025/151.
        (WA + "capital.limit_residential", date(2015, 6, 1), 2400000),
        (WA + "capital.limit_residential", date(2017, 6, 1), 3000000),
        (WA + "capital.limit_residential", date(2018, 6, 1), 4000000),
        (WA + "capital.limit_residential", date(2019, 6, 1), 5000000),
        (WA + "capital.limit_residential", date(2025, 6, 1), 5000000),
        (WA + "capital.limit_non_residential", date(2017, 6, 1), 2400000),
        (WA + "maximum_weekly_charge_non_residential", date(2015, 4, 5), 5500),
        (WA + "maximum_weekly_charge_non_residential", date(2015, 6, 1), 6000),
        (WA + "maximum_weekly_charge_non_residential", date(2017, 6, 1), 7000),
        (WA + "maximum_weekly_charge_non_residential", date(2020, 6, 1), 10000),
        (WA + "maximum_weekly_charge_non_residential", date(2025, 6, 1), 10000),
        (WA + "minimum_income_amount_residential", date(2015, 6, 1), 2550),
        (WA + "minimum_income_amount_residential", date(2017, 6, 1), 2750),
        (WA + "minimum_income_amount_residential", date(2020, 6, 1), 3200),
        (WA + "minimum_income_amount_residential", date(2023, 4, 10), 3950),
        (WA + "minimum_income_amount_residential", date(2024, 4, 8), 4390),
        (WA + "minimum_income_amount_residential", date(2025, 6, 1), 4465),
        (WA + "tariff_income.amount_per_step", date(2025, 6, 1), 0),
    ],
)
def test_published_figures_on_exact_dates(
    book: RuleBook, name: str, when: date, pence: int
) -> None:
    assert book.as_at(when).pence(name) == pence


def test_property_disregard_is_12_weeks_with_a_52_week_readmission_window(book: RuleBook) -> None:
    for year in YEARS:
        rules = book.as_at(date(year, 6, 1))
        assert rules.number(EN + "property_disregard_weeks") == 12
        assert rules.number(EN + "property_readmission_weeks") == 52


def test_lone_parent_amount_equals_the_single_25_plus_amount_every_year(book: RuleBook) -> None:
    """Regulation 7(3) and 7(2)(b) have carried the same figure since 2015."""
    for rule in (
        book.rule(MIG + "lone_parent_18_plus"),
        book.rule(MIG + "single_25_to_pension_credit_age"),
    ):
        for value in rule.values:
            rules = book.as_at(value.effective_from)
            assert rules.pence(MIG + "lone_parent_18_plus") == rules.pence(
                MIG + "single_25_to_pension_credit_age"
            )


def test_england_figures_never_fall(book: RuleBook) -> None:
    for name in ENGLAND:
        rule = book.rule(name)
        if rule.unit is not Unit.PENCE:
            continue
        values = [book.as_at(v.effective_from).pence(name) for v in rule.values]
        assert values == sorted(values), name


def test_mig_and_pea_change_only_on_the_charging_si_dates(book: RuleBook) -> None:
    expected = [date(2015, 4, 1)] + [date(y, 4, 6) for y in range(2022, 2027)]
    names = [n for n in ENGLAND if n.startswith(MIG)] + [EN + "personal_expenses_allowance"]
    for name in names:
        assert [v.effective_from for v in book.rule(name).values] == expected, name


def test_deferred_payment_rate_resets_each_1_january_and_1_july(book: RuleBook) -> None:
    name = EN + "deferred_payment.maximum_interest_rate"
    dates = [v.effective_from for v in book.rule(name).values]
    assert dates[0] == date(2015, 4, 1)
    assert dates[1:] == [date(y, m, 1) for y in range(2015, 2027) for m in (1, 7)][1:-1]
    assert dates[-1] == date(2026, 1, 1)
    cases = {
        date(2015, 4, 1): "2.65",
        date(2015, 12, 31): "2.25",
        date(2021, 3, 1): "0.45",
        date(2024, 3, 1): "4.65",
        date(2024, 8, 1): "4.05",
        date(2025, 2, 1): "4.25",
    }
    for when, rate in cases.items():
        assert book.as_at(when).percent(name) == Decimal(rate), when


def test_rounding_rules(book: RuleBook) -> None:
    rules = book.as_at(date(2025, 6, 1))
    assert rules.rounding(EN + "rounding.tariff_income") == RoundingRule(
        25000, RoundingDirection.UP
    )
    assert rules.rounding(EN + "rounding.weekly_charge") == RoundingRule(
        1, RoundingDirection.HALF_UP
    )
    assert rules.rounding(EN + "rounding.monthly_to_weekly") == RoundingRule(
        1, RoundingDirection.HALF_UP
    )


def test_demo_council_policy(book: RuleBook) -> None:
    rules = book.as_at(date(2025, 6, 1))
    assert rules.percent(LOCAL + "mig_uplift_percent") == Decimal("0")
    assert rules.pence(LOCAL + "mig_uplift_weekly") == 0
    assert rules.text(LOCAL + "dre_mode") == "greater_of"
    assert rules.pence(LOCAL + "dre_flat_weekly") == 1000
    assert rules.flag(LOCAL + "disregard_night_care_element") is True
    assert rules.percent(LOCAL + "taper_percent") == Decimal("100")
    assert rules.pence(LOCAL + "minimum_weekly_charge") == 200
    assert rules.pence(LOCAL + "maximum_weekly_charge") == 0
    assert rules.flag(LOCAL + "housing_costs_allowed") is True
    assert rules.flag(LOCAL + "temporary_as_non_residential") is False
    assert rules.text(LOCAL + "provisional_charge_mode") in {"age_band", "none"}
    assert rules.pence(LOCAL + "provisional_charge.under_pension_credit_age") == 2000
    assert rules.pence(LOCAL + "provisional_charge.pension_credit_age") == 4000


# ---- provenance ----------------------------------------------------------------------------


def test_every_national_entry_has_a_note_and_an_addressed_reference(book: RuleBook) -> None:
    for name in [*ENGLAND, *WALES]:
        for value in book.rule(name).values:
            assert value.note, (name, value.effective_from)
            assert all(r.url for r in value.references), (name, value.effective_from)


def test_figures_read_in_official_sources_are_not_flagged(book: RuleBook) -> None:
    unverified = set(book.unverified())
    for name, when in [
        (EN + "capital.upper_limit", date(2015, 4, 1)),
        (EN + "capital.lower_limit", date(2015, 4, 1)),
        (EN + "personal_expenses_allowance", date(2015, 4, 1)),
        (EN + "personal_expenses_allowance", date(2023, 4, 6)),
        (EN + "property_disregard_weeks", date(2015, 4, 1)),
        (MIG + "single_25_to_pension_credit_age", date(2015, 4, 1)),
        (MIG + "single_25_to_pension_credit_age", date(2023, 4, 6)),
        (MIG + "child", date(2023, 4, 6)),
        (WA + "minimum_income_amount_residential", date(2024, 4, 8)),
        (WA + "maximum_weekly_charge_non_residential", date(2020, 4, 6)),
    ]:
        assert (name, when) not in unverified, (name, when)


def test_derived_and_secondary_figures_are_flagged_and_explained(book: RuleBook) -> None:
    unverified = set(book.unverified())
    for name, when in [
        (EN + "personal_expenses_allowance", date(2026, 4, 6)),
        (EN + "savings_credit_disregard.single", date(2025, 4, 6)),
        (EN + "deferred_payment.maximum_interest_rate", date(2025, 7, 1)),
        (EN + "deferred_payment.maximum_interest_rate", date(2026, 1, 1)),
        (MIG + "carer_premium", date(2015, 4, 1)),
        (MIG + "single_25_to_pension_credit_age", date(2025, 4, 6)),
        (MIG + "single_pension_credit_age", date(2026, 4, 6)),
        (WA + "minimum_income_amount_residential", date(2026, 4, 6)),
    ]:
        assert (name, when) in unverified, (name, when)
    for name, when in unverified:
        if name.startswith((EN, WA)):
            entry = book.as_at(when).entry(name)
            assert entry.note and len(entry.note) > 40, (name, when)

"""The real rules tree in the repository loads, and holds the published figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carecharge.core.rules import Period, RuleBook, Unit, load_rules

RULES = Path(__file__).parents[4] / "rules"
B = "england.benefits."

# The DWP uprating Mondays: the first full week of each tax year.
UPRATING_2024 = date(2024, 4, 8)
UPRATING_2025 = date(2025, 4, 7)
UPRATING_2026 = date(2026, 4, 6)


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules(RULES)


@pytest.mark.parametrize(
    ("name", "when", "pence"),
    [
        ("attendance_allowance.higher", date(2025, 6, 2), 11040),
        ("attendance_allowance.higher", date(2025, 4, 6), 10855),
        ("attendance_allowance.higher", UPRATING_2026, 11460),
        ("attendance_allowance.lower", date(2025, 6, 2), 7390),
        ("attendance_allowance.lower", date(2024, 6, 3), 7265),
        ("state_pension.new_full", date(2025, 6, 2), 23025),
        ("state_pension.new_full", date(2026, 6, 1), 24130),
        ("state_pension.basic_full", date(2025, 6, 2), 17645),
        ("state_pension.basic_full", date(2024, 12, 25), 16950),
        ("pension_credit.standard_minimum_guarantee.single", date(2026, 5, 1), 23800),
        ("pension_credit.standard_minimum_guarantee.couple", date(2026, 5, 1), 36325),
        ("personal_independence_payment.daily_living.enhanced", date(2024, 6, 3), 10855),
        ("personal_independence_payment.mobility.enhanced", date(2024, 6, 3), 7575),
        ("personal_independence_payment.mobility.standard", date(2025, 6, 2), 2920),
        ("disability_living_allowance.care.lowest", date(2026, 5, 1), 3030),
        ("disability_living_allowance.mobility.higher", date(2026, 5, 1), 8000),
    ],
)
def test_real_figures_on_real_dates(book: RuleBook, name: str, when: date, pence: int) -> None:
    assert book.as_at(when).pence(B + name) == pence


def test_every_benefit_rate_is_weekly_pence_uprated_on_the_dwp_mondays(book: RuleBook) -> None:
    benefits = [name for name in book.names() if name.startswith(B)]
    assert len(benefits) == 15
    for name in benefits:
        rule = book.rule(name)
        assert rule.unit is Unit.PENCE, name
        assert rule.period is Period.WEEK, name
        dates = [v.effective_from for v in rule.values]
        assert dates[-3:] == [UPRATING_2024, UPRATING_2025, UPRATING_2026], name
        # Older years (Attendance Allowance back to 2015, for the night-care element) are
        # uprated on a Monday in April too.
        assert all(d.month == 4 and d.weekday() == 0 for d in dates), name
        for value in rule.values:
            assert value.references, name
            assert all(r.url and r.url.startswith("https://") for r in value.references), name
            assert value.references[0].url is not None
            assert value.references[0].url.startswith("https://www.gov.uk/"), name


def test_rates_rise_each_year(book: RuleBook) -> None:
    for name in (n for n in book.names() if n.startswith(B)):
        values = [book.as_at(v.effective_from).pence(name) for v in book.rule(name).values]
        assert values == sorted(values), name


def test_equal_rates_stay_equal(book: RuleBook) -> None:
    """DLA care highest, PIP enhanced daily living and AA higher are one rate in law."""
    for when in (UPRATING_2024, UPRATING_2025, UPRATING_2026):
        rules = book.as_at(when)
        assert (
            rules.pence(B + "attendance_allowance.higher")
            == rules.pence(B + "disability_living_allowance.care.highest")
            == rules.pence(B + "personal_independence_payment.daily_living.enhanced")
        )
        assert (
            rules.pence(B + "attendance_allowance.lower")
            == rules.pence(B + "disability_living_allowance.care.middle")
            == rules.pence(B + "personal_independence_payment.daily_living.standard")
        )
        assert rules.pence(B + "disability_living_allowance.mobility.higher") == rules.pence(
            B + "personal_independence_payment.mobility.enhanced"
        )


def test_attendance_allowance_and_state_pension_are_verified(book: RuleBook) -> None:
    unverified = set(book.unverified())
    for name in (
        "attendance_allowance.higher",
        "attendance_allowance.lower",
        "state_pension.new_full",
        "state_pension.basic_full",
    ):
        for when in (UPRATING_2024, UPRATING_2025, UPRATING_2026):
            assert (B + name, when) not in unverified
    assert (B + "pension_credit.standard_minimum_guarantee.single", UPRATING_2026) not in set(
        book.unverified()
    )


def test_real_tree_also_loads_with_previews(book: RuleBook) -> None:
    with_previews = load_rules(RULES, include_preview=True)
    assert with_previews.names() == book.names()

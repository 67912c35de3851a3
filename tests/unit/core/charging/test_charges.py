"""What ``charges`` says is due, case by case, with the sums done by hand.

Weeks run Monday to Sunday; 7 April 2025 is a Monday. The billing stories (re-rating over
several runs) are in tests/unit/core/rerating/test_scenarios.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from carecharge.core.charging.types import ChargeKind, Collection, Setting
from carecharge.core.rules import RuleBook

from .rules_tree import BILLING, START
from .story import Story, by_key

RES = Setting.RESIDENTIAL


def labels(charge) -> list[str]:  # type: ignore[no-untyped-def]
    return [step.label for step in charge.trace]


def test_a_week_wholly_in_hospital_is_still_a_charge_of_nothing(book: RuleBook) -> None:
    story = Story(book).home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="84.20")
    story.suspend(starts="2025-04-07", ends="2025-04-13")
    (charge,) = story.expected("2025-04-13")
    assert (charge.key, charge.amount_pence, charge.income) == (
        "contribution:council:2025-04-07",
        0,
        (),
    )
    assert charge.basis.suspended_days == 7
    assert labels(charge)[:2] == [
        "Home care planned for 0 days (10.00 hours a week): 0.00 hours at £22.50 = £0.00",
        "Care suspended (in hospital) on 7 days: no care is planned for them, so none is charged",
    ]


def test_care_before_any_assessment_is_not_charged_and_says_so(book: RuleBook) -> None:
    story = Story(book).home_care(starts="2025-04-07", hours=10, at="22.50")
    (charge,) = story.expected("2025-04-13")
    assert charge.amount_pence == 0 and charge.basis.sources == ()
    assert labels(charge)[0] == (
        "No financial assessment or provisional charge covers 7 days: nothing is charged for them"
    )


def test_full_cost_days_and_assessed_days_in_one_week(book: RuleBook) -> None:
    story = Story(book).home_care(starts="2025-04-07", hours=10, at="22.50")  # £225.00 a week
    story.assessed(from_="2025-04-07", weekly="0.00", full_cost=True)
    story.assessed(from_="2025-04-10", weekly="84.20")  # assessed from Thursday
    charges = by_key(story.expected("2025-04-13"))
    # Monday to Wednesday at full cost: 10 x 3/7 x £22.50 = £96.428 -> £96.43; Thursday to
    # Sunday at most £84.20 x 4/7 = £48.114 -> £48.11; £96.43 + £48.11 = £144.54 < £225.00.
    assert charges["contribution:council:2025-04-07"].amount_pence == 14454
    assert charges["contribution:council:2025-04-07"].basis.sources == (
        "assessment:1",
        "assessment:2",
    )
    assert charges["arrangement_fee:setup:2025-04-07"].amount_pence == 7500


def test_a_short_stay_charged_as_care_at_home_counts_its_cost(book: RuleBook) -> None:
    story = Story(book).care_home(
        "RS1",
        starts="2025-04-07",
        weekly_fee="0.00",
        category="residential_short_stay",
        unit="night",
        units_per_week=Decimal(7),
        unit_cost_pence=12000,
        income_code="ASC4120/52120",
    )
    story.assessed(from_="2025-04-07", weekly="84.20")  # reg 8: assessed as if at home
    (charge,) = story.expected("2025-04-13")
    # 7 nights x £120.00 = £840.00 of care; the lower is £84.20.
    assert charge.amount_pence == 8420
    assert charge.income == (("ASC4120/52120", 8420),)
    assert charge.units is not None and str(charge.units) == "7.00"


def test_moving_into_a_care_home_mid_week(book: RuleBook) -> None:
    story = Story(book).home_care(starts="2025-04-07", ends="2025-04-09", hours=10, at="22.50")
    story.care_home(starts="2025-04-10", weekly_fee="985.00")
    story.assessed(from_="2025-04-07", weekly="84.20")
    story.assessed(from_="2025-04-10", weekly="150.00", setting=RES)
    (charge,) = story.expected("2025-04-13")
    # At home Monday to Wednesday: care £96.43, assessed £84.20 x 3/7 = £36.0857 -> £36.09.
    # In the home Thursday to Sunday: £150.00 x 4/7 = £85.714 -> £85.71. £121.80 in all.
    assert charge.amount_pence == 12180
    assert charge.income == (("ASC4110/52110", 8571), ("ASC4210/52210", 3609))
    assert "Your contribution this week (at home and in the home)" in labels(charge)


def test_moving_between_care_homes_splits_income_by_day(book: RuleBook) -> None:
    story = Story(book).care_home(starts="2025-04-07", ends="2025-04-09", weekly_fee="985.00")
    story.care_home("CH2", starts="2025-04-10", weekly_fee="1325.00", income_code="ASC4130/52130")
    story.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    (charge,) = story.expected("2025-04-13")
    # £150.00 for the week, 3 days : 4 days -> £64.2857 and £85.7143; the spare penny goes to
    # the larger remainder.
    assert charge.amount_pence == 15000
    assert charge.income == (("ASC4110/52110", 6429), ("ASC4130/52130", 8571))


def test_net_and_gross_care_homes_in_one_week_give_two_keys(book: RuleBook) -> None:
    story = Story(book).care_home(starts="2025-04-07", ends="2025-04-09", weekly_fee="985.00")
    story.care_home("CH2", starts="2025-04-10", weekly_fee="985.00", collection=Collection.PROVIDER)
    story.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    charges = by_key(story.expected("2025-04-13"))
    council = charges["contribution:council:2025-04-07"]
    provider = charges["contribution:provider:2025-04-07"]
    assert (council.amount_pence, council.invoiced) == (6429, True)
    assert (provider.amount_pence, provider.invoiced) == (8571, False)
    assert labels(council)[-2:] == [
        "Of this, collected by the care home (not invoiced)",
        "Charged on your invoice: £64.29",
    ]
    assert str(council.days) == "2025-04-07 to 2025-04-09"
    assert str(provider.days) == "2025-04-10 to 2025-04-13"


def test_nhs_chc_package_is_free_and_not_recharged(book: RuleBook) -> None:
    story = Story(book).home_care(starts="2025-04-07", hours=10, at="22.50", chc=True)
    story.assessed(from_="2025-04-07", weekly="84.20")
    story.chc_award(starts="2025-04-10")
    charges = by_key(story.expected("2025-04-13"))
    contribution = charges["contribution:council:2025-04-07"]
    recharge = charges["chc_recharge:CHC1:2025-04-07"]
    assert (contribution.amount_pence, recharge.amount_pence) == (0, 0)
    assert contribution.basis.chc_days == 4
    assert "Home care: NHS Continuing Healthcare package, free: not charged for 3 days" in labels(
        contribution
    )
    assert (
        "Home care: NHS Continuing Healthcare package, free: nothing to recharge for 4 days"
        in labels(recharge)
    )


def test_chc_recharge_for_a_care_home_follows_the_fee(book: RuleBook) -> None:
    story = Story(book).care_home(starts="2025-04-07", weekly_fee="985.00")
    story.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    story.chc_award(starts="2025-04-07")
    story.suspend(starts="2025-04-08", ends="2025-04-10", reason="hospital")  # fee continues
    story.suspend(starts="2025-04-15", ends="2025-04-16", reason="other")  # fee stops
    charges = by_key(story.expected("2025-04-20"))
    # Week 1: the whole fee, £985.00. Week 2: 5 days, £985.00 x 5/7 = £703.571 -> £703.57.
    assert charges["chc_recharge:CHC1:2025-04-07"].amount_pence == 98500
    assert charges["chc_recharge:CHC1:2025-04-14"].amount_pence == 70357
    assert charges["chc_recharge:CHC1:2025-04-14"].debtor == "organisation:ICB01"
    assert charges["contribution:council:2025-04-07"].amount_pence == 0


def test_flat_rates_stop_under_chc_and_after_death(book: RuleBook) -> None:
    story = Story(book).telecare(starts="2025-04-07").meals(starts="2025-04-07", per_week=7)
    story.chc_award(starts="2025-04-10", ends="2025-04-11")
    story.died("2025-04-12")  # Saturday
    charges = by_key(story.expected("2025-04-20"))
    # Telecare Monday to Wednesday and Saturday: 4/7 x £4.75 = £2.714 -> £2.71.
    # Meals the same 4 days: 7 x 4/7 = 4 meals x £5.20 = £20.80.
    telecare = charges["flat_rate:TC1:2025-04-07"]
    meals = charges["flat_rate:ML1:2025-04-07"]
    assert (telecare.amount_pence, meals.amount_pence) == (271, 2080)
    assert (meals.basis.chc_days, meals.basis.days_after_death) == (2, 1)
    assert str(meals.units) == "4.00"
    # The week after death: still a key (the line runs), nothing due.
    assert charges["flat_rate:ML1:2025-04-14"].amount_pence == 0
    assert charges["flat_rate:ML1:2025-04-14"].basis.days_after_death == 7


def test_a_window_starting_mid_week_counts_only_its_days(book: RuleBook) -> None:
    story = Story(book, since="2025-04-09").home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="200.00")
    (planned,) = story.expected("2025-04-13")
    # Wednesday to Sunday: care 10 x 5/7 x £22.50 = £160.71; assessed £200 x 5/7 = £142.857
    # -> £142.86; the lower is £142.86.
    assert planned.amount_pence == 14286
    story.actual("HC1", week="2025-04-07", units=7)
    (actual,) = story.expected("2025-04-13")
    # The actual covers the whole week: 5 of its 7 days are in the window, 7 x 5/7 = 5 hours,
    # 5 x £22.50 = £112.50, lower than £142.86.
    assert actual.amount_pence == 11250
    assert actual.basis.actuals
    assert labels(actual)[0] == (
        "Home care delivered: 5 days of the 7 the provider's 7.00 hours covered: 5.00 hours at "
        "£22.50 = £112.50"
    )


def test_equipment_is_never_charged(book: RuleBook) -> None:
    story = Story(book).line(
        "EQ1",
        starts="2025-04-07",
        service_name="Equipment",
        category="equipment",
        charging="free",
        free_reason="equipment",
        unit="week",
        units_per_week=Decimal(1),
        unit_cost_pence=5000,
    )
    story.assessed(from_="2025-04-07", weekly="84.20")
    # Free services alone make no contribution due: no key at all.
    assert story.expected("2025-04-13") == []
    story.home_care(starts="2025-04-07", hours=2, at="22.50")  # £45.00 a week
    (charge,) = story.expected("2025-04-13")
    # Only the home care counts: the lower of £45.00 and £84.20.
    assert charge.amount_pence == 4500
    assert labels(charge)[0] == (
        "Equipment: free (community equipment and minor adaptations): not charged for 7 days"
    )


def test_top_up_stops_after_death_and_under_chc(book: RuleBook) -> None:
    story = Story(book).care_home(starts="2025-04-07", weekly_fee="985.00")
    story.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    story.top_up(weekly="70.00", starts="2025-04-07", payer="person")
    story.chc_award(starts="2025-04-07", ends="2025-04-08")
    story.died("2025-04-11")  # Friday
    (top_up,) = [c for c in story.expected("2025-04-13") if c.kind is ChargeKind.TOP_UP]
    # Wednesday to Friday: £70.00 x 3/7 = £30.00 exactly.
    assert (top_up.amount_pence, top_up.debtor) == (3000, "person")
    assert (top_up.basis.chc_days, top_up.basis.days_after_death) == (2, 2)


def test_no_setup_fee_when_the_council_sets_none(make_book: Callable[..., RuleBook]) -> None:
    book = make_book(
        **{f"{BILLING}.arrangement_fee.setup".replace(".", "__"): ("pence", "once", {START: 0})}
    )
    story = Story(book).home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="0.00", full_cost=True)
    fee = by_key(story.expected("2025-04-13"))["arrangement_fee:setup:2025-04-07"]
    assert (fee.amount_pence, fee.income) == (0, ())
    assert labels(fee)[-1] == "The council charges no set-up fee"


def test_no_arrangement_fee_for_a_direct_payment_or_a_care_home(book: RuleBook) -> None:
    story = Story(book).direct_payment(
        starts="2025-04-07", weekly="300.00", collection=Collection.DIRECT_PAYMENT_GROSS
    )
    story.assessed(from_="2025-04-07", weekly="0.00", full_cost=True)
    assert not [c for c in story.expected("2025-04-13") if c.kind is ChargeKind.ARRANGEMENT_FEE]


def test_annual_fee_only_while_still_arranged_and_on_28_february_for_29th(book: RuleBook) -> None:
    story = Story(book, since="2024-02-26").home_care(starts="2024-02-29", hours=10, at="22.50")
    story.assessed(from_="2024-02-29", weekly="0.00", full_cost=True)
    fees = [c for c in story.expected("2025-03-02") if c.kind is ChargeKind.ARRANGEMENT_FEE]
    # First day Thursday 29 February 2024; its anniversary in 2025 is Friday 28 February.
    assert [(c.key, c.amount_pence) for c in fees] == [
        ("arrangement_fee:setup:2024-02-26", 7500),
        ("arrangement_fee:annual:2025-02-24", 25000),
    ]
    assert fees[1].days is not None and fees[1].days.start == date(2025, 2, 28)

    ended = Story(book, since="2024-02-26").home_care(
        starts="2024-02-29", ends="2025-01-31", hours=10, at="22.50"
    )
    ended.assessed(from_="2024-02-29", weekly="0.00", full_cost=True)
    fees = [c for c in ended.expected("2025-03-02") if c.kind is ChargeKind.ARRANGEMENT_FEE]
    assert [c.key for c in fees] == ["arrangement_fee:setup:2024-02-26"]


def test_charges_come_sorted_by_week_then_key(book: RuleBook) -> None:
    story = Story(book).home_care(starts="2025-04-07", hours=10, at="22.50")
    story.meals(starts="2025-04-07", per_week=5).telecare(starts="2025-04-07")
    story.assessed(from_="2025-04-07", weekly="84.20")
    assert [c.key for c in story.expected("2025-04-20")] == [
        "contribution:council:2025-04-07",
        "flat_rate:ML1:2025-04-07",
        "flat_rate:TC1:2025-04-07",
        "contribution:council:2025-04-14",
        "flat_rate:ML1:2025-04-14",
        "flat_rate:TC1:2025-04-14",
    ]

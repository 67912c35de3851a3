"""Billing stories, end to end through charging and re-rating, with the sums done by hand.

Each test reads as a case: care and assessments as recorded, billing runs to a date, and the
exact lines each run posts. Weeks run Monday to Sunday (the test council's rule); 7 April 2025
is a Monday. Every amount is worked out in the comment beside it.
"""

from __future__ import annotations

from collections.abc import Callable

from carecharge.core.charging.types import PERSON, ChargeKind, Collection, Setting
from carecharge.core.rerating import Reason, hold_for_review
from carecharge.core.rules import RuleBook
from tests.unit.core.charging.story import Story, by_key, summary

RES = Setting.RESIDENTIAL


def labels(lines: list, key: str) -> list[str]:  # type: ignore[type-arg]
    for line in lines:
        if line.key == key:
            return [step.label for step in line.trace]
    raise AssertionError(f"no line for {key}")


def test_revised_assessment_credits_the_weeks_already_billed_and_bills_new_weeks(
    book: RuleBook,
) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")  # cost 10 x £22.50 = £225.00
    story.assessed(from_="2025-04-07", weekly="84.20")

    first = story.bill_to("2025-05-04")
    # Four whole weeks; £84.20 is below the £225.00 of care, so £84.20 each.
    assert summary(first) == [
        ("contribution:council:2025-04-07", 8420, "new"),
        ("contribution:council:2025-04-14", 8420, "new"),
        ("contribution:council:2025-04-21", 8420, "new"),
        ("contribution:council:2025-04-28", 8420, "new"),
    ]
    assert not any(line.backdated for line in first)

    story.assessed(from_="2025-04-14", weekly="50.00")
    second = story.bill_to("2025-06-01")
    # Weeks 2 to 4: £50.00 - £84.20 = -£34.20 each, -£102.60 in all; then four new weeks.
    assert summary(second) == [
        ("contribution:council:2025-04-14", -3420, "assessment_revised"),
        ("contribution:council:2025-04-21", -3420, "assessment_revised"),
        ("contribution:council:2025-04-28", -3420, "assessment_revised"),
        ("contribution:council:2025-05-05", 5000, "new"),
        ("contribution:council:2025-05-12", 5000, "new"),
        ("contribution:council:2025-05-19", 5000, "new"),
        ("contribution:council:2025-05-26", 5000, "new"),
    ]
    credits = [line for line in second if line.amount_pence < 0]
    assert sum(line.amount_pence for line in credits) == -10260
    assert [line.corrects for line in credits] == ["r2", "r3", "r4"]
    assert all(line.backdated for line in credits)
    assert not any(line.backdated for line in second if line.amount_pence > 0)
    assert credits[0].income == (("ASC4210/52210", -3420),)
    assert credits[0].trace[-1].label == "Already charged: £84.20; difference: -£34.20"
    # Nothing changed: a third run to the same date posts nothing.
    assert story.bill_to("2025-06-01") == []


def test_home_care_is_capped_by_the_cost_of_care_delivered(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=4, at="18.00")  # 4 x £18.00 = £72.00
    story.assessed(from_="2025-04-07", weekly="100.00")
    lines = story.bill_to("2025-04-13")
    # The lower of £72.00 (care) and £100.00 (assessed).
    assert summary(lines) == [("contribution:council:2025-04-07", 7200, "new")]
    assert labels(lines, "contribution:council:2025-04-07")[-3:] == [
        "The lower of the two is charged: £72.00",
        "Charged on your invoice: £72.00",
        "Already charged: £0.00; difference: £72.00",
    ]


def test_late_actuals_below_the_plan_true_up_the_week(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")  # planned £225.00 a week
    story.assessed(from_="2025-04-07", weekly="200.00")
    assert summary(story.bill_to("2025-04-20")) == [
        ("contribution:council:2025-04-07", 20000, "new"),  # lower of £225.00 and £200.00
        ("contribution:council:2025-04-14", 20000, "new"),
    ]
    story.actual("HC1", week="2025-04-14", units=6)  # 6 x £22.50 = £135.00 delivered
    lines = story.bill_to("2025-04-27")
    # Week 2 is now £135.00: £135.00 - £200.00 = -£65.00.
    assert summary(lines) == [
        ("contribution:council:2025-04-14", -6500, "actuals_received"),
        ("contribution:council:2025-04-21", 20000, "new"),
    ]
    assert lines[0].basis is not None and lines[0].basis.actuals
    assert (
        "Home care delivered (the provider's figure for the week): 6.00 hours at £22.50 = £135.00"
        in labels(lines, "contribution:council:2025-04-14")
    )


def test_part_weeks_at_the_start_and_end_are_apportioned_and_rounded_once(book: RuleBook) -> None:
    story = Story(book)
    # Care from Wednesday 9 April to Tuesday 22 April 2025.
    story.home_care(starts="2025-04-09", ends="2025-04-22", hours=10, at="22.50")
    story.assessed(from_="2025-04-09", weekly="84.20")
    lines = story.bill_to("2025-04-27")
    # Week 1, 5 days: care 10 x 5/7 x £22.50 = £160.714 -> £160.71; assessed £84.20 x 5/7 =
    # £60.142... -> £60.14 (rounding each day's £12.0286 to £12.03 first would give £60.15).
    # Week 3, 2 days: care £64.286 -> £64.29; assessed £84.20 x 2/7 = £24.057 -> £24.06.
    assert summary(lines) == [
        ("contribution:council:2025-04-07", 6014, "new"),
        ("contribution:council:2025-04-14", 8420, "new"),
        ("contribution:council:2025-04-21", 2406, "new"),
    ]
    assert lines[0].days is not None and str(lines[0].days) == "2025-04-09 to 2025-04-13"
    assert "Your assessed charge for 5 days: £60.14" in labels(
        lines, "contribution:council:2025-04-07"
    )


def test_care_home_paid_gross_is_invoiced_and_paid_net_is_only_recorded(book: RuleBook) -> None:
    gross = Story(book)
    gross.care_home(starts="2025-04-10", weekly_fee="985.00")  # admitted Thursday
    gross.assessed(from_="2025-04-10", weekly="150.00", setting=RES)
    lines = gross.bill_to("2025-04-20")
    # 4 days: £150.00 x 4/7 = £85.714 -> £85.71; then a whole week, £150.00.
    assert summary(lines) == [
        ("contribution:council:2025-04-07", 8571, "new"),
        ("contribution:council:2025-04-14", 15000, "new"),
    ]
    assert all(line.invoiced and line.debtor == PERSON for line in lines)
    assert lines[1].income == (("ASC4110/52110", 15000),)

    net = Story(book)
    net.care_home(starts="2025-04-07", weekly_fee="985.00", collection=Collection.PROVIDER)
    net.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    lines = net.bill_to("2025-04-13")
    assert summary(lines) == [("contribution:provider:2025-04-07", 15000, "new")]
    assert lines[0].invoiced is False
    assert lines[0].trace[-2].label == (
        "Paid to the care home, which collects it (net payment): £150.00; recorded, not invoiced"
    )


def test_hospital_stay_in_a_care_home_continues_but_other_absence_stops(book: RuleBook) -> None:
    story = Story(book)
    story.care_home(starts="2025-04-07", weekly_fee="985.00")
    story.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    story.suspend(starts="2025-04-15", ends="2025-04-18", reason="hospital")
    story.suspend(starts="2025-04-22", ends="2025-04-23", reason="other")
    lines = story.bill_to("2025-04-27")
    # Week 2 in hospital: the fee and the contribution continue, £150.00.
    # Week 3, two days away for another reason stop: £150.00 x 5/7 = £107.142 -> £107.14.
    assert summary(lines) == [
        ("contribution:council:2025-04-07", 15000, "new"),
        ("contribution:council:2025-04-14", 15000, "new"),
        ("contribution:council:2025-04-21", 10714, "new"),
    ]
    assert lines[1].basis is not None and lines[1].basis.suspended_days == 4


def test_hospital_stay_at_home_means_no_care_and_no_charge(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=4, at="22.50")  # £90.00 a week
    story.assessed(from_="2025-04-07", weekly="84.20")
    assert summary(story.bill_to("2025-04-27")) == [
        ("contribution:council:2025-04-07", 8420, "new"),
        ("contribution:council:2025-04-14", 8420, "new"),
        ("contribution:council:2025-04-21", 8420, "new"),
    ]
    # Recorded late: in hospital all of week 2 and Monday to Thursday of week 3.
    story.suspend(starts="2025-04-14", ends="2025-04-24", reason="hospital")
    lines = story.bill_to("2025-04-27")
    # Week 2: no care, £0.00 (-£84.20). Week 3: 4 x 3/7 x £22.50 = £38.571 -> £38.57 of care,
    # below the £84.20 assessed: £38.57 - £84.20 = -£45.63.
    assert summary(lines) == [
        ("contribution:council:2025-04-14", -8420, "suspension"),
        ("contribution:council:2025-04-21", -4563, "suspension"),
    ]
    assert (
        "Care suspended (in hospital) on 7 days: no care is planned for them, so none is charged"
        in labels(lines, "contribution:council:2025-04-14")
    )


def test_death_mid_week_charges_to_the_day_of_death(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="84.20")
    story.bill_to("2025-05-04")  # four weeks of £84.20
    story.died("2025-04-23")  # a Wednesday, recorded late
    lines = story.bill_to("2025-05-04")
    # Week 3, Monday to Wednesday: care 10 x 3/7 x £22.50 = £96.43; assessed £84.20 x 3/7 =
    # £36.0857 -> £36.09; £36.09 - £84.20 = -£48.11. Week 4, all after death: -£84.20.
    assert summary(lines) == [
        ("contribution:council:2025-04-21", -4811, "death"),
        ("contribution:council:2025-04-28", -8420, "death"),
    ]
    assert lines[0].basis is not None and lines[0].basis.days_after_death == 4
    assert labels(lines, "contribution:council:2025-04-28")[0] == (
        "7 days after the date of death (23 April 2025): not charged"
    )


def test_backdated_chc_award_credits_the_person_and_recharges_the_icb(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")  # £225.00 a week of care
    story.assessed(from_="2025-04-07", weekly="84.20")
    story.bill_to("2025-05-04")
    story.chc_award(starts="2025-04-16")  # from Wednesday of week 2, decided late
    lines = story.bill_to("2025-05-11")
    # Week 2: Monday and Tuesday still charged: care £64.29, assessed £84.20 x 2/7 = £24.057
    # -> £24.06; £24.06 - £84.20 = -£60.14. Weeks 3 and 4: -£84.20 each. Week 5 (new): £0.
    # The ICB pays the cost of care on the covered days: week 2, 10 x 5/7 x £22.50 =
    # £160.714 -> £160.71; weeks 3 to 5, £225.00 each.
    assert summary(lines) == [
        ("chc_recharge:CHC1:2025-04-14", 16071, "new"),
        ("contribution:council:2025-04-14", -6014, "chc_award"),
        ("chc_recharge:CHC1:2025-04-21", 22500, "new"),
        ("contribution:council:2025-04-21", -8420, "chc_award"),
        ("chc_recharge:CHC1:2025-04-28", 22500, "new"),
        ("contribution:council:2025-04-28", -8420, "chc_award"),
        ("chc_recharge:CHC1:2025-05-05", 22500, "new"),
    ]
    recharges = [line for line in lines if line.kind == ChargeKind.CHC_RECHARGE]
    assert {line.debtor for line in recharges} == {"organisation:ICB01"}
    assert [line.backdated for line in recharges] == [True, True, True, False]
    assert recharges[0].income == (("ASC4210/52210", 16071),)
    # The person's backdated net is a credit of £229.34 (60.14 + 84.20 + 84.20): no hold.
    assert not hold_for_review(lines, threshold_pence=25000)


def test_top_up_is_billed_to_the_payer_for_the_days_in_the_home(book: RuleBook) -> None:
    story = Story(book)
    story.care_home(starts="2025-04-07", weekly_fee="985.00")
    story.assessed(from_="2025-04-07", weekly="150.00", setting=RES)
    story.top_up(weekly="50.00", starts="2025-04-09")  # agreement from Wednesday
    story.suspend(starts="2025-04-15", ends="2025-04-16", reason="other")  # fee stops 2 days
    lines = story.bill_to("2025-04-20")
    # Week 1: top-up for 5 days, £50.00 x 5/7 = £35.714 -> £35.71.
    # Week 2: 2 days away stop the fee: contribution and top-up for 5 days,
    # £150.00 x 5/7 = £107.142 -> £107.14 and £35.71.
    assert summary(lines) == [
        ("contribution:council:2025-04-07", 15000, "new"),
        ("top_up:TU1:2025-04-07", 3571, "new"),
        ("contribution:council:2025-04-14", 10714, "new"),
        ("top_up:TU1:2025-04-14", 3571, "new"),
    ]
    top_up = lines[1]
    assert top_up.debtor == "third_party:TP1" and top_up.invoiced
    assert top_up.income == (("ASC4110/52190", 3571),)


def test_meals_at_the_rule_price_with_a_price_change_mid_period(book: RuleBook) -> None:
    story = Story(book)
    story.meals(starts="2025-04-21", ends="2025-05-11", per_week=7)
    lines = story.bill_to("2025-05-11")
    # £5.20 a meal until the price rises to £5.50 on Thursday 1 May; a week's price is the one
    # in force on its Monday. 7 x £5.20 = £36.40 (twice), then 7 x £5.50 = £38.50.
    assert summary(lines) == [
        ("flat_rate:ML1:2025-04-21", 3640, "new"),
        ("flat_rate:ML1:2025-04-28", 3640, "new"),
        ("flat_rate:ML1:2025-05-05", 3850, "new"),
    ]
    assert [str(line.units) for line in lines] == ["7.00", "7.00", "7.00"]
    story.actual("ML1", week="2025-05-05", units=5)
    # 5 meals delivered: 5 x £5.50 = £27.50; £27.50 - £38.50 = -£11.00.
    assert summary(story.bill_to("2025-05-11")) == [
        ("flat_rate:ML1:2025-05-05", -1100, "actuals_received")
    ]


def test_reablement_is_free_for_six_weeks_and_after_under_demo_policy(
    book: RuleBook, make_book: Callable[..., RuleBook]
) -> None:
    story = Story(book)
    story.reablement(starts="2025-04-09", hours=10, at="22.50")  # from a Wednesday
    story.assessed(from_="2025-04-09", weekly="84.20")
    lines = story.bill_to("2025-05-25")
    # Free 6 weeks, to Tuesday 20 May; the council does not charge after: nothing to post.
    assert lines == []
    charged = by_key(story.expected("2025-05-25"))
    assert charged["contribution:council:2025-05-19"].amount_pence == 0
    assert charged["contribution:council:2025-05-19"].trace[0].label == (
        "Reablement: reablement is free for its first 6 weeks (to 20 May 2025): not charged "
        "for 2 days"
    )

    charging = make_book(
        local__test__billing__charge_reablement_after_free_weeks=(
            "bool",
            None,
            {"2015-04-01": True},
        )
    )
    story = Story(charging)
    story.reablement(starts="2025-04-09", hours=10, at="22.50")
    story.assessed(from_="2025-04-09", weekly="84.20")
    # Under a policy that charges after the free weeks: Wednesday to Sunday of the week of 19
    # May, care 10 x 5/7 x £22.50 = £160.71, assessed £84.20 x 5/7 = £60.14 -> £60.14.
    assert summary(story.bill_to("2025-05-25")) == [
        ("contribution:council:2025-05-19", 6014, "new")
    ]


def test_section_117_aftercare_is_never_charged(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50", section_117=True)
    story.telecare(starts="2025-04-07", section_117=True)
    story.assessed(from_="2025-04-07", weekly="84.20")
    assert story.bill_to("2025-04-20") == []
    found = by_key(story.expected("2025-04-20"))
    assert found["contribution:council:2025-04-07"].amount_pence == 0
    assert found["flat_rate:TC1:2025-04-07"].amount_pence == 0
    assert found["contribution:council:2025-04-07"].trace[0].label == (
        "Home care: section 117 aftercare, free: not charged for 7 days"
    )


def test_direct_payment_net_is_recorded_and_gross_is_invoiced(book: RuleBook) -> None:
    net = Story(book)
    net.direct_payment(
        starts="2025-04-07", weekly="300.00", collection=Collection.DIRECT_PAYMENT_NET
    )
    net.assessed(from_="2025-04-07", weekly="84.20")
    lines = net.bill_to("2025-04-13")
    assert summary(lines) == [("contribution:direct_payment:2025-04-07", 8420, "new")]
    assert lines[0].invoiced is False

    gross = Story(book)
    gross.direct_payment(
        starts="2025-04-07", weekly="300.00", collection=Collection.DIRECT_PAYMENT_GROSS
    )
    gross.assessed(from_="2025-04-07", weekly="84.20")
    lines = gross.bill_to("2025-04-13")
    assert summary(lines) == [("contribution:council:2025-04-07", 8420, "new")]
    assert lines[0].invoiced is True and lines[0].income == (("ASC4510/52510", 8420),)

    both = Story(book)
    both.home_care(starts="2025-04-07", hours=10, at="22.50")  # £225.00
    both.direct_payment(
        starts="2025-04-07", weekly="300.00", collection=Collection.DIRECT_PAYMENT_NET
    )
    both.assessed(from_="2025-04-07", weekly="84.20")
    # £84.20 split by cost, £225.00 : £300.00: exactly £36.0857 and £48.1143; the spare penny
    # goes to the larger remainder: £36.09 invoiced, £48.11 deducted from the payment.
    assert summary(both.bill_to("2025-04-13")) == [
        ("contribution:council:2025-04-07", 3609, "new"),
        ("contribution:direct_payment:2025-04-07", 4811, "new"),
    ]


def test_provisional_charge_then_first_assessment(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="40.00", provisional=True)
    assert summary(story.bill_to("2025-04-20")) == [
        ("contribution:council:2025-04-07", 4000, "new"),
        ("contribution:council:2025-04-14", 4000, "new"),
    ]
    story.assessed(from_="2025-04-07", weekly="84.20", replaces_all=True)
    lines = story.bill_to("2025-04-27")
    # £84.20 - £40.00 = £44.20 for each provisional week, then a new week at £84.20.
    assert summary(lines) == [
        ("contribution:council:2025-04-07", 4420, "first_assessment"),
        ("contribution:council:2025-04-14", 4420, "first_assessment"),
        ("contribution:council:2025-04-21", 8420, "new"),
    ]
    assert lines[0].description == (
        "Contribution towards your care, week beginning 7 April 2025: your financial assessment "
        "replaces the provisional charge"
    )


def test_arrangement_fee_for_a_person_paying_the_full_cost_at_home(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-09", hours=10, at="22.50")
    story.assessed(from_="2025-04-09", weekly="0.00", full_cost=True)
    lines = story.bill_to("2025-04-20")
    # Full cost: week 1, 10 x 5/7 x £22.50 = £160.714 -> £160.71; week 2, £225.00.
    # Set-up fee £75.00 in the week of the first day, Wednesday 9 April.
    assert summary(lines) == [
        ("arrangement_fee:setup:2025-04-07", 7500, "new"),
        ("contribution:council:2025-04-07", 16071, "new"),
        ("contribution:council:2025-04-14", 22500, "new"),
    ]
    assert lines[0].income == (("FEES/9100", 7500),)
    year = story.bill_to("2026-04-12")
    fees = [line for line in year if line.kind == ChargeKind.ARRANGEMENT_FEE]
    # The yearly £250.00 falls due on the anniversary, Thursday 9 April 2026.
    assert summary(fees) == [("arrangement_fee:annual:2026-04-06", 25000, "new")]
    assert len(year) == 52  # 51 weekly contributions (21 April 2025 to 6 April 2026) + the fee


def test_a_large_backdated_bill_is_held_for_review(book: RuleBook) -> None:
    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="20.00")
    story.bill_to("2025-05-04")
    story.assessed(from_="2025-04-07", weekly="84.20", replaces_all=True)
    lines = story.bill_to("2025-05-11")
    # 4 backdated weeks of +£64.20 = £256.80, above the £250.00 threshold; the new week is not
    # backdated.
    assert sum(line.amount_pence for line in lines if line.backdated) == 25680
    assert hold_for_review(lines, threshold_pence=25000)
    assert not hold_for_review(lines, threshold_pence=25680)
    assert {line.reason for line in lines if line.backdated} == {Reason.ASSESSMENT_REVISED}

"""Uprating one request with the real rules: flat DWP rates move to the new year's figures, and
anything individual goes to manual review, never guessed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from carecharge.core.assessment.contract import assess_json
from carecharge.core.rules import RuleBook, load_rules
from carecharge.core.uprating import FindingKind, UpratingError, rule_names, uprate

RULES = Path(__file__).resolve().parents[3] / "rules"
APRIL_2025 = date(2025, 4, 7)
APRIL_2026 = date(2026, 4, 6)


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules(RULES)


def request(*income: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "as_at": "2025-04-07",
        "jurisdiction": "england",
        "setting": "non_residential",
        "person": {"date_of_birth": "1945-12-04", "pension_credit_age": None},
        "income": list(income),
        "capital": [{"type": "savings", "amount": "10000.00"}],
        "weekly_cost_of_care": "300.00",
        "policy": {},
        "overrides": {},
    }
    data.update(changes)
    return data


def up(book: RuleBook, data: dict[str, Any], **kwargs: Any) -> Any:
    return uprate(data, book, old_as_at=APRIL_2025, new_as_at=APRIL_2026, **kwargs)


def kinds(found: Any) -> list[tuple[str, str]]:
    return [(f.kind.value, f.where) for f in found.findings]


def test_attendance_allowance_higher_moves_to_the_new_years_rate(book: RuleBook) -> None:
    found = up(
        book, request({"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"})
    )
    assert found.request["income"] == [
        {"type": "attendance_allowance", "rate": "higher", "weekly": "114.60"}
    ]
    assert found.request["as_at"] == "2026-04-06"
    (step,) = found.steps
    assert (step.where, step.old, step.new) == ("income[0]", 11040, 11460)
    assert step.rule == "england.benefits.attendance_allowance.higher"
    assert step.effective_from == APRIL_2026
    assert step.reference.startswith("england.benefits.attendance_allowance.higher: DWP")
    assert found.findings[0].text.startswith(
        "Attendance Allowance (higher rate): £110.40 becomes £114.60 a week from 06/04/2026"
    )
    assert not found.needs_review


def test_each_benefit_the_rules_hold_is_uprated(book: RuleBook) -> None:
    found = up(
        book,
        request(
            {"type": "state_pension", "weekly": "176.45"},
            {"type": "new_state_pension", "weekly": "230.25"},
            {"type": "dla_care", "rate": "middle", "weekly": "73.90"},
            {"type": "dla_mobility", "rate": "higher", "weekly": "77.05"},
            {"type": "pip_daily_living", "rate": "enhanced", "weekly": "110.40"},
            {"type": "pip_mobility", "rate": "standard", "weekly": "29.20"},
        ),
    )
    assert [row["weekly"] for row in found.request["income"]] == [
        "184.90",
        "241.30",
        "76.70",
        "80.00",
        "114.60",
        "30.30",
    ]
    assert [step.rule for step in found.steps] == [
        "england.benefits.state_pension.basic_full",
        "england.benefits.state_pension.new_full",
        "england.benefits.disability_living_allowance.care.middle",
        "england.benefits.disability_living_allowance.mobility.higher",
        "england.benefits.personal_independence_payment.daily_living.enhanced",
        "england.benefits.personal_independence_payment.mobility.standard",
    ]
    # DWP figures not yet read in the official table are flagged as the engine's trace does.
    assert found.steps[2].label == "DLA care component (middle rate) (figure not yet verified)"
    assert not found.needs_review


def test_a_missing_rate_is_found_from_the_amount_but_not_added(book: RuleBook) -> None:
    found = up(book, request({"type": "attendance_allowance", "weekly": "73.90"}))
    # Adding the rate could change the night-care treatment, which is not uprating's business.
    assert found.request["income"] == [{"type": "attendance_allowance", "weekly": "76.70"}]
    assert found.steps[0].rule == "england.benefits.attendance_allowance.lower"


def test_a_part_state_pension_goes_to_manual_review_unchanged(book: RuleBook) -> None:
    found = up(book, request({"type": "state_pension", "weekly": "150.00"}))
    assert found.request["income"] == [{"type": "state_pension", "weekly": "150.00"}]
    assert found.steps == ()
    assert found.reasons_for_review == (
        "State Pension (£150.00 a week): it is not the full rate on 07/04/2025 (£176.45), so it "
        "may be a part rate or a protected payment; confirm the amount from 06/04/2026",
    )


def test_a_rate_that_does_not_match_its_amount_is_not_guessed(book: RuleBook) -> None:
    # Recorded as the higher rate but paid at the lower rate's amount.
    found = up(book, request({"type": "attendance_allowance", "rate": "higher", "weekly": "73.90"}))
    assert found.request["income"][0]["weekly"] == "73.90"
    assert found.reasons_for_review == (
        "Attendance Allowance (higher rate) (£73.90 a week): it is not the higher rate on "
        "07/04/2025 (£110.40), so it may be a part rate or a protected payment; confirm the "
        "amount from 06/04/2026",
    )


def test_individual_income_goes_to_manual_review_naming_the_item(book: RuleBook) -> None:
    found = up(
        book,
        request(
            {"type": "occupational_pension", "weekly": "85.12", "label": "Teachers' Pension"},
            {"type": "annuity", "weekly": "12.00"},
            {"type": "war_widows_pension", "weekly": "40.00"},
            {"type": "other", "treatment": "counted", "weekly": "5.00"},
        ),
    )
    assert [row["weekly"] for row in found.request["income"]] == ["85.12", "12.00", "40.00", "5.00"]
    assert found.reasons_for_review[0] == (
        "Occupational pension, Teachers' Pension (£85.12 a week): the rules hold no rate for it, "
        "so the new amount is individual; confirm the amount from 06/04/2026"
    )
    assert [reason.split(" (")[0] for reason in found.reasons_for_review] == [
        "Occupational pension, Teachers' Pension",
        "Annuity",
        "War Widow's or Widower's Pension",
        "Other income",
    ]


def test_income_disregarded_in_full_is_carried_over_with_the_reason(book: RuleBook) -> None:
    found = up(
        book,
        request(
            {"type": "earnings", "weekly": "60.00"},
            {"type": "war_pension", "weekly": "45.00"},
            {"type": "dla_mobility", "rate": "higher", "weekly": "60.00"},  # not a DWP rate
            {"type": "other", "treatment": "disregarded", "weekly": "7.00"},
        ),
    )
    assert [row["weekly"] for row in found.request["income"]] == ["60.00", "45.00", "60.00", "7.00"]
    assert kinds(found)[:4] == [("carried", f"income[{i}]") for i in range(4)]
    assert found.findings[0].text.startswith(
        "Earnings (£60.00 a week) carried over unchanged: it is disregarded in full, so it "
        "cannot change the charge (SI 2014/2672 reg 14"
    )
    assert not found.needs_review


def test_guarantee_credit_is_individual_but_the_officer_is_shown_the_guarantee(
    book: RuleBook,
) -> None:
    found = up(book, request({"type": "pension_credit_guarantee", "weekly": "30.85"}))
    assert found.request["income"][0]["weekly"] == "30.85"
    assert found.reasons_for_review == (
        "Pension Credit guarantee credit (£30.85 a week): guarantee credit is worked out on the "
        "person's other income, so the rules cannot say what it becomes (the standard minimum "
        "guarantee for a single person goes from £227.10 to £238.00); confirm the new award "
        "from 06/04/2026",
    )


def test_overrides_are_kept_but_flagged(book: RuleBook) -> None:
    found = up(book, request(overrides={"mig": "200.00", "pea": None}))
    assert found.request["overrides"] == {"mig": "200.00", "pea": None}
    assert found.reasons_for_review == (
        "an officer fixed the minimum income guarantee at £200.00 instead of the figure in the "
        "rules; check it for 06/04/2026",
    )
    assert found.findings[0].where == "overrides.mig"


def test_capital_is_carried_unchanged_and_expenses_are_noted(book: RuleBook) -> None:
    data = request(
        capital=[
            {"type": "savings", "amount": "18000.00"},
            {"type": "main_home", "amount": "150000.00", "joint": True},
        ],
        expenses={"housing": [{"type": "rent", "weekly": "95.00"}], "dre": []},
    )
    found = up(book, data)
    assert found.request["capital"] == data["capital"]
    assert found.request["expenses"] == data["expenses"]
    assert kinds(found) == [("carried", "capital"), ("note", "expenses.housing")]
    assert "(2 items, £168,000.00)" in found.findings[0].text


def test_the_age_moves_on_and_the_new_figures_come_from_the_rules(book: RuleBook) -> None:
    data = request(
        {"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"},
        {"type": "new_state_pension", "weekly": "230.25"},
        person={"date_of_birth": "1945-12-04", "age": 79},
        capital=[],
        policy={"taper_percent": "100", "minimum_weekly_charge": "0.00", "dre_mode": "itemised"},
    )
    found = up(book, data, weekly_cost_of_care=31500)
    assert found.request["person"]["age"] == 80
    assert found.request["weekly_cost_of_care"] == "315.00"
    assert found.steps[-1].label == "Weekly cost of care"
    assert (found.steps[-1].old, found.steps[-1].new) == (30000, 31500)
    before, after = assess_json(data, book), assess_json(found.request, book)
    assert before["total_income"] == "340.65"
    assert after["total_income"] == "355.90"  # 114.60 + 241.30
    # The MIG for a single person over Pension Credit age comes from the rules on each date.
    assert after["allowances"]["mig"] == "241.45"
    assert after["rules"]["as_at"] == "2026-04-06"


def test_an_age_without_a_date_of_birth_cannot_be_moved_on(book: RuleBook) -> None:
    found = up(book, request(person={"age": 79}))
    assert found.reasons_for_review == (
        "the assessment gives an age (79) but no date of birth, so the age on 06/04/2026 is not "
        "known; record the date of birth",
    )


def test_reaching_pension_credit_age_since_the_assessment_needs_review(book: RuleBook) -> None:
    # Born 20/09/1959: Pension Credit age is the 66th birthday, 20/09/2025.
    found = up(book, request(person={"date_of_birth": "1959-09-20"}))
    assert found.reasons_for_review == (
        "the person reached Pension Credit age on 20/09/2025, after the last assessment: their "
        "income has probably changed (State Pension, Pension Credit); check it",
    )
    told = up(book, request(person={"date_of_birth": "1959-09-20", "pension_credit_age": False}))
    assert told.reasons_for_review[0].startswith(
        "recorded as under Pension Credit age, but the person reaches it on 20/09/2025"
    )


def test_no_care_running_on_the_date_needs_review(book: RuleBook) -> None:
    found = up(book, request(), weekly_cost_of_care=0)
    assert found.request["weekly_cost_of_care"] == "0.00"
    assert "no means-tested care is running on 06/04/2026" in found.reasons_for_review[0]


def test_a_date_before_the_assessment_or_an_unreadable_request_is_refused(book: RuleBook) -> None:
    with pytest.raises(
        UpratingError, match="06/04/2026 is before the assessment's date 07/04/2027"
    ):
        uprate(request(), book, old_as_at=APRIL_2025.replace(year=2027), new_as_at=APRIL_2026)
    with pytest.raises(UpratingError, match=r"income\[0\].weekly"):
        up(book, request({"type": "state_pension", "weekly": "lots"}))


def test_the_rules_read_are_listed_for_the_preview() -> None:
    names = rule_names()
    assert "england.benefits.attendance_allowance.higher" in names
    assert "england.benefits.pension_credit.standard_minimum_guarantee.couple" in names
    assert list(names) == sorted(names)


def test_findings_and_steps_are_plain_json(book: RuleBook) -> None:
    found = up(book, request({"type": "attendance_allowance", "rate": "lower", "weekly": "73.90"}))
    assert found.steps[0].as_json() == {
        "where": "income[0]",
        "label": "Attendance Allowance (lower rate)",
        "old": "73.90",
        "new": "76.70",
        "rule": "england.benefits.attendance_allowance.lower",
        "effective_from": "2026-04-06",
        "reference": found.steps[0].reference,
    }
    assert found.findings[0].as_json()["kind"] == FindingKind.UPRATED.value

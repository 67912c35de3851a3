"""The outcome letter's plain English, from contract results shaped as the engine returns them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecharge.core.assessment.deferred_payment import DeferredPaymentSplit
from carecharge.core.letters.outcome import explain
from carecharge.core.letters.wording import long_date, plain_dates, pounds, references, step_label

TAKES_EFFECT = date(2025, 6, 2)
CARE_ACT = "Care Act 2014 ss14 and 17"
INCOME_REF = (
    "SI 2014/2672 Schedule 1; Care and Support Statutory Guidance, Annex C (treatment of income)"
)


def request(setting: str = "non_residential", **extra: Any) -> dict[str, Any]:
    return {"setting": setting, "capital": [], **extra}


def home_care_result(**changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "weekly_charge": "60.90",
        "full_cost": False,
        "light_touch": False,
        "weekly_cost_of_care": "300.00",
        "total_income": "456.40",
        "disregarded_income": "112.25",
        "tariff_income": "15.00",
        "capital_counted": "18000.00",
        "allowances": {
            "mig": "282.25",
            "pea": "0.00",
            "housing": "6.00",
            "dre": "10.00",
            "savings_credit_disregard": "0.00",
            "partner_pension_share": "0.00",
        },
        "disposable_income": "60.90",
        "trace": [
            {
                "label": "Age 75 on 2025-06-02: at pension credit age (reached on 2010-04-01)",
                "amount": None,
                "reference": "State Pension Credit Act 2002 s1(6)",
            },
            {
                "label": "New State Pension counted in full",
                "amount": "230.25",
                "reference": INCOME_REF,
            },
            {
                "label": "Tariff income: 15 steps of £250.00 (figure not yet verified)",
                "amount": "15.00",
                "reference": (
                    "england.charging.tariff_income.step: DHSC circular 2024 to 2025; "
                    "england.charging.rounding.tariff_income: SI 2014/2672 regulation 25"
                ),
            },
            {"label": "Total income considered", "amount": "456.40", "reference": INCOME_REF},
            {"label": "Weekly charge: £60.90", "amount": "60.90", "reference": CARE_ACT},
        ],
        "rules": {"as_at": "2025-06-02", "hash": "a" * 64},
    }
    result.update(changes)
    return result


def full_cost_result(**changes: Any) -> dict[str, Any]:
    result = home_care_result(
        weekly_charge="900.00",
        full_cost=True,
        weekly_cost_of_care="900.00",
        capital_counted="221000.00",
        tariff_income="0.00",
        allowances={"mig": "0.00", "pea": "30.65"},
        disposable_income="350.00",
        trace=[
            {
                "label": "Capital of £221,000.00 is over the upper limit of £23,250.00",
                "amount": "23250.00",
                "reference": "england.charging.capital.upper_limit: DHSC circular 2024 to 2025",
            },
            {"label": "The home's full weekly fee", "amount": "900.00", "reference": CARE_ACT},
        ],
    )
    result.update(changes)
    return result


def test_dates_and_amounts_are_written_for_people() -> None:
    assert long_date(date(2025, 6, 2)) == "2 June 2025"
    assert plain_dates("ended on 2025-03-25, not 2025-02-30") == (
        "ended on 25 March 2025, not 2025-02-30"
    )
    assert pounds("1234.5") == "£1,234.50"
    assert pounds(None) == "£0.00"


def test_step_labels_lose_the_officers_unverified_flag_and_iso_dates() -> None:
    assert step_label("Personal expenses allowance (figure not yet verified)") == (
        "Personal expenses allowance"
    )
    assert step_label("Main home counted: the disregard ended on 2025-03-25") == (
        "Main home counted: the disregard ended on 25 March 2025"
    )


def test_references_drop_rule_names_and_repeats() -> None:
    text = (
        "england.charging.tariff_income.step: DHSC circular; "
        "local.demo.assessment.dre_flat_weekly: Demo council: charging policy (fictional); "
        "DHSC circular"
    )
    assert references(text) == ["DHSC circular", "Demo council: charging policy (fictional)"]
    assert references("the council's policy, given with the request") == [
        "The council's policy, given with the request"
    ]


def test_a_contribution_is_explained_with_every_figure() -> None:
    outcome = explain(request(), home_care_result(), effective_from=TAKES_EFFECT)
    assert outcome.kind == "contribution"
    assert outcome.weekly_charge == "£60.90" and outcome.weekly_charge_pence == 6090
    assert outcome.summary[0] == (
        "From 2 June 2025 you will pay £60.90 a week towards the cost of your care and support "
        "at home."
    )
    assert "Your care costs £300.00 a week." in outcome.summary[1]
    assert "you have £60.90 a week of disposable income" in outcome.summary[1]
    assert "including £282.25 a week to live on" in outcome.summary[1]
    figures = {f.key: f.amount for f in outcome.figures}
    assert figures == {
        "total_income": "£456.40",
        "disregarded_income": "£112.25",
        "capital_counted": "£18,000.00",
        "tariff_income": "£15.00",
        "allowances.mig": "£282.25",
        "allowances.housing": "£6.00",
        "allowances.dre": "£10.00",
        "disposable_income": "£60.90",
        "weekly_cost_of_care": "£300.00",
        "weekly_charge": "£60.90",
    }
    assert [f.key for f in outcome.figures][-2:] == ["weekly_cost_of_care", "weekly_charge"]
    assert outcome.deferred_payment == ""


def test_steps_follow_the_trace_with_numbered_notes() -> None:
    outcome = explain(request(), home_care_result(), effective_from=TAKES_EFFECT)
    labels = [s.label for s in outcome.steps]
    assert labels[0] == "Age 75 on 2 June 2025: at pension credit age (reached on 1 April 2010)"
    assert labels[2] == "Tariff income: 15 steps of £250.00"
    assert [s.amount for s in outcome.steps] == ["", "£230.25", "£15.00", "£456.40", "£60.90"]
    assert outcome.notes == (
        "State Pension Credit Act 2002 s1(6)",
        "SI 2014/2672 Schedule 1",
        "Care and Support Statutory Guidance, Annex C (treatment of income)",
        "DHSC circular 2024 to 2025",
        "SI 2014/2672 regulation 25",
        "Care Act 2014 ss14 and 17",
    )
    # The same source cited twice keeps its first number.
    assert [s.notes for s in outcome.steps] == [(1,), (2, 3), (4, 5), (2, 3), (6,)]


def test_nothing_to_pay() -> None:
    outcome = explain(
        request(),
        home_care_result(weekly_charge="0.00", disposable_income="1.50"),
        effective_from=TAKES_EFFECT,
    )
    assert outcome.kind == "nothing"
    assert outcome.summary[0] == (
        "From 2 June 2025 you do not have to pay anything towards the cost of your care and "
        "support at home."
    )
    assert outcome.summary[1].endswith(
        "£1.50 a week of disposable income, which is not enough for us to charge you."
    )


def test_the_charge_is_capped_at_the_cost_of_care() -> None:
    outcome = explain(
        request(),
        home_care_result(weekly_charge="37.04", weekly_cost_of_care="37.04"),
        effective_from=TAKES_EFFECT,
    )
    assert outcome.kind == "cost_of_care"
    assert "This is the whole weekly cost of your care." in outcome.summary[0]
    assert "so you pay the cost and no more" in outcome.summary[1]


def test_full_cost_names_the_capital_and_the_upper_limit() -> None:
    outcome = explain(
        request("residential_permanent"), full_cost_result(), effective_from=TAKES_EFFECT
    )
    assert outcome.kind == "full_cost" and outcome.full_cost
    assert outcome.summary[0] == (
        "From 2 June 2025 you will pay the full cost of your care: £900.00 a week."
    )
    limit = "is £221,000.00, which is more than the upper capital limit of £23,250.00"
    assert limit in outcome.summary[1]
    assert [f.key for f in outcome.figures] == [
        "capital_counted",
        "weekly_cost_of_care",
        "weekly_charge",
    ]
    assert outcome.figures[1].label == "The care home's weekly fee"
    # No home among the capital: no deferred payment to explain.
    assert outcome.deferred_payment == ""


def test_a_home_owner_paying_the_full_cost_in_a_care_home_hears_about_deferred_payments() -> None:
    owner = request("residential_permanent", capital=[{"type": "main_home", "amount": "1.00"}])
    outcome = explain(owner, full_cost_result(), effective_from=TAKES_EFFECT)
    assert "deferred payment agreement" in outcome.deferred_payment
    assert "you do not have to sell it straight away" in outcome.deferred_payment
    at_home = explain(
        request("non_residential", capital=[{"type": "main_home", "amount": "1.00"}]),
        full_cost_result(),
        effective_from=TAKES_EFFECT,
    )
    assert at_home.deferred_payment == ""


def test_an_agreement_in_place_says_what_is_paid_and_what_is_deferred() -> None:
    result = full_cost_result()
    split = DeferredPaymentSplit(
        weekly_charge=90000, allowance=14400, from_income=15625, deferred=74375, trace=()
    )
    outcome = explain(
        request("residential_permanent"),
        result,
        effective_from=TAKES_EFFECT,
        deferred_payment=split,
    )
    said = outcome.deferred_payment
    assert said.startswith("You have a deferred payment agreement with us.")
    assert "Of your weekly charge of £900.00, you pay £156.25 a week from your income" in said
    assert "you keep £144.00 a week of your income for yourself" in said
    assert "The other £743.75 a week is deferred" in said
    # The allowance never changes the charge, so no figure is relabelled.
    assert all("disposable income allowance" not in f.label for f in outcome.figures)


@pytest.mark.parametrize(
    ("light_touch", "said"), [(True, True), (False, False)], ids=["light-touch", "itemised"]
)
def test_a_light_touch_assessment_says_income_was_not_itemised(
    light_touch: bool, said: bool
) -> None:
    outcome = explain(
        request(), full_cost_result(light_touch=light_touch), effective_from=TAKES_EFFECT
    )
    assert any("did not need to look at your income" in p for p in outcome.summary) is said


def test_the_outcome_is_plain_json() -> None:
    import json

    shown = explain(request(), home_care_result(), effective_from=TAKES_EFFECT).as_dict()
    assert json.loads(json.dumps(shown)) == shown
    assert shown["steps"][1] == {
        "label": "New State Pension counted in full",
        "amount": "£230.25",
        "notes": [2, 3],
    }

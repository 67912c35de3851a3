"""Re-rating one key at a time: differences, reasons, reversals, backdating and the review hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from carecharge.core.charging import ChargingError
from carecharge.core.charging.types import PERSON, Basis, Charge, ChargeKind, TraceStep
from carecharge.core.periods import DateRange
from carecharge.core.rerating import (
    Charged,
    Reason,
    backdated_net,
    hold_for_review,
    posted,
    rerate,
    review_threshold,
)
from carecharge.core.rerating.reasons import reason_for
from carecharge.core.rules import load_rules

WEEK = DateRange(date(2025, 4, 7), date(2025, 4, 13))
KEY = "contribution:council:2025-04-07"
ASSESSED = Basis(sources=("assessment:1",))
DUE = Charge(
    key=KEY,
    kind=ChargeKind.CONTRIBUTION,
    debtor=PERSON,
    week=WEEK,
    days=WEEK,
    amount_pence=8420,
    invoiced=True,
    income=(("A/1", 8420),),
    description="Contribution towards your care, week beginning 7 April 2025",
    basis=ASSESSED,
    trace=(TraceStep("The lower of the two is charged: £84.20", 8420),),
)
WAS = Charged(
    key=KEY,
    kind=ChargeKind.CONTRIBUTION,
    debtor=PERSON,
    week=WEEK,
    amount_pence=10000,
    income=(("A/1", 10000),),
    invoiced=True,
    last_record="inv-17",
    basis=ASSESSED,
)


def test_a_difference_is_posted_against_the_last_record() -> None:
    (line,) = rerate([DUE], {KEY: WAS}, billed_through=date(2025, 4, 13))
    assert (line.amount_pence, line.income) == (-1580, (("A/1", -1580),))
    assert (line.corrects, line.backdated, line.reason) == ("inv-17", True, Reason.CORRECTION)
    assert line.trace[-1] == TraceStep("Already charged: £100.00; difference: -£15.80", -1580)


def test_no_line_when_nothing_differs_in_total_or_by_income_code() -> None:
    same = replace(WAS, amount_pence=8420, income=(("A/1", 8420),))
    assert rerate([DUE], {KEY: same}, billed_through=None) == []


def test_a_move_between_income_codes_is_posted_even_with_no_change_in_total() -> None:
    moved = replace(WAS, amount_pence=8420, income=(("B/2", 8420),))
    (line,) = rerate([DUE], {KEY: moved}, billed_through=None)
    assert (line.amount_pence, line.income) == (0, (("A/1", 8420), ("B/2", -8420)))


def test_a_key_no_longer_due_is_reversed_in_full() -> None:
    (line,) = rerate([], {KEY: WAS}, billed_through=None)
    assert (line.amount_pence, line.income, line.reason) == (
        -10000,
        (("A/1", -10000),),
        Reason.CORRECTION,
    )
    assert (line.corrects, line.backdated, line.basis, line.days) == ("inv-17", True, None, None)
    assert line.description == (
        "Reversal: the contribution towards care for the week beginning 7 April 2025 is no "
        "longer due"
    )


def test_a_change_of_debtor_reverses_the_old_and_charges_the_new() -> None:
    due = replace(
        DUE, kind=ChargeKind.TOP_UP, debtor="third_party:TP2", key="top_up:TU1:2025-04-07"
    )
    was = replace(
        WAS, kind=ChargeKind.TOP_UP, debtor="third_party:TP1", key="top_up:TU1:2025-04-07"
    )
    reversal, charge = rerate([due], {due.key: was}, billed_through=None)
    assert (reversal.debtor, reversal.amount_pence) == ("third_party:TP1", -10000)
    assert (charge.debtor, charge.amount_pence, charge.corrects) == ("third_party:TP2", 8420, None)
    state = posted({due.key: was}, [reversal, charge], ["x1", "x2"])
    assert rerate([due], state, billed_through=None) == []


def test_backdated_means_charged_before_or_a_week_already_billed() -> None:
    (new,) = rerate([DUE], {}, billed_through=None)
    assert (new.backdated, new.reason, new.corrects) == (False, Reason.NEW, None)
    (late,) = rerate([DUE], {}, billed_through=date(2025, 4, 13))
    assert late.backdated
    (current,) = rerate([DUE], {}, billed_through=date(2025, 4, 12))
    assert not current.backdated


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            ASSESSED,
            replace(ASSESSED, days_after_death=3, chc_days=2, sources=("assessment:2",)),
            Reason.DEATH,
        ),
        (ASSESSED, replace(ASSESSED, chc_days=2, sources=("assessment:2",)), Reason.CHC_AWARD),
        (Basis(sources=("provisional",), provisional=True), ASSESSED, Reason.FIRST_ASSESSMENT),
        (
            ASSESSED,
            replace(ASSESSED, sources=("assessment:2",), suspended_days=2),
            Reason.ASSESSMENT_REVISED,
        ),
        (ASSESSED, replace(ASSESSED, suspended_days=2, actuals=True), Reason.SUSPENSION),
        (ASSESSED, replace(ASSESSED, actuals=True), Reason.ACTUALS_RECEIVED),
        (replace(ASSESSED, actuals=True), replace(ASSESSED, actuals=True), Reason.CORRECTION),
        (None, ASSESSED, Reason.CORRECTION),
    ],
)
def test_the_most_decisive_change_names_the_reason(
    old: Basis | None, new: Basis, reason: Reason
) -> None:
    assert reason_for(old, new, charged_before=True) is reason
    assert reason_for(old, new, charged_before=False) is Reason.NEW


def test_inconsistent_input_is_refused_not_posted() -> None:
    with pytest.raises(ChargingError, match="expected: two charges share the key"):
        rerate([DUE, DUE], {}, billed_through=None)
    with pytest.raises(ChargingError, match=r"do not add up to the amount \(£84.20\)"):
        rerate([replace(DUE, income=(("A/1", 8000),))], {}, billed_through=None)
    with pytest.raises(ChargingError, match="charged: the record filed under 'other'"):
        rerate([DUE], {"other": WAS}, billed_through=None)


def test_the_review_hold_counts_backdated_invoiced_lines_to_the_person_net() -> None:
    lines = rerate([DUE], {}, billed_through=date(2025, 4, 13))  # +£84.20 backdated
    recorded = replace(lines[0], invoiced=False)
    icb = replace(lines[0], debtor="organisation:ICB01")
    current = replace(lines[0], backdated=False)
    refund = replace(lines[0], amount_pence=-2000, income=(("A/1", -2000),))
    assert backdated_net(lines) == 8420
    assert backdated_net([*lines, recorded, icb, current, refund]) == 6420
    assert hold_for_review([*lines, refund], threshold_pence=6419)
    assert not hold_for_review([*lines, refund], threshold_pence=6420)


def test_the_demo_council_threshold_is_read_from_the_rules() -> None:
    book = load_rules(Path(__file__).parents[4] / "rules")
    assert review_threshold(book, "demo", date(2025, 4, 7)) == 25000
    with pytest.raises(ChargingError, match=r"rules: no rule named 'local\.nowhere\.billing"):
        review_threshold(book, "nowhere", date(2025, 4, 7))

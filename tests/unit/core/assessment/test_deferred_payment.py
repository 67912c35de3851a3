"""A deferred payment agreement splits the charge; it never changes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from carecharge.core.assessment.deferred_payment import MAXIMUM_RULE, split
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.rules import RuleBook

Make = Callable[..., dict[str, Any]]
Assess = Callable[..., dict[str, Any]]


def full_cost_resident(request_data: Make, **person: Any) -> dict[str, Any]:
    return request_data(
        setting="residential_permanent",
        person={"age": 84, **person},
        income=[
            {"type": "state_pension", "weekly": "230.25"},
            {"type": "occupational_pension", "weekly": "60.00"},
            {"type": "pension_credit_savings_credit", "weekly": "5.00"},
        ],
        capital=[{"type": "main_home", "amount": "250000.00"}],
        property={"first_permanent_admission": "2024-01-08"},
        weekly_cost_of_care="900.00",
    )


def test_the_charge_is_the_full_cost_and_the_allowance_decides_what_is_deferred(
    assess: Assess, request_data: Make, book: RuleBook
) -> None:
    result = assess(full_cost_resident(request_data))
    assert result["weekly_charge"] == "900.00"  # the agreement does not change the charge
    maximum = book.as_at(date(2025, 6, 2)).entry(MAXIMUM_RULE)
    shared = split(result, allowance=10000, maximum=maximum)
    # Income 295.25, less the savings credit disregarded up to 5.00 = 290.25 counted;
    # keeps 100.00: pays 190.25 from income, and 900.00 - 190.25 = 709.75 is deferred.
    assert result["allowances"]["savings_credit_disregard"] == "5.00"
    assert shared.from_income == 19025
    assert shared.deferred == 70975
    assert shared.from_income + shared.deferred == shared.weekly_charge == 90000
    assert [step.amount_pence for step in shared.trace] == [29025, 10000, 19025, 70975]
    assert "at most £144.00 a week" in shared.trace[1].label
    assert shared.trace[1].reference.startswith(MAXIMUM_RULE)


def test_the_most_the_person_can_keep_is_the_maximum(
    assess: Assess, request_data: Make, book: RuleBook
) -> None:
    result = assess(full_cost_resident(request_data))
    maximum = book.as_at(date(2025, 6, 2)).entry(MAXIMUM_RULE)
    assert split(result, allowance=14400, maximum=maximum).from_income == 29025 - 14400
    for bad in (14401, -1):
        with pytest.raises(AssessmentInputError, match=r"maximum of £144\.00") as caught:
            split(result, allowance=bad, maximum=maximum)
        assert caught.value.field == "disposable_income_allowance"


def test_never_more_from_income_than_the_charge(
    assess: Assess, request_data: Make, book: RuleBook
) -> None:
    data = full_cost_resident(request_data)
    data["capital"] = []  # home disregarded; a small assessed charge
    data["property"] = {"first_permanent_admission": None, "occupied_by_qualifying_relative": True}
    result = assess(data)
    charge = int(result["weekly_charge"].replace(".", ""))
    shared = split(result, allowance=0, maximum=book.as_at(date(2025, 6, 2)).entry(MAXIMUM_RULE))
    assert shared.from_income == charge
    assert shared.deferred == 0

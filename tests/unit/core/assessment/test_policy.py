"""The council's policy: request over council over statutory default, from rules or as JSON.

The test tree's council ``testcouncil`` charges 90% of disposable income, allows the greater of
itemised DRE and a flat £10.85, and disregards the night-care element.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from carecharge.core.assessment import assess, council_policy_from_rules, parse_request
from carecharge.core.assessment.contract import Assessor, assess_json
from carecharge.core.assessment.errors import AssessmentInputError, AssessmentRulesError
from carecharge.core.assessment.request import DreMode
from carecharge.core.rules import RuleBook

from .conftest import step

Make = Callable[..., dict[str, Any]]

INCOME = [
    {"type": "esa", "weekly": "200.00"},
    {"type": "pip_daily_living", "rate": "enhanced", "weekly": "110.40"},
]


def test_council_policy_from_rules(book: RuleBook) -> None:
    council = council_policy_from_rules(book.as_at(date(2025, 6, 2)), "testcouncil")
    assert council.policy.dre_mode is DreMode.GREATER_OF
    assert council.policy.dre_flat_weekly == 1085
    assert str(council.policy.taper_percent) == "90"
    assert council.references["taper_percent"].startswith(
        "local.testcouncil.assessment.taper_percent: "
    )
    assert council_policy_from_rules(book.as_at(date(2025, 6, 2)), "nobody").policy.dre_mode is None
    with pytest.raises(AssessmentRulesError):
        council_policy_from_rules(book.as_at(date(2025, 6, 2)), "Bad Name")


def test_the_council_policy_applies_and_the_request_wins(
    book: RuleBook, request_data: Make
) -> None:
    data = request_data(income=INCOME, expenses={"dre": [{"type": "x", "weekly": "4.00"}]})
    council = council_policy_from_rules(book.as_at(date(2025, 6, 2)), "testcouncil")
    result = assess(parse_request(data), book.as_at(date(2025, 6, 2)), council=council)
    # 310.40 - night care 36.50 - MIG 112.50 - DRE max(4.00, 10.85) = 150.55; x 90% = 135.495
    # -> 135.50 half up.
    assert result.disposable_income == 15055
    assert result.weekly_charge == 13550
    # The request's own policy wins, key by key: 100% taper, itemised DRE 4.00.
    data["policy"] = {"taper_percent": "100", "dre_mode": "itemised"}
    result = assess(parse_request(data), book.as_at(date(2025, 6, 2)), council=council)
    assert result.weekly_charge == 31040 - 3650 - 11250 - 400


def test_the_assessor_reads_the_councils_rules_and_cites_them(
    book: RuleBook, request_data: Make
) -> None:
    result = Assessor(book, council="testcouncil").assess_data(request_data(income=INCOME))
    taper = step(result, "90% of disposable income is charged")
    assert taper["reference"].startswith("england.charging.rounding.weekly_charge")
    night = step(result, "Night-care element")
    assert "local.testcouncil.assessment.disregard_night_care_element" in night["reference"]


def test_council_policy_given_as_json(book: RuleBook, request_data: Make) -> None:
    council = {
        "taper_percent": "50",
        "provisional_charge_mode": "age_band",  # another setting of the council's: ignored
        "housing_costs_allowed": None,
    }
    result = assess_json(request_data(income=INCOME), book, council_policy=council)
    # 310.40 - 112.50 = 197.90; x 50% = 98.95
    assert result["weekly_charge"] == "98.95"
    with pytest.raises(AssessmentInputError) as caught:
        assess_json(request_data(), book, council_policy={"taper_percent": 50})
    assert caught.value.field == "council_policy.taper_percent"


def test_statutory_defaults(book: RuleBook, request_data: Make) -> None:
    result = assess_json(request_data(income=INCOME), book)
    # No night-care disregard, 100% taper: 310.40 - 112.50 = 197.90.
    assert result["weekly_charge"] == "197.90"

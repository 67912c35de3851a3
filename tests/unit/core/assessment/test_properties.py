"""Properties that hold for every valid request (hypothesis)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecharge.core.assessment.contract import assess_json
from carecharge.core.rules import RuleBook

from .strategies import requests

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def money(text: str) -> Decimal:
    return Decimal(text)


@SETTINGS
@given(data=requests())
def test_the_charge_is_never_negative_nor_above_the_cost(
    book: RuleBook, data: dict[str, Any]
) -> None:
    result = assess_json(data, book)
    charge = money(result["weekly_charge"])
    assert charge >= 0
    assert charge <= money(data["weekly_cost_of_care"])
    if result["full_cost"]:
        expected = money(data["weekly_cost_of_care"])
        if data["jurisdiction"] == "wales" and result["allowances"]["pea"] == "0.00":
            expected = min(expected, Decimal("100.00"))  # the Welsh maximum for care at home
        assert charge == expected


@SETTINGS
@given(data=requests())
def test_disposable_income_is_the_contract_sum(book: RuleBook, data: dict[str, Any]) -> None:
    result = assess_json(data, book)
    allowances = sum(money(v) for v in result["allowances"].values())
    expected = (
        money(result["total_income"])
        - money(result["disregarded_income"])
        + money(result["tariff_income"])
        - allowances
    )
    assert money(result["disposable_income"]) == max(Decimal(0), expected)
    assert money(result["disregarded_income"]) <= money(result["total_income"])
    assert result["trace"][-1]["amount"] == result["weekly_charge"]


@SETTINGS
@given(data=requests())
def test_assessing_twice_gives_identical_results(book: RuleBook, data: dict[str, Any]) -> None:
    before = copy.deepcopy(data)
    first = assess_json(data, book)
    second = assess_json(data, book)
    assert json.dumps(first) == json.dumps(second)
    assert data == before  # the request is not changed


@SETTINGS
@given(data=requests(), extra=st.integers(1, 50000), kind=st.sampled_from(["esa", "state_pension"]))
def test_more_counted_income_never_lowers_the_charge(
    book: RuleBook, data: dict[str, Any], extra: int, kind: str
) -> None:
    before = assess_json(data, book)
    more = copy.deepcopy(data)
    more["income"].append({"type": kind, "weekly": f"{extra // 100}.{extra % 100:02d}"})
    after = assess_json(more, book)
    assert money(after["weekly_charge"]) >= money(before["weekly_charge"])
    assert money(after["total_income"]) == money(before["total_income"]) + Decimal(extra) / 100

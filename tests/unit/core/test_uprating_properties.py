"""Properties of uprating for any request (hypothesis), with the real rules."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecharge.core.assessment.request import RATES, IncomeType
from carecharge.core.money import parse_pounds, to_decimal_string
from carecharge.core.rules import RuleBook, load_rules
from carecharge.core.uprating import RATE_RULES, FindingKind, uprate

RULES = Path(__file__).resolve().parents[3] / "rules"
BOOK: RuleBook = load_rules(RULES)
FIRST = date(2024, 4, 8)  # every benefit rate the rules hold is in force from here
LAST = date(2027, 3, 31)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def days(start: date, end: date) -> st.SearchStrategy[date]:
    return st.integers(0, (end - start).days).map(lambda n: start + timedelta(days=n))


@st.composite
def income_item(draw: st.DrawFn, on: date) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(IncomeType)))
    item: dict[str, Any] = {"type": kind.value}
    if kind in RATES and draw(st.booleans()):
        item["rate"] = draw(st.sampled_from(sorted(RATES[kind]))).value
    rules = RATE_RULES.get(kind)
    if rules and draw(st.booleans()):
        # Exactly a rate in force on the old date, so the rules can uprate it.
        rule = draw(st.sampled_from(sorted(rules.values())))
        item["weekly"] = to_decimal_string(BOOK.as_at(on).pence(rule))
    else:
        item["weekly"] = to_decimal_string(draw(st.integers(0, 40000)))
    if kind is IncomeType.OTHER:
        item["treatment"] = draw(st.sampled_from(["counted", "disregarded"]))
    if draw(st.integers(0, 5)) == 0:
        item["joint"] = True
    return item


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], date]:
    on = draw(days(FIRST, LAST))
    born = draw(days(on - timedelta(days=100 * 365), on - timedelta(days=19 * 365)))
    capital_types = ["savings", "investments", "premium_bonds", "shares", "other_property"]
    request = {
        "as_at": on.isoformat(),
        "jurisdiction": draw(st.sampled_from(["england", "wales"])),
        "setting": draw(
            st.sampled_from(["non_residential", "residential_permanent", "residential_temporary"])
        ),
        "person": {"date_of_birth": born.isoformat()},
        "income": draw(st.lists(income_item(on), max_size=6)),
        "capital": [
            {"type": kind, "amount": to_decimal_string(amount)}
            for kind, amount in draw(
                st.lists(
                    st.tuples(st.sampled_from(capital_types), st.integers(0, 5_000_000)),
                    max_size=4,
                )
            )
        ],
        "weekly_cost_of_care": to_decimal_string(draw(st.integers(0, 200_000))),
        "policy": {},
        "overrides": draw(st.sampled_from([{}, {"mig": "200.00"}, {"pea": "30.65"}])),
    }
    return request, on


def amounts(request: dict[str, Any]) -> list[int]:
    return [parse_pounds(row["weekly"]) for row in request["income"]]


@SETTINGS
@given(case=cases())
def test_uprating_to_the_same_date_changes_no_amount(case: tuple[dict[str, Any], date]) -> None:
    request, on = case
    found = uprate(request, BOOK, old_as_at=on, new_as_at=on)
    assert amounts(found.request) == amounts(request)
    assert all(step.old == step.new for step in found.steps)
    assert found.request["weekly_cost_of_care"] == request["weekly_cost_of_care"]


@SETTINGS
@given(case=cases(), later=st.integers(0, 800))
def test_uprating_never_changes_capital(case: tuple[dict[str, Any], date], later: int) -> None:
    request, on = case
    found = uprate(request, BOOK, old_as_at=on, new_as_at=on + timedelta(days=later))
    assert found.request["capital"] == request["capital"]
    assert found.request["policy"] == request["policy"]
    assert found.request["overrides"] == request["overrides"]


@SETTINGS
@given(case=cases(), later=st.integers(0, 800))
def test_every_income_item_is_uprated_carried_or_sent_for_review(
    case: tuple[dict[str, Any], date], later: int
) -> None:
    request, on = case
    new = on + timedelta(days=later)
    found = uprate(request, BOOK, old_as_at=on, new_as_at=new)
    for index, (before, after) in enumerate(
        zip(request["income"], found.request["income"], strict=True)
    ):
        where = f"income[{index}]"
        (finding,) = [f for f in found.findings if f.where == where]
        steps = [s for s in found.steps if s.where == where]
        assert {k: v for k, v in after.items() if k != "weekly"} == {
            k: v for k, v in before.items() if k != "weekly"
        }
        if finding.kind is FindingKind.UPRATED:
            (step,) = steps
            assert step.old == parse_pounds(before["weekly"])
            assert step.rule is not None
            assert parse_pounds(after["weekly"]) == step.new == BOOK.as_at(new).pence(step.rule)
        else:
            assert finding.kind in {FindingKind.CARRIED, FindingKind.REVIEW}
            assert steps == []
            assert after["weekly"] == before["weekly"]


@pytest.mark.parametrize("income_type", sorted(RATE_RULES, key=str))
def test_each_rate_the_rules_hold_is_uprated_across_two_years(income_type: IncomeType) -> None:
    for rate, rule in RATE_RULES[income_type].items():
        then = BOOK.as_at(date(2024, 4, 8)).pence(rule)
        item: dict[str, Any] = {"type": income_type.value, "weekly": to_decimal_string(then)}
        if rate is not None:
            item["rate"] = rate.value
        request = {
            "as_at": "2024-04-08",
            "setting": "non_residential",
            "person": {"date_of_birth": "1940-01-01"},
            "income": [item],
            "weekly_cost_of_care": "100.00",
        }
        found = uprate(request, BOOK, old_as_at=date(2024, 4, 8), new_as_at=date(2026, 4, 6))
        assert amounts(found.request) == [BOOK.as_at(date(2026, 4, 6)).pence(rule)]

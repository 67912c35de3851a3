"""Invariants of re-rating (hypothesis): it converges, and it accounts for every penny."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecharge.core.charging import charges
from carecharge.core.charging.types import PersonCharging
from carecharge.core.rerating import Adjustment, Charged, posted, rerate
from carecharge.core.rules import RuleBook
from tests.unit.core.charging.rules_tree import COUNCIL
from tests.unit.core.charging.strategies import SINCE, THROUGH, revisions

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _post(charged: dict[str, Charged], lines: list[Adjustment], tag: str) -> dict[str, Charged]:
    return posted(charged, lines, [f"{tag}{n}" for n in range(len(lines))])


def _due(book: RuleBook, person: PersonCharging):  # type: ignore[no-untyped-def]
    return charges(person, book=book, council=COUNCIL, since=SINCE, through=THROUGH)


@SETTINGS
@given(pair=revisions(), billed=st.booleans())
def test_rerating_after_posting_its_own_output_posts_nothing(
    book: RuleBook, pair: tuple[PersonCharging, PersonCharging], billed: bool
) -> None:
    before, after = pair
    charged = _post({}, rerate(_due(book, before), {}, billed_through=None), "a")
    expected = _due(book, after)
    through = THROUGH if billed else None
    lines = rerate(expected, charged, billed_through=through)
    charged = _post(charged, lines, "b")
    assert rerate(expected, charged, billed_through=through) == []


@SETTINGS
@given(pair=revisions())
def test_charged_plus_adjustments_is_expected_for_every_key_and_income_code(
    book: RuleBook, pair: tuple[PersonCharging, PersonCharging]
) -> None:
    before, after = pair
    charged = _post({}, rerate(_due(book, before), {}, billed_through=None), "a")
    expected = _due(book, after)
    lines = rerate(expected, charged, billed_through=THROUGH)

    total: dict[str, int] = defaultdict(int)
    income: dict[tuple[str, str], int] = defaultdict(int)
    for key, was in charged.items():
        total[key] += was.amount_pence
        for code, pence in was.income:
            income[key, code] += pence
    for line in lines:
        assert sum(pence for _, pence in line.income) == line.amount_pence
        assert line.amount_pence or line.income
        total[line.key] += line.amount_pence
        for code, pence in line.income:
            income[line.key, code] += pence
    want_total: dict[str, int] = defaultdict(int)
    want_income: dict[tuple[str, str], int] = defaultdict(int)
    for charge in expected:
        want_total[charge.key] += charge.amount_pence
        for code, pence in charge.income:
            want_income[charge.key, code] += pence
    for key in set(total) | set(want_total):
        assert total[key] == want_total[key], key
    for pair_key in set(income) | set(want_income):
        assert income[pair_key] == want_income[pair_key], pair_key
    for line in lines:
        if line.key in charged:
            assert line.corrects == charged[line.key].last_record
            assert line.backdated
        else:
            assert line.corrects is None

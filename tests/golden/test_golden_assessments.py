"""Golden assessments: every case under tests/golden/assessment/ through the JSON contract.

Each case file holds a contract request and the parts of the result that are the project's
reference answer (see tests/golden/README.md). This module

* checks that every case file is well formed and that its request is a valid contract request
  (no key outside the contract, amounts as two-decimal strings, ...), without the engine;
* checks that every rule a case says it relies on is in the real rules tree on its as_at date;
* runs each case through ``assess_json(request, book)`` against the real rules and compares
  each expected field exactly (allowances field by field), showing on failure the case's
  hand-worked arithmetic and the engine's full trace.

Cases with ``skip:`` are published examples the contract cannot express; they are reported as
skipped with the reason, so they stay visible.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from carecharge.core.rules import RuleBook, RuleError, load_rules
from tests.golden.cases import (
    TEAM_SOURCE,
    Case,
    case_problems,
    load_cases,
    request_problems,
)

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"

CASES = load_cases()
RUNNABLE = [case for case in CASES if not case.skip]

AssessJson = Callable[..., dict[str, Any]]


def _params(cases: list[Case]) -> list[Any]:
    return [pytest.param(case, id=case.id) for case in cases]


@pytest.fixture(scope="module")
def book() -> RuleBook:
    """The real rules tree, loaded once for the module."""
    return load_rules(RULES)


@pytest.fixture(scope="module")
def assess_json() -> AssessJson:
    """The engine's contract entry point (imported here, so the checks above run without it)."""
    from carecharge.core.assessment.contract import assess_json as engine

    return engine


# --- The case files themselves ---------------------------------------------------------------


def test_there_are_cases() -> None:
    team = [case for case in RUNNABLE if case.data.get("source") == TEAM_SOURCE]
    assert len(team) >= 30, f"only {len(team)} runnable team cases found"
    assert len(RUNNABLE) > len(team), "no published worked example is runnable"


def test_case_ids_are_unique() -> None:
    counts = Counter(case.id for case in CASES)
    assert not [name for name, n in counts.items() if n > 1], counts.most_common(3)


@pytest.mark.parametrize("case", _params(CASES))
def test_case_file_is_well_formed(case: Case) -> None:
    problems = case_problems(case)
    assert not problems, f"{case.path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("case", _params([c for c in CASES if "request" in c.data]))
def test_case_request_is_a_valid_contract_request(case: Case) -> None:
    problems = request_problems(case.data["request"])
    assert not problems, f"{case.path}: the request breaks the contract:\n  " + "\n  ".join(
        problems
    )


@pytest.mark.parametrize("case", _params([c for c in RUNNABLE if c.data.get("relies_on_rules")]))
def test_rules_the_case_relies_on_are_in_force(case: Case, book: RuleBook) -> None:
    rules = book.as_at(date.fromisoformat(case.data["request"]["as_at"]))
    missing = []
    for name in case.data["relies_on_rules"]:
        try:
            rules.entry(name)
        except RuleError as error:
            missing.append(f"{name}: {error}")
    assert not missing, f"{case.id}: rules not in force on as_at:\n  " + "\n  ".join(missing)


# --- The engine against the reference answers ------------------------------------------------


@pytest.mark.parametrize("case", _params(CASES))
def test_golden_assessment(case: Case, book: RuleBook, assess_json: AssessJson) -> None:
    if case.skip:
        pytest.skip(case.skip)
    request = copy.deepcopy(dict(case.data["request"]))
    result = assess_json(request, book)
    differences = list(_differences(case.data["expected"], result))
    if differences:
        pytest.fail(_failure_report(case, differences, result), pytrace=False)


def _differences(expected: Mapping[str, Any], actual: Any, prefix: str = "") -> Iterator[str]:
    """Every expected field whose value in ``actual`` is not exactly equal (type included)."""
    if not isinstance(actual, Mapping):
        yield f"{prefix or 'result'}: expected a mapping, got {actual!r}"
        return
    for key, want in expected.items():
        where = f"{prefix}{key}"
        if key not in actual:
            yield f"{where}: expected {want!r}, missing from the result"
        elif isinstance(want, Mapping):
            yield from _differences(want, actual[key], prefix=f"{where}.")
        elif type(actual[key]) is not type(want) or actual[key] != want:
            yield f"{where}: expected {want!r}, got {actual[key]!r}"


def _failure_report(case: Case, differences: list[str], result: Mapping[str, Any]) -> str:
    trace = result.get("trace") or []
    steps = [_step(index, step) for index, step in enumerate(trace, start=1)]
    rest = {key: value for key, value in result.items() if key != "trace"}
    return "\n".join(
        [
            f"golden case {case.id} ({case.path.relative_to(REPO)}) differs from the reference:",
            *(f"  {line}" for line in differences),
            "",
            "The case's arithmetic (the reference answer, worked by hand):",
            *(f"  {line}" for line in str(case.data.get("arithmetic", "")).rstrip().splitlines()),
            "",
            "The engine's trace:",
            *(steps or ["  (empty)"]),
            "",
            "The engine's result (without the trace):",
            json.dumps(rest, indent=2, sort_keys=True),
        ]
    )


def _step(index: int, step: Any) -> str:
    if not isinstance(step, Mapping):
        return f"  {index:>2}. {step!r}"
    amount = step.get("amount")
    shown = "" if amount is None else f": {amount}"
    return f"  {index:>2}. {step.get('label', '?')}{shown}  [{step.get('reference', '')}]"

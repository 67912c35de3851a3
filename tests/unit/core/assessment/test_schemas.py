"""docs/schemas describe the contract exactly: what the engine accepts, and what it returns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker

from carecharge.core.assessment.contract import assess_json
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.parsing import parse_request
from carecharge.core.rules import RuleBook

from .strategies import requests

SCHEMAS = Path(__file__).resolve().parents[4] / "docs" / "schemas"
Make = Callable[..., dict[str, Any]]


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


REQUEST = validator("assessment-request")
RESULT = validator("assessment-result")


def test_the_schemas_are_valid_draft_2020_12() -> None:
    for schema in (REQUEST.schema, RESULT.schema):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=requests())
def test_valid_requests_and_their_results_match_the_schemas(
    book: RuleBook, data: dict[str, Any]
) -> None:
    REQUEST.validate(data)
    RESULT.validate(assess_json(data, book))


def test_the_contract_example_matches_the_request_schema() -> None:
    example = {
        "as_at": "2025-06-02",
        "jurisdiction": "england",
        "setting": "non_residential",
        "person": {
            "date_of_birth": "1950-04-01",
            "pension_credit_age": None,
            "has_partner": False,
            "partner_in_home": False,
            "lone_parent": False,
            "dependent_children": 0,
            "premiums": ["disability"],
            "night_care_provided": False,
        },
        "income": [
            {"type": "new_state_pension", "weekly": "230.25"},
            {"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"},
            {"type": "occupational_pension", "weekly": "40.00", "joint": False},
        ],
        "capital": [
            {"type": "savings", "amount": "18000.00", "joint": False},
            {"type": "main_home", "amount": "240000.00", "share": "1.0"},
        ],
        "property": {"first_permanent_admission": None, "occupied_by_qualifying_relative": False},
        "expenses": {
            "housing": [{"type": "council_tax", "weekly": "6.00"}],
            "dre": [{"type": "laundry", "weekly": "4.00"}],
        },
        "weekly_cost_of_care": "300.00",
        "policy": {},
        "overrides": {},
    }
    REQUEST.validate(example)
    parse_request(example)


# Bad requests the schema can express: the engine and the schema must both refuse each.
BAD: list[dict[str, Any]] = [
    {"shoe_size": 9},
    {"as_at": None},
    {"as_at": "02/06/2025"},
    {"as_at": "2200-01-01"},
    {"setting": "hospital"},
    {"jurisdiction": "scotland"},
    {"person": {}},
    {"person": {"age": 17}},
    {"person": {"age": "40"}},
    {"person": {"age": 40, "height": 2}},
    {"person": {"age": 40, "partner_in_home": True}},
    {"person": {"age": 40, "has_partner": True, "lone_parent": True}},
    {"person": {"age": 40, "premiums": ["carer", "carer"]}},
    {"person": {"age": 40, "premiums": ["severe"]}},
    {"income": [{"type": "lottery", "weekly": "1.00"}]},
    {"income": [{"type": "esa", "weekly": 12.5}]},
    {"income": [{"type": "esa", "weekly": "-1.00"}]},
    {"income": [{"type": "esa", "weekly": "1.005"}]},
    {"income": [{"type": "esa", "weekly": "01.00"}]},
    {"income": [{"type": "esa", "weekly": "1.00", "rate": "higher"}]},
    {"income": [{"type": "attendance_allowance", "weekly": "1.00", "rate": "enhanced"}]},
    {"income": [{"type": "other", "weekly": "1.00"}]},
    {"income": [{"type": "esa", "weekly": "1.00", "treatment": "counted"}]},
    {"income": [{"type": "esa", "weekly": "1.00", "label": ""}]},
    {"capital": [{"type": "savings", "amount": "5.00", "share": "1.5"}]},
    {"capital": [{"type": "savings", "amount": "5.00", "share": "0.5", "joint": True}]},
    {"capital": [{"type": "main_home", "amount": "5.00"}, {"type": "main_home", "amount": "1"}]},
    {"property": {"garden": True}},
    {"expenses": {"housing": [{"type": "gas", "weekly": "1.00"}]}},
    {"expenses": {"dre": [{"weekly": "1.00"}]}},
    {"weekly_cost_of_care": None},
    {"policy": {"taper_percent": "150"}},
    {"policy": {"taper_percent": 90}},
    {"policy": {"dre_mode": "all"}},
    {"overrides": {"mig": 150}},
    {"overrides": {"dia": "144.00"}},
]


@pytest.mark.parametrize("changes", BAD)
def test_the_engine_and_the_schema_refuse_the_same_bad_requests(
    request_data: Make, changes: dict[str, Any]
) -> None:
    data = request_data(**changes)
    assert not REQUEST.is_valid(data)
    with pytest.raises(AssessmentInputError):
        parse_request(data)


def test_the_benchmarks_requests_are_valid(book: RuleBook) -> None:
    from carecharge.bench.assess import generate

    for line in generate(300, 7):
        data = json.loads(line)
        REQUEST.validate(data)
        RESULT.validate(assess_json(data, book))

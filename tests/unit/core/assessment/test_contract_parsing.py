"""The request is read strictly: every error is an AssessmentInputError naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carecharge.core.assessment.contract import assess_json_text, load_json
from carecharge.core.assessment.errors import AssessmentInputError, AssessmentRulesError
from carecharge.core.assessment.parsing import parse_request
from carecharge.core.rules import RuleBook

Make = Callable[..., dict[str, Any]]


def error_for(data: object) -> AssessmentInputError:
    with pytest.raises(AssessmentInputError) as caught:
        parse_request(data)
    return caught.value


def test_a_valid_request_parses(request_data: Make) -> None:
    parsed = parse_request(
        request_data(
            income=[{"type": "esa", "weekly": "200.5", "label": "  main   benefit "}],
            capital=[{"type": "savings", "amount": "1000", "share": "0.25"}],
        )
    )
    assert parsed.income[0].weekly == 20050
    assert parsed.income[0].label == "main benefit"
    assert parsed.capital[0].amount == 100000
    assert str(parsed.capital[0].share) == "0.25"
    assert parsed.weekly_cost_of_care == 30000


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"shoe_size": 9}, "shoe_size", "unknown key"),
        ({"as_at": None}, "as_at", "required"),
        ({"as_at": "2025-02-30"}, "as_at", "not a real date"),
        ({"as_at": "02/06/2025"}, "as_at", "YYYY-MM-DD"),
        ({"as_at": "20250602"}, "as_at", "YYYY-MM-DD"),
        ({"setting": "hospital"}, "setting", "non_residential"),
        ({"jurisdiction": "scotland"}, "jurisdiction", "england, wales"),
        ({"person": None}, "person", "required"),
        ({"person": {}}, "person.date_of_birth", "give date_of_birth or age"),
        ({"person": {"age": 17}}, "person.age", "adults"),
        ({"person": {"age": "40"}}, "person.age", "whole number"),
        ({"person": {"age": 40.0}}, "person.age", "whole number"),
        ({"person": {"age": True}}, "person.age", "whole number"),
        ({"person": {"date_of_birth": "2030-01-01"}}, "person.date_of_birth", "after as_at"),
        ({"person": {"date_of_birth": "1950-01-01", "age": 40}}, "person.age", "does not match"),
        ({"person": {"age": 40, "height": 2}}, "person.height", "unknown key"),
        ({"person": {"age": 40, "has_partner": "yes"}}, "person.has_partner", "true or false"),
        ({"person": {"age": 40, "partner_in_home": True}}, "person.partner_in_home", "has_partner"),
        (
            {"person": {"age": 40, "has_partner": True, "lone_parent": True}},
            "person.lone_parent",
            "couple",
        ),
        ({"person": {"age": 40, "premiums": ["severe"]}}, "person.premiums[0]", "disability"),
        (
            {"person": {"age": 40, "premiums": ["carer", "carer"]}},
            "person.premiums[1]",
            "twice",
        ),
        ({"person": {"age": 40, "dependent_children": -1}}, "person.dependent_children", "0"),
        ({"income": {"type": "esa"}}, "income", "list"),
        ({"income": [{"type": "lottery", "weekly": "1.00"}]}, "income[0].type", "state_pension"),
        ({"income": [{"type": "esa"}]}, "income[0].weekly", "string"),
        ({"income": [{"type": "esa", "weekly": 12.5}]}, "income[0].weekly", "not a number"),
        ({"income": [{"type": "esa", "weekly": "-1.00"}]}, "income[0].weekly", "negative"),
        ({"income": [{"type": "esa", "weekly": "1.005"}]}, "income[0].weekly", '"12.50"'),
        ({"income": [{"type": "esa", "weekly": "£1.00"}]}, "income[0].weekly", '"12.50"'),
        ({"income": [{"type": "esa", "weekly": "1,000.00"}]}, "income[0].weekly", '"12.50"'),
        ({"income": [{"type": "esa", "weekly": "NaN"}]}, "income[0].weekly", '"12.50"'),
        (
            {
                "income": [
                    {"type": "esa", "weekly": "1.00"},
                    {"type": "esa", "weekly": "1.00", "x": 1},
                ]
            },
            "income[1].x",
            "unknown key",
        ),
        (
            {"income": [{"type": "esa", "weekly": "1.00", "rate": "higher"}]},
            "income[0].rate",
            "not used for income type esa",
        ),
        (
            {"income": [{"type": "attendance_allowance", "weekly": "1.00", "rate": "enhanced"}]},
            "income[0].rate",
            "higher or lower",
        ),
        ({"income": [{"type": "other", "weekly": "1.00"}]}, "income[0].treatment", "required"),
        (
            {"income": [{"type": "esa", "weekly": "1.00", "treatment": "counted"}]},
            "income[0].treatment",
            "only for income type other",
        ),
        (
            {"income": [{"type": "other", "weekly": "1.00", "treatment": "ignored"}]},
            "income[0].treatment",
            "counted, disregarded",
        ),
        ({"income": [{"type": "esa", "weekly": "1.00", "joint": 1}]}, "income[0].joint", "true"),
        ({"income": [{"type": "esa", "weekly": "1.00", "label": ""}]}, "income[0].label", "text"),
        ({"capital": [{"type": "gold", "amount": "1.00"}]}, "capital[0].type", "savings"),
        ({"capital": [{"type": "savings", "amount": "-5"}]}, "capital[0].amount", "negative"),
        (
            {"capital": [{"type": "savings", "amount": "5.00", "share": "1.5"}]},
            "capital[0].share",
            "fraction",
        ),
        (
            {"capital": [{"type": "savings", "amount": "5.00", "share": 0.5}]},
            "capital[0].share",
            "fraction",
        ),
        (
            {"capital": [{"type": "savings", "amount": "5.00", "share": "0.5", "joint": True}]},
            "capital[0].share",
            "not both",
        ),
        (
            {
                "capital": [
                    {"type": "main_home", "amount": "5.00"},
                    {"type": "main_home", "amount": "5.00"},
                ]
            },
            "capital[1].type",
            "only one main_home",
        ),
        (
            {"property": {"first_permanent_admission": "2026-01-01"}},
            "property.first_permanent_admission",
            "after as_at",
        ),
        ({"property": {"garden": True}}, "property.garden", "unknown key"),
        ({"expenses": {"food": []}}, "expenses.food", "unknown key"),
        (
            {"expenses": {"housing": [{"type": "gas", "weekly": "1.00"}]}},
            "expenses.housing[0].type",
            "rent",
        ),
        ({"expenses": {"dre": [{"weekly": "1.00"}]}}, "expenses.dre[0].type", "text"),
        (
            {"expenses": {"dre": [{"type": "x", "weekly": "1.00", "evidence": 3}]}},
            "expenses.dre[0].evidence",
            "text",
        ),
        ({"weekly_cost_of_care": None}, "weekly_cost_of_care", "required for care at home"),
        ({"weekly_cost_of_care": "300"}, None, None),
        ({"policy": {"taper": "90"}}, "policy.taper", "unknown key"),
        ({"policy": {"taper_percent": "150"}}, "policy.taper_percent", "between 0 and 100"),
        ({"policy": {"taper_percent": 90}}, "policy.taper_percent", "string"),
        ({"policy": {"dre_mode": "all"}}, "policy.dre_mode", "itemised"),
        ({"policy": {"housing_costs_allowed": "no"}}, "policy.housing_costs_allowed", "true"),
        ({"policy": {"maximum_weekly_charge": "x"}}, "policy.maximum_weekly_charge", '"12.50"'),
        ({"overrides": {"mig": 150}}, "overrides.mig", "string"),
        ({"overrides": {"dia": "144.00"}}, "overrides.dia", "unknown key"),
    ],
)
def test_errors_name_the_field(
    request_data: Make, changes: dict[str, Any], field: str | None, words: str | None
) -> None:
    data = request_data(**changes)
    if field is None:
        parse_request(data)
        return
    error = error_for(data)
    assert error.field == field
    assert words in error.message
    assert str(error).startswith(f"{field}: ")
    assert "\n" not in str(error)


def test_the_request_must_be_an_object() -> None:
    assert error_for([1, 2]).field == "(request)"


def test_null_means_not_given(request_data: Make) -> None:
    parsed = parse_request(
        request_data(
            jurisdiction=None,
            income=None,
            capital=None,
            property=None,
            expenses=None,
            policy={"taper_percent": None},
            overrides=None,
            person={"age": 40, "pension_credit_age": None, "premiums": None},
        )
    )
    assert parsed.jurisdiction.value == "england"
    assert parsed.income == ()
    assert parsed.policy.taper_percent is None


def test_json_text_errors(book: RuleBook) -> None:
    for text, words in [
        ("{", "not valid JSON"),
        ('{"as_at": NaN}', "not valid JSON"),
        ('{"as_at": "2025-06-02", "as_at": "2025-06-03"}', "given twice"),
    ]:
        with pytest.raises(AssessmentInputError) as caught:
            assess_json_text(text, book)
        assert words in str(caught.value)
    with pytest.raises(AssessmentInputError) as caught:
        load_json(b'{"a": "\xff"}')
    assert caught.value.field == "(request)"


def test_duplicate_keys_are_named_where_they_are(book: RuleBook) -> None:
    text = (
        '{"as_at": "2025-06-02", "setting": "non_residential", "weekly_cost_of_care": "1.00",'
        ' "person": {"age": 40, "age": 41}}'
    )
    with pytest.raises(AssessmentInputError) as caught:
        assess_json_text(text, book)
    assert caught.value.field == "person.age"


def test_a_date_before_the_rules_names_as_at(book: RuleBook, request_data: Make) -> None:
    from carecharge.core.assessment.contract import assess_json

    with pytest.raises(AssessmentInputError) as caught:
        assess_json(request_data(as_at="2010-06-01"), book)
    assert caught.value.field == "as_at"
    assert "no value in force on 2010-06-01" in caught.value.message


def test_a_missing_rule_is_a_rules_error_not_an_input_error(
    make_book: Callable[..., RuleBook], request_data: Make
) -> None:
    from carecharge.core.assessment.contract import assess_json

    book = make_book(england__charging__capital__lower_limit=None)
    with pytest.raises(AssessmentRulesError, match=r"england\.charging\.capital\.lower_limit"):
        assess_json(request_data(), book)


def test_a_rule_in_the_wrong_unit_is_a_rules_error(
    make_book: Callable[..., RuleBook], request_data: Make
) -> None:
    from carecharge.core.assessment.contract import assess_json

    book = make_book(
        england__charging__capital__lower_limit=("weeks", None, {"2015-04-01": 12}),
    )
    with pytest.raises(AssessmentRulesError, match="unit"):
        assess_json(request_data(), book)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"as_at": "2200-01-01"}, "as_at"),
        ({"person": {"date_of_birth": "1899-12-31"}}, "person.date_of_birth"),
    ],
)
def test_dates_outside_1900_to_2199_are_refused(
    request_data: Make, changes: dict[str, Any], field: str
) -> None:
    error = error_for(request_data(**changes))
    assert error.field == field
    assert "between 1900 and 2199" in error.message


def test_deeply_nested_json_is_an_input_error(book: RuleBook) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess_json_text("[" * 100_000 + "]" * 100_000, book)
    assert caught.value.field == "(request)"


def test_the_far_future_does_not_crash(book: RuleBook, request_data: Make) -> None:
    from carecharge.core.assessment.contract import assess_json

    data = request_data(
        as_at="2199-12-31",
        setting="residential_permanent",
        person={"date_of_birth": "2180-01-01"},
        capital=[{"type": "main_home", "amount": "1.00"}],
        property={"first_permanent_admission": "2199-12-30"},
    )
    assert assess_json(data, book)["capital_counted"] == "0.00"

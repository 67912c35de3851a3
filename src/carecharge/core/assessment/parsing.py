"""Strict reading of a JSON assessment request (the contract) into an ``AssessmentRequest``.

Every error is an :class:`AssessmentInputError` naming the field path (``income[2].weekly``).
Unknown keys are errors. An optional key given as ``null`` is the same as leaving it out.
Amounts are strings of pounds with up to two decimal places (``"12.50"``), never JSON numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.fields import (
    choice,
    day,
    flag,
    items,
    join,
    money,
    obj,
    percent,
    whole,
)
from carecharge.core.assessment.policy import BOOL_KEYS, PERCENT_KEYS, TEXT_KEYS, problems
from carecharge.core.assessment.request import (
    POLICY_KEYS,
    AssessmentRequest,
    CapitalType,
    DreMode,
    Jurisdiction,
    Overrides,
    Person,
    Policy,
    Premium,
    Property,
    Setting,
)
from carecharge.core.assessment.request_items import capital_item, expenses, income_item
from carecharge.core.periods import age_on

ADULT_AGE: Final = 18
MAX_AGE: Final = 130

REQUEST_KEYS: Final = (
    "as_at",
    "jurisdiction",
    "setting",
    "person",
    "income",
    "capital",
    "property",
    "expenses",
    "weekly_cost_of_care",
    "policy",
    "overrides",
)
PERSON_KEYS: Final = (
    "date_of_birth",
    "age",
    "pension_credit_age",
    "has_partner",
    "partner_in_home",
    "lone_parent",
    "dependent_children",
    "premiums",
    "night_care_provided",
)
PROPERTY_KEYS: Final = ("first_permanent_admission", "occupied_by_qualifying_relative")
OVERRIDE_KEYS: Final = (
    "mig",
    "pea",
    "savings_credit_disregard",
    "lower_capital_limit",
    "upper_capital_limit",
)


def parse_policy(value: object, path: str) -> Policy:
    """The contract's ``policy`` object (also the form of a council policy given in JSON)."""
    if value is None:
        return Policy()
    data = obj(value, path, POLICY_KEYS)
    parsed: dict[str, object] = {}
    for key, raw in data.items():
        if raw is None:
            continue
        where = join(path, key)
        if key in PERCENT_KEYS:
            parsed[key] = percent(raw, where)
        elif key in BOOL_KEYS:
            parsed[key] = flag(raw, where)
        elif key in TEXT_KEYS:
            parsed[key] = choice(raw, where, DreMode)
        else:
            parsed[key] = money(raw, where)
    policy = Policy(**parsed)  # type: ignore[arg-type]
    for key, message in problems(policy):
        raise AssessmentInputError(join(path, key), message)
    return policy


def _overrides(value: object) -> Overrides:
    if value is None:
        return Overrides()
    data = obj(value, "overrides", OVERRIDE_KEYS)
    given = {k: money(v, f"overrides.{k}") for k, v in data.items() if v is not None}
    return Overrides(**given)


def _person(value: object, as_at: date) -> Person:
    data = obj(value, "person", PERSON_KEYS)
    born_raw, age_raw = data.get("date_of_birth"), data.get("age")
    if born_raw is None and age_raw is None:
        raise AssessmentInputError("person.date_of_birth", "give date_of_birth or age")
    born = None
    if born_raw is not None:
        born = day(born_raw, "person.date_of_birth")
        if born > as_at:
            raise AssessmentInputError("person.date_of_birth", "is after as_at")
        age = age_on(born, as_at)
        where = "person.date_of_birth"
        if age_raw is not None and whole(age_raw, "person.age", 0, MAX_AGE) != age:
            raise AssessmentInputError(
                "person.age", f"does not match person.date_of_birth (age {age} on {as_at})"
            )
    else:
        age, where = whole(age_raw, "person.age", 0, MAX_AGE), "person.age"
    if age < ADULT_AGE:
        raise AssessmentInputError(where, f"the person is {age}; charging applies to adults (18+)")
    pension_raw = data.get("pension_credit_age")
    has_partner = flag(data.get("has_partner"), "person.has_partner")
    partner_in_home = flag(data.get("partner_in_home"), "person.partner_in_home")
    lone_parent = flag(data.get("lone_parent"), "person.lone_parent")
    if partner_in_home and not has_partner:
        raise AssessmentInputError("person.partner_in_home", "needs person.has_partner true")
    if lone_parent and has_partner:
        raise AssessmentInputError(
            "person.lone_parent", "a member of a couple is not a lone parent"
        )
    premiums: set[Premium] = set()
    for index, raw in enumerate(items(data.get("premiums"), "person.premiums")):
        premium = choice(raw, f"person.premiums[{index}]", Premium)
        if premium in premiums:
            raise AssessmentInputError(f"person.premiums[{index}]", "is given twice")
        premiums.add(premium)
    children = data.get("dependent_children")
    return Person(
        date_of_birth=born,
        age=age,
        pension_credit_age=(
            None if pension_raw is None else flag(pension_raw, "person.pension_credit_age")
        ),
        has_partner=has_partner,
        partner_in_home=partner_in_home,
        lone_parent=lone_parent,
        dependent_children=(
            0 if children is None else whole(children, "person.dependent_children", 0, 30)
        ),
        premiums=frozenset(premiums),
        night_care_provided=flag(data.get("night_care_provided"), "person.night_care_provided"),
    )


def parse_request(data: object) -> AssessmentRequest:
    """Check every field of a decoded JSON request and build the request, or raise."""
    request = obj(data, "", REQUEST_KEYS)
    if request.get("as_at") is None:
        raise AssessmentInputError("as_at", "is required (YYYY-MM-DD)")
    as_at = day(request["as_at"], "as_at")
    if request.get("setting") is None:
        raise AssessmentInputError("setting", "is required")
    setting = choice(request["setting"], "setting", Setting)
    jurisdiction = Jurisdiction.ENGLAND
    if request.get("jurisdiction") is not None:
        jurisdiction = choice(request["jurisdiction"], "jurisdiction", Jurisdiction)
    if request.get("person") is None:
        raise AssessmentInputError("person", "is required")
    person = _person(request["person"], as_at)
    income = tuple(
        income_item(raw, f"income[{i}]")
        for i, raw in enumerate(items(request.get("income"), "income"))
    )
    capital = tuple(
        capital_item(raw, f"capital[{i}]")
        for i, raw in enumerate(items(request.get("capital"), "capital"))
    )
    homes = [i for i, item in enumerate(capital) if item.type is CapitalType.MAIN_HOME]
    if len(homes) > 1:
        raise AssessmentInputError(f"capital[{homes[1]}].type", "only one main_home may be given")
    prop = Property()
    if request.get("property") is not None:
        data_property = obj(request["property"], "property", PROPERTY_KEYS)
        admitted = data_property.get("first_permanent_admission")
        admission = None
        if admitted is not None:
            admission = day(admitted, "property.first_permanent_admission")
            if admission > as_at:
                raise AssessmentInputError("property.first_permanent_admission", "is after as_at")
        prop = Property(
            admission,
            flag(
                data_property.get("occupied_by_qualifying_relative"),
                "property.occupied_by_qualifying_relative",
            ),
        )
    housing, dre = expenses(request.get("expenses"))
    cost = request.get("weekly_cost_of_care")
    weekly_cost = None if cost is None else money(cost, "weekly_cost_of_care")
    if weekly_cost is None and setting is Setting.NON_RESIDENTIAL:
        raise AssessmentInputError("weekly_cost_of_care", "is required for care at home")
    return AssessmentRequest(
        as_at=as_at,
        setting=setting,
        person=person,
        jurisdiction=jurisdiction,
        income=income,
        capital=capital,
        property=prop,
        housing=housing,
        dre=dre,
        weekly_cost_of_care=weekly_cost,
        policy=parse_policy(request.get("policy"), "policy"),
        overrides=_overrides(request.get("overrides")),
    )

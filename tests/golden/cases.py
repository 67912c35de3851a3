"""Reading the golden assessment case files, and checking them against the JSON contract.

Each case is one YAML file, ``assessment/<financial-year>/<case-id>.yaml`` (see README.md). This
module knows the shape of a case file and of a contract request
(shared/contracts/assessment-json.md) independently of the engine, so a case that drifts from the
contract is reported as a case problem, not as an engine failure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).parent / "assessment"

TEAM_SOURCE = "carecharge team worked example"
UNKNOWN_YEAR = "unknown-year"

CASE_KEYS = frozenset(
    {
        "id",
        "source",
        "description",
        "request",
        "expected",
        "arithmetic",
        "notes",
        "relies_on_rules",
        "skip",
    }
)
CASE_REQUIRED = ("id", "source", "description", "arithmetic", "notes")

# --- The contract's vocabulary -------------------------------------------------------------

SETTINGS = frozenset({"non_residential", "residential_permanent", "residential_temporary"})
JURISDICTIONS = frozenset({"england", "wales"})
PREMIUMS = frozenset({"disability", "enhanced_disability", "carer"})
RATES = frozenset({"higher", "lower", "enhanced", "standard", "highest", "middle", "lowest"})
TREATMENTS = frozenset({"counted", "disregarded"})
INCOME_TYPES = frozenset(
    {
        "state_pension",
        "new_state_pension",
        "pension_credit_guarantee",
        "pension_credit_savings_credit",
        "universal_credit",
        "esa",
        "jsa",
        "income_support",
        "carers_allowance",
        "attendance_allowance",
        "constant_attendance_allowance",
        "dla_care",
        "dla_mobility",
        "pip_daily_living",
        "pip_mobility",
        "adp_daily_living",
        "adp_mobility",
        "armed_forces_independence_payment",
        "industrial_injuries",
        "severe_disablement_allowance",
        "war_pension",
        "war_widows_pension",
        "guaranteed_income_payment",
        "occupational_pension",
        "private_pension",
        "annuity",
        "earnings",
        "self_employed_earnings",
        "rental_income",
        "maintenance",
        "housing_benefit",
        "council_tax_support",
        "child_benefit",
        "child_tax_credit",
        "winter_fuel_payment",
        "charitable_payment",
        "other",
    }
)
CAPITAL_TYPES = frozenset(
    {
        "savings",
        "investments",
        "premium_bonds",
        "shares",
        "main_home",
        "other_property",
        "land",
        "notional",
        "other",
    }
)
HOUSING_TYPES = frozenset(
    {
        "rent",
        "mortgage",
        "council_tax",
        "service_charge",
        "ground_rent",
        "insurance",
        "water",
        "other",
    }
)
DRE_MODES = frozenset({"itemised", "flat", "greater_of"})

REQUEST_KEYS = frozenset(
    {
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
    }
)
PERSON_KEYS = frozenset(
    {
        "date_of_birth",
        "age",
        "pension_credit_age",
        "has_partner",
        "partner_in_home",
        "lone_parent",
        "dependent_children",
        "premiums",
        "night_care_provided",
    }
)
INCOME_KEYS = frozenset({"type", "weekly", "rate", "joint", "label", "treatment"})
CAPITAL_KEYS = frozenset({"type", "amount", "joint", "share"})
PROPERTY_KEYS = frozenset({"first_permanent_admission", "occupied_by_qualifying_relative"})
EXPENSES_KEYS = frozenset({"housing", "dre"})
HOUSING_KEYS = frozenset({"type", "weekly"})
DRE_KEYS = frozenset({"type", "weekly", "evidence"})

# policy key -> kind of value
POLICY = {
    "mig_uplift_percent": "percent",
    "mig_uplift_weekly": "amount",
    "dre_mode": "dre_mode",
    "dre_flat_weekly": "amount",
    "disregard_night_care_element": "bool",
    "taper_percent": "percent",
    "minimum_weekly_charge": "amount",
    "maximum_weekly_charge": "amount",
    "upper_capital_limit": "amount",
    "lower_capital_limit": "amount",
    "housing_costs_allowed": "bool",
    "temporary_as_non_residential": "bool",
}
OVERRIDES = frozenset(
    {"mig", "pea", "savings_credit_disregard", "lower_capital_limit", "upper_capital_limit"}
)

# --- The contract's result -----------------------------------------------------------------

RESULT_AMOUNTS = frozenset(
    {
        "weekly_charge",
        "weekly_cost_of_care",
        "total_income",
        "disregarded_income",
        "tariff_income",
        "capital_counted",
        "disposable_income",
    }
)
RESULT_FLAGS = frozenset({"full_cost", "light_touch"})
ALLOWANCE_KEYS = frozenset(
    {"mig", "pea", "housing", "dre", "savings_credit_disregard", "partner_pension_share"}
)

AMOUNT = re.compile(r"[0-9]+\.[0-9]{2}")
PERCENT = re.compile(r"[0-9]+(\.[0-9]+)?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RULE_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
FINANCIAL_YEAR = re.compile(r"([0-9]{4})-([0-9]{2})")
URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Case:
    """One golden case file, as read."""

    path: Path
    data: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.data.get("id", self.path.stem))

    @property
    def folder(self) -> str:
        return self.path.parent.name

    @property
    def skip(self) -> str | None:
        reason = self.data.get("skip")
        return str(reason) if reason else None


def load_cases(root: Path = CASES_DIR) -> list[Case]:
    """Every case file under ``root``, sorted by folder then name."""
    paths = sorted(root.rglob("*.yaml"), key=lambda p: p.relative_to(root).as_posix())
    cases = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            cases.append(Case(path, yaml.safe_load(handle)))
    return cases


def financial_year(when: date) -> str:
    """The English financial year (1 April to 31 March) holding ``when``, as ``2024-25``."""
    start = when.year if when.month >= 4 else when.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


# --- Checking a case file ------------------------------------------------------------------


def case_problems(case: Case) -> list[str]:
    """Everything wrong with the shape of one case file (empty when it is well formed)."""
    data = case.data
    if not isinstance(data, Mapping):
        return ["the file is not a YAML mapping"]
    problems = [f"unknown key {key!r}" for key in sorted(set(data) - CASE_KEYS)]
    problems += [f"missing {key!r}" for key in CASE_REQUIRED if not data.get(key)]
    if data.get("id") != case.path.stem:
        problems.append(f"id {data.get('id')!r} differs from the file name {case.path.stem!r}")
    source = data.get("source")
    if source != TEAM_SOURCE and not (isinstance(source, str) and URL.fullmatch(source)):
        problems.append(f"source must be a URL or {TEAM_SOURCE!r}, not {source!r}")
    for key in ("description", "arithmetic", "notes", "skip"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"{key} must be text")
    relies = data.get("relies_on_rules", [])
    if not isinstance(relies, list) or not all(
        isinstance(name, str) and RULE_NAME.fullmatch(name) for name in relies
    ):
        problems.append("relies_on_rules must be a list of dotted rule names")

    if case.skip and "request" not in data:
        if not (FINANCIAL_YEAR.fullmatch(case.folder) or case.folder == UNKNOWN_YEAR):
            problems.append(f"folder {case.folder!r} is not a financial year or {UNKNOWN_YEAR!r}")
        if "expected" in data:
            problems.append("a skipped case without a request cannot have expected results")
        return problems

    shapeless = [key for key in ("request", "expected") if not isinstance(data.get(key), Mapping)]
    if shapeless:
        return problems + [f"{key!r} must be a mapping" for key in shapeless]

    request, expected = data["request"], data["expected"]
    as_at = _date(request.get("as_at"))
    if as_at is not None and case.folder != financial_year(as_at):
        problems.append(
            f"folder {case.folder!r} is not the financial year of as_at {request['as_at']} "
            f"({financial_year(as_at)})"
        )
    problems += [f"expected: {p}" for p in expected_problems(expected)]
    person = request.get("person")
    if (
        isinstance(person, Mapping)
        and person.get("partner_in_home")
        and not person.get("has_partner")
    ):
        problems.append("request: partner_in_home without has_partner")
    wanted_cost = expected.get("weekly_cost_of_care")
    if wanted_cost is not None and wanted_cost != request.get("weekly_cost_of_care"):
        problems.append("expected weekly_cost_of_care differs from the request's")
    return problems


def expected_problems(expected: Mapping[str, Any]) -> list[str]:
    """Problems with an ``expected`` block: only result keys, in the result's types."""
    problems = []
    if "weekly_charge" not in expected:
        problems.append("must include weekly_charge")
    for key, value in expected.items():
        if key in RESULT_AMOUNTS:
            problems += _amount(key, value)
        elif key in RESULT_FLAGS:
            if not isinstance(value, bool):
                problems.append(f"{key} must be true or false")
        elif key == "allowances":
            if not isinstance(value, Mapping) or not value:
                problems.append("allowances must be a non-empty mapping")
                continue
            for name, amount in value.items():
                if name not in ALLOWANCE_KEYS:
                    problems.append(f"unknown allowance {name!r}")
                else:
                    problems += _amount(f"allowances.{name}", amount)
        else:
            problems.append(
                f"{key!r} is not a result field that can be compared "
                "(trace and rules vary with wording and the rules files)"
            )
    return problems


# --- Checking a contract request -----------------------------------------------------------


def request_problems(request: Any) -> list[str]:
    """Everything in ``request`` that the contract does not allow (empty when valid).

    Written from shared/contracts/assessment-json.md, independently of the engine: unknown
    keys at any level, missing required fields, amounts that are not strings with two decimal
    places, dates that are not ISO strings, and values outside the contract's vocabularies.
    """
    if not isinstance(request, Mapping):
        return ["the request is not a mapping"]
    problems = _unknown("", request, REQUEST_KEYS)
    for key in ("as_at", "setting", "person"):
        if key not in request:
            problems.append(f"{key}: required")
    if "as_at" in request:
        problems += _iso_date("as_at", request["as_at"])
    if "jurisdiction" in request and request["jurisdiction"] not in JURISDICTIONS:
        problems.append(f"jurisdiction: {request['jurisdiction']!r} is not england or wales")
    setting = request.get("setting")
    if "setting" in request and setting not in SETTINGS:
        problems.append(f"setting: {setting!r} is not one of {sorted(SETTINGS)}")
    if "weekly_cost_of_care" in request:
        problems += _amount("weekly_cost_of_care", request["weekly_cost_of_care"])
    elif setting == "non_residential":
        problems.append("weekly_cost_of_care: required for non_residential")
    if "person" in request:
        problems += _person(request["person"])
    problems += _items("income", request.get("income", []), _income)
    problems += _items("capital", request.get("capital", []), _capital)
    if "property" in request:
        problems += _property(request["property"])
    if "expenses" in request:
        problems += _expenses(request["expenses"])
    if "policy" in request:
        problems += _policy(request["policy"])
    if "overrides" in request:
        overrides = request["overrides"]
        if not isinstance(overrides, Mapping):
            problems.append("overrides: must be a mapping")
        else:
            problems += _unknown("overrides.", overrides, OVERRIDES)
            for key in OVERRIDES & set(overrides):
                problems += _amount(f"overrides.{key}", overrides[key])
    return problems


def _person(person: Any) -> list[str]:
    if not isinstance(person, Mapping):
        return ["person: must be a mapping"]
    problems = _unknown("person.", person, PERSON_KEYS)
    if "date_of_birth" not in person and "age" not in person:
        problems.append("person: one of date_of_birth or age is required")
    if "date_of_birth" in person:
        problems += _iso_date("person.date_of_birth", person["date_of_birth"])
    for key in ("age", "dependent_children"):
        if key in person and not (_is_int(person[key]) and person[key] >= 0):
            problems.append(f"person.{key}: must be a whole number, 0 or more")
    if "pension_credit_age" in person and person["pension_credit_age"] is not None:
        problems += _bool("person.pension_credit_age", person["pension_credit_age"])
    for key in ("has_partner", "partner_in_home", "lone_parent", "night_care_provided"):
        if key in person:
            problems += _bool(f"person.{key}", person[key])
    premiums = person.get("premiums", [])
    if not isinstance(premiums, list) or not set(premiums) <= PREMIUMS:
        problems.append(f"person.premiums: must be a list drawn from {sorted(PREMIUMS)}")
    elif len(set(premiums)) != len(premiums):
        problems.append("person.premiums: listed twice")
    return problems


def _income(where: str, item: Mapping[str, Any]) -> list[str]:
    problems = _unknown(f"{where}.", item, INCOME_KEYS)
    kind = item.get("type")
    if kind not in INCOME_TYPES:
        problems.append(f"{where}.type: {kind!r} is not in the contract's income vocabulary")
    problems += _amount(f"{where}.weekly", item.get("weekly"))
    if "rate" in item and item["rate"] not in RATES:
        problems.append(f"{where}.rate: {item['rate']!r} is not one of {sorted(RATES)}")
    if "joint" in item:
        problems += _bool(f"{where}.joint", item["joint"])
    if "label" in item and not isinstance(item["label"], str):
        problems.append(f"{where}.label: must be text")
    if kind == "other" and item.get("treatment") not in TREATMENTS:
        problems.append(f"{where}.treatment: type other needs counted or disregarded")
    if kind != "other" and "treatment" in item:
        problems.append(f"{where}.treatment: only for type other")
    return problems


def _capital(where: str, item: Mapping[str, Any]) -> list[str]:
    problems = _unknown(f"{where}.", item, CAPITAL_KEYS)
    if item.get("type") not in CAPITAL_TYPES:
        problems.append(f"{where}.type: {item.get('type')!r} is not a contract capital type")
    problems += _amount(f"{where}.amount", item.get("amount"))
    if "joint" in item:
        problems += _bool(f"{where}.joint", item["joint"])
    if "share" in item:
        share = item["share"]
        try:
            fraction = Decimal(share) if isinstance(share, str) else None
        except InvalidOperation:
            fraction = None
        if fraction is None or not Decimal(0) < fraction <= Decimal(1):
            problems.append(f"{where}.share: must be a quoted fraction above 0, at most 1")
    if item.get("joint") and "share" in item:
        problems.append(f"{where}: give joint or share, not both")
    return problems


def _property(prop: Any) -> list[str]:
    if not isinstance(prop, Mapping):
        return ["property: must be a mapping"]
    problems = _unknown("property.", prop, PROPERTY_KEYS)
    admitted = prop.get("first_permanent_admission")
    if admitted is not None:
        problems += _iso_date("property.first_permanent_admission", admitted)
    if "occupied_by_qualifying_relative" in prop:
        problems += _bool(
            "property.occupied_by_qualifying_relative", prop["occupied_by_qualifying_relative"]
        )
    return problems


def _expenses(expenses: Any) -> list[str]:
    if not isinstance(expenses, Mapping):
        return ["expenses: must be a mapping"]
    problems = _unknown("expenses.", expenses, EXPENSES_KEYS)

    def housing(where: str, item: Mapping[str, Any]) -> list[str]:
        found = _unknown(f"{where}.", item, HOUSING_KEYS)
        if item.get("type") not in HOUSING_TYPES:
            found.append(f"{where}.type: {item.get('type')!r} is not a contract housing type")
        return found + _amount(f"{where}.weekly", item.get("weekly"))

    def dre(where: str, item: Mapping[str, Any]) -> list[str]:
        found = _unknown(f"{where}.", item, DRE_KEYS)
        if not (isinstance(item.get("type"), str) and item["type"]):
            found.append(f"{where}.type: a short label is required")
        if "evidence" in item and not isinstance(item["evidence"], str):
            found.append(f"{where}.evidence: must be text")
        return found + _amount(f"{where}.weekly", item.get("weekly"))

    problems += _items("expenses.housing", expenses.get("housing", []), housing)
    problems += _items("expenses.dre", expenses.get("dre", []), dre)
    return problems


def _policy(policy: Any) -> list[str]:
    if not isinstance(policy, Mapping):
        return ["policy: must be a mapping"]
    problems = _unknown("policy.", policy, frozenset(POLICY))
    for key, value in policy.items():
        kind = POLICY.get(key)
        where = f"policy.{key}"
        if kind == "amount":
            problems += _amount(where, value)
        elif kind == "percent":
            if not (isinstance(value, str) and PERCENT.fullmatch(value)):
                problems.append(f'{where}: must be a quoted percentage such as "50"')
        elif kind == "bool":
            problems += _bool(where, value)
        elif kind == "dre_mode" and value not in DRE_MODES:
            problems.append(f"{where}: {value!r} is not one of {sorted(DRE_MODES)}")
    return problems


# --- Small checks --------------------------------------------------------------------------


def _unknown(prefix: str, mapping: Mapping[str, Any], allowed: frozenset[str]) -> list[str]:
    return [
        f"{prefix}{key}: not a contract field" for key in sorted(set(mapping) - allowed, key=str)
    ]


def _items(where: str, items: Any, check: Any) -> list[str]:
    if not isinstance(items, list):
        return [f"{where}: must be a list"]
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(f"{where}[{index}]: must be a mapping")
        else:
            problems += check(f"{where}[{index}]", item)
    return problems


def _amount(where: str, value: Any) -> list[str]:
    if isinstance(value, str) and AMOUNT.fullmatch(value):
        return []
    return [f'{where}: {value!r} is not a quoted amount with two decimal places, e.g. "12.50"']


def _bool(where: str, value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [f"{where}: must be true or false"]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso_date(where: str, value: Any) -> list[str]:
    if _date(value) is None:
        return [f"{where}: {value!r} is not a quoted ISO date YYYY-MM-DD"]
    return []


def _date(value: Any) -> date | None:
    """An ISO date string as a date; None for anything else (including YAML's own dates)."""
    if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None

"""Reading the golden assessment case files, and checking them against the JSON contract.

Each case is one YAML file, ``assessment/<financial-year>/<case-id>.yaml`` (see README.md). This
module knows the shape of a case file, and checks each request against the published contract
schema (docs/schemas/assessment-request.schema.json) before the engine sees it, so a case that
drifts from the contract is reported as a case problem, not as an engine failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

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

# The published JSON Schema is the contract in machine-readable form; the case files are checked
# against it rather than against a second hand-kept copy of the contract.
REQUEST_SCHEMA = Path(__file__).resolve().parents[2] / "docs/schemas/assessment-request.schema.json"
# The contract accepts "12.5"; the case files, read by people checking the arithmetic, always
# write two decimal places. These are the keys that hold amounts of money.
AMOUNT_KEYS = frozenset(
    {
        "weekly",
        "amount",
        "weekly_cost_of_care",
        "mig_uplift_weekly",
        "dre_flat_weekly",
        "minimum_weekly_charge",
        "maximum_weekly_charge",
        "upper_capital_limit",
        "lower_capital_limit",
        "mig",
        "pea",
        "savings_credit_disregard",
    }
)


@cache
def _request_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(REQUEST_SCHEMA.read_text(encoding="utf-8")))


def request_problems(request: Any) -> list[str]:
    """Everything in ``request`` that the published contract schema does not allow, and any
    amount not written with two decimal places (empty when valid)."""
    problems = [
        f"{_path(error.absolute_path) or '(request)'}: {error.message}"
        for error in sorted(_request_validator().iter_errors(request), key=lambda e: str(e.path))
    ]
    return problems + _two_decimal_amounts("", request)


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _two_decimal_amounts(where: str, value: Any) -> list[str]:
    if isinstance(value, Mapping):
        found: list[str] = []
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if key in AMOUNT_KEYS and not isinstance(item, Mapping | list):
                found += _amount(path, item)
            else:
                found += _two_decimal_amounts(path, item)
        return found
    if isinstance(value, list):
        return [
            p for i, item in enumerate(value) for p in _two_decimal_amounts(f"{where}[{i}]", item)
        ]
    return []


# --- Small checks --------------------------------------------------------------------------


def _amount(where: str, value: Any) -> list[str]:
    if isinstance(value, str) and AMOUNT.fullmatch(value):
        return []
    return [f'{where}: {value!r} is not a quoted amount with two decimal places, e.g. "12.50"']


def _date(value: Any) -> date | None:
    """An ISO date string as a date; None for anything else (including YAML's own dates)."""
    if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None

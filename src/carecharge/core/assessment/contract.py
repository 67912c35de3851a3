"""The JSON contract (the shared ``contracts/assessment-json.md``): request in, result out.

* :func:`assess_json` - a decoded request (``dict``) and a ``RuleBook`` in, the result ``dict`` out.
* :func:`assess_json_text` - the same from and to JSON text.
* :class:`Assessor` - what ``carecharge assess`` uses: one RuleBook, the council's policy, and
  the RuleSet and council policy cached per ``as_at`` date, for many requests.

Amounts in the result are strings with two decimal places; the trace is a list of
``{label, amount, reference}``; ``rules`` records the as-at date and the rules content hash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from carecharge.core.assessment.engine import assess
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.parsing import parse_policy, parse_request
from carecharge.core.assessment.policy import CouncilPolicy, council_policy_from_rules
from carecharge.core.assessment.request import POLICY_KEYS
from carecharge.core.assessment.result import AssessmentResult
from carecharge.core.money import to_decimal_string
from carecharge.core.rules import RuleBook, RuleSet

__all__ = [
    "AssessmentInputError",
    "Assessor",
    "assess_json",
    "assess_json_text",
    "load_json",
    "result_to_json",
]

GIVEN_COUNCIL_POLICY = "the council's policy, given to the assessment"


def _money(pence: int) -> str:
    if pence >= 0:  # the common case, formatted directly for speed
        pounds, pennies = divmod(pence, 100)
        return f"{pounds}.{pennies:02d}"
    return to_decimal_string(pence)


def result_to_json(result: AssessmentResult) -> dict[str, Any]:
    """The result in the contract's JSON form."""
    allowances = result.allowances
    cost = result.weekly_cost_of_care
    return {
        "weekly_charge": _money(result.weekly_charge),
        "full_cost": result.full_cost,
        "light_touch": result.light_touch,
        "weekly_cost_of_care": None if cost is None else _money(cost),
        "total_income": _money(result.total_income),
        "disregarded_income": _money(result.disregarded_income),
        "tariff_income": _money(result.tariff_income),
        "capital_counted": _money(result.capital_counted),
        "allowances": {
            "mig": _money(allowances.mig),
            "pea": _money(allowances.pea),
            "housing": _money(allowances.housing),
            "dre": _money(allowances.dre),
            "savings_credit_disregard": _money(allowances.savings_credit_disregard),
            "partner_pension_share": _money(allowances.partner_pension_share),
        },
        "disposable_income": _money(result.disposable_income),
        "trace": [
            {
                "label": label,
                "amount": None
                if amount is None
                else f"{amount // 100}.{amount % 100:02d}"
                if amount >= 0
                else _money(amount),
                "reference": reference,
            }
            for label, amount, reference in result.trace
        ],
        "rules": {"as_at": result.rules_as_at.isoformat(), "hash": result.rules_hash},
    }


class _Object(dict[str, Any]):
    """A decoded JSON object in which some key was given more than once."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.duplicates: list[str] = []
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                self.duplicates.append(key)
            seen.add(key)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    decoded = dict(pairs)
    return decoded if len(decoded) == len(pairs) else _Object(pairs)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def load_json(text: str | bytes) -> object:
    """Decode one JSON document, or raise :class:`AssessmentInputError` for ``(request)``."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_object,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
        )
    except UnicodeDecodeError:
        raise AssessmentInputError("(request)", "is not valid UTF-8 text") from None
    except ValueError as error:
        raise AssessmentInputError("(request)", f"is not valid JSON: {error}") from None
    except RecursionError:
        raise AssessmentInputError("(request)", "is nested too deeply") from None


def _council(council_policy: Mapping[str, object] | None) -> CouncilPolicy | None:
    """A council policy given as JSON values; keys that are not contract policy keys (the
    council's other settings, such as ``provisional_charge_mode``) are ignored."""
    if council_policy is None:
        return None
    known = {key: value for key, value in council_policy.items() if key in POLICY_KEYS}
    policy = parse_policy(known, "council_policy")
    return CouncilPolicy(policy, {key: GIVEN_COUNCIL_POLICY for key in known})


def assess_json(
    request: dict[str, Any],
    book: RuleBook,
    *,
    council_policy: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """Assess one decoded JSON request with the rules in force on its ``as_at``.

    ``council_policy`` holds the council's choices in the same JSON form as the request's
    ``policy`` (``{"taper_percent": "90", "dre_mode": "flat", "dre_flat_weekly": "10.85"}``);
    the request's own ``policy`` overrides it key by key. Raises ``AssessmentInputError``
    naming the field (``income[2].weekly``) for a bad request.
    """
    parsed = parse_request(request)
    council = _council(council_policy)
    return result_to_json(assess(parsed, book.as_at(parsed.as_at), council=council))


def assess_json_text(
    text: str, book: RuleBook, *, council_policy: Mapping[str, object] | None = None
) -> str:
    """:func:`assess_json` from JSON text to JSON text (one line)."""
    data = load_json(text)
    parsed = parse_request(data)
    council = _council(council_policy)
    result = assess(parsed, book.as_at(parsed.as_at), council=council)
    return dumps(result_to_json(result))


def dumps(value: object, *, indent: int | None = None) -> str:
    separators = (",", ": ") if indent else (",", ":")
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)


class Assessor:
    """Assess many requests against one RuleBook and one council's policy.

    The RuleSet and the council's policy (rules ``local.<council>.assessment.*``) are looked
    up once per ``as_at`` date and kept.
    """

    def __init__(self, book: RuleBook, *, council: str | None = None) -> None:
        self.book = book
        self.council = council
        self._by_date: dict[date, tuple[RuleSet, CouncilPolicy | None]] = {}

    def _rules(self, as_at: date) -> tuple[RuleSet, CouncilPolicy | None]:
        found = self._by_date.get(as_at)
        if found is None:
            rules = self.book.as_at(as_at)
            policy = council_policy_from_rules(rules, self.council) if self.council else None
            found = self._by_date[as_at] = (rules, policy)
        return found

    def assess_data(self, data: object) -> dict[str, Any]:
        parsed = parse_request(data)
        rules, policy = self._rules(parsed.as_at)
        return result_to_json(assess(parsed, rules, council=policy))

    def assess_text(self, text: str | bytes, *, indent: int | None = None) -> str:
        return dumps(self.assess_data(load_json(text)), indent=indent)

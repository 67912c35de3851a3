"""The council's charging choices: the request's ``policy`` over the council's, over the defaults.

A council's own choices are rules under ``local/<council>/assessment/`` (one file per key of the
contract's ``policy``, docs/decisions/0005-assessment-rule-names.md). A value given with the
request wins; then the council's rule in force on ``as_at``; then the statutory default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from typing import Final

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.errors import AssessmentInputError, AssessmentRulesError
from carecharge.core.assessment.request import POLICY_KEYS, DreMode, Policy
from carecharge.core.rules import RuleSet, Unit, UnknownRule
from carecharge.core.rules.schema import is_valid_segment

PERCENT_KEYS: Final = frozenset({"mig_uplift_percent", "taper_percent"})
BOOL_KEYS: Final = frozenset(
    {"disregard_night_care_element", "housing_costs_allowed", "temporary_as_non_residential"}
)
TEXT_KEYS: Final = frozenset({"dre_mode"})
PENCE_KEYS: Final = frozenset(POLICY_KEYS) - PERCENT_KEYS - BOOL_KEYS - TEXT_KEYS

STATUTORY_DEFAULT: Final = "statutory default (no council choice recorded)"

#: What applies when neither the request nor the council says.
DEFAULTS: Final[dict[str, object]] = {
    "mig_uplift_percent": Decimal(0),
    "mig_uplift_weekly": 0,
    "dre_mode": DreMode.ITEMISED,
    "dre_flat_weekly": None,
    "disregard_night_care_element": False,
    "taper_percent": Decimal(100),
    "minimum_weekly_charge": 0,
    "maximum_weekly_charge": 0,
    "upper_capital_limit": None,
    "lower_capital_limit": None,
    "housing_costs_allowed": True,
    "temporary_as_non_residential": False,
}


@dataclass(frozen=True, slots=True, eq=False)
class CouncilPolicy:
    """A council's choices and, for each one given, the reference to cite for it.

    Compared and hashed by identity, so that resolving a request's policy against the same
    council policy object can be cached.
    """

    policy: Policy = field(default_factory=Policy)
    references: Mapping[str, str] = field(default_factory=dict)
    unverified: frozenset[str] = frozenset()


def problems(policy: Policy) -> list[tuple[str, str]]:
    """Values no council may choose, as ``(key, message)``."""
    found: list[tuple[str, str]] = []
    if policy.taper_percent is not None and policy.taper_percent > 100:
        found.append(("taper_percent", "must be between 0 and 100"))
    return found


def council_policy_from_rules(rules: RuleSet, council: str) -> CouncilPolicy:
    """Read ``local.<council>.assessment.<key>`` for each policy key in force on the date."""
    if not is_valid_segment(council):
        raise AssessmentRulesError(f"{council!r} is not a council name usable in rule names")
    values: dict[str, object] = {}
    references: dict[str, str] = {}
    unverified: set[str] = set()
    for key in POLICY_KEYS:
        name = f"local.{council}.assessment.{key}"
        if name not in rules:
            continue
        try:
            entry = rules.entry(name)
        except UnknownRule as error:  # pragma: no cover - "in" just said it exists
            raise AssessmentRulesError(str(error)) from None
        wanted = (
            Unit.PERCENT
            if key in PERCENT_KEYS
            else Unit.BOOL
            if key in BOOL_KEYS
            else Unit.TEXT
            if key in TEXT_KEYS
            else Unit.PENCE
        )
        if entry.unit is not wanted:
            raise AssessmentRulesError(f"rule {name!r} must have unit {wanted.value}")
        value: object = entry.value
        if key in TEXT_KEYS:
            try:
                value = DreMode(str(value))
            except ValueError:
                allowed = ", ".join(m.value for m in DreMode)
                raise AssessmentRulesError(f"rule {name!r} must be one of {allowed}") from None
        values[key] = value
        references[key] = ref.rule_reference(entry)
        if entry.unverified:
            unverified.add(key)
    policy = Policy(**values)  # type: ignore[arg-type]
    for key, message in problems(policy):
        raise AssessmentRulesError(f"rule 'local.{council}.assessment.{key}': {message}")
    return CouncilPolicy(policy, references, frozenset(unverified))


@dataclass(frozen=True, slots=True)
class Effective:
    """The policy in force for one assessment: every key's value and where it came from."""

    values: Mapping[str, object]
    sources: Mapping[str, str]
    unverified: frozenset[str]

    def get(self, key: str) -> object:
        return self.values[key]

    def source(self, key: str) -> str:
        return self.sources[key]

    def chosen(self, key: str) -> bool:
        """Whether the request or the council chose this key (rather than the default)."""
        return self.sources[key] != STATUTORY_DEFAULT

    def pence(self, key: str) -> int | None:
        value = self.values[key]
        assert value is None or isinstance(value, int)
        return value

    def percent(self, key: str) -> Decimal:
        value = self.values[key]
        assert isinstance(value, Decimal)
        return value

    def flag(self, key: str) -> bool:
        value = self.values[key]
        assert isinstance(value, bool)
        return value


_NO_COUNCIL: Final = CouncilPolicy()


@lru_cache(maxsize=4096)
def resolve(request_policy: Policy, council: CouncilPolicy | None) -> Effective:
    """Request over council over default, key by key (cached: both are immutable)."""
    council = council or _NO_COUNCIL
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    unverified: set[str] = set()
    for spec in fields(Policy):
        key = spec.name
        given = getattr(request_policy, key)
        if given is not None:
            values[key], sources[key] = given, ref.REQUEST_POLICY
            continue
        chosen = getattr(council.policy, key)
        if chosen is not None:
            values[key] = chosen
            sources[key] = council.references.get(key, "the council's charging policy")
            if key in council.unverified:
                unverified.add(key)
            continue
        values[key], sources[key] = DEFAULTS[key], STATUTORY_DEFAULT
    minimum, maximum = values["minimum_weekly_charge"], values["maximum_weekly_charge"]
    assert isinstance(minimum, int) and isinstance(maximum, int)
    if maximum and minimum > maximum:
        raise AssessmentInputError(
            "policy.minimum_weekly_charge", "is more than policy.maximum_weekly_charge"
        )
    if values["dre_mode"] is not DreMode.ITEMISED and values["dre_flat_weekly"] is None:
        raise AssessmentInputError(
            "policy.dre_flat_weekly",
            f"is needed when dre_mode is {values['dre_mode']} (a flat weekly DRE allowance)",
        )
    return Effective(values, sources, frozenset(unverified))

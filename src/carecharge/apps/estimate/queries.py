"""Reads for the estimate: the rules in force on a day, and the engine run exactly as a
completed assessment runs it (the council's policy from its rules). Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from carecharge.apps.web.council import council_name, rulebook
from carecharge.core.assessment.contract import Assessor
from carecharge.core.estimate import Answers, EstimateFigures, figures_from_rules, requests

UPPER_LIMIT = "england.charging.capital.upper_limit"


@dataclass(frozen=True)
class Outcome:
    """One request's result: ``key`` as :class:`carecharge.core.estimate.Scenario` names it."""

    key: str
    result: dict[str, Any]


def figures(on: date) -> EstimateFigures:
    return figures_from_rules(rulebook().as_at(on))


def estimate(answers: Answers, on: date) -> list[Outcome]:
    """Run each request of the estimate. Raises the engine's ``AssessmentError``."""
    assessor = Assessor(rulebook(), council=settings.CARECHARGE_COUNCIL)
    return [
        Outcome(scenario.key, assessor.assess_data(scenario.request))
        for scenario in requests(answers, as_at=on, figures=figures(on))
    ]


def upper_capital_limit(on: date) -> int:
    return rulebook().as_at(on).pence(UPPER_LIMIT)


def council_contact(on: date) -> dict[str, Any]:
    """The council's name and whichever contact details its rules hold
    (``local.<council>.council.phone``, ``email``, ``postal_address``)."""
    rules = rulebook().as_at(on)
    prefix = f"local.{settings.CARECHARGE_COUNCIL}.council"

    def text(key: str) -> str:
        name = f"{prefix}.{key}"
        return rules.text(name) if name in rules else ""

    return {
        "name": council_name(on),
        "phone": text("phone"),
        "email": text("email"),
        "address": [line for line in text("postal_address").splitlines() if line.strip()],
    }

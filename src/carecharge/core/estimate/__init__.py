"""The citizen's estimate: plain answers about a person turned into assessment requests.

Pure Python: no Django, no database, no clock. The public estimate page (``apps/estimate``)
asks the questions, builds :class:`Answers`, and runs each request :func:`requests` returns
through the same engine and council policy as an officer's assessment. docs/citizen-estimate.md
explains what is asked and what is assumed.
"""

from carecharge.core.estimate.answers import (
    Amount,
    Answers,
    DisabilityBenefit,
    Frequency,
    HousingQuestion,
    IncomeQuestion,
)
from carecharge.core.estimate.translate import (
    UNKNOWN_COST,
    EstimateFigures,
    Scenario,
    figures_from_rules,
    premiums,
    requests,
    to_request,
    weekly,
)

__all__ = [
    "UNKNOWN_COST",
    "Amount",
    "Answers",
    "DisabilityBenefit",
    "EstimateFigures",
    "Frequency",
    "HousingQuestion",
    "IncomeQuestion",
    "Scenario",
    "figures_from_rules",
    "premiums",
    "requests",
    "to_request",
    "weekly",
]

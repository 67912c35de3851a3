"""The financial assessment (means test): a request in, a result and its trace out.

Pure Python: no Django, no database, no clock. The JSON contract is the shared
``contracts/assessment-json.md``; ``docs/assessment-engine.md`` explains every step.

Usage::

    from carecharge.core.assessment import assess, parse_request
    result = assess(parse_request(data), book.as_at(as_at))

or, through the JSON contract::

    from carecharge.core.assessment.contract import assess_json
    assess_json(request_dict, book)            # -> result dict
"""

from carecharge.core.assessment.engine import assess
from carecharge.core.assessment.errors import (
    AssessmentError,
    AssessmentInputError,
    AssessmentRulesError,
)
from carecharge.core.assessment.parsing import parse_request
from carecharge.core.assessment.policy import CouncilPolicy, council_policy_from_rules
from carecharge.core.assessment.request import AssessmentRequest
from carecharge.core.assessment.result import AssessmentResult
from carecharge.core.assessment.trace import Step

__all__ = [
    "AssessmentError",
    "AssessmentInputError",
    "AssessmentRequest",
    "AssessmentResult",
    "AssessmentRulesError",
    "CouncilPolicy",
    "Step",
    "assess",
    "council_policy_from_rules",
    "parse_request",
]

"""Annual uprating: a completed assessment's request carried to a new date by the rules.

Usage::

    from carecharge.core.uprating import uprate
    found = uprate(request, book, old_as_at=date(2025, 4, 7), new_as_at=date(2026, 4, 6),
                   weekly_cost_of_care=31500)
    found.request            # the new contract request, as at 2026-04-06
    found.steps              # each amount changed, with the rule that changed it
    found.reasons_for_review # why an officer must look at it (empty: it can be posted)

Pure Python: no Django, no database, no clock.
"""

from carecharge.core.uprating.rates import RATE_RULES, STANDARD_MINIMUM_GUARANTEE, rule_names
from carecharge.core.uprating.uprate import (
    Finding,
    FindingKind,
    Step,
    Uprating,
    UpratingError,
    uprate,
)

__all__ = [
    "RATE_RULES",
    "STANDARD_MINIMUM_GUARANTEE",
    "Finding",
    "FindingKind",
    "Step",
    "Uprating",
    "UpratingError",
    "rule_names",
    "uprate",
]

"""Re-rating: the charges due now minus what was charged, as adjustment lines with reasons.

``rerate(expected, charged, billed_through=...)`` -> ``list[Adjustment]``; ``hold_for_review``
says whether a person's backdated net needs an officer's check. Pure: no database, no clock.
See docs/charging.md.
"""

from carecharge.core.rerating.engine import rerate
from carecharge.core.rerating.ledger import posted
from carecharge.core.rerating.review import backdated_net, hold_for_review, review_threshold
from carecharge.core.rerating.types import Adjustment, Charged, Reason

__all__ = [
    "Adjustment",
    "Charged",
    "Reason",
    "backdated_net",
    "hold_for_review",
    "posted",
    "rerate",
    "review_threshold",
]

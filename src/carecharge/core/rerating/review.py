"""Holding a person's billing for review when it would add a large backdated amount.

A run that would charge a person more, net, for past weeks than the council's threshold
(``local.<council>.billing.backdated_review_threshold``) holds that person's lines for an officer
to check before posting, so no large backdated invoice goes out unexplained. Credits count
against charges: the test is on the net amount the person would be asked to pay.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from carecharge.core.charging.policy import CouncilRules
from carecharge.core.charging.types import PERSON
from carecharge.core.rerating.types import Adjustment
from carecharge.core.rules import RuleBook, Unit


def backdated_net(adjustments: Iterable[Adjustment]) -> int:
    """The net of the backdated, invoiced lines to the person (credits negative), in pence."""
    return sum(
        line.amount_pence
        for line in adjustments
        if line.backdated and line.invoiced and line.debtor == PERSON
    )


def hold_for_review(adjustments: Iterable[Adjustment], *, threshold_pence: int) -> bool:
    """Whether the person's lines must be held: their backdated net is above the threshold."""
    return backdated_net(adjustments) > threshold_pence


def review_threshold(book: RuleBook, council: str, on: date) -> int:
    """The council's backdated review threshold in force on ``on``, in pence."""
    rules = CouncilRules(book, council)
    entry = rules.entry(rules.local("backdated_review_threshold"), on, Unit.PENCE)
    assert isinstance(entry.value, int)
    return entry.value

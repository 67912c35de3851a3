"""Why a key's charge changed: compare the basis it was last charged on with the new one.

The checks run from the most decisive event to the least, and the first that differs wins:

1. no previous charge: ``new``;
2. either basis unknown: ``correction``;
3. days after death differ: ``death`` (it ends charging outright, whatever else changed);
4. CHC days differ: ``chc_award`` (the NHS takes over the cost of those days);
5. provisional before and assessed now: ``first_assessment`` (checked before any change of
   source, since replacing the provisional charge always changes the source too);
6. assessment sources differ: ``assessment_revised`` (a new weekly rate for the week);
7. suspended days differ: ``suspension`` (care stopped on some days);
8. actuals used now but not before: ``actuals_received`` (what was delivered on the days);
9. otherwise: ``correction``.

A status change (death, CHC) explains a week whatever else moved; a new rate explains it better
than a change to the care in it, and a recorded suspension explains a low actual better than the
actual does.
"""

from __future__ import annotations

from carecharge.core.charging.types import Basis
from carecharge.core.rerating.types import Reason


def reason_for(old: Basis | None, new: Basis | None, *, charged_before: bool) -> Reason:
    if not charged_before:
        return Reason.NEW
    if old is None or new is None:
        return Reason.CORRECTION
    if old.days_after_death != new.days_after_death:
        return Reason.DEATH
    if old.chc_days != new.chc_days:
        return Reason.CHC_AWARD
    if old.provisional and not new.provisional and new.sources:
        return Reason.FIRST_ASSESSMENT
    if old.sources != new.sources:
        return Reason.ASSESSMENT_REVISED
    if old.suspended_days != new.suspended_days:
        return Reason.SUSPENSION
    if new.actuals and not old.actuals:
        return Reason.ACTUALS_RECEIVED
    return Reason.CORRECTION


WORDS = {
    Reason.NEW: "new charge",
    Reason.FIRST_ASSESSMENT: "your financial assessment replaces the provisional charge",
    Reason.ASSESSMENT_REVISED: "your financial assessment was revised",
    Reason.ACTUALS_RECEIVED: "the care actually delivered replaces the planned care",
    Reason.SUSPENSION: "care was suspended",
    Reason.DEATH: "nothing is charged after the date of death",
    Reason.CHC_AWARD: "NHS Continuing Healthcare was awarded",
    Reason.CORRECTION: "correction",
}
"""How each reason reads on an invoice or credit note line."""

"""What re-rating is told was charged for each key, and the adjustment lines it returns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from carecharge.core.charging.types import Basis, ChargeKind, TraceStep
from carecharge.core.periods import DateRange


class Reason(StrEnum):
    """Why an adjustment line is posted, shown on the invoice or credit note line."""

    NEW = "new"
    """Nothing was charged for the key before."""
    FIRST_ASSESSMENT = "first_assessment"
    """The first financial assessment replaces the provisional charge."""
    ASSESSMENT_REVISED = "assessment_revised"
    """A different assessment (a revision from a date) now sets the charge."""
    ACTUALS_RECEIVED = "actuals_received"
    """The provider's actual units delivered replace the plan."""
    SUSPENSION = "suspension"
    """A hospital stay, holiday or other suspension was recorded or changed."""
    DEATH = "death"
    """The date of death was recorded or changed: nothing is due after it."""
    CHC_AWARD = "chc_award"
    """NHS Continuing Healthcare was awarded (or its dates changed) for days in the week."""
    CORRECTION = "correction"
    """Anything else: care records, prices or rules corrected, or the charge's source removed."""


@dataclass(frozen=True, slots=True)
class Charged:
    """What has been posted so far for one key, summed over every record posted for it."""

    key: str
    kind: ChargeKind
    debtor: str
    week: DateRange
    amount_pence: int
    """The sum of every amount posted for the key (credits negative)."""
    income: tuple[tuple[str, int], ...]
    """Income codes and pence, summed over what was posted; the parts sum to the amount."""
    invoiced: bool
    last_record: str
    """The id of the latest record (invoice or credit note line) posted for the key."""
    basis: Basis | None = None
    """The basis of the latest record, or ``None`` when it was not kept."""


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One line to post: what should have been charged for a key minus what was."""

    key: str
    kind: ChargeKind
    debtor: str
    week: DateRange
    days: DateRange | None
    amount_pence: int
    """Signed: positive is a further charge, negative a credit."""
    income: tuple[tuple[str, int], ...]
    """Per income code differences; they sum to ``amount_pence``."""
    invoiced: bool
    reason: Reason
    corrects: str | None
    """The ``last_record`` of the key this line corrects, or ``None`` for a first charge."""
    backdated: bool
    """The key was charged before, or its week ended on or before the last billed date."""
    description: str
    units: Decimal | None
    basis: Basis | None
    """The basis of the charge now due (``None`` when the key is no longer due at all)."""
    trace: tuple[TraceStep, ...]

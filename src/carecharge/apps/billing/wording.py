"""Words for invoices, credit notes and statements: periods, reasons, balances.

Pure functions (no database, no clock), so what a citizen reads about a charge is unit-tested
without building a billing run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from carecharge.core.letters.wording import MONTHS, long_date
from carecharge.core.money import format_pounds

# Why a line is on the bill, in the person's words. The codes are the re-rating reasons
# (`core.rerating.Reason`); a new charge needs no explanation beyond its description.
REASONS: Final[dict[str, str]] = {
    "new": "",
    "first_assessment": (
        "Your financial assessment is finished: this replaces the provisional charge"
    ),
    "assessment_revised": "Correction: your assessment was revised",
    "actuals_received": (
        "Correction: your care provider has told us how much care you actually received"
    ),
    "suspension": "Correction: your care stopped for a while (for example, a stay in hospital)",
    "death": "Correction: nothing is charged after the date of death",
    "chc_award": "Correction: NHS Continuing Healthcare was awarded for this period",
    "correction": "Correction to an earlier charge",
}


def reason_words(reason: str, *, revised_from: date | None = None) -> str:
    """A line's reason in plain words: ``"Correction: your assessment was revised from
    14 April 2025"``. A reason this module does not know is still shown as a correction, never
    left out: the bill must say why an amount changed."""
    if reason not in REASONS:
        return "Correction to an earlier charge"
    words = REASONS[reason]
    if reason == "assessment_revised" and revised_from is not None:
        words += f" from {long_date(revised_from)}"
    return words


def period_words(start: date, end: date) -> str:
    """Inclusive days as people write them: ``7 to 13 April 2025``, ``28 April to 4 May
    2025``, ``29 December 2025 to 4 January 2026``, or one day, ``7 April 2025``."""
    if start > end:
        raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
    if start == end:
        return long_date(start)
    if start.year != end.year:
        return f"{long_date(start)} to {long_date(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTHS[start.month - 1]} to {long_date(end)}"
    return f"{start.day} to {long_date(end)}"


def day_count(start: date, end: date) -> int:
    return (end - start).days + 1


def units_words(units: Decimal | None) -> str:
    """Units as a person reads them: ``10.5``, ``7``; blank when the line has none."""
    if units is None:
        return ""
    # normalize() drops trailing zeros (10.50 -> 10.5, 10.00 -> 1E+1); "f" writes it plainly.
    return f"{units.normalize():f}"


def balance_words(pence: int) -> str:
    """A running balance as a statement shows it: owed as ``£12.00``, in credit as
    ``£5.00 in credit``."""
    if pence < 0:
        return f"{format_pounds(-pence)} in credit"
    return format_pounds(pence)


def closing_words(pence: int) -> str:
    """The sentence under a statement's closing balance."""
    if pence > 0:
        return f"You owe {format_pounds(pence)}."
    if pence < 0:
        return f"Your account is {format_pounds(-pence)} in credit: you do not owe anything."
    return "Your account is clear: you do not owe anything."

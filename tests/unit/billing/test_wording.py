"""The words a bill uses: periods, reasons, units and balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from carecharge.apps.billing.wording import (
    balance_words,
    closing_words,
    day_count,
    period_words,
    reason_words,
    units_words,
)


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2025, 4, 7), date(2025, 4, 13), "7 to 13 April 2025"),
        (date(2025, 4, 28), date(2025, 5, 4), "28 April to 4 May 2025"),
        (date(2025, 12, 29), date(2026, 1, 4), "29 December 2025 to 4 January 2026"),
        (date(2025, 4, 7), date(2025, 4, 7), "7 April 2025"),
    ],
)
def test_periods_are_written_as_people_write_them(start: date, end: date, words: str) -> None:
    assert period_words(start, end) == words


def test_a_period_cannot_run_backwards() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        period_words(date(2025, 4, 13), date(2025, 4, 7))


def test_days_are_counted_inclusively() -> None:
    assert day_count(date(2025, 4, 7), date(2025, 4, 13)) == 7
    assert day_count(date(2025, 4, 7), date(2025, 4, 7)) == 1


def test_a_revision_says_from_when() -> None:
    assert (
        reason_words("assessment_revised", revised_from=date(2025, 4, 14))
        == "Correction: your assessment was revised from 14 April 2025"
    )
    assert reason_words("assessment_revised") == "Correction: your assessment was revised"


def test_a_new_charge_needs_no_reason_and_every_other_reason_is_explained() -> None:
    assert reason_words("new") == ""
    assert reason_words("death") == "Correction: nothing is charged after the date of death"
    assert reason_words("chc_award") == (
        "Correction: NHS Continuing Healthcare was awarded for this period"
    )
    assert reason_words("first_assessment").startswith("Your financial assessment is finished")
    # A reason added later is still shown as a correction, never silently left out.
    assert reason_words("something_new") == "Correction to an earlier charge"


@pytest.mark.parametrize(
    ("units", "words"),
    [(Decimal("10.00"), "10"), (Decimal("10.50"), "10.5"), (Decimal("0.25"), "0.25"), (None, "")],
)
def test_units_drop_trailing_zeros(units: Decimal | None, words: str) -> None:
    assert units_words(units) == words


def test_balances_say_owed_or_in_credit() -> None:
    assert balance_words(123456) == "£1,234.56"
    assert balance_words(-500) == "£5.00 in credit"
    assert balance_words(0) == "£0.00"
    assert closing_words(8420) == "You owe £84.20."
    assert closing_words(-1) == "Your account is £0.01 in credit: you do not owe anything."
    assert closing_words(0) == "Your account is clear: you do not owe anything."

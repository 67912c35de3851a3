"""Standing order and payment plan schedules: due dates, and which receipts paid them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.payments.schedule import (
    Frequency,
    Schedule,
    ScheduleError,
    due_dates,
    match_instalments,
)


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    plan = Schedule(5_000, Frequency.MONTHLY, date(2026, 1, 31))
    assert due_dates(plan, date(2026, 5, 1)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
    ]  # fmt: skip


def test_four_weekly_until_the_last_instalment() -> None:
    plan = Schedule(2_500, Frequency.FOUR_WEEKLY, date(2026, 1, 5), last_due=date(2026, 3, 2))
    assert due_dates(plan, date(2026, 12, 31)) == [
        date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2),
    ]  # fmt: skip


def test_each_receipt_pays_one_instalment_and_a_missing_one_is_missed_after_grace() -> None:
    plan = Schedule(5_000, Frequency.MONTHLY, date(2026, 1, 10))
    receipts = [
        ("RC000001", date(2026, 1, 8), 5_000),   # two days early: counts
        ("RC000002", date(2026, 2, 10), 2_000),  # too little
        ("RC000003", date(2026, 3, 12), 5_000),
        ("RC000004", date(2026, 4, 30), 5_000),  # long after the April grace period
    ]  # fmt: skip
    found = match_instalments(plan, receipts, as_at=date(2026, 5, 12), grace_days=5)
    assert [(i.due, i.paid_by, i.missed) for i in found] == [
        (date(2026, 1, 10), "RC000001", False),
        (date(2026, 2, 10), None, True),
        (date(2026, 3, 10), "RC000003", False),
        (date(2026, 4, 10), None, True),
        (date(2026, 5, 10), None, False),  # still within its grace period on 12 May
    ]
    assert found[1].note == "£50.00 due 2026-02-10 not received by 2026-02-15"
    assert found[4].note == "Due 2026-05-10: can still arrive by 2026-05-15"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, Frequency.MONTHLY, date(2026, 1, 1)), "more than £0.00"),
        ((100, Frequency.MONTHLY, date(2026, 2, 1), date(2026, 1, 1)), "before the first"),
    ],
)
def test_a_schedule_that_cannot_be_is_refused(args: tuple, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ScheduleError, match=message):
        Schedule(*args)


@given(
    st.sampled_from(list(Frequency)),
    st.dates(date(2025, 1, 1), date(2027, 1, 1)),
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 9_000)), max_size=15),
)
def test_no_receipt_pays_two_instalments(
    frequency: Frequency, first: date, offsets: list[tuple[int, int]]
) -> None:
    plan = Schedule(4_000, frequency, first)
    receipts = [(f"RC{n:06d}", first + timedelta(days=d), p) for n, (d, p) in enumerate(offsets)]
    found = match_instalments(plan, receipts, as_at=first + timedelta(days=400), grace_days=7)
    paid = [i.paid_by for i in found if i.paid_by]
    assert len(paid) == len(set(paid))
    amounts = {number: pence for number, _, pence in receipts}
    assert all(amounts[number] >= 4_000 for number in paid)
    assert all(not (i.missed and i.paid_by) for i in found)

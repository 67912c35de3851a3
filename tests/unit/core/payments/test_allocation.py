"""Allocating receipts and credit notes to open invoices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.payments.allocation import (
    AllocationError,
    OpenInvoice,
    allocate,
    check_manual,
)

JAN = OpenInvoice(1, "INV-000001", date(2026, 1, 4), date(2026, 2, 1), 12_000)
FEB = OpenInvoice(2, "INV-000102", date(2026, 2, 1), date(2026, 3, 1), 8_000)
MAR = OpenInvoice(3, "INV-000203", date(2026, 3, 1), date(2026, 3, 29), 5_050)


def test_the_oldest_invoice_is_paid_first_whatever_order_they_come_in() -> None:
    plan = allocate(15_000, [MAR, FEB, JAN])
    assert [(s.number, s.pence) for s in plan.shares] == [
        ("INV-000001", 12_000),
        ("INV-000102", 3_000),
    ]
    assert plan.left_pence == 0
    assert plan.trace == (
        "£120.00 to invoice INV-000001 (due 2026-02-01, £120.00 owed): paid in full.",
        "£30.00 to invoice INV-000102 (due 2026-03-01, £80.00 owed): paid in part.",
    )


def test_the_invoice_the_payer_named_is_paid_first() -> None:
    plan = allocate(9_000, [JAN, FEB, MAR], named=" inv-000203 ")
    assert [(s.number, s.pence) for s in plan.shares] == [
        ("INV-000203", 5_050),
        ("INV-000001", 3_950),
    ]
    assert plan.trace[0] == "The payment named invoice INV-000203: it is paid first."


def test_a_named_invoice_that_is_not_open_falls_back_to_the_oldest() -> None:
    plan = allocate(1_000, [FEB, JAN], named="INV-999999")
    assert [(s.number, s.pence) for s in plan.shares] == [("INV-000001", 1_000)]
    assert "not an open invoice on this account" in plan.trace[0]


def test_more_than_is_owed_leaves_a_credit_on_the_account() -> None:
    plan = allocate(30_000, [JAN, FEB, MAR])
    assert plan.allocated_pence == 25_050
    assert plan.left_pence == 4_950
    assert plan.trace[-1] == (
        "£49.50 is left on the account as a credit: every open invoice is paid."
    )
    nothing_owed = allocate(500, [])
    assert nothing_owed.shares == () and nothing_owed.left_pence == 500
    assert nothing_owed.trace == ("£5.00 is left on the account as a credit: no invoice is owed.",)


@pytest.mark.parametrize("amount", [0, -100, 12.5, True])
def test_only_a_positive_whole_number_of_pence_is_allocated(amount: object) -> None:
    with pytest.raises(AllocationError, match="Only a positive amount in pence"):
        allocate(amount, [JAN])  # type: ignore[arg-type]


def test_a_manual_split_is_checked_whole_and_names_each_bad_invoice() -> None:
    plan = check_manual(10_000, [JAN, FEB], {"INV-000102": 8_000, "inv-000001": 1_500})
    assert [(s.number, s.pence) for s in plan.shares] == [
        ("INV-000102", 8_000),
        ("INV-000001", 1_500),
    ]
    assert plan.left_pence == 500
    with pytest.raises(AllocationError) as refused:
        check_manual(10_000, [JAN, FEB], {"INV-000102": 9_000, "INV-7": 100, "INV-000001": 0})
    assert str(refused.value) == (
        "Invoice INV-000102: £90.00 is more than the £80.00 it owes; "
        "Invoice INV-7: not an open invoice on this account; "
        "Invoice INV-000001: the amount must be more than £0.00"
    )
    with pytest.raises(
        AllocationError, match=r"£200.00 is allocated but only £150.00 is available"
    ):
        check_manual(15_000, [JAN, FEB], {"INV-000001": 12_000, "INV-000102": 8_000})


invoices = st.lists(
    st.tuples(st.integers(0, 400), st.integers(1, 50_000)), min_size=0, max_size=12
).map(
    lambda items: [
        OpenInvoice(
            n,
            f"INV-{n:06d}",
            date(2026, 1, 1) + timedelta(days=d),
            date(2026, 1, 29) + timedelta(days=d),
            owed,
        )
        for n, (d, owed) in enumerate(items, 1)
    ]
)


@given(st.integers(1, 200_000), invoices)
def test_allocation_never_pays_more_than_owed_or_received(
    pence: int, items: list[OpenInvoice]
) -> None:
    plan = allocate(pence, items)
    owed = {i.id: i.outstanding_pence for i in items}
    assert plan.allocated_pence + plan.left_pence == pence
    assert all(0 < s.pence <= owed[s.invoice_id] for s in plan.shares)
    assert len({s.invoice_id for s in plan.shares}) == len(plan.shares)
    # Something is left only when every invoice is paid in full.
    if plan.left_pence:
        assert plan.allocated_pence == sum(owed.values())
    # At most one invoice is paid in part, and it is the last one paid.
    partial = [s for s in plan.shares if s.pence < owed[s.invoice_id]]
    assert len(partial) <= 1 and (not partial or partial[0] == plan.shares[-1])

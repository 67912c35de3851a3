"""Invariants of the ledger for any transactions (hypothesis)."""

from __future__ import annotations

from datetime import date
from itertools import chain

from hypothesis import given
from hypothesis import strategies as st

from carecharge.core import ledger
from carecharge.core.ledger import LedgerError, Posting, Transaction, check

ACCOUNTS = st.sampled_from(["D-00000018", "D-TP3", "D-ORG-QWE", "I-ASC100/9001", "BANK"])
AMOUNTS = st.integers(-(10**9), 10**9).filter(bool)
DAY = date(2026, 4, 6)


def transaction_from(postings: list[Posting], key: str = "k") -> Transaction:
    return Transaction(key, DAY, "billing", "", "Invoice", tuple(postings))


@st.composite
def balanced(draw: st.DrawFn, key: str = "k") -> Transaction:
    """Any number of lines, closed off by one that brings the sum back to zero."""
    postings = [Posting(draw(ACCOUNTS), draw(AMOUNTS)) for _ in range(draw(st.integers(1, 8)))]
    rest = -sum(p.pence for p in postings)
    if rest == 0:  # the lines already cancel out: add a pair instead
        amount = draw(AMOUNTS)
        postings += [Posting(draw(ACCOUNTS), amount), Posting(draw(ACCOUNTS), -amount)]
    else:
        postings.append(Posting(draw(ACCOUNTS), rest))
    return transaction_from(postings, key)


@given(st.lists(st.tuples(ACCOUNTS, AMOUNTS), max_size=8))
def test_any_transaction_the_check_accepts_sums_to_zero(lines: list[tuple[str, int]]) -> None:
    candidate = transaction_from([Posting(a, p) for a, p in lines])
    try:
        check(candidate)
    except LedgerError:
        assert len(lines) < 2 or sum(p for _, p in lines) != 0
    else:
        assert sum(p.pence for p in candidate.postings) == 0
        assert len(candidate.postings) >= 2


@given(balanced())
def test_every_balanced_transaction_is_accepted(entry: Transaction) -> None:
    check(entry)
    assert entry.total_pence == -sum(p.pence for p in entry.postings if p.pence < 0)


@given(st.lists(balanced(), max_size=20))
def test_the_trial_balance_of_accepted_transactions_is_zero(entries: list[Transaction]) -> None:
    for entry in entries:
        check(entry)
    totals = ledger.balances(chain.from_iterable(e.postings for e in entries))
    assert sum(totals.values()) == 0


@given(balanced())
def test_a_transaction_and_its_reversal_net_to_zero_on_every_account(entry: Transaction) -> None:
    undone = ledger.reversal(entry, key="reverse:k", effective_date=DAY, description="Undo")
    check(undone)
    netted = ledger.balances(chain(entry.postings, undone.postings))
    assert set(netted) == entry.accounts
    assert all(balance == 0 for balance in netted.values())

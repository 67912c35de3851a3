"""The journal file's invariants, for any balanced billing transactions: debits equal credits,
each row is a debit or a credit, and summarising per account and date keeps every account's
total."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from carecharge.apps.billing.export import JournalPosting, journal_rows
from carecharge.apps.billing.export_layout import load_layout

INCOME = ["ASC100/9001", "ASC200/9002", "ASC300/9003"]
START = date(2025, 4, 7)


@st.composite
def transactions(draw: st.DrawFn) -> list[JournalPosting]:
    """Invoices and credit notes as posting.py makes them: the debtor's movement, and the
    opposite spread over one to three income codes."""
    postings: list[JournalPosting] = []
    for number in range(draw(st.integers(min_value=0, max_value=12))):
        effective = START + timedelta(days=draw(st.integers(min_value=0, max_value=3)))
        parts = draw(st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=3))
        sign = draw(st.sampled_from([1, -1]))
        debtor = draw(st.sampled_from(["00000018", "00000026", "00000034"]))
        key = f"billing:1:{number:06d}"
        common = JournalPosting(
            key=key,
            effective=effective,
            posted=effective,
            description=f"Document {number}",
            code=f"D-{debtor}",
            name=f"Service user {debtor}",
            kind="debtor",
            income_code="",
            debtor=debtor,
            pence=sign * sum(parts),
        )
        postings.append(common)
        for code, pence in zip(INCOME, parts, strict=False):
            postings.append(
                replace(
                    common,
                    code=f"I-{code}",
                    name=f"Income {code}",
                    kind="income",
                    income_code=code,
                    debtor="",
                    pence=-sign * pence,
                )
            )
    return postings


def _totals(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], Decimal]:
    found: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        found[(row["cost_centre"], row["subjective"], row["debtor_reference"])] += Decimal(
            row["amount"]
        )
    return {k: v for k, v in found.items() if v}


@settings(max_examples=150, deadline=None)
@given(transactions())
def test_the_journal_balances_and_summarising_keeps_every_total(
    postings: list[JournalPosting],
) -> None:
    layout = load_layout()
    by_posting, debit, credit = journal_rows(postings, run_pk=1, numbers={}, layout=layout)
    assert debit == credit == sum(p.pence for p in postings if p.pence > 0)
    assert len(by_posting) == len(postings)
    for row in by_posting:
        assert (Decimal(row["debit"]) == 0) != (Decimal(row["credit"]) == 0)
        assert Decimal(row["debit"]) - Decimal(row["credit"]) == Decimal(row["amount"])
    summary_layout = replace(
        layout, journal=replace(layout.journal, granularity="account_per_date")
    )
    summarised, s_debit, s_credit = journal_rows(
        postings, run_pk=1, numbers={}, layout=summary_layout
    )
    assert s_debit == s_credit
    assert _totals(summarised) == _totals(by_posting)
    assert len(
        {
            (r["transaction_date"], r["cost_centre"], r["subjective"], r["debtor_reference"])
            for r in summarised
        }
    ) == len(summarised)

"""Postings, transactions and the check every transaction passes before it is posted."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from carecharge.core import ledger
from carecharge.core.ledger import LedgerError, Posting, Transaction, check

DAY = date(2026, 4, 6)
DEBTOR = "D-00000018"
INCOME = "I-ASC100/9001"


def entry(*postings: Posting, key: str = "invoice:INV-1", **fields: str) -> Transaction:
    values = {"source": "billing", "source_id": "run:1", "description": "Invoice INV-1"}
    values.update(fields)
    return Transaction(
        key, DAY, values["source"], values["source_id"], values["description"], postings
    )


def test_a_balanced_transaction_passes() -> None:
    invoice = entry(Posting(DEBTOR, 4500), Posting(INCOME, -4500, "Home care w/c 06/04/2026"))
    check(invoice)
    assert invoice.total_pence == 4500
    assert invoice.accounts == frozenset({DEBTOR, INCOME})


def test_postings_given_as_a_list_are_kept_as_a_tuple() -> None:
    invoice = Transaction("k", DAY, "billing", "", "Invoice", [Posting("A", 1), Posting("B", -1)])  # type: ignore[arg-type]
    assert invoice.postings == (Posting("A", 1), Posting("B", -1))


@pytest.mark.parametrize("pence", [1.0, True, "100", None])
def test_a_posting_refuses_anything_but_whole_pence(pence: object) -> None:
    with pytest.raises(TypeError, match="pence must be a whole number"):
        Posting(DEBTOR, pence)  # type: ignore[arg-type]


def test_a_posting_of_nothing_is_refused() -> None:
    with pytest.raises(LedgerError, match=r"A posting to D-00000018 is for £0\.00"):
        Posting(DEBTOR, 0)


def test_a_posting_reversed_changes_side() -> None:
    assert Posting(DEBTOR, 4500, "x").reversed() == Posting(DEBTOR, -4500, "x")


def test_an_effective_date_must_be_a_date_not_a_datetime() -> None:
    with pytest.raises(TypeError, match="effective_date must be a date, got datetime"):
        Transaction("k", datetime(2026, 4, 6, 9), "billing", "", "x", ())  # type: ignore[arg-type]


def test_postings_must_be_postings() -> None:
    with pytest.raises(TypeError, match="postings must be Posting, got tuple"):
        Transaction("k", DAY, "billing", "", "x", ((DEBTOR, 1),))  # type: ignore[arg-type]


def test_an_unbalanced_transaction_is_refused_saying_by_how_much() -> None:
    with pytest.raises(
        LedgerError,
        match=r"Transaction 'invoice:INV-1' does not balance: the debits are £0.05 more",
    ):
        check(entry(Posting(DEBTOR, 4505), Posting(INCOME, -4500)))
    with pytest.raises(LedgerError, match=r"the credits are £1\.00 more"):
        check(entry(Posting(DEBTOR, 4500), Posting(INCOME, -4600)))


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_postings_are_refused(count: int) -> None:
    postings = [Posting(DEBTOR, 4500)][:count]
    with pytest.raises(LedgerError, match=f"has {count} posting\\(s\\); it needs at least two"):
        check(entry(*postings))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": ""}, "A transaction has no idempotency key"),
        ({"key": "   "}, "A transaction has no idempotency key"),
        ({"key": "k" * 201}, "the key is longer than 200 characters"),
        ({"source": ""}, "Transaction 'invoice:INV-1' has no source"),
        ({"description": " "}, "Transaction 'invoice:INV-1' has no description"),
        ({"description": "d" * 301}, "the description is longer than 300 characters"),
        ({"source": "s" * 41}, "the source is longer than 40 characters"),
        ({"source_id": "i" * 101}, "the source id is longer than 100 characters"),
    ],
)
def test_missing_or_overlong_fields_are_named(fields: dict[str, str], message: str) -> None:
    key = fields.pop("key", "invoice:INV-1")
    with pytest.raises(LedgerError, match=message):
        check(entry(Posting(DEBTOR, 1), Posting(INCOME, -1), key=key, **fields))


def test_a_key_of_exactly_200_characters_is_allowed() -> None:
    check(entry(Posting(DEBTOR, 1), Posting(INCOME, -1), key="k" * 200))


def test_a_posting_without_an_account_or_with_a_long_one_names_its_line() -> None:
    with pytest.raises(LedgerError, match="line 2: no account code"):
        check(entry(Posting(DEBTOR, 1), Posting(" ", -1)))
    with pytest.raises(LedgerError, match="line 1: the account code is longer than 60"):
        check(entry(Posting("A" * 61, 1), Posting(INCOME, -1)))
    with pytest.raises(LedgerError, match="line 2: the memo is longer than 200"):
        check(entry(Posting(DEBTOR, 1), Posting(INCOME, -1, "m" * 201)))


def test_transfer_builds_a_two_line_transaction() -> None:
    receipt = ledger.transfer(
        "receipt:981",
        effective_date=DAY,
        source="receipt",
        source_id="981",
        description="Payment, thank you",
        debit=ledger.BANK,
        credit=DEBTOR,
        pence=2000,
    )
    check(receipt)
    assert receipt.postings == (Posting("BANK", 2000), Posting(DEBTOR, -2000))
    assert (receipt.key, receipt.source, receipt.source_id) == ("receipt:981", "receipt", "981")


def test_transfer_refuses_a_non_positive_amount_and_the_same_account_twice() -> None:
    common = {"effective_date": DAY, "source": "receipt", "description": "Payment"}
    with pytest.raises(LedgerError, match=r"a debit to BANK must be more than £0\.00"):
        ledger.transfer("r", debit="BANK", credit=DEBTOR, pence=-5, **common)  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="A transfer from BANK to itself moves nothing"):
        ledger.transfer("r", debit="BANK", credit="BANK", pence=5, **common)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got float"):
        ledger.transfer("r", debit="BANK", credit=DEBTOR, pence=5.0, **common)  # type: ignore[arg-type]


def test_compound_splits_an_invoice_over_income_codes() -> None:
    invoice = ledger.compound(
        "invoice:INV-2",
        effective_date=DAY,
        source="billing",
        description="Invoice INV-2",
        debits=[(DEBTOR, 7000)],
        credits=[("I-ASC100/9001", 4500, "Home care"), ("I-ASC200/9002", 2500, "Day care")],
    )
    check(invoice)
    assert invoice.postings == (
        Posting(DEBTOR, 7000),
        Posting("I-ASC100/9001", -4500, "Home care"),
        Posting("I-ASC200/9002", -2500, "Day care"),
    )
    assert invoice.source_id == ""


def test_a_reversal_negates_every_posting_under_a_new_key() -> None:
    original = entry(Posting(DEBTOR, 4500), Posting(INCOME, -4500))
    undone = ledger.reversal(
        original, key="reverse:invoice:INV-1", effective_date=date(2026, 5, 1), description="Undo"
    )
    assert undone.postings == (Posting(DEBTOR, -4500), Posting(INCOME, 4500))
    assert (undone.source, undone.source_id, undone.effective_date) == (
        "billing",
        "run:1",
        date(2026, 5, 1),
    )
    with pytest.raises(LedgerError, match="A reversal needs its own key"):
        ledger.reversal(original, key="invoice:INV-1", effective_date=DAY, description="x")


def test_balances_sum_per_account_and_keep_accounts_that_net_to_zero() -> None:
    postings = [Posting("A", 500), Posting("B", -500), Posting("A", -500), Posting("C", 7)]
    assert ledger.balances(postings) == {"A": 0, "B": -500, "C": 7}
    assert ledger.balances([]) == {}


def test_account_codes() -> None:
    assert ledger.person_code("00000018") == "D-00000018"
    assert ledger.payer_code(12) == "D-TP12"
    assert ledger.organisation_code("QWE") == "D-ORG-QWE"
    assert ledger.income_code("ASC100/9001") == "I-ASC100/9001"
    assert ledger.SYSTEM_CODES == {
        ledger.AccountKind.BANK: "BANK",
        ledger.AccountKind.SUSPENSE: "SUSPENSE",
        ledger.AccountKind.WRITE_OFF: "WRITEOFF",
    }
    with pytest.raises(LedgerError, match="the account reference is needed"):
        ledger.person_code(" ")
    with pytest.raises(LedgerError, match="positive whole number"):
        ledger.payer_code(0)

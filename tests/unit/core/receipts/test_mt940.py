"""MT940 statements: fields read exactly, and every incomplete or inconsistent file refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.receipts.mt940 import read_mt940
from carecharge.core.receipts.types import Channel, StatementError
from tests.unit.core.receipts.helpers import ACCOUNT, mt940_file

SAMPLE = b"""{1:F01TESTGB2LAXXX0000000000}{2:O9401200250407TESTGB2LAXXX00000000002504071200N}{4:
:20:STMT250407
:25:40000012345678
:28C:00097/001
:60F:C250404GBP1000,00
:61:2504070407C125,50NTRFNONREF//FP12345
CARE 1234 5674
:86:J SMITH PAYMENT
CARE CHARGE APRIL
:61:250407D20,00NCHGNONREF
:86:BANK CHARGE
:61:250407RC5,00NTRF
:86:RETURNED CREDIT
:62F:C250407GBP1100,50
-}
"""


def refused(data: bytes) -> str:
    with pytest.raises(StatementError) as caught:
        read_mt940(data)
    return str(caught.value)


def test_a_statement_is_read_to_the_penny_with_its_balances_and_period() -> None:
    statement = read_mt940(SAMPLE)
    assert statement.format == "mt940"
    assert statement.account == ACCOUNT
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 4), date(2025, 4, 7))
    assert (statement.opening_balance, statement.closing_balance) == (100000, 110050)
    assert [line.amount for line in statement.lines] == [12550, -2000, -500]
    assert (statement.credits, statement.debits) == (12550, 2500)
    first = statement.lines[0]
    assert first.narrative == "CARE 1234 5674 J SMITH PAYMENT CARE CHARGE APRIL"
    assert first.bank_transaction_id == "FP12345"
    assert (first.booking_date, first.value_date, first.line) == (
        date(2025, 4, 7),
        date(2025, 4, 7),
        6,
    )
    assert first.channel is Channel.BANK
    # NONREF is "no reference": the line has no bank id and gets a stable hash instead.
    assert statement.lines[1].bank_transaction_id is None
    assert statement.lines[1].transaction_id.startswith("h:")


def test_a_bare_file_of_two_statements_is_read_as_one_period() -> None:
    body = (
        ":20:A\n:25:ACC1\n:28C:1/1\n:60F:C250403GBP100,00\n:61:250404C10,\n:86:ONE\n"
        ":62F:C250404GBP110,00\n-\n"
        ":20:B\n:25:ACC1\n:28C:2/1\n:60F:C250404GBP110,00\n:61:250407D0,01\n:86:TWO\n"
        ":62F:C250407GBP109,99\n"
    )
    statement = read_mt940(body.encode())
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 3), date(2025, 4, 7))
    assert (statement.opening_balance, statement.closing_balance) == (10000, 10999)
    assert [(line.amount, line.narrative, line.line) for line in statement.lines] == [
        (1000, "ONE", 5),
        (-1, "TWO", 13),
    ]


def test_an_entry_date_in_december_for_a_january_value_date_is_the_previous_year() -> None:
    data = SAMPLE.replace(b":61:2504070407C", b":61:2501021231C")
    assert read_mt940(data).lines[0].booking_date == date(2024, 12, 31)


def test_a_message_without_its_closing_marker_is_refused_as_cut_short() -> None:
    assert refused(SAMPLE.replace(b"-}\n", b"")) == (
        "line 1: the message that starts here has no closing -}: the file is cut short"
    )


def test_a_statement_without_its_closing_balance_is_refused() -> None:
    data = b":20:A\n:25:ACC1\n:28C:1/1\n:60F:C250403GBP100,00\n:61:250404C10,00\n:86:ONE\n"
    assert refused(data) == (
        "line 6 (:86:): the statement stops here without a closing balance (:62F:): the file "
        "is cut short"
    )


def test_a_file_ending_on_an_intermediate_balance_is_refused() -> None:
    data = b":20:A\n:25:ACC1\n:28C:1/1\n:60F:C250403GBP100,00\n:62M:C250403GBP100,00\n"
    assert refused(data) == (
        "line 5 (:62M:): the file ends on an intermediate balance, so the rest of the "
        "statement is missing (the file is cut short)"
    )


def test_balances_that_do_not_add_up_are_refused() -> None:
    assert refused(SAMPLE.replace(b"1100,50", b"1100,51")) == (
        "line 14 (:62F:): the closing balance £1,100.51 does not equal the opening balance "
        "£1,000.00 plus the 3 transactions (£1,100.50); the file is incomplete or altered"
    )


def test_a_gap_between_statements_is_refused() -> None:
    body = (
        ":20:A\n:25:ACC1\n:28C:1/1\n:60F:C250403GBP100,00\n:62F:C250404GBP100,00\n"
        ":20:B\n:25:ACC1\n:28C:2/1\n:60F:C250404GBP90,00\n:62F:C250407GBP90,00\n"
    )
    assert refused(body.encode()) == (
        "line 6 (:60F:): the opening balance £90.00 is not the previous statement's closing "
        "balance £100.00; a statement is missing"
    )


def test_a_second_account_in_the_file_is_refused() -> None:
    body = (
        ":20:A\n:25:ACC1\n:28C:1/1\n:60F:C250403GBP100,00\n:62F:C250404GBP100,00\n"
        ":20:B\n:25:ACC2\n:28C:2/1\n:60F:C250404GBP100,00\n:62F:C250407GBP100,00\n"
    )
    assert refused(body.encode()) == (
        "line 6 (:25:): this statement is for account ACC2 but the file's first is for ACC1; "
        "ask the bank for one file per account"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # The library on its own would move 30 February to the 28th.
        (
            b":61:250407D",
            b":61:250230D",
            "line 10 (:61:): '250230' is not a real date written as yymmdd",
        ),
        (b"125,50", b"125,505", "line 6 (:61:): '125,505' is not a whole number of pence"),
        (
            b":60F:C250404GBP",
            b":60F:C250404EUR",
            "line 5 (:60F:): the currency is EUR; only sterling (GBP) accounts can be read",
        ),
        (
            b":60F:C250404GBP1000,00",
            b":60F:X250404GBP1000,00",
            "line 5 (:60F:): 'X250404GBP1000,00' is not a balance (C/D, date YYMMDD, currency, "
            "amount)",
        ),
        (b":25:40000012345678\n", b"", "line 2 (:20:): this statement has no account (:25:)"),
    ],
)
def test_unreadable_fields_are_refused_with_their_line(
    old: bytes, new: bytes, message: str
) -> None:
    assert refused(SAMPLE.replace(old, new)) == message


def test_entry_counts_that_disagree_are_refused() -> None:
    data = SAMPLE.replace(b":62F:C250407GBP1100,50\n", b":62F:C250407GBP1100,50\n:90C:2GBP125,50\n")
    assert refused(data) == (
        "line 15 (:90C:): the file says 2 entries totalling £125.50 but holds 1 totalling £125.50"
    )


def test_text_before_the_first_tag_is_refused() -> None:
    assert refused(b"HELLO\n:20:A\n") == "line 1: 'HELLO' comes before the first tag"


def test_a_file_with_no_statement_is_refused() -> None:
    assert refused(b"") == "The file holds no MT940 statement (no :20: tag was found)"


@given(st.lists(st.integers(-(10**8), 10**8), max_size=12), st.integers(-(10**8), 10**8))
def test_any_balanced_statement_reads_back_its_amounts(amounts: list[int], opening: int) -> None:
    statement = read_mt940(mt940_file(amounts, opening))
    assert [line.amount for line in statement.lines] == amounts
    assert statement.opening_balance == opening
    assert statement.closing_balance == opening + sum(amounts)
    assert [line.bank_transaction_id for line in statement.lines] == [
        f"FP{number:05d}" for number in range(1, len(amounts) + 1)
    ]

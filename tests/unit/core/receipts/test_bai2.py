"""BAI2 files: nesting, control totals and record counts checked with line numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.receipts.bai2 import read_bai2
from carecharge.core.receipts.types import StatementError
from tests.unit.core.receipts.helpers import ACCOUNT, bai2_file

SAMPLE = b"""01,TESTBANK,COUNCIL,250407,0600,1,,,2/
02,COUNCIL,TESTBANK,1,250407,0600,GBP,2/
03,40000012345678,GBP,010,100000,,,015,110550,,/
16,175,12550,Z,FP0001,CARE 12345674,J SMITH
88,CARE CHARGE
16,475,2000,V,250408,0000,,,BANK CHARGE/
49,225100,5/
98,225100,1,7/
99,225100,1,9/
"""


def refused(data: bytes) -> str:
    with pytest.raises(StatementError) as caught:
        read_bai2(data)
    return str(caught.value)


def test_a_file_is_read_to_the_penny() -> None:
    statement = read_bai2(SAMPLE)
    assert statement.format == "bai2"
    assert statement.account == ACCOUNT
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 7), date(2025, 4, 7))
    assert (statement.opening_balance, statement.closing_balance) == (100000, 110550)
    assert [
        (line.amount, line.narrative, line.bank_transaction_id, line.line, line.value_date)
        for line in statement.lines
    ] == [
        (12550, "CARE 12345674 J SMITH CARE CHARGE", "FP0001", 4, date(2025, 4, 7)),
        (-2000, "BANK CHARGE", None, 6, date(2025, 4, 8)),
    ]


@pytest.mark.parametrize(
    ("keep", "message"),
    [
        (
            8,
            "line 8 (98): the file stops here without its 99 file trailer: it is cut short, so "
            "none of it has been read",
        ),
        (
            7,
            "line 7 (49): the file stops here without its 98 group trailer and 99 file trailer: "
            "it is cut short, so none of it has been read",
        ),
        (
            5,
            "line 4 (16): the file stops here without its 49 account trailer, 98 group trailer "
            "and 99 file trailer: it is cut short, so none of it has been read",
        ),
    ],
)
def test_a_cut_short_file_is_refused_at_its_last_line(keep: int, message: str) -> None:
    # The bai2 library on its own never returns from the last case, a file cut inside an account.
    assert refused(b"\n".join(SAMPLE.splitlines()[:keep])) == message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            b"49,225100,5/",
            b"49,225101,5/",
            "line 7 (49 control total): the file says £2,251.01 but the records it closes give "
            "£2,251.00; the file is incomplete or altered",
        ),
        (
            b"49,225100,5/",
            b"49,225100,4/",
            "line 7 (49 number of records): the file says 4 but the records it closes give 5; "
            "the file is incomplete or altered",
        ),
        (
            b"98,225100,1,7/",
            b"98,225100,2,7/",
            "line 8 (98 number of accounts): the file says 2 but the records it closes give 1; "
            "the file is incomplete or altered",
        ),
        (
            b"99,225100,1,9/",
            b"99,225100,1,8/",
            "line 9 (99 number of records): the file says 8 but the records it closes give 9; "
            "the file is incomplete or altered",
        ),
        (
            b"99,225100,1,9/",
            b"99,225000,1,9/",
            "line 9 (99 control total): the file says £2,250.00 but the records it closes give "
            "£2,251.00; the file is incomplete or altered",
        ),
        (
            b"12550,Z",
            b"12_550,Z",
            "line 4 (16 amount): '12_550' is not an amount in pence",
        ),
        (
            b"16,475",
            b"16,999",
            "line 6 (16): the record cannot be read (Type code '999' is not supported yet)",
        ),
        (
            b"250407,0600,GBP",
            b"250231,0600,GBP",
            "line 2 (02): the record cannot be read (day is out of range for month)",
        ),
        (
            b"03,40000012345678,GBP",
            b"03,40000012345678,USD",
            "line 3 (03 currency): the currency is 'USD'; only sterling (GBP) accounts can be read",
        ),
    ],
)
def test_inconsistent_or_unreadable_records_are_refused(
    old: bytes, new: bytes, message: str
) -> None:
    assert old in SAMPLE
    assert refused(SAMPLE.replace(old, new)) == message


def test_the_accounts_own_currency_overrides_the_groups() -> None:
    statement = read_bai2(SAMPLE.replace(b"0600,GBP,2/", b"0600,USD,2/"))
    assert statement.closing_balance == 110550


def test_a_group_currency_left_blank_means_dollars_and_is_refused() -> None:
    data = SAMPLE.replace(b"0600,GBP,2/", b"0600,,2/").replace(b"5678,GBP,010", b"5678,,010")
    assert refused(data) == (
        "line 3 (03 currency): the currency is 'not given (BAI2 then means US dollars)'; only "
        "sterling (GBP) accounts can be read"
    )


def test_ledger_balances_that_do_not_add_up_are_refused() -> None:
    # Totals kept right so that only the balance equation is wrong.
    data = (
        SAMPLE.replace(b"015,110550", b"015,110551")
        .replace(b"49,225100", b"49,225101")
        .replace(b"98,225100", b"98,225101")
        .replace(b"99,225100", b"99,225101")
    )
    assert refused(data) == (
        "line 3 (03 (015)): the closing ledger balance £1,105.51 does not equal the opening "
        "ledger balance £1,000.00 plus the 2 transactions (£1,105.50); the file is incomplete "
        "or altered"
    )


def test_a_total_credits_summary_that_disagrees_is_refused() -> None:
    # 100 (total credits) says 2 items of £125.50; the account holds one. Totals kept right.
    data = (
        SAMPLE.replace(b"015,110550,,/", b"015,110550,,,100,12550,2,Z/")
        .replace(b"49,225100", b"49,237650")
        .replace(b"98,225100", b"98,237650")
        .replace(b"99,225100", b"99,237650")
    )
    assert refused(data) == (
        "line 3 (03 (100)): the file says 2 items totalling £125.50 but holds 1 totalling £125.50"
    )


def test_a_record_out_of_place_is_refused() -> None:
    data = SAMPLE.replace(b"02,COUNCIL", b"03,COUNCIL", 1)
    assert refused(data) == "line 2 (03): a 03 record cannot come here; expected 02 or 99"


def test_records_after_the_file_trailer_are_refused() -> None:
    assert refused(SAMPLE + b"01,AGAIN/\n") == (
        "line 10: there are records after the 99 file trailer"
    )


@given(st.lists(st.integers(-(10**8), 10**8), max_size=12), st.integers(-(10**8), 10**8))
def test_any_balanced_file_reads_back_its_amounts(amounts: list[int], opening: int) -> None:
    statement = read_bai2(bai2_file(amounts, opening))
    assert [line.amount for line in statement.lines] == amounts
    assert (statement.opening_balance, statement.closing_balance) == (
        opening,
        opening + sum(amounts),
    )

"""CSV bank exports through a column layout: both amount styles, control totals, bad rows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.money import to_decimal_string
from carecharge.core.receipts.csv_statement import CsvLayout, read_csv_statement
from carecharge.core.receipts.types import StatementError

# The layout of a Lloyds-style export: split debit and credit columns, dd/mm/yyyy dates.
SPLIT = CsvLayout(
    date="Transaction Date",
    reference="Transaction Description",
    credit="Credit Amount",
    debit="Debit Amount",
    control_total_label="Total",
)
SIGNED = CsvLayout(
    date="Date",
    reference="Reference",
    amount="Amount",
    payer="Counterparty",
    transaction_id="Id",
    value_date="Value Date",
    date_format="%Y-%m-%d",
    skip_rows=2,
)

SPLIT_FILE = (
    b"Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    b"Debit Amount,Credit Amount,Balance\r\n"
    b"07/04/2025,FPI,'40-00-00,12345678,J SMITH 1234 5674 CARE,,125.50,1125.50\r\n"
    b"07/04/2025,CHG,'40-00-00,12345678,ACCOUNT FEE,20.00,,1105.50\r\n"
    b'08/04/2025,BGC,\'40-00-00,12345678,"SMITH, J CARE",,"1,000.00",2105.50\r\n'
    b"Total,,,,,20.00,1125.50,\r\n"
)

SIGNED_FILE = (
    "Account: Council income\n"
    "From 2025-04-07 to 2025-04-07\n"
    "Id,Date,Value Date,Amount,Counterparty,Reference\n"
    "TX1,2025-04-07,2025-04-08,125.50,MRS J SMITH,CARE 12345674\n"
    "TX2,2025-04-07,,-£3.00,BANK,FEE\n"
).encode()


def refused(data: bytes, layout: CsvLayout = SPLIT) -> str:
    with pytest.raises(StatementError) as caught:
        read_csv_statement(data, layout, account="40000012345678")
    return str(caught.value)


def test_split_credit_and_debit_columns_are_read_and_checked_against_the_total_row() -> None:
    statement = read_csv_statement(SPLIT_FILE, SPLIT, account="40000012345678")
    assert (statement.format, statement.account) == ("csv", "40000012345678")
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 7), date(2025, 4, 8))
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    assert [(line.amount, line.narrative, line.line) for line in statement.lines] == [
        (12550, "J SMITH 1234 5674 CARE", 2),
        (-2000, "ACCOUNT FEE", 3),
        (100000, "SMITH, J CARE", 4),
    ]


def test_a_signed_amount_column_with_ids_payers_and_a_preamble_is_read() -> None:
    statement = read_csv_statement(SIGNED_FILE, SIGNED, account="40000012345678")
    first, second = statement.lines
    assert (first.amount, first.payer, first.bank_transaction_id, first.line) == (
        12550,
        "MRS J SMITH",
        "TX1",
        4,
    )
    assert (first.booking_date, first.value_date) == (date(2025, 4, 7), date(2025, 4, 8))
    assert (second.amount, second.value_date) == (-300, date(2025, 4, 7))


def test_a_file_without_its_control_total_row_is_refused_as_cut_short() -> None:
    cut = b"\r\n".join(SPLIT_FILE.split(b"\r\n")[:3])
    assert refused(cut) == (
        "The file has no control total row (a last row starting 'Total'); it may have been cut "
        "short, so none of it has been read"
    )


def test_a_control_total_that_disagrees_is_refused() -> None:
    assert refused(SPLIT_FILE.replace(b"20.00,1125.50,", b"20.00,1125.49,")) == (
        "line 5 (Credit Amount): the control total £1,125.49 does not equal the sum of the 3 "
        "transactions, £1,125.50; the file may be incomplete or altered"
    )


def test_missing_columns_are_named() -> None:
    data = SPLIT_FILE.replace(b"Credit Amount", b"Credit")
    assert refused(data) == (
        "line 1: the header is missing these columns: Credit Amount (the header read was: "
        "Transaction Date, Transaction Type, Sort Code, Account Number, Transaction "
        "Description, Debit Amount, Credit, Balance)"
    )


def test_every_bad_row_is_reported_at_once() -> None:
    data = (
        SPLIT_FILE.replace(b"07/04/2025,FPI", b"31/02/2025,FPI")
        .replace(b"ACCOUNT FEE,20.00,,", b"ACCOUNT FEE,20.00,5.00,")
        .replace(b'"1,000.00"', b"12.345")
    )
    assert refused(data) == (
        "line 2 (Transaction Date): '31/02/2025' is not a real date written as dd/mm/yyyy\n"
        "line 3: both Credit Amount ('5.00') and Debit Amount ('20.00') have an amount; a "
        "transaction is one or the other\n"
        "line 4 (Credit Amount): '12.345' has more than two decimal places"
    )


def test_a_row_with_neither_credit_nor_debit_is_refused() -> None:
    data = SPLIT_FILE.replace(b"ACCOUNT FEE,20.00,,", b"ACCOUNT FEE,,,")
    assert refused(data) == "line 3: neither Credit Amount nor Debit Amount has an amount"


def test_a_row_with_a_missing_value_is_refused() -> None:
    data = SIGNED_FILE.replace(b"TX2,2025-04-07,,-", b"TX2,2025-04-07,-")
    assert refused(data, SIGNED) == (
        "line 5: this line has 5 values but the header has 6 columns; a value containing a "
        "comma may not be in double quotes"
    )


def test_a_file_that_is_not_utf8_is_refused_with_the_hint() -> None:
    data = SIGNED_FILE.replace(b"MRS J SMITH", b"MRS J SM\xcdTH")
    assert refused(data, SIGNED) == (
        "The file is not saved as UTF-8 text: line 4 contains a character that cannot be read "
        '(byte 0xCD). Open it in Excel and save it again choosing "CSV UTF-8 (Comma delimited)"'
    )


def test_a_layout_needs_one_amount_style() -> None:
    with pytest.raises(ValueError, match="either an amount column or credit and debit"):
        CsvLayout(date="d", reference="r", amount="a", credit="c", debit="x")
    with pytest.raises(ValueError, match="either an amount column or credit and debit"):
        CsvLayout(date="d", reference="r", credit="c")


@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=12))
def test_any_signed_export_reads_back_its_amounts(amounts: list[int]) -> None:
    rows = ["x", "y", "Id,Date,Value Date,Amount,Counterparty,Reference"]
    rows += [
        f"T{n},2025-04-07,,{to_decimal_string(pence)},PAYER,REF {n}"
        for n, pence in enumerate(amounts, start=1)
    ]
    statement = read_csv_statement("\n".join(rows).encode(), SIGNED, account="A")
    assert [line.amount for line in statement.lines] == amounts

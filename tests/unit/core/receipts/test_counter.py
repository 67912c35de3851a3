"""Counter payment files through a layout: fixed width and CSV, trailer count and total."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.receipts.counter import CounterLayout, Span, read_counter_file
from carecharge.core.receipts.types import Channel, StatementError

FIXED = CounterLayout(
    scheme="allpay",
    delimited=False,
    record_type=Span(1, 1),
    reference=Span(2, 20),
    amount=Span(21, 29),
    date=Span(30, 37),
    transaction_id=Span(38, 47),
    channel=Span(48, 49),
    channel_codes={"PO": Channel.POST_OFFICE, "PP": Channel.PAYPOINT},
    trailer_count=Span(2, 7),
    trailer_total=Span(8, 19),
)

CSV = CounterLayout(
    scheme="paypoint",
    delimited=True,
    header_code=None,
    record_type=Span(1),
    reference=Span(2),
    amount=Span(3),
    date=Span(4),
    trailer_count=Span(2),
    trailer_total=Span(3),
    amount_in_pence=False,
    date_format="%d/%m/%Y",
    default_channel=Channel.PAYPOINT,
)


def fixed_payment(reference: str, pence: int, transaction: str, channel: str = "PO") -> str:
    return f"D{reference:<19}{pence:09d}07042025{transaction:<10}{channel}"


def fixed_file(payments: list[str], count: int | None = None, total: int | None = None) -> bytes:
    pence = sum(int(payment[20:29]) for payment in payments)
    count = len(payments) if count is None else count
    total = pence if total is None else total
    rows = ["H ALLPAY DAILY 07042025", *payments, f"T{count:06d}{total:012d}"]
    return ("\r\n".join(rows) + "\r\n").encode()


SAMPLE = fixed_file(
    [
        fixed_payment("12345674", 1250, "TX00000001"),
        fixed_payment("1234 5674", 1250, "TX00000002", "PP"),
    ]
)


def refused(data: bytes, layout: CounterLayout = FIXED) -> str:
    with pytest.raises(StatementError) as caught:
        read_counter_file(data, layout)
    return str(caught.value)


def test_a_fixed_width_file_is_read_with_channels_and_ids() -> None:
    statement = read_counter_file(SAMPLE, FIXED)
    assert (statement.format, statement.account) == ("counter", "allpay")
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 7), date(2025, 4, 7))
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    assert [
        (line.amount, line.narrative, line.channel, line.bank_transaction_id, line.line)
        for line in statement.lines
    ] == [
        (1250, "12345674", Channel.POST_OFFICE, "TX00000001", 2),
        (1250, "1234 5674", Channel.PAYPOINT, "TX00000002", 3),
    ]


def test_a_csv_file_in_pounds_without_a_header_is_read() -> None:
    data = b"D,12345674,12.50,07/04/2025\nD,76543214,-3.00,07/04/2025\nT,2,9.50\n"
    statement = read_counter_file(data, CSV)
    assert [(line.amount, line.narrative, line.channel) for line in statement.lines] == [
        (1250, "12345674", Channel.PAYPOINT),
        (-300, "76543214", Channel.PAYPOINT),
    ]
    assert statement.lines[0].transaction_id.startswith("h:")


def test_a_day_with_no_payments_is_a_statement_with_no_lines() -> None:
    statement = read_counter_file(fixed_file([]), FIXED)
    assert (statement.lines, statement.period_start) == ((), None)


def test_a_file_without_its_trailer_is_refused_as_cut_short() -> None:
    cut = b"\r\n".join(SAMPLE.split(b"\r\n")[:3])
    assert refused(cut) == (
        "line 3: the file has no trailer record (T) at the end: it is cut short, so none of it "
        "has been read"
    )


def test_a_trailer_that_disagrees_with_the_payments_is_refused() -> None:
    data = fixed_file([fixed_payment("12345674", 1250, "TX1")], count=2, total=1251)
    assert refused(data) == (
        "line 3 (trailer count): the trailer says 2 payments but the file holds 1; the file is "
        "incomplete or altered\n"
        "line 3 (trailer total): the trailer total £12.51 does not equal the payments' total "
        "£12.50; the file is incomplete or altered"
    )


def test_every_bad_payment_is_reported_at_once() -> None:
    data = fixed_file(
        [
            fixed_payment("12345674", 1250, "TX1", "ZZ"),
            fixed_payment("12345674", 1250, "TX2").replace("07042025", "31022025"),
        ]
    )
    assert refused(data) == (
        "line 2 (channel): 'ZZ' is not a known channel code (known: PO, PP)\n"
        "line 3 (date): '31022025' is not a real date written as ddmmyyyy"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"X HEADER\r\nT000000000000000000\r\n",
            "line 1 (record type): the file must start with its header record (H)",
        ),
        (
            b"H\r\nD12345674\r\nT000001000000001250\r\n",
            "line 2 (date): the record is 9 characters long; the layout reads positions 30 to 37",
        ),
        (
            b"H\r\nT000000000000000000\r\nT000000000000000000\r\n",
            "line 2 (record type): a trailer record before the end of the file",
        ),
        (
            b"H\r\n"
            + fixed_payment("1", 1, "T").replace("000000001", "00000001X").encode()
            + b"\r\nT000001000000000001\r\n",
            "line 2 (amount): '00000001X' is not an amount in pence",
        ),
    ],
)
def test_malformed_records_are_refused(data: bytes, message: str) -> None:
    assert refused(data) == message


def test_a_repeated_transaction_id_is_refused() -> None:
    data = fixed_file([fixed_payment("1", 100, "TX1"), fixed_payment("2", 200, "TX1")])
    assert refused(data) == (
        "line 3 (transaction id): TX1 is also the id of the transaction on line 2; a bank never "
        "gives two transactions the same id, so the file is damaged or two files were joined"
    )


def test_a_layout_that_mixes_csv_columns_and_positions_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="reference: a fixed-width field needs positions"):
        CounterLayout(
            scheme="x",
            delimited=False,
            record_type=Span(1, 1),
            reference=Span(2),
            amount=Span(3, 4),
            date=Span(5, 12),
            trailer_count=Span(2, 3),
            trailer_total=Span(4, 5),
        )


@given(st.lists(st.integers(0, 10**8), max_size=15))
def test_any_file_with_a_true_trailer_reads_back_its_payments(amounts: list[int]) -> None:
    payments = [
        fixed_payment(f"{n:08d}", pence, f"TX{n}") for n, pence in enumerate(amounts, start=1)
    ]
    statement = read_counter_file(fixed_file(payments), FIXED)
    assert [line.amount for line in statement.lines] == amounts
    assert sum(line.amount for line in statement.lines) == sum(amounts)

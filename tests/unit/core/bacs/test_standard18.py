"""The Standard 18 writer: exact records for each kind of file, and what it refuses."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from carecharge.core.bacs.standard18 import (
    MAX_AMOUNT_PENCE,
    BankAccount,
    Standard18Error,
    Standard18File,
    Standard18Item,
    bacs_date,
    read_bacs_date,
    reference_problem,
    write_standard18,
)

COUNCIL = BankAccount("40-00-00", "12345678", "Exampleshire ASC")
PROCESSING_DAY = date(2026, 12, 24)  # day 358; Thursday before Christmas


def item(
    reference: str = "ASC0000123",
    code: str = "17",
    pence: int = 12345,
    name: str = "ANN EXAMPLE",
    sort_code: str = "200000",
    account: str = "00001234",
) -> Standard18Item:
    return Standard18Item(sort_code, account, name, code, pence, reference)


def description(*items: Standard18Item, **changes: object) -> Standard18File:
    file = Standard18File(
        sun="123456",
        su_name="Exampleshire CC",
        originator=COUNCIL,
        processing_day=PROCESSING_DAY,
        created_on=date(2026, 12, 21),
        serial_number=7,
        items=items or (item(),),
    )
    return dataclasses.replace(file, **changes)  # type: ignore[arg-type]


def refused(file: Standard18File) -> tuple[str, ...]:
    with pytest.raises(Standard18Error) as caught:
        write_standard18(file)
    return caught.value.problems


# Labels spelled out field by field from the layout in formats-and-libraries.md §1.4.
VOL1 = "VOL1" + "000007" + " " + " " * 26 + "    123456    " + " " * 28 + "1"
HDR1_REST = (
    "A123456S  1123456"  # file identifier: A, SUN, S, 2 spaces, marker, SUN
    + "000007"  # set identification = VOL1 serial
    + "0001"
    + "0001"
    + " " * 6
    + " 26355"  # created 21 Dec 2026
    + " 26365"  # expires 31 Dec 2026, a week after processing
    + " "
    + "000000"
    + " " * 20
)
HDR2_REST = "F" + "02000" + "00100" + " " * 35 + "00" + " " * 28
UHL1 = "UHL1" + " 26358" + "999999    " + "00" + "000000" + "1 DAILY  " + "001" + " " * 40
ORIGIN = "400000" + "12345678"
SU_NAME = "EXAMPLESHIRE CC   "


def test_a_collection_file_has_every_record_in_place() -> None:
    file = description(
        item("ASC0000123", "01", 12345, "Ann Example", "20-00-00"),
        item("asc-0000124", "17", 2500, "b. sample & co", "309634", "87654321"),
        item("ASC/0000125", "18", 99, "CAROL TEST", "404784", "11112222"),
    )
    expected = [
        VOL1,
        "HDR1" + HDR1_REST,
        "HDR2" + HDR2_REST,
        UHL1,
        "200000" + "00001234" + "0" + "01" + ORIGIN + "    " + "00000012345"
        + SU_NAME + "ASC0000123        " + "ANN EXAMPLE       ",
        "309634" + "87654321" + "0" + "17" + ORIGIN + "    " + "00000002500"
        + SU_NAME + "ASC-0000124       " + "B. SAMPLE & CO    ",
        "404784" + "11112222" + "0" + "18" + ORIGIN + "    " + "00000000099"
        + SU_NAME + "ASC/0000125       " + "CAROL TEST        ",
        # The contra credits the council's own account with the sum of the debits.
        ORIGIN + "0" + "99" + ORIGIN + "    " + "00000014944"
        + SU_NAME + "CONTRA            " + "EXAMPLESHIRE ASC  ",
        "EOF1" + HDR1_REST,
        "EOF2" + HDR2_REST,
        "UTL1" + "0000000014944" + "0000000014944" + "0000003" + "0000001" + " " * 36,
    ]  # fmt: skip
    text = write_standard18(file)
    assert text == "".join(line + "\n" for line in expected)
    assert [len(line) for line in text.splitlines()] == [80] * 4 + [100] * 4 + [80] * 3


def test_crlf_line_endings_on_request() -> None:
    lf = write_standard18(description())
    crlf = write_standard18(description(), line_ending="\r\n")
    assert crlf == lf.replace("\n", "\r\n")
    assert crlf.count("\r\n") == 9
    assert crlf.endswith("\r\n")


def test_a_line_ending_other_than_lf_or_crlf_is_refused() -> None:
    with pytest.raises(Standard18Error, match=r"^line ending must be LF or CRLF, got '\\r'$"):
        write_standard18(description(), line_ending="\r")


def test_a_refund_file_is_balanced_by_a_debit_contra_code_17() -> None:
    text = write_standard18(
        description(item("ASC0000123", "99", 4000), item("ASC0000124", "99", 1550))
    )
    lines = text.splitlines()
    assert lines[6] == (
        ORIGIN + "0" + "17" + ORIGIN + "    " + "00000005550"
        + SU_NAME + "CONTRA            " + "EXAMPLESHIRE ASC  "
    )  # fmt: skip
    # Debits: the one contra; credits: the two refunds.
    assert lines[-1] == "UTL1" + "0000000005550" * 2 + "0000001" + "0000002" + " " * 36


def test_an_auddis_file_has_zero_amounts_and_no_contra() -> None:
    text = write_standard18(
        description(
            item("ASC0000123", "0N", 0),
            item("ASC0000124", "0C", 0),
            item("ASC0000125", "0S", 0),
        )
    )
    lines = text.splitlines()
    assert len(lines) == 10
    assert [line[15:17] for line in lines[4:7]] == ["0N", "0C", "0S"]
    assert [line[35:46] for line in lines[4:7]] == ["00000000000"] * 3
    assert lines[7].startswith("EOF1")
    assert lines[-1] == "UTL1" + "0" * 26 + "0000003" + "0000000" + " " * 36


def test_a_contra_over_the_11_digit_limit_is_split() -> None:
    text = write_standard18(
        description(
            item("ASC0000123", "17", 60_000_000_000), item("ASC0000124", "17", 60_000_000_000)
        )
    )
    contras = [line for line in text.splitlines() if line[64:70] == "CONTRA"]
    assert [line[35:46] for line in contras] == ["99999999999", "20000000001"]
    assert text.splitlines()[-1][:44] == "UTL1" + "0120000000000" * 2 + "0000002" + "0000002"


def test_lower_case_is_upper_cased_and_surrounding_spaces_dropped() -> None:
    text = write_standard18(
        description(item(" asc0000123 ", name=" ann oneill "), su_name="x council")
    )
    data = text.splitlines()[4]
    assert data[46:64] == "X COUNCIL         "
    assert data[64:82] == "ASC0000123        "
    assert data[82:100] == "ANN ONEILL        "


def test_every_problem_is_listed_naming_the_item() -> None:
    file = description(
        item("ASC0000123", "17", 0),
        item("DDIC000124", "17", 100, name="JOSÉ EXAMPLE", account="1234"),
        item("ASC0000125", "0N", 100),
        sun="12345",
        serial_number=0,
    )
    assert refused(file) == (
        "service user number must be 6 digits, got '12345'",
        "serial number must be a whole number from 1 to 999999, got 0",
        "item 1 (reference 'ASC0000123'): amount must be more than 0 pence for code 17, got 0",
        "item 2 (reference 'DDIC000124'): account number must be 8 digits, got '1234'",
        "item 2 (reference 'DDIC000124'): reference 'DDIC000124' must not start with DDIC "
        "(kept for indemnity claims)",
        "item 2 (reference 'DDIC000124'): payer name 'JOSÉ EXAMPLE' has 'É', which is not in "
        "the Bacs character set (A-Z 0-9 . & / - space)",
        "item 3 (reference 'ASC0000125'): amount must be 0 for an AUDDIS instruction (code 0N), "
        "got 100",
    )


@pytest.mark.parametrize(
    ("changed", "problem"),
    [
        ({"sort_code": "40-00-0"}, "sort code must be 6 digits, got '40-00-0'"),
        ({"sort_code": "40.00.00"}, "sort code must be 6 digits, got '40.00.00'"),
        ({"account_number": "1234567X"}, "account number must be 8 digits, got '1234567X'"),
        ({"account_type": "A"}, "account type must be 1 digits, got 'A'"),
        (
            {"transaction_code": "Z4"},
            "transaction code 'Z4' is not one of 0N, 0C, 0S, 01, 17, 18, 19, 99",
        ),
        ({"amount_pence": -5}, "amount must be more than 0 pence for code 17, got -5"),
        ({"amount_pence": 12.5}, "amount must be a whole number of pence, got 12.5"),
        ({"amount_pence": True}, "amount must be a whole number of pence, got True"),
        (
            {"amount_pence": MAX_AMOUNT_PENCE + 1},
            "amount 100000000000 pence does not fit the 11-digit amount field",
        ),
        (
            {"payer_name": "MARGARET EXAMPLE-SMITH"},
            "payer name 'MARGARET EXAMPLE-SMITH' is 22 characters, more than 18",
        ),
        ({"payer_name": "   "}, "payer name is blank"),
        (
            {"payer_name": "ANN_EXAMPLE"},
            "payer name 'ANN_EXAMPLE' has '_', which is not in the Bacs character set "
            "(A-Z 0-9 . & / - space)",
        ),
        ({"payer_name": None}, "payer name must be text, got NoneType"),
    ],
)
def test_an_item_that_cannot_be_written_as_given_is_refused(
    changed: dict[str, object], problem: str
) -> None:
    bad = dataclasses.replace(item(), **changed)  # type: ignore[arg-type]
    assert refused(description(bad)) == (f"item 1 (reference 'ASC0000123'): {problem}",)


NOT_BACS = "which is not in the Bacs character set (A-Z 0-9 . & / - space)"


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("ASC12", "reference 'ASC12' must be 6 to 18 characters, got 5"),
        (
            "ASC1234567890123456",
            "reference 'ASC1234567890123456' must be 6 to 18 characters, got 19",
        ),
        ("ASC_000123", f"reference 'ASC_000123' has '_', {NOT_BACS}"),
        ("-ASC00012", "reference '-ASC00012' must start with a letter or digit"),
        ("0000000", "reference '0000000' must not be one character repeated"),
        ("DDIC12345", "reference 'DDIC12345' must not start with DDIC (kept for indemnity claims)"),
    ],
)
def test_references_follow_the_bacs_rules(reference: str, problem: str) -> None:
    assert reference_problem(reference) == problem
    assert refused(description(item(reference))) == (
        f"item 1 (reference {reference!r}): {problem}",
    )


@pytest.mark.parametrize("reference", ["ASC001", "123456789012345678", "A B/C.D&E-F", "DDI0001"])
def test_good_references_pass(reference: str) -> None:
    assert reference_problem(reference) is None


def test_collections_refunds_and_auddis_do_not_share_a_file() -> None:
    file = description(
        item("ASC0000123", "17"), item("ASC0000124", "99"), item("ASC0000125", "0N", 0)
    )
    assert refused(file) == (
        "item 2 (reference 'ASC0000124'): code 99 (credit (refund)) cannot share a file with code "
        "17 (regular collection); collections, refunds and AUDDIS instructions each go in a file "
        "of their own",
        "item 3 (reference 'ASC0000125'): code 0N (new instruction (AUDDIS)) cannot share a file "
        "with code 17 (regular collection); collections, refunds and AUDDIS instructions each go "
        "in a file of their own",
    )


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"items": ()}, "items: a file needs at least one item"),
        ({"items": [item(), "not an item"]}, "item 2: must be a Standard18Item, got str"),
        ({"su_name": ""}, "service user name is blank"),
        (
            {"originator": BankAccount("400000", "1234", "X")},
            "originator account number must be 8 digits, got '1234'",
        ),
        (
            {"originator": ("400000", "12345678", "X")},
            "originator must be a BankAccount, got tuple",
        ),
        (
            {"serial_number": 1_000_000},
            "serial number must be a whole number from 1 to 999999, got 1000000",
        ),
        ({"file_number": 0}, "file number must be a whole number from 1 to 999, got 0"),
        (
            {"work_code": "4 MULTI"},
            "work code must be '1 DAILY' (single processing day files), got '4 MULTI'",
        ),
        (
            {"created_on": date(2026, 12, 25)},
            "creation date 2026-12-25 is after the processing day 2026-12-24",
        ),
        (
            {"processing_day": datetime(2026, 12, 24, 9)},
            "processing day must be a date, got datetime",
        ),
        (
            {"processing_day": date(2100, 1, 4)},
            "processing day 2100-01-04 is outside 2000-2099, which bYYDDD cannot show",
        ),
        (
            {"processing_day": date(2099, 12, 28)},
            "processing day 2099-12-28 is too late: the file's expiration date would fall "
            "after 2099",
        ),
    ],
)
def test_a_file_description_that_cannot_be_written_is_refused(
    changes: dict[str, object], problem: str
) -> None:
    assert refused(description(**changes)) == (problem,)


def test_something_other_than_a_description_is_refused() -> None:
    with pytest.raises(Standard18Error, match=r"^description must be a Standard18File, got dict$"):
        write_standard18({})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "field"),
    [
        (date(2026, 1, 1), " 26001"),
        (date(2026, 12, 28), " 26362"),
        (date(2028, 12, 31), " 28366"),
        (date(2027, 3, 26), " 27085"),
    ],
)
def test_dates_are_written_and_read_as_byyddd(day: date, field: str) -> None:
    assert bacs_date(day) == field
    assert read_bacs_date(field) == day


@pytest.mark.parametrize("field", [" 27366", " 26000", "026001", " 2600A", " 2601", "  6001"])
def test_a_field_that_is_not_byyddd_reads_as_none(field: str) -> None:
    assert read_bacs_date(field) is None


def test_a_run_too_big_for_the_utl1_totals_is_refused() -> None:
    items = tuple(item(f"ASC{number:07d}", pence=MAX_AMOUNT_PENCE) for number in range(101))
    assert refused(description(*items)) == (
        "items total 10099999999899 pence, more than the 9999999999999 a file can carry: split "
        "the run into several files",
    )

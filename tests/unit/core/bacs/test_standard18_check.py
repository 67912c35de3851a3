"""The Standard 18 validator: the control report of a good file, exact refusals of broken ones."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecharge.core.bacs.standard18 import (
    AUDDIS_CODES,
    CREDIT_CODES,
    DEBIT_CODES,
    MAX_AMOUNT_PENCE,
    BankAccount,
    FileKind,
    Standard18File,
    Standard18Item,
    reference_problem,
    write_standard18,
)
from carecharge.core.bacs.standard18_check import (
    CodeTotal,
    Standard18Error,
    check_standard18,
)

COUNCIL = BankAccount("400000", "12345678", "EXAMPLESHIRE ASC")
ITEMS = (
    Standard18Item("200000", "00001234", "ANN EXAMPLE", "01", 12345, "ASC0000123"),
    Standard18Item("309634", "87654321", "B. SAMPLE & CO", "17", 2500, "ASC-0000124"),
    Standard18Item("404784", "11112222", "CAROL TEST", "17", 99, "ASC/0000125"),
)
# Real 2026/2027 England & Wales bank holidays that fall on weekdays.
BANK_HOLIDAYS = frozenset({date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)})


def collection_file(*items: Standard18Item, line_ending: str = "\n") -> str:
    return write_standard18(
        Standard18File(
            sun="123456",
            su_name="EXAMPLESHIRE CC",
            originator=COUNCIL,
            processing_day=date(2026, 12, 24),
            created_on=date(2026, 12, 21),
            serial_number=7,
            items=items or ITEMS,
        ),
        line_ending=line_ending,
    )


GOOD = collection_file()
LINES = GOOD.splitlines()  # 1 VOL1, 2 HDR1, 3 HDR2, 4 UHL1, 5-7 data, 8 contra, 9-11 labels


def joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def replaced(line_number: int, start: int, new: str) -> str:
    """GOOD with ``new`` written over line ``line_number`` from 1-based position ``start``."""
    lines = list(LINES)
    line = lines[line_number - 1]
    lines[line_number - 1] = line[: start - 1] + new + line[start - 1 + len(new) :]
    return joined(lines)


def problems(text: str | bytes, **options: object) -> tuple[str, ...]:
    with pytest.raises(Standard18Error) as caught:
        check_standard18(text, **options)  # type: ignore[arg-type]
    return caught.value.problems


def test_a_good_file_gives_its_control_report() -> None:
    report = check_standard18(GOOD)
    assert report.sun == "123456"
    assert report.serial_number == "000007"
    assert report.file_number == "001"
    assert report.kind is FileKind.COLLECTIONS
    assert report.processing_day == date(2026, 12, 24)
    assert report.created_on == date(2026, 12, 21)
    assert report.items == ITEMS
    assert (report.item_count, report.item_total_pence) == (3, 14944)
    assert report.by_code == (CodeTotal("01", 1, 12345), CodeTotal("17", 2, 2599))
    assert (report.contra_count, report.contra_total_pence) == (1, 14944)
    assert (report.debit_count, report.debit_total_pence) == (3, 14944)
    assert (report.credit_count, report.credit_total_pence) == (1, 14944)
    assert report.record_count == 11
    assert report.sha256 == hashlib.sha256(GOOD.encode("ascii")).hexdigest()


def test_the_control_report_reads_as_text() -> None:
    digest = hashlib.sha256(GOOD.encode("ascii")).hexdigest()
    assert check_standard18(GOOD).as_text() == (
        "Standard 18 control report\n"
        "File type:              Direct Debit collections\n"
        "Service user number:    123456\n"
        "Submission serial:      000007\n"
        "File number:            001\n"
        "Processing day:         Thu 24 Dec 2026 (' 26358' in the file)\n"
        "Created:                Mon 21 Dec 2026\n"
        "Items:                  3 for £149.44\n"
        "  01 first collection:           1 for £123.45\n"
        "  17 regular collection:         2 for £25.99\n"
        "Contra records:         1 for £149.44\n"
        "UTL1 debits:            3 for £149.44\n"
        "UTL1 credits:           1 for £149.44\n"
        "Records in the file:    11\n"
        f"SHA-256:                {digest}\n"
    )


def test_bytes_are_hashed_exactly_as_given() -> None:
    crlf = collection_file(line_ending="\r\n")
    from_bytes = check_standard18(crlf.encode("ascii"))
    assert from_bytes.sha256 == hashlib.sha256(crlf.encode("ascii")).hexdigest()
    assert from_bytes.sha256 != check_standard18(GOOD).sha256
    assert from_bytes.items == ITEMS


def test_a_file_without_a_final_line_ending_is_read() -> None:
    assert check_standard18(GOOD.rstrip("\n")).item_total_pence == 14944


def test_a_refund_file_and_an_auddis_file_pass() -> None:
    refunds = check_standard18(
        collection_file(Standard18Item("200000", "00001234", "ANN EXAMPLE", "99", 700, "REF0001"))
    )
    assert refunds.kind is FileKind.REFUNDS
    assert (refunds.debit_count, refunds.debit_total_pence) == (1, 700)
    assert (refunds.credit_count, refunds.credit_total_pence) == (1, 700)
    auddis = check_standard18(
        collection_file(Standard18Item("200000", "00001234", "ANN EXAMPLE", "0N", 0, "REF0001"))
    )
    assert auddis.kind is FileKind.AUDDIS
    assert (auddis.contra_count, auddis.debit_count, auddis.credit_count) == (0, 1, 0)
    assert auddis.by_code == (CodeTotal("0N", 1, 0),)


# --- the deliberately broken files the brief names -------------------------------------------


def test_a_truncated_file_is_refused() -> None:
    assert problems(joined(LINES[:6])) == (
        "line 5 (data): no contra for originating account 400000 12345678",
        "line 7 (end of file): missing EOF1, EOF2, UTL1; the file is incomplete",
    )


def test_a_file_cut_mid_record_is_refused() -> None:
    assert problems(GOOD[:500]) == (
        "line 6 (data): 75 characters, expected 100",
        "line 7 (end of file): missing EOF1, EOF2, UTL1; the file is incomplete",
    )


def test_a_changed_amount_is_refused_by_the_contra_and_utl1() -> None:
    assert problems(replaced(6, 36, "00000002600")) == (
        "line 8 (contra): amount 00000014944 does not equal the sum of the debits 00000015044",
        "line 11 (UTL1): debit total 0000000014944 does not equal the sum of the debit records "
        "0000000015044",
    )


def test_a_wrong_count_is_refused() -> None:
    assert problems(replaced(11, 31, "0000004")) == (
        "line 11 (UTL1): debit count 0000004 does not equal the number of debit records 0000003",
    )


def test_wrong_utl1_credit_figures_are_refused() -> None:
    assert problems(replaced(11, 18, "0000000014945")) == (
        "line 11 (UTL1): credit total 0000000014945 does not equal the sum of the credit records "
        "0000000014944",
    )


def test_a_101_character_line_is_refused() -> None:
    lines = list(LINES)
    lines[5] += " "
    assert problems(joined(lines)) == ("line 6 (data): 101 characters, expected 100",)


def test_a_long_label_is_refused() -> None:
    lines = list(LINES)
    lines[0] += " " * 20
    assert problems(joined(lines)) == ("line 1 (VOL1): 100 characters, expected 80",)


def test_a_bad_transaction_code_is_refused() -> None:
    assert problems(replaced(5, 16, "Z4")) == (
        "line 5 (data): transaction code 'Z4' is not one of 0N, 0C, 0S, 01, 17, 18, 19, 99",
    )


# --- field by field -------------------------------------------------------------------------


NOT_BACS = "which is not in the Bacs character set (A-Z 0-9 . & / - space)"


@pytest.mark.parametrize(
    ("line", "position", "new", "expected"),
    [
        (5, 1, "20-000", ["line 5 (data): destination sort code '20-000' must be 6 digits"]),
        (
            5,
            7,
            "0000123 ",
            ["line 5 (data): destination account number '0000123 ' must be 8 digits"],
        ),
        (5, 15, "X", ["line 5 (data): account type 'X' must be 1 digits"]),
        (
            5,
            32,
            "ABCD",
            ["line 5 (data): free format field 'ABCD' must be blank, 0000 or /XXX"],
        ),
        (
            5,
            65,
            "DDIC000123",
            [
                "line 5 (data): reference 'DDIC000123' must not start with DDIC "
                "(kept for indemnity claims)"
            ],
        ),
        (
            5,
            65,
            "AAAAAAAAAA",
            ["line 5 (data): reference 'AAAAAAAAAA' must not be one character repeated"],
        ),
        (
            5,
            65,
            "ASC12     ",
            ["line 5 (data): reference 'ASC12' must be 6 to 18 characters, got 5"],
        ),
        (
            5,
            83,
            "Ann Example",
            [f"line 5 (data): account name 'Ann Example' has 'n', {NOT_BACS}"],
        ),
        (5, 47, " " * 18, ["line 5 (data): service user name is blank"]),
        (
            8,
            1,
            "400001",
            ["line 8 (contra): a contra's destination must be the originating account"],
        ),
        (
            1,
            5,
            "000000",
            [
                "line 1 (VOL1): serial number '000000' must be letters or digits, not zeros",
                "line 2 (HDR1): set identification '000007' differs from VOL1's serial",
            ],
        ),
        (1, 80, "3", ["line 1 (VOL1): label standard level '3' must be '1'"]),
        (1, 33, "\t", ["line 1 (VOL1): position 33 has '\\t', not a Bacs character"]),
        (
            3,
            11,
            "00106",
            [
                "line 3 (HDR2): record length '00106' must be '00100' (single processing day "
                "records)",
                "line 10 (EOF2): does not mirror HDR2 on line 3 (first difference at position 15)",
            ],
        ),
        (
            4,
            29,
            "4 MULTI  ",
            [
                "line 4 (UHL1): work code '4 MULTI  ': only '1 DAILY' (single processing day) "
                "files are supported"
            ],
        ),
        (4, 38, "000", ["line 4 (UHL1): file number 000 must be 001 or more"]),
        (4, 21, "01", ["line 4 (UHL1): currency '01' must be '00' (sterling)"]),
        (
            11,
            5,
            "00000000149X4",
            ["line 11 (UTL1): debit total '00000000149X4' must be 13 digits"],
        ),
    ],
)
def test_a_bad_field_is_named_with_its_line(
    line: int, position: int, new: str, expected: list[str]
) -> None:
    assert problems(replaced(line, position, new)) == tuple(expected)


def test_a_bad_amount_on_an_instruction_or_a_collection_is_refused() -> None:
    auddis = collection_file(
        Standard18Item("200000", "00001234", "ANN EXAMPLE", "0N", 0, "REF0001")
    ).splitlines()
    auddis[4] = auddis[4][:35] + "00000000100" + auddis[4][46:]
    assert problems(joined(auddis)) == (
        "line 5 (data): amount 00000000100 must be zero for code 0N",
        "line 8 (UTL1): debit total 0000000000000 does not equal the sum of the debit records "
        "0000000000100",
    )
    assert "line 5 (data): amount 00000000000 must not be zero for code 01" in problems(
        replaced(5, 36, "00000000000")
    )


def test_a_processing_day_that_is_not_a_date_is_refused() -> None:
    assert problems(replaced(4, 5, " 26366")) == (
        "line 4 (UHL1): processing day ' 26366' is not a date in the form bYYDDD",
    )


def test_hdr1_and_vol1_must_agree() -> None:
    text = replaced(2, 6, "654321")
    assert problems(text) == (
        "line 2 (HDR1): service user number '654321' differs from VOL1's '123456'",
        "line 9 (EOF1): does not mirror HDR1 on line 2 (first difference at position 6)",
    )
    assert problems(replaced(2, 22, "000008")) == (
        "line 2 (HDR1): set identification '000008' differs from VOL1's serial",
        "line 9 (EOF1): does not mirror HDR1 on line 2 (first difference at position 27)",
    )


def test_eof2_must_mirror_hdr2() -> None:
    assert problems(replaced(10, 51, "  ")) == (
        "line 10 (EOF2): does not mirror HDR2 on line 3 (first difference at position 51)",
    )


def test_hdr1_dates_must_surround_the_processing_day() -> None:
    lines = list(LINES)
    for index in (1, 8):  # HDR1 and its mirror EOF1
        lines[index] = lines[index][:41] + " 26359" + " 26358" + lines[index][53:]
    assert problems(joined(lines)) == (
        "line 2 (HDR1): creation date Fri 25 Dec 2026 is after the processing day Thu 24 Dec 2026",
        "line 2 (HDR1): expiration date Thu 24 Dec 2026 must be after the processing day "
        "Thu 24 Dec 2026",
    )


# --- order ----------------------------------------------------------------------------------


def test_a_missing_label_is_named_where_it_should_be() -> None:
    assert problems(joined(LINES[:2] + LINES[3:])) == (
        "line 3 (UHL1): HDR2 missing before this line",
    )


def test_records_out_of_place_are_refused_without_counting_them() -> None:
    after_eof1 = [*LINES[:9], LINES[4], *LINES[9:]]
    assert problems(joined(after_eof1)) == ("line 10 (data): data record after EOF1",)
    after_utl1 = [*LINES, LINES[4]]
    assert problems(joined(after_utl1)) == ("line 12 (data): after UTL1, which ends the file",)
    contra_first = [*LINES[:4], LINES[7], *LINES[4:7], *LINES[8:]]
    assert problems(joined(contra_first)) == (
        "line 6 (data): item after the contra records; contras come last",
    )
    twice = [*LINES[:4], LINES[1], *LINES[4:]]
    assert problems(joined(twice)) == ("line 5 (HDR1): HDR1 out of place, among the data records",)


def test_a_file_of_data_lines_only_is_not_a_standard_18_file() -> None:
    assert problems(joined(LINES[4:8])) == (
        "line 1 (data): VOL1 missing before this line",
        "line 1 (data): HDR1 missing before this line",
        "line 1 (data): HDR2 missing before this line",
        "line 1 (data): UHL1 missing before this line",
        "line 5 (end of file): missing EOF1, EOF2, UTL1; the file is incomplete",
    )


def test_a_file_with_no_items_is_refused() -> None:
    assert problems(joined(LINES[:4] + LINES[8:])) == (
        "line 5 (EOF1): no items between UHL1 and this label",
        "line 7 (UTL1): debit total 0000000014944 does not equal the sum of the debit records "
        "0000000000000",
        "line 7 (UTL1): credit total 0000000014944 does not equal the sum of the credit records "
        "0000000000000",
        "line 7 (UTL1): debit count 0000003 does not equal the number of debit records 0000000",
        "line 7 (UTL1): credit count 0000001 does not equal the number of credit records 0000000",
    )


@pytest.mark.parametrize("text", ["", "\n", "  \r\n"])
def test_an_empty_file_is_refused(text: str) -> None:
    assert problems(text) == ("line 1 (end of file): the file is empty",)


def test_mixed_line_endings_are_refused() -> None:
    assert problems(GOOD.replace("\n", "\r\n", 1)) == (
        "line 2 (HDR1): ends LF but line 1 ends CRLF; a file uses one or the other",
    )
    assert problems(GOOD.replace("\n", "\r\n").replace("\r\n", "\n", 1)) == (
        "line 2 (HDR1): ends CRLF but line 1 ends LF; a file uses one or the other",
    )


def test_a_byte_outside_ascii_is_reported_where_it_is() -> None:
    data = replaced(6, 83, "B. SAMPLE & CÖ").encode("latin-1")
    assert problems(data) == (
        "line 6 (data): account name 'B. SAMPLE & CÖ' has 'Ö', which is not in the Bacs "
        "character set (A-Z 0-9 . & / - space)",
    )


def test_mixed_kinds_and_a_wrong_contra_code_are_refused() -> None:
    assert problems(replaced(7, 16, "99")) == (
        "line 7 (data): code 99 (credit (refund)) cannot share a file with code 01 "
        "(first collection)",
        "line 11 (UTL1): debit total 0000000014944 does not equal the sum of the debit records "
        "0000000014845",
        "line 11 (UTL1): credit total 0000000014944 does not equal the sum of the credit records "
        "0000000015043",
        "line 11 (UTL1): debit count 0000003 does not equal the number of debit records 0000002",
        "line 11 (UTL1): credit count 0000001 does not equal the number of credit records 0000002",
    )
    assert problems(replaced(8, 16, "17")) == (
        "line 8 (contra): code 17, but the contra of a file of Direct Debit collections is code 99",
        "line 11 (UTL1): debit total 0000000014944 does not equal the sum of the debit records "
        "0000000029888",
        "line 11 (UTL1): credit total 0000000014944 does not equal the sum of the credit records "
        "0000000000000",
        "line 11 (UTL1): debit count 0000003 does not equal the number of debit records 0000004",
        "line 11 (UTL1): credit count 0000001 does not equal the number of credit records 0000000",
    )


def test_non_text_is_refused() -> None:
    assert problems(None) == ("the file must be text or bytes, got NoneType",)  # type: ignore[arg-type]


# --- the calendar, when given ---------------------------------------------------------------


def test_a_processing_day_on_a_bank_holiday_is_refused_when_holidays_are_given() -> None:
    christmas = replaced(4, 5, " 26359")  # Fri 25 Dec 2026
    assert problems(christmas, bank_holidays=BANK_HOLIDAYS) == (
        "line 4 (UHL1): processing day Fri 25 Dec 2026 is not a Bacs processing day "
        "(weekend or bank holiday)",
    )
    assert check_standard18(GOOD, bank_holidays=BANK_HOLIDAYS).processing_day == date(2026, 12, 24)


def test_the_processing_day_must_follow_submission_within_30_days() -> None:
    assert check_standard18(GOOD, submitted_on=date(2026, 11, 24)).item_count == 3
    assert problems(GOOD, submitted_on=date(2026, 11, 23)) == (
        "line 4 (UHL1): processing day Thu 24 Dec 2026 is more than 30 days after the "
        "submission day Mon 23 Nov 2026",
    )
    assert problems(GOOD, submitted_on=date(2026, 12, 24)) == (
        "line 4 (UHL1): processing day Thu 24 Dec 2026 is not after the submission day "
        "Thu 24 Dec 2026",
    )


# --- invariants -----------------------------------------------------------------------------

BACS_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.&/- "
DIGITS = "0123456789"


def names() -> st.SearchStrategy[str]:
    return st.text(BACS_TEXT, min_size=1, max_size=18).filter(lambda text: text.strip() != "")


def references() -> st.SearchStrategy[str]:
    return st.text(BACS_TEXT, min_size=6, max_size=18).filter(
        lambda text: reference_problem(text.strip().upper()) is None
    )


@st.composite
def files(draw: st.DrawFn) -> Standard18File:
    codes, amounts = draw(
        st.sampled_from(
            [
                (DEBIT_CODES, st.integers(1, MAX_AMOUNT_PENCE)),
                (CREDIT_CODES, st.integers(1, 10**7)),
                (AUDDIS_CODES, st.just(0)),
            ]
        )
    )
    items = draw(
        st.lists(
            st.builds(
                Standard18Item,
                sort_code=st.text(DIGITS, min_size=6, max_size=6),
                account_number=st.text(DIGITS, min_size=8, max_size=8),
                payer_name=names(),
                transaction_code=st.sampled_from(sorted(codes)),
                amount_pence=amounts,
                reference=references(),
                account_type=st.sampled_from(["0", "0", "1"]),
            ),
            min_size=1,
            max_size=12,
        )
    )
    processing = draw(st.dates(date(2000, 1, 1), date(2099, 12, 24)))
    return Standard18File(
        sun=draw(st.text(DIGITS, min_size=6, max_size=6)),
        su_name=draw(names()),
        originator=BankAccount(
            draw(st.text(DIGITS, min_size=6, max_size=6)),
            draw(st.text(DIGITS, min_size=8, max_size=8)),
            draw(names()),
        ),
        processing_day=processing,
        created_on=draw(st.dates(date(2000, 1, 1), processing)),
        serial_number=draw(st.integers(1, 999_999)),
        items=tuple(items),
        file_number=draw(st.integers(1, 999)),
    )


def as_written(item: Standard18Item) -> Standard18Item:
    return Standard18Item(
        item.sort_code,
        item.account_number,
        item.payer_name.strip().upper(),
        item.transaction_code,
        item.amount_pence,
        item.reference.strip().upper(),
        item.account_type,
    )


@settings(max_examples=200, deadline=None)
@given(files(), st.sampled_from(["\n", "\r\n"]))
def test_every_file_the_writer_makes_passes_and_reads_back(
    file: Standard18File, line_ending: str
) -> None:
    text = write_standard18(file, line_ending=line_ending)
    report = check_standard18(text)
    assert report.items == tuple(as_written(item) for item in file.items)
    total = sum(item.amount_pence for item in file.items)
    assert report.item_total_pence == total
    assert report.contra_total_pence == (
        0 if file.items[0].transaction_code in AUDDIS_CODES else total
    )
    assert report.debit_total_pence + report.credit_total_pence == 2 * report.contra_total_pence
    assert (report.processing_day, report.created_on) == (file.processing_day, file.created_on)
    assert report.sun == file.sun
    assert report.serial_number == f"{file.serial_number:06d}"
    assert report.file_number == f"{file.file_number:03d}"
    assert sum(total.count for total in report.by_code) == len(file.items)
    assert report.sha256 == hashlib.sha256(text.encode("ascii")).hexdigest()


@settings(max_examples=100, deadline=None)
@given(files(), st.data())
def test_any_changed_amount_on_a_collection_or_refund_is_refused(
    file: Standard18File, data: st.DataObject
) -> None:
    lines = write_standard18(file).splitlines()
    index = data.draw(st.integers(4, 3 + len(file.items)))
    old = int(lines[index][35:46])
    new = data.draw(st.integers(0, MAX_AMOUNT_PENCE).filter(lambda pence: pence != old))
    lines[index] = f"{lines[index][:35]}{new:011d}{lines[index][46:]}"
    side = "credit" if file.items[0].transaction_code in CREDIT_CODES else "debit"
    stated = sum(item.amount_pence for item in file.items)
    assert (
        f"line {len(lines)} (UTL1): {side} total {stated:013d} does not equal the sum of the "
        f"{side} records {stated - old + new:013d}"
    ) in problems(joined(lines))

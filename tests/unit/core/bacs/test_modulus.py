"""Unit tests for carecharge.core.bacs.modulus (VocaLink modulus checking)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.bacs.modulus import (
    ModulusDataError,
    ModulusMethod,
    ModulusStatus,
    check_account,
    default_tables,
    load_tables,
)

MOD10, MOD11, DBLAL = ModulusMethod.MOD10, ModulusMethod.MOD11, ModulusMethod.DBLAL

# The test cases published in VocaLink's "Validating account numbers" (v8.x, chapter on test
# cases, numbered as there), each with the checks the specification says are run and their
# outcome, as (method, exception, passed).
VOCALINK_CASES = [
    (1, "089999", "66374958", True, [(MOD10, None, True)]),  # pass modulus 10
    (2, "107999", "88837491", True, [(MOD11, None, True)]),  # pass modulus 11
    (3, "202959", "63748472", True, [(MOD11, 6, True), (DBLAL, 6, True)]),  # pass both
    (4, "871427", "46238510", True, [(MOD11, 10, True)]),  # ex 10&11: first passes
    (5, "872427", "46238510", True, [(MOD11, 10, False), (MOD11, 11, True)]),  # second passes
    (6, "871427", "09123496", True, [(MOD11, 10, True)]),  # ex 10: ab=09, g=9
    (7, "871427", "99123496", True, [(MOD11, 10, True)]),  # ex 10: ab=99, g=9
    (8, "820000", "73688637", True, [(MOD11, None, True)]),  # ex 3: c=6, range start
    (9, "827999", "73988638", True, [(MOD11, None, True)]),  # ex 3: c=9, range end
    (10, "827101", "28748352", True, [(MOD11, None, True), (DBLAL, 3, True)]),  # ex 3: both
    (11, "134020", "63849203", True, [(MOD11, 4, True)]),  # ex 4: remainder = checkdigit
    (12, "118765", "64371389", True, [(DBLAL, 1, True)]),  # ex 1: +27
    (13, "200915", "41011166", True, []),  # ex 6: foreign currency account
    (14, "938611", "07806039", True, [(MOD11, 5, True), (DBLAL, 5, True)]),  # ex 5
    (15, "938600", "42368003", True, [(MOD11, 5, True), (DBLAL, 5, True)]),  # ex 5 substitution
    (16, "938063", "55065200", True, [(MOD11, 5, True), (DBLAL, 5, True)]),  # ex 5: both rem 0
    (17, "772798", "99345694", True, [(MOD11, 7, True)]),  # ex 7
    (18, "086090", "06774744", True, [(MOD10, 8, True)]),  # ex 8
    (19, "309070", "02355688", True, [(MOD11, 2, True)]),  # ex 2&9: first passes
    (20, "309070", "12345668", True, [(MOD11, 2, False), (MOD11, 9, True)]),  # 309634 used
    (21, "309070", "12345677", True, [(MOD11, 2, True)]),  # ex 2: a≠0, g≠9
    (22, "309070", "99345694", True, [(MOD11, 2, True)]),  # ex 2: a≠0, g=9
    (23, "938063", "15764273", False, [(MOD11, 5, True), (DBLAL, 5, False)]),  # 2nd digit bad
    (24, "938063", "15764264", False, [(MOD11, 5, False)]),  # ex 5: first checkdigit wrong
    (25, "938063", "15763217", False, [(MOD11, 5, False)]),  # ex 5: remainder 1
    (26, "118765", "64371388", False, [(DBLAL, 1, False)]),  # ex 1: fails
    (27, "203099", "66831036", False, [(MOD11, 6, True), (DBLAL, 6, False)]),
    (28, "203099", "58716970", False, [(MOD11, 6, False)]),  # fail MOD11
    (29, "089999", "66374959", False, [(MOD10, None, False)]),
    (30, "107999", "88837493", False, [(MOD11, None, False)]),
    (31, "074456", "12345112", True, [(MOD11, 12, True)]),  # ex 12&13: MOD11 passes
    (32, "070116", "34012583", True, [(MOD11, 12, True)]),
    (33, "074456", "11104102", True, [(MOD11, 12, False), (MOD10, 13, True)]),
    (34, "180002", "00000190", True, [(MOD11, 14, False), (MOD11, 14, True)]),  # ex 14 retry
]


@pytest.mark.parametrize(
    ("number", "sort_code", "account", "valid", "checks"),
    VOCALINK_CASES,
    ids=[f"vocalink-{case[0]}" for case in VOCALINK_CASES],
)
def test_vocalink_published_cases(
    number: int,
    sort_code: str,
    account: str,
    valid: bool,
    checks: list[tuple[ModulusMethod, int | None, bool]],
) -> None:
    result = check_account(sort_code, account)

    assert result.valid is valid, result.reason
    assert [(run.method, run.exception, run.passed) for run in result.checks] == checks
    assert result.table_version == "8.50"


def test_published_cases_are_all_there() -> None:
    assert [case[0] for case in VOCALINK_CASES] == list(range(1, 35))


def test_a_pass_explains_itself() -> None:
    result = check_account("107999", "88837491")

    assert result.status is ModulusStatus.PASSED
    assert result.reason == "check: MOD11 passed"
    (run,) = result.checks
    assert (run.sort_code, run.account_number) == ("107999", "88837491")
    assert run.weights == (0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1)
    assert (run.total, run.remainder) == (242, 0)


def test_a_fail_explains_itself() -> None:
    result = check_account("107999", "88837493")

    assert result.status is ModulusStatus.FAILED
    assert result.reason == "check: MOD11 failed, remainder 2"


def test_exception_5_uses_the_substitute_sort_code() -> None:
    result = check_account("938600", "42368003")

    assert [run.sort_code for run in result.checks] == ["938611", "938611"]


def test_exception_9_uses_sort_code_309634_for_the_second_check() -> None:
    result = check_account("309070", "12345668")

    assert [run.sort_code for run in result.checks] == ["309070", "309634"]
    assert result.reason == "first check failed; second check: MOD11 (exception 9) passed"


def test_exception_14_retries_with_the_last_digit_dropped() -> None:
    result = check_account("180002", "00000190")

    assert [run.account_number for run in result.checks] == ["00000190", "00000019"]


def test_exception_14_fails_outright_unless_the_last_digit_is_0_1_or_9() -> None:
    result = check_account("180002", "12345678")

    assert result.status is ModulusStatus.FAILED
    assert result.reason == "exception 14: failed, and the last digit is not 0, 1 or 9"
    assert len(result.checks) == 1


@pytest.mark.parametrize(
    ("sort_code", "account"),
    [("180002", "09747109"), ("938076", "19304005"), ("938181", "49997143")],
)
def test_further_cases_from_the_npm_package(sort_code: str, account: str) -> None:
    assert check_account(sort_code, account).status is ModulusStatus.PASSED


def test_exception_6_foreign_currency_accounts_are_not_checked() -> None:
    result = check_account("200915", "41011166")

    assert result.status is ModulusStatus.NOT_CHECKED
    assert result.valid is True
    assert result.reason == "exception 6: a foreign currency account, which cannot be checked"


def test_a_sort_code_missing_from_the_table_cannot_be_checked_and_is_valid() -> None:
    result = check_account("00-00-00", "12345678")

    assert result.status is ModulusStatus.NOT_CHECKED
    assert result.valid is True
    assert result.checks == ()
    assert result.reason == (
        "sort code 00-00-00 is not in the VocaLink table v8.50, so it cannot be checked; "
        "treated as valid"
    )


@pytest.mark.parametrize("sort_code", ["10-79-99", "10 79 99", " 107999 ", "10-7999"])
def test_sort_codes_with_dashes_or_spaces(sort_code: str) -> None:
    result = check_account(sort_code, "88837491")

    assert result.sort_code == "107999"
    assert result.status is ModulusStatus.PASSED


@pytest.mark.parametrize(
    ("account", "padded"),
    [("837491", "00837491"), ("8837491", "08837491"), ("88 837 491", "88837491")],
)
def test_six_and_seven_digit_accounts_are_padded_with_zeros(account: str, padded: str) -> None:
    result = check_account("107999", account)

    assert result.account_number == padded
    assert result == check_account("107999", padded)


@pytest.mark.parametrize("account", ["123456789", "1234567890", "12-12345678"])
def test_nine_and_ten_digit_accounts_are_not_checked_here(account: str) -> None:
    result = check_account("401276", account)

    assert result.status is ModulusStatus.UNSUPPORTED_LENGTH
    assert result.valid is False
    assert result.checks == ()
    assert "must be converted to the eight-digit form the bank uses for Bacs" in result.reason


@pytest.mark.parametrize(
    ("sort_code", "account", "reason"),
    [
        ("1234567", "12345678", "the sort code must be six digits"),
        ("12345a", "12345678", "the sort code must be six digits"),
        ("", "12345678", "the sort code must be six digits"),
        ("401276", "12345", "the account number must be 6 to 10 digits"),
        ("401276", "12345678901", "the account number must be 6 to 10 digits"),
        ("401276", "1234567X", "the account number must be 6 to 10 digits"),
        ("401276", "１２３４５６７８", "the account number must be 6 to 10 digits"),
        (401276, "12345674", "the sort code must be six digits"),
        ("401276", None, "the account number must be 6 to 10 digits"),
    ],
)
def test_malformed_details_are_refused_without_raising(
    sort_code: object, account: object, reason: str
) -> None:
    result = check_account(sort_code, account)  # type: ignore[arg-type]

    assert result.status is ModulusStatus.MALFORMED
    assert result.valid is False
    assert result.reason == reason


# --- the data files -------------------------------------------------------------------------


def test_the_shipped_tables() -> None:
    tables = default_tables()

    assert tables.version == "8.50"
    assert len(tables.rows) == 1151
    assert len(tables.substitutions) == 21
    assert tables.substitutions["938600"] == "938611"
    assert tables.rows[0].start == "010004"
    assert tables.rows[0].method is MOD11
    assert tables.rows[0].line == 1
    assert default_tables() is tables


def test_rows_for_a_range_with_two_checks_keeps_table_order() -> None:
    rows = default_tables().rows_for("040330")

    assert [(row.method, row.start, row.end) for row in rows] == [
        (DBLAL, "040330", "040334"),
        (MOD11, "040330", "040334"),
    ]


@pytest.mark.parametrize(
    ("sort_code", "expected"),
    [("010004", 1), ("016715", 1), ("016716", 0), ("000000", 0), ("999999", 0)],
)
def test_rows_for_range_edges(sort_code: str, expected: int) -> None:
    assert len(default_tables().rows_for(sort_code)) == expected


_ROW = "010004 016715 MOD11    0    0    0    0    0    0    8    7    6    5    4    3    2    1"


@pytest.mark.parametrize(
    ("valacdos", "scsubtab", "message"),
    [
        ("", "", "valacdos: the weight table is empty"),
        ("010004 016715 MOD11 0 0", "", "valacdos line 1: expected 17 or 18 fields, found 5"),
        (
            _ROW.replace("MOD11", "MOD12"),
            "",
            "valacdos line 1: unknown method 'MOD12'",
        ),
        (
            _ROW.replace("016715", "010003"),
            "",
            "valacdos line 1: sort code range 010004-010003 is not valid",
        ),
        (
            _ROW.replace(" 8 ", " x "),
            "",
            "valacdos line 1: weights and exception must be whole numbers",
        ),
        (_ROW + "  15", "", "valacdos line 1: exception 15 is not one of 1-14"),
        (
            f"{_ROW}\n\n{_ROW.replace('010004', '016000').replace('016715', '017000')}",
            "",
            "valacdos line 3: range 016000-017000 overlaps or is out of order after 010004-016715",
        ),
        (f"{_ROW}\n{_ROW}\n{_ROW}", "", "valacdos line 3: a third row for one range"),
        (_ROW, "938600 93861", "scsubtab line 1: expected two six-digit sort codes"),
        (
            _ROW,
            "938600 938611\r\n938600 938612",
            "scsubtab line 2: sort code 938600 listed twice",
        ),
    ],
)
def test_bad_data_files_are_refused_with_the_line(
    valacdos: str, scsubtab: str, message: str
) -> None:
    with pytest.raises(ModulusDataError) as caught:
        load_tables(valacdos, scsubtab, "test")

    assert str(caught.value) == message


def test_replacement_tables_can_be_supplied() -> None:
    tables = load_tables(_ROW + "\r\n", "", "9.99")

    result = check_account("010004", "12345678", tables=tables)

    assert result.table_version == "9.99"
    assert result.checks[0].weights == (0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1)
    assert check_account("107999", "88837491", tables=tables).status is ModulusStatus.NOT_CHECKED


# --- properties -----------------------------------------------------------------------------

_SEVEN_DIGITS = st.from_regex(r"[0-9]{7}", fullmatch=True)


@given(prefix=_SEVEN_DIGITS)
def test_modulus_10_accepts_exactly_one_final_digit(prefix: str) -> None:
    # 089999 is a single MOD10 check whose last weight is 1, so each prefix has one check digit.
    passing = [d for d in "0123456789" if check_account("089999", prefix + d).valid]

    assert len(passing) == 1


@given(prefix=_SEVEN_DIGITS)
def test_modulus_11_accepts_at_most_one_final_digit(prefix: str) -> None:
    # 107999 is a single MOD11 check whose last weight is 1: a mistyped last digit never passes.
    passing = [d for d in "0123456789" if check_account("107999", prefix + d).valid]

    assert len(passing) <= 1


@given(
    sort_code=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[0-9]{8}", fullmatch=True),
)
def test_writing_a_sort_code_with_dashes_changes_nothing(sort_code: str, account: str) -> None:
    dashed = f"{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}"

    assert check_account(dashed, account) == check_account(sort_code, account)


@given(
    sort_code=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[0-9]{8}", fullmatch=True),
)
def test_unlisted_sort_codes_are_never_failed(sort_code: str, account: str) -> None:
    result = check_account(sort_code, account)

    if not default_tables().rows_for(sort_code):
        assert result.status is ModulusStatus.NOT_CHECKED
    else:
        assert result.checks or result.status is ModulusStatus.NOT_CHECKED


@given(sort_code=st.text(max_size=12), account=st.text(max_size=14))
def test_any_text_gives_a_result_never_an_exception(sort_code: str, account: str) -> None:
    result = check_account(sort_code, account)

    assert result.status in set(ModulusStatus)
    assert result.reason

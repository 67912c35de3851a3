"""Unit tests for carecharge.core.identifiers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.identifiers import (
    format_nhs_number,
    format_ni_number,
    is_plausible_email,
    is_valid_account_reference,
    is_valid_nhs_number,
    is_valid_ni_number,
    luhn_check_digit,
    make_account_reference,
    mask_ni_number,
    normalise_nhs_number,
    normalise_ni_number,
    normalise_postcode,
)

# --- NHS numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        (" 943 476-5919 ", "9434765919"),
        ("943476591", None),
        ("94347659190", None),
        ("943476591X", None),
        ("", None),
        ("９４３４７６５９１９", None),  # full-width digits are not digits here
    ],
)
def test_normalise_nhs_number(text: str, expected: str | None) -> None:
    assert normalise_nhs_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "9434765919",
        "943 476 5919",
        "4010232137",
        "4505577104",
        "4010232080",  # 11 - 0 = 11, which becomes check digit 0
        "0000000000",  # the checksum alone allows it; allocation is not tested here
    ],
)
def test_valid_nhs_numbers(text: str) -> None:
    assert is_valid_nhs_number(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "9434765918",  # wrong check digit
        "9434765910",
        "4349765919",  # two digits swapped
        "4010232081",
        "1000000009",  # 100000000 takes check digit 1
        "943476591",
        "",
        "not a number",
    ],
)
def test_invalid_nhs_numbers(text: str) -> None:
    assert is_valid_nhs_number(text) is False


def test_check_digit_arithmetic_by_hand() -> None:
    assert is_valid_nhs_number("1000000001") is True  # 1x10 = 10; 10 % 11 = 10; 11 - 10 = 1
    assert is_valid_nhs_number("0000000019") is True  # 1x2 = 2; 11 - 2 = 9
    assert is_valid_nhs_number("0000000108") is True  # 1x3 = 3; 11 - 3 = 8


@pytest.mark.parametrize("nine", ["000000006", "943476503"])
def test_nine_digits_giving_check_ten_have_no_valid_number(nine: str) -> None:
    # Weighted sums 12 and 276 leave remainder 1, so the check would be 10: never issued.
    assert not any(is_valid_nhs_number(nine + d) for d in "0123456789")


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_exactly_one_check_digit_or_none_per_nine_digits(number: str) -> None:
    valid = [d for d in "0123456789" if is_valid_nhs_number(number[:9] + d)]
    assert len(valid) <= 1
    total = sum(int(c) * w for c, w in zip(number[:9], range(10, 1, -1), strict=True))
    assert (len(valid) == 0) == (total % 11 == 1)


def test_format_nhs_number() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number("943-476-5919") == "943 476 5919"
    with pytest.raises(ValueError, match="10 digits"):
        format_nhs_number("12345")


# --- National Insurance numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        (" qq123456c ", "QQ123456C"),
        ("AB-12-34-56-C", "AB123456C"),
        ("AB123456", None),  # no suffix
        ("AB123456E", None),  # suffix only A-D
        ("A1123456C", None),
        ("AB1234567C", None),
        ("", None),
    ],
)
def test_normalise_ni_number(text: str, expected: str | None) -> None:
    assert normalise_ni_number(text) == expected


@pytest.mark.parametrize(
    "text", ["AB123456C", "ab 12 34 56 d", "JG103759A", "CE123456A", "NA123456B", "ZA000000D"]
)
def test_valid_ni_numbers(text: str) -> None:
    assert is_valid_ni_number(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "QQ123456C",  # HMRC's example prefix: Q is never a first letter
        "DA123456A",  # first letter D
        "FA123456A",
        "IA123456A",
        "UA123456A",
        "VA123456A",
        "AD123456A",  # second letter D
        "AO123456A",  # second letter O
        "AQ123456A",
        "BG123456A",  # unallocated prefixes
        "GB123456A",
        "KN123456A",
        "NK123456A",
        "NT123456A",
        "TN123456A",
        "ZZ123456A",
        "AB123456E",  # bad suffix
        "AB12345C",
        "",
    ],
)
def test_invalid_ni_numbers(text: str) -> None:
    assert is_valid_ni_number(text) is False


def test_format_ni_number() -> None:
    assert format_ni_number("qq123456c") == "QQ 12 34 56 C"
    assert format_ni_number("AB 123456 D") == "AB 12 34 56 D"
    with pytest.raises(ValueError, match="two letters, six digits"):
        format_ni_number("AB12345")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AB123456C", "XX XX XX 56 C"),
        ("qq 12 34 78 a", "XX XX XX 78 A"),
        ("not an NI number", "XX XX XX XX X"),
        ("AB12345", "XX XX XX XX X"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_ni_number(text: str, expected: str) -> None:
    assert mask_ni_number(text) == expected


@given(st.from_regex(r"[A-Z]{2}[0-9]{6}[A-D]", fullmatch=True))
def test_mask_shows_only_the_last_three_characters(ni: str) -> None:
    masked = mask_ni_number(ni)
    assert masked == f"XX XX XX {ni[6:8]} {ni[8]}"
    assert ni[:6] not in masked.replace(" ", "")


# --- Luhn and account references ------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "check"),
    [("7992739871", "3"), ("1234567", "4"), ("0000000", "0"), ("0", "0"), ("1", "8"), ("9", "1")],
)
def test_luhn_check_digit(payload: str, check: str) -> None:
    assert luhn_check_digit(payload) == check


@pytest.mark.parametrize("bad", ["", "12a4", "１２", "12 34", "-1"])
def test_luhn_refuses_non_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        luhn_check_digit(bad)


@pytest.mark.parametrize(
    ("sequence", "reference"),
    [(1, "00000018"), (1234567, "12345674"), (9_999_999, "99999997"), (42, "00000422")],
)
def test_make_account_reference(sequence: int, reference: str) -> None:
    assert make_account_reference(sequence) == reference
    assert is_valid_account_reference(reference) is True


@pytest.mark.parametrize("bad", [0, -1, 10_000_000])
def test_make_account_reference_refuses_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="1 to 9,999,999"):
        make_account_reference(bad)


def test_make_account_reference_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        make_account_reference("42")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        make_account_reference(True)


@pytest.mark.parametrize(
    "text",
    ["12345675", "1234567", "123456740", "1234567A", "00000000", "", "１２３４５６７４"],
)
def test_invalid_account_references(text: str) -> None:
    assert is_valid_account_reference(text) is False


def test_account_reference_ignores_surrounding_spaces_only() -> None:
    assert is_valid_account_reference(" 12345674 ") is True
    assert is_valid_account_reference("1234 5674") is False


sequences = st.integers(min_value=1, max_value=9_999_999)


@given(sequences)
def test_every_made_reference_is_valid(sequence: int) -> None:
    reference = make_account_reference(sequence)
    assert len(reference) == 8
    assert int(reference[:7]) == sequence
    assert is_valid_account_reference(reference)


@given(sequences, st.integers(min_value=0, max_value=7), st.integers(min_value=1, max_value=9))
def test_luhn_catches_every_single_digit_change(sequence: int, position: int, shift: int) -> None:
    reference = make_account_reference(sequence)
    changed_digit = str((int(reference[position]) + shift) % 10)
    typo = reference[:position] + changed_digit + reference[position + 1 :]
    assert not is_valid_account_reference(typo)


@given(sequences, st.integers(min_value=0, max_value=6))
def test_luhn_catches_adjacent_swaps_except_zero_nine(sequence: int, position: int) -> None:
    reference = make_account_reference(sequence)
    a, b = reference[position], reference[position + 1]
    swapped = reference[:position] + b + a + reference[position + 2 :]
    if a == b:
        assert swapped == reference
    elif {a, b} == {"0", "9"}:
        assert is_valid_account_reference(swapped) or swapped[:7] == "0000000"
    else:
        assert not is_valid_account_reference(swapped)


def test_luhn_exhaustively_over_every_digit_pair() -> None:
    # Every pair of different neighbouring digits, in both alignments: the suffix decides whether
    # the first or the second of the pair is the doubled one.
    missed: set[tuple[str, str]] = set()
    for suffix in ("", "3"):
        for a in "0123456789":
            for b in "0123456789":
                if a == b:
                    continue
                check = luhn_check_digit(a + b + suffix)
                if luhn_check_digit(b + a + suffix) == check:
                    missed.add((suffix, a + b))
    assert missed == {("", "09"), ("", "90"), ("3", "09"), ("3", "90")}


# --- postcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SW1A 1AA", "SW1A 1AA"),  # AA9A
        ("sw1a1aa", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"),
        ("GIR0AA", "GIR 0AA"),
        ("SW1A", None),  # outward code only
        ("1AA", None),
        ("SW1A 1A", None),
        ("SW1A 1AAA", None),
        ("SW1AA 1AA", None),
        ("S 1AA", None),
        ("999 9AA", None),
        ("AAA9 9AA", None),
        ("SW1A 11A", None),
        ("SW-1A 1AA", None),
        ("", None),
        ("BFPO 1234", None),
    ],
)
def test_normalise_postcode(text: str, expected: str | None) -> None:
    assert normalise_postcode(text) == expected


@given(
    st.from_regex(
        r"([A-Z][0-9]{1,2}|[A-Z]{2}[0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9][A-Z]) [0-9][A-Z]{2}",
        fullmatch=True,
    )
)
def test_normalised_postcodes_are_stable(postcode: str) -> None:
    assert normalise_postcode(postcode) == postcode
    assert normalise_postcode(postcode.lower().replace(" ", "")) == postcode


# --- email ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["a@b.co", "jane.smith@example.gov.uk", "first+tag@sub.example.org", "x@localhost.localdomain"],
)
def test_plausible_emails(text: str) -> None:
    assert is_plausible_email(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plainaddress",
        "@example.com",
        "jane@",
        "jane@example",
        "jane@@example.com",
        "jane@smith@example.com",
        "jane smith@example.com",
        "jane@example .com",
        " jane@example.com",
        "jane@example.com\n",
        "jane@.com",
        "jane@example.",
        "jane@.",
    ],
)
def test_implausible_emails(text: str) -> None:
    assert is_plausible_email(text) is False

"""Unit tests for carecharge.core.money."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.money import (
    MAX_PENCE,
    MoneyError,
    RoundingMode,
    apportion,
    format_pounds,
    parse_pounds,
    pence_to_decimal,
    round_decimal,
    round_to_pence,
    to_decimal_string,
)

pence_values = st.integers(min_value=-(10**12), max_value=10**12)


# --- parse_pounds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", 1250),
        ("12.50", 1250),
        ("12.05", 1205),
        ("£1,234.56", 123456),
        (" 7 ", 700),
        ("0", 0),
        ("0.01", 1),
        ("£0.99", 99),
        ("1234567.89", 123456789),
        ("£12,345,678", 1234567800),
        ("007", 700),
        ("\t£5.00\n", 500),
    ],
)
def test_parse_pounds_reads_amounts(text: str, expected: int) -> None:
    assert parse_pounds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-3.00", -300), ("-£3", -300), ("£-3.50", -350), ("-£1,000.01", -100001)],
)
def test_parse_pounds_reads_negatives_when_allowed(text: str, expected: int) -> None:
    assert parse_pounds(text, allow_negative=True) == expected


def test_minus_zero_is_zero_not_negative() -> None:
    assert parse_pounds("-0.00") == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.345", "'12.345' has more than two decimal places"),
        ("12.500", "'12.500' has more than two decimal places"),
        ("-3.00", "'-3.00' is negative"),
        ("-£3", "'-£3' is negative"),
        ("abc", "'abc' is not an amount of money"),
        ("", "No amount was given"),
        ("   ", "No amount was given"),
        ("1e3", "'1e3' is not an amount of money"),
        ("1E3", "'1E3' is not an amount of money"),
        ("1.5e2", "'1.5e2' is not an amount of money"),
        ("nan", "'nan' is not an amount of money"),
        ("NaN", "'NaN' is not an amount of money"),
        ("inf", "'inf' is not an amount of money"),
        ("-Infinity", "'-Infinity' is not an amount of money"),
        ("0x10", "'0x10' is not an amount of money"),
        ("1_000", "'1_000' is not an amount of money"),
        ("+5", "'+5' is not an amount of money"),
        ("--5", "'--5' is not an amount of money"),
        ("$5", "'$5' is not an amount of money"),
        ("5 00", "'5 00' is not an amount of money"),
        ("1.2.3", "'1.2.3' is not an amount of money"),
        ("£", "'£' is not an amount of money"),
        ("١٢", "'١٢' is not an amount of money"),
        ("１２", "'１２' is not an amount of money"),
        ("1,23.00", "'1,23.00' has commas in the wrong places"),
        ("1234,567", "'1234,567' has commas in the wrong places"),
        (",123", "',123' is not an amount of money"),
        ("12.", "'12.' has a decimal point with nothing after it"),
        (".5", "'.5' needs a digit before the decimal point, such as 0.50"),
        ("99999999999999999999", "'99999999999999999999' is too large"),
    ],
)
def test_parse_pounds_refuses_with_plain_english(text: str, message: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pounds(text)
    assert str(caught.value) == message


def test_money_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="is not an amount of money"):
        parse_pounds("twelve")


def test_parse_pounds_refuses_non_text() -> None:
    with pytest.raises(TypeError):
        parse_pounds(12.5)  # type: ignore[arg-type]


def test_parse_pounds_shortens_long_input_in_messages() -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pounds("x" * 500)
    assert str(caught.value) == "'" + "x" * 37 + "...' is not an amount of money"


def test_parse_pounds_largest_storable_amount() -> None:
    largest = to_decimal_string(MAX_PENCE)
    assert parse_pounds(largest) == MAX_PENCE
    with pytest.raises(MoneyError, match="too large"):
        parse_pounds(to_decimal_string(MAX_PENCE + 1))


@given(pence_values)
def test_parse_format_round_trip(pence: int) -> None:
    assert parse_pounds(format_pounds(pence), allow_negative=True) == pence
    assert parse_pounds(to_decimal_string(pence), allow_negative=True) == pence


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_parse_agrees_with_decimal(pounds: int, pennies: int) -> None:
    text = f"{pounds}.{pennies:02d}"
    assert parse_pounds(text) == int(Decimal(text) * 100)


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "expected"),
    [
        (123456, "£1,234.56"),
        (-1200, "-£12.00"),
        (0, "£0.00"),
        (1, "£0.01"),
        (-5, "-£0.05"),
        (100000000, "£1,000,000.00"),
    ],
)
def test_format_pounds(pence: int, expected: str) -> None:
    assert format_pounds(pence) == expected


@pytest.mark.parametrize(
    ("pence", "expected"),
    [(123456, "1234.56"), (-5, "-0.05"), (0, "0.00"), (-100, "-1.00"), (100000000, "1000000.00")],
)
def test_to_decimal_string(pence: int, expected: str) -> None:
    assert to_decimal_string(pence) == expected


@pytest.mark.parametrize("bad", [12.5, Decimal("12.50"), True, "1250"])
def test_formatting_refuses_anything_but_int_pence(bad: object) -> None:
    with pytest.raises(TypeError):
        format_pounds(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_decimal_string(bad)  # type: ignore[arg-type]


def test_pence_to_decimal_is_exact_pounds() -> None:
    assert pence_to_decimal(1250) == Decimal("12.50")
    assert str(pence_to_decimal(-5)) == "-0.05"
    assert pence_to_decimal(10**30 + 1) == Decimal("10000000000000000000000000000.01")


# --- rounding -------------------------------------------------------------------------------

PENNY = Decimal("0.01")


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        ("12.345", RoundingMode.HALF_UP, "12.35"),
        ("12.345", RoundingMode.HALF_EVEN, "12.34"),
        ("12.355", RoundingMode.HALF_EVEN, "12.36"),
        ("12.344", RoundingMode.HALF_UP, "12.34"),
        ("12.346", RoundingMode.HALF_EVEN, "12.35"),
        ("12.341", RoundingMode.UP, "12.35"),
        ("12.349", RoundingMode.DOWN, "12.34"),
        ("12.349", RoundingMode.FLOOR, "12.34"),
        ("12.341", RoundingMode.CEILING, "12.35"),
        ("-12.345", RoundingMode.HALF_UP, "-12.35"),
        ("-12.345", RoundingMode.HALF_EVEN, "-12.34"),
        ("-12.341", RoundingMode.UP, "-12.35"),
        ("-12.349", RoundingMode.DOWN, "-12.34"),
        ("-12.341", RoundingMode.FLOOR, "-12.35"),
        ("-12.349", RoundingMode.CEILING, "-12.34"),
        ("12.3", RoundingMode.UP, "12.30"),
        ("0.004", RoundingMode.HALF_UP, "0.00"),
        ("0.005", RoundingMode.HALF_UP, "0.01"),
    ],
)
def test_round_decimal_to_the_penny(amount: str, mode: RoundingMode, expected: str) -> None:
    result = round_decimal(Decimal(amount), base=PENNY, mode=mode)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        ("1000.01", RoundingMode.CEILING, Decimal(1250)),  # £1 per £250 *or part*
        ("1000.00", RoundingMode.CEILING, Decimal(1000)),
        ("124.99", RoundingMode.HALF_UP, Decimal(0)),
        ("125", RoundingMode.HALF_UP, Decimal(250)),
        ("375", RoundingMode.HALF_EVEN, Decimal(500)),
        ("625", RoundingMode.HALF_EVEN, Decimal(500)),
        ("-1000.01", RoundingMode.FLOOR, Decimal(-1250)),
    ],
)
def test_round_decimal_to_other_bases(amount: str, mode: RoundingMode, expected: Decimal) -> None:
    assert round_decimal(Decimal(amount), base=Decimal(250), mode=mode) == expected


def test_round_decimal_to_whole_pounds_and_odd_steps() -> None:
    assert str(round_decimal(Decimal("2.5"), base=Decimal(1), mode=RoundingMode.HALF_UP)) == "3"
    assert str(round_decimal(Decimal("-2.5"), base=Decimal(1), mode=RoundingMode.HALF_UP)) == "-3"
    assert str(round_decimal(Decimal("2.5"), base=Decimal(1), mode=RoundingMode.HALF_EVEN)) == "2"
    assert str(round_decimal(Decimal("3.5"), base=Decimal(1), mode=RoundingMode.HALF_EVEN)) == "4"
    assert round_decimal(Decimal("0.10"), base=Decimal("0.05"), mode=RoundingMode.UP) == Decimal(
        "0.10"
    )
    assert round_decimal(Decimal("0.11"), base=Decimal("0.05"), mode=RoundingMode.UP) == Decimal(
        "0.15"
    )
    assert str(round_decimal(Decimal("0.11"), base=Decimal("0.05"), mode="down")) == "0.10"  # type: ignore[arg-type]


def test_round_decimal_accepts_rules_file_spelling() -> None:
    assert round_decimal(Decimal("1.005"), base=PENNY, mode="half_up") == Decimal("1.01")  # type: ignore[arg-type]
    assert RoundingMode("half_even") is RoundingMode.HALF_EVEN
    assert [m.value for m in RoundingMode] == [
        "half_up",
        "half_even",
        "down",
        "up",
        "floor",
        "ceiling",
    ]


def test_round_decimal_is_exact_beyond_default_precision() -> None:
    # 40 significant digits: a default 28-digit context would round before we did.
    amount = Decimal("1234567890123456789012345678901234567.895")
    assert round_decimal(amount, base=PENNY, mode=RoundingMode.HALF_UP) == Decimal(
        "1234567890123456789012345678901234567.90"
    )
    assert round_to_pence(amount, RoundingMode.DOWN) == 123456789012345678901234567890123456789


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"base": Decimal(0), "mode": RoundingMode.UP}, ValueError),
        ({"base": Decimal("-0.01"), "mode": RoundingMode.UP}, ValueError),
        ({"base": PENNY, "mode": "nearest"}, ValueError),
        ({"base": 0.01, "mode": RoundingMode.UP}, TypeError),
        ({"base": Decimal("NaN"), "mode": RoundingMode.UP}, ValueError),
    ],
)
def test_round_decimal_refuses_bad_arguments(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        round_decimal(Decimal("1.234"), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [1.5, Decimal("Infinity"), Decimal("NaN"), Decimal("1E+5000")])
def test_rounding_refuses_floats_and_non_finite(amount: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        round_to_pence(amount, RoundingMode.HALF_UP)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        ("12.345", RoundingMode.HALF_UP, 1235),
        ("12.345", RoundingMode.HALF_EVEN, 1234),
        ("-0.005", RoundingMode.HALF_UP, -1),
        ("-0.005", RoundingMode.CEILING, 0),
        ("228.70", RoundingMode.DOWN, 22870),
        ("0.001", RoundingMode.UP, 1),
        ("100", RoundingMode.HALF_UP, 10000),
    ],
)
def test_round_to_pence(amount: str, mode: RoundingMode, expected: int) -> None:
    result = round_to_pence(Decimal(amount), mode)
    assert type(result) is int
    assert result == expected


amounts = st.decimals(
    min_value=Decimal(-(10**9)), max_value=Decimal(10**9), allow_nan=False, places=6
)


@given(amounts, st.sampled_from(list(RoundingMode)))
def test_rounding_stays_within_one_step(amount: Decimal, mode: RoundingMode) -> None:
    pence = round_to_pence(amount, mode)
    assert abs(Decimal(pence) / 100 - amount) < PENNY
    assert pence_to_decimal(pence) == round_decimal(amount, base=PENNY, mode=mode)


@given(amounts)
def test_rounding_modes_agree_with_their_definitions(amount: Decimal) -> None:
    exact = Fraction(amount) * 100
    floor = exact.numerator // exact.denominator
    ceiling = -(-exact.numerator // exact.denominator)
    assert round_to_pence(amount, RoundingMode.FLOOR) == floor
    assert round_to_pence(amount, RoundingMode.CEILING) == ceiling
    assert round_to_pence(amount, RoundingMode.DOWN) == (floor if exact >= 0 else ceiling)
    assert round_to_pence(amount, RoundingMode.UP) == (ceiling if exact >= 0 else floor)
    assert round_to_pence(amount, RoundingMode.HALF_EVEN) == round(exact)  # banker's rounding
    half_up = floor + 1 if exact - floor > Fraction(1, 2) else floor
    if exact - floor == Fraction(1, 2):
        half_up = ceiling if exact > 0 else floor
    assert round_to_pence(amount, RoundingMode.HALF_UP) == half_up


# --- apportion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (1000, [1] * 7, [143, 143, 143, 143, 143, 143, 142]),
        (1001, [1] * 7, [143] * 7),
        (1005, [1] * 7, [144, 144, 144, 144, 143, 143, 143]),
        (-1000, [1] * 7, [-143, -143, -143, -143, -143, -143, -142]),
        (100, [1, 1, 1], [34, 33, 33]),
        (100, [1, 2], [33, 67]),
        (10, [3, 0, 7], [3, 0, 7]),
        (5, [0, 1, 1], [0, 3, 2]),
        (0, [1, 2, 3], [0, 0, 0]),
        (7, [5], [7]),
        (2, [1, 1, 1, 1], [1, 1, 0, 0]),
        (23470, [3, 4], [10059, 13411]),  # a £234.70 week cut into 3 days and 4 days
    ],
)
def test_apportion_examples(total: int, weights: list[int], expected: list[int]) -> None:
    assert apportion(total, weights) == expected


def test_apportion_ties_go_to_the_earliest_part() -> None:
    assert apportion(1, [1, 1, 1]) == [1, 0, 0]
    assert apportion(-1, [1, 1, 1]) == [-1, 0, 0]
    assert apportion(2, [2, 1, 2, 1]) == [1, 0, 1, 0]


@pytest.mark.parametrize(
    ("weights", "error"),
    [([], ValueError), ([0, 0], ValueError), ([1, -1, 3], ValueError), ([1.5], TypeError)],
)
def test_apportion_refuses_bad_weights(weights: list[int], error: type) -> None:
    with pytest.raises(error):
        apportion(100, weights)


def test_apportion_refuses_float_total() -> None:
    with pytest.raises(TypeError):
        apportion(10.0, [1, 1])  # type: ignore[arg-type]


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60).filter(any),
)
def test_apportion_sums_exactly_and_each_part_is_within_a_penny(
    total: int, weights: list[int]
) -> None:
    parts = apportion(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, weight_sum)
        assert abs(part - exact) < 1
        if weight == 0:
            assert part == 0


@given(
    st.integers(min_value=0, max_value=10**7),
    st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=20),
)
def test_apportion_negative_total_mirrors_positive(total: int, weights: list[int]) -> None:
    assert apportion(-total, weights) == [-p for p in apportion(total, weights)]

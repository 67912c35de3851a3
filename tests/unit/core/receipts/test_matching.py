"""Matching receipts to debtors: the three rules in order, refusals to guess, duplicate keys."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from carecharge.core.identifiers import make_account_reference
from carecharge.core.receipts.matching import (
    DebtorRef,
    Match,
    OpenInvoice,
    Rule,
    Step,
    duplicate_key,
    index_open_invoices,
    match_receipt,
    reference_candidates,
)
from carecharge.core.receipts.types import StatementLine, finish_lines
from tests.unit.core.receipts.helpers import line

SMITH = DebtorRef("D-1", make_account_reference(1234567), "Smith")  # 12345674
JONES = DebtorRef("D-2", make_account_reference(7654321), "Jones")  # 76543214
OBRIEN = DebtorRef("D-3", make_account_reference(1000018), "O'Brien-Kelly")
REFERENCES = {debtor.reference: debtor for debtor in (SMITH, JONES, OBRIEN)}
INVOICES = index_open_invoices(
    [
        OpenInvoice("INV-101", SMITH.reference, 12550),
        OpenInvoice("INV-102", JONES.reference, 4000),
        OpenInvoice("INV-103", SMITH.reference, 4000),
        OpenInvoice("INV-104", OBRIEN.reference, 9999),
    ]
)


def match(narrative: str, amount: int = 12550, payer: str = "") -> Match:
    return match_receipt(
        line(narrative, amount, payer=payer), references=REFERENCES, open_invoices=INVOICES
    )


def test_the_references_used_here_are_the_ones_make_account_reference_gives() -> None:
    assert (SMITH.reference, JONES.reference, OBRIEN.reference) == (
        "12345674",
        "76543214",
        "10000180",
    )


# --- candidates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CARE 12345674", ["12345674"]),
        ("care 1234 5674 thanks", ["12345674"]),
        ("ref:1234-5674", ["12345674"]),
        ("12 34 56 74", ["12345674"]),
        ("912345674", []),  # nine digits are never read as eight
        ("40 00 00 12345678", ["12345678"]),  # a sort code does not join the account number
        ("1111 2222 3333", ["11112222", "22223333"]),
        ("no digits here", []),
    ],
)
def test_eight_digit_candidates_join_whole_groups_across_spaces_and_dashes(
    text: str, expected: list[str]
) -> None:
    assert reference_candidates(text, 8) == expected


def test_seven_digits_next_to_a_single_digit_are_an_eight_digit_reference_not_a_body() -> None:
    assert reference_candidates("1234567 3", 7) == []
    assert reference_candidates("1234567 10.50", 7) == ["1234567"]


# --- rule 1 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    ["12345674", "CARE CHARGE 1234 5674", "ref 1234-5674 mrs smith", "SMITH J 12 34 56 74"],
)
def test_rule_1_finds_a_valid_reference_however_it_is_spaced(narrative: str) -> None:
    result = match(narrative)
    assert result.rule is Rule.PAYMENT_REFERENCE
    assert result.debtor == SMITH
    assert result.invoice is None
    assert result.reason == "the narrative quotes 12345674"
    assert result.trace == (
        Step(Rule.PAYMENT_REFERENCE, "12345674 is the reference of debtor D-1 (Smith)"),
    )


def test_rule_1_wins_over_the_amount_of_another_debtors_invoice() -> None:
    result = match("JONES 76543214", amount=12550, payer="SMITH")
    assert (result.rule, result.debtor) == (Rule.PAYMENT_REFERENCE, JONES)


def test_two_debtors_references_in_one_narrative_are_not_guessed_between() -> None:
    result = match("12345674 AND 76543214")
    assert result.rule is Rule.UNALLOCATED
    assert result.debtor is None
    assert result.reason == (
        "the narrative quotes 2 debtors' references (12345674 (Smith), 76543214 (Jones)); "
        "an officer decides"
    )


def test_a_valid_reference_that_is_nobodys_is_traced_and_the_next_rules_are_tried() -> None:
    result = match("CARE 00000018", amount=1)
    assert result.rule is Rule.UNALLOCATED
    assert result.trace == (
        Step(
            Rule.PAYMENT_REFERENCE, "00000018 has a valid check digit but is no debtor's reference"
        ),
        Step(Rule.PAYMENT_REFERENCE, "no debtor's reference with a valid check digit was found"),
        Step(
            Rule.REFERENCE_WITHOUT_CHECK_DIGIT,
            "no seven digits are a debtor's reference without its check digit",
        ),
        Step(Rule.INVOICE_AMOUNT, "no open invoice is for £0.01"),
    )
    assert result.reason == "no reference was found and the amount alone is not enough"


def test_a_debit_is_never_matched() -> None:
    result = match("12345674", amount=-12550)
    assert result.rule is Rule.UNALLOCATED
    assert result.reason == "-£125.50 is not money received, so it is not matched"
    assert result.trace == ()


# --- rule 2 ---------------------------------------------------------------------------------


def test_rule_2_matches_the_reference_typed_without_its_check_digit() -> None:
    result = match("CARE 1234567", amount=1)
    assert result.rule is Rule.REFERENCE_WITHOUT_CHECK_DIGIT
    assert result.debtor == SMITH
    assert result.reason == "the narrative quotes 12345674 without its check digit"
    assert result.trace[-1] == Step(
        Rule.REFERENCE_WITHOUT_CHECK_DIGIT,
        "1234567 is the reference of D-1 (Smith) without its check digit",
    )


def test_a_wrong_check_digit_is_never_trusted_even_when_the_body_is_a_debtors() -> None:
    # 12345673: Smith's body with the wrong check digit; a digit of the body may be the typo.
    result = match("CARE 12345673", amount=1)
    assert result.rule is Rule.UNALLOCATED
    assert result.trace[0] == Step(
        Rule.PAYMENT_REFERENCE, "12345673 has a wrong check digit, so it is not used"
    )


def test_two_bodies_of_different_debtors_are_not_guessed_between() -> None:
    result = match("1234567 / 7654321", amount=1)
    assert result.rule is Rule.UNALLOCATED
    assert result.reason.startswith("the narrative quotes 2 debtors' references without check")


# --- rule 3 ---------------------------------------------------------------------------------


def test_rule_3_matches_the_only_invoice_of_the_amount_when_the_surname_matches() -> None:
    result = match("CARE HOME FEES", amount=12550, payer="MRS J SMITH")
    assert result.rule is Rule.INVOICE_AMOUNT
    assert (result.debtor, result.invoice) == (SMITH, OpenInvoice("INV-101", "12345674", 12550))
    assert result.trace[-1] == Step(
        Rule.INVOICE_AMOUNT,
        "invoice INV-101 is the only open invoice for £125.50 and the payer 'MRS J SMITH' "
        "includes the surname 'Smith'",
    )


def test_rule_3_needs_the_surname_as_a_whole_word() -> None:
    result = match("CARE", amount=12550, payer="J SMITHSON")
    assert result.rule is Rule.UNALLOCATED
    assert result.trace[-1].finding == (
        "invoice INV-101 (D-1 (Smith)) is the only one for £125.50, but the payer "
        "'J SMITHSON' does not include the surname 'Smith'"
    )


def test_rule_3_reads_apostrophes_and_double_barrelled_surnames_as_banks_print_them() -> None:
    result = match("FEES", amount=9999, payer="P OBRIEN KELLY")
    assert (result.rule, result.debtor) == (Rule.INVOICE_AMOUNT, OBRIEN)


def test_rule_3_reads_the_narrative_when_the_format_gives_no_payer_name() -> None:
    result = match("J SMITH CARE FEES", amount=12550)
    assert (result.rule, result.debtor) == (Rule.INVOICE_AMOUNT, SMITH)


def test_rule_3_never_chooses_between_two_invoices_of_the_amount() -> None:
    result = match("FEES", amount=4000, payer="JONES")
    assert result.rule is Rule.UNALLOCATED
    assert result.trace[-1] == Step(Rule.INVOICE_AMOUNT, "2 open invoices are for £40.00")


def test_rule_3_needs_the_invoices_debtor_among_the_references() -> None:
    invoices = index_open_invoices([OpenInvoice("INV-9", "99999997", 500)])
    result = match_receipt(
        line("FEES", 500, payer="SMITH"), references=REFERENCES, open_invoices=invoices
    )
    assert result.rule is Rule.UNALLOCATED
    assert result.trace[-1].finding == "invoice INV-9 is for £5.00 but its debtor is not known"


# --- properties -----------------------------------------------------------------------------

SEQUENCES = st.integers(1, 9_999_999)
TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 -/.:£&", max_size=40)
WORDS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz -/.:£&", max_size=40)
SPACING = st.sampled_from(["{}", "{} {}", "{}-{}", "{}  {}", "{} - {}"])


@given(SEQUENCES, TEXT, TEXT, SPACING, st.integers(1, 7), st.booleans())
def test_a_valid_reference_anywhere_in_a_random_narrative_is_found_by_rule_1(
    sequence: int, before: str, after: str, layout: str, split: int, lower: bool
) -> None:
    reference = make_account_reference(sequence)
    debtor = DebtorRef("D-X", reference, "Example")
    written = layout.format(reference[:split], reference[split:]) if layout != "{}" else reference
    narrative = f"{before} {written} {after}"
    # The random text may by chance quote one of the other known references: then the rules
    # rightly refuse to choose, and that case is tested above.
    assume(not any(known in reference_candidates(narrative, 8) for known in REFERENCES))
    result = match_receipt(
        line(narrative.lower() if lower else narrative, 100),
        references={reference: debtor, **REFERENCES},
        open_invoices={},
    )
    assert result.rule is Rule.PAYMENT_REFERENCE
    assert result.debtor == debtor


@given(SEQUENCES, WORDS, WORDS, st.integers(0, 7), st.integers(1, 9))
def test_a_reference_with_one_digit_changed_is_never_matched_by_rule_1(
    sequence: int, before: str, after: str, position: int, change: int
) -> None:
    reference = make_account_reference(sequence)
    digit = (int(reference[position]) + change) % 10
    typo = reference[:position] + str(digit) + reference[position + 1 :]
    debtor = DebtorRef("D-X", reference, "Example")
    result = match_receipt(
        line(f"{before} {typo} {after}", 100),
        references={reference: debtor},
        open_invoices={},
    )
    assert result.rule is not Rule.PAYMENT_REFERENCE
    assert result.trace[0] == Step(
        Rule.PAYMENT_REFERENCE, f"{typo} has a wrong check digit, so it is not used"
    )


# --- duplicates -----------------------------------------------------------------------------


def test_the_duplicate_key_is_the_banks_id_on_its_account_where_there_is_one() -> None:
    assert duplicate_key(line("X", bank_id="FP00001")) == "bank:40000012345678:FP00001"


def test_the_duplicate_key_of_a_line_without_an_id_is_the_same_on_every_import() -> None:
    first = finish_lines([line("CARE 12345674"), line("CARE 12345674")])
    again = finish_lines([line("CARE 12345674"), line("CARE 12345674")])
    assert [duplicate_key(item) for item in first] == [duplicate_key(item) for item in again]
    # Two genuine identical payments in one file stay two.
    assert duplicate_key(first[0]) != duplicate_key(first[1])
    assert [item.occurrence for item in first] == [0, 1]
    assert duplicate_key(first[0]).startswith("h:") and len(duplicate_key(first[0])) == 34


@pytest.mark.parametrize(
    "changed",
    [
        line("CARE 12345674", 12551),
        line("CARE 12345675"),
        line("CARE 12345674", account="40000087654321"),
        line("CARE 12345674", on=date(2025, 4, 8)),
    ],
)
def test_the_duplicate_key_changes_with_any_identifying_field(changed: StatementLine) -> None:
    assert duplicate_key(line("CARE 12345674")) != duplicate_key(changed)

"""Unit tests for carecharge.core.bacs.reports (ARUDD, ADDACS, AUDDIS, AUDACC, DDICA)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecharge.core.bacs.modulus import check_account
from carecharge.core.bacs.reports import (
    ADDACS_CODES,
    AUDDIS_CODES,
    DDICA_CODES,
    DEFAULT_ARUDD_REASONS,
    AddacsReason,
    AddacsReport,
    AruddReason,
    AruddReport,
    AuddisAcceptanceReport,
    AuddisReason,
    AuddisReport,
    BacsReportError,
    DdicaCollection,
    DdicaReason,
    DdicaReport,
    normalise_description,
    parse_bacs_report,
)

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def altered(name: str, old: str, new: str) -> bytes:
    """A sample with one piece of text replaced (the text must be there)."""
    text = sample(name).decode("latin-1")
    assert old in text, old
    return text.replace(old, new, 1).encode("latin-1")


def refusal(data: bytes) -> str:
    with pytest.raises(BacsReportError) as caught:
        parse_bacs_report(data)
    return str(caught.value)


# --- ARUDD ----------------------------------------------------------------------------------


def test_arudd_sample_is_read_in_full() -> None:
    report = parse_bacs_report(sample("arudd.xml"))

    assert isinstance(report, AruddReport)
    assert report.processing_date == date(2026, 3, 4)
    assert report.service_user_number == "999901"
    assert report.service_user_name == "EXAMPLESHIRE CC ASC"
    assert report.advice_number == "417"
    assert report.report_type == "REFT1019"
    assert [(a.sort_code, a.account_number, a.name) for a in report.accounts] == [
        ("401276", "12345674", "EXAMPLESHIRE CC ASC"),
        ("830000", "55512345", "EXAMPLESHIRE CC DPA"),
    ]
    assert [(a.total_count, a.total_pence) for a in report.accounts] == [(3, 163475), (1, 99)]
    assert report.total_pence == 163574
    first = report.items[0]
    assert first.reference == "CC10000016"
    assert first.transaction_code == "17"
    assert first.return_code == "0128"
    assert first.description == "REFER TO PAYER"
    assert first.reason is AruddReason.REFER_TO_PAYER
    assert first.original_processing_date == date(2026, 3, 2)
    assert first.amount_pence == 24560
    assert first.payer_sort_code == "600000"
    assert first.payer_account_number == "12345679"
    assert first.payer_name == "A N OTHER"
    assert first.line == 13
    assert [(i.reference, i.reason, i.amount_pence) for i in report.items[1:]] == [
        ("CC10000024", AruddReason.INSTRUCTION_CANCELLED, 8715),
        ("CC10000032", AruddReason.PAYER_DECEASED, 130200),  # "PAYER   DECEASED" normalised
        ("CC10000040", AruddReason.ACCOUNT_CLOSED, 99),
    ]


def test_only_refer_to_payer_may_be_represented() -> None:
    assert [reason for reason in AruddReason if reason.may_represent] == [
        AruddReason.REFER_TO_PAYER
    ]


def test_every_arudd_reason_has_a_default_description() -> None:
    assert set(DEFAULT_ARUDD_REASONS.values()) == set(AruddReason)
    assert len(DEFAULT_ARUDD_REASONS) == 12


def test_addacs_and_auddis_code_tables_follow_the_reference() -> None:
    assert "".join(ADDACS_CODES) == "0123BCDER"
    assert set(ADDACS_CODES.values()) == set(AddacsReason)
    assert "".join(AUDDIS_CODES) == "123567BCFGHIKLMNOPQ"
    assert set(AUDDIS_CODES.values()) == set(AuddisReason)
    assert ADDACS_CODES["3"] is AddacsReason.ACCOUNT_TRANSFERRED
    assert AUDDIS_CODES["K"] is AuddisReason.CANCELLED_BY_BANK


def test_unknown_arudd_description_is_refused_naming_the_item() -> None:
    data = altered("arudd.xml", 'returnDescription="REFER TO PAYER"', 'returnDescription="WIBBLE"')

    assert refusal(data) == (
        "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): returnDescription 'WIBBLE' "
        "is not a known ARUDD reason; add it to the ARUDD reason map once its meaning is "
        "confirmed with the bank"
    )


def test_a_council_reason_map_can_add_a_bank_wording() -> None:
    data = altered(
        "arudd.xml", 'returnDescription="REFER TO PAYER"', 'returnDescription="refer to  drawer"'
    )
    reasons = {**DEFAULT_ARUDD_REASONS, "REFER TO DRAWER": AruddReason.REFER_TO_PAYER}

    report = parse_bacs_report(data, arudd_reasons=reasons)

    assert isinstance(report, AruddReport)
    assert report.items[0].description == "REFER TO DRAWER"
    assert report.items[0].reason is AruddReason.REFER_TO_PAYER


def test_a_reason_map_replaces_the_default_rather_than_adding_to_it() -> None:
    with pytest.raises(BacsReportError, match="'INSTRUCTION CANCELLED' is not a known"):
        parse_bacs_report(
            sample("arudd.xml"), arudd_reasons={"Refer to payer": AruddReason.REFER_TO_PAYER}
        )


def test_normalise_description() -> None:
    assert normalise_description("  refer\tto   payer ") == "REFER TO PAYER"


def test_arudd_totals_value_must_equal_the_items() -> None:
    data = altered("arudd.xml", 'valueOf="1634.75"', 'valueOf="1634.76"')

    assert refusal(data) == (
        "ARUDD line 22, Totals (account 401276 12345674): valueOf 1634.76 does not equal the "
        "sum of the returned items 1634.75"
    )


def test_arudd_totals_count_must_equal_the_items() -> None:
    data = altered("arudd.xml", 'numberOf="1"', 'numberOf="2"')

    assert refusal(data) == (
        "ARUDD line 29, Totals (account 830000 55512345): numberOf 2 does not equal the 1 "
        "returned items"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            ' valueOf="245.60"',
            "",
            "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): valueOf is missing",
        ),
        (
            'valueOf="245.60"',
            'valueOf="245.6"',
            "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): valueOf '245.6' is not "
            "an amount in pounds with two decimals",
        ),
        (
            'valueOf="245.60"',
            'valueOf="-245.60"',
            "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): valueOf '-245.60' is "
            "not an amount in pounds with two decimals",
        ),
        (
            'originalProcessingDate="2026-03-02" valueOf="245.60"',
            'originalProcessingDate="2026-02-30" valueOf="245.60"',
            "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): originalProcessingDate "
            "'2026-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            'transCode="17" returnCode="0128"',
            'transCode="99" returnCode="0128"',
            "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): transCode '99' is not a "
            "Direct Debit code (01/17/18/19)",
        ),
        (
            'valueOf="245.60" currency="GBP"',
            'valueOf="245.60" currency="EUR"',
            "ARUDD line 13, ReturnedDebitItem (reference 'CC10000016'): currency 'EUR' is not GBP",
        ),
        (
            'number="12345679"',
            'number="1234567"',
            "ARUDD line 14, PayerAccount (reference 'CC10000016'): number '1234567' is not an "
            "eight-digit account number",
        ),
        (
            'sortCode="60-00-00"',
            'sortCode="60-00"',
            "ARUDD line 14, PayerAccount (reference 'CC10000016'): sortCode '60-00' is not a "
            "sort code",
        ),
        (
            'ref="CC10000016        " transCode',
            'ref="        " transCode',
            "ARUDD line 13, ReturnedDebitItem: ref is missing",
        ),
        (
            'currentProcessingDate="2026-03-04"',
            'currentProcessingDate="04/03/2026"',
            "ARUDD line 6, Header: currentProcessingDate '04/03/2026' is not a date (YYYY-MM-DD)",
        ),
        (
            'userNumber="999901"',
            'userNumber="99990"',
            "ARUDD line 8, ServiceLicenseInformation: userNumber '99990' is not a six-digit "
            "service user number",
        ),
    ],
)
def test_arudd_field_errors_name_line_item_and_field(old: str, new: str, message: str) -> None:
    assert refusal(altered("arudd.xml", old, new)) == message


def test_arudd_without_totals_is_refused() -> None:
    data = altered("arudd.xml", '<Totals numberOf="1" valueOf="0.99" currency="GBP"/>', "")

    assert refusal(data) == "ARUDD line 24, OriginatingAccountRecord: Totals is missing"


def test_arudd_read_from_iso_8859_1_bytes() -> None:
    data = altered("arudd.xml", 'userName="EXAMPLESHIRE CC ASC"', 'userName="CONSEIL GÉNÉRAL"')
    assert "É".encode("latin-1") in data

    report = parse_bacs_report(data)

    assert isinstance(report, AruddReport)
    assert report.service_user_name == "CONSEIL GÉNÉRAL"


# --- ADDACS ---------------------------------------------------------------------------------


def test_addacs_sample_is_read_in_full() -> None:
    report = parse_bacs_report(sample("addacs.xml"))

    assert isinstance(report, AddacsReport)
    assert report.service_user_number == "999901"
    assert report.report_date == date(2026, 3, 5)
    assert [(a.reference, a.reason_code, a.reason) for a in report.advices] == [
        ("CC10000016", "0", AddacsReason.INSTRUCTION_CANCELLED),
        ("CC10000024", "1", AddacsReason.CANCELLED_BY_PAYER),
        ("CC10000057", "3", AddacsReason.ACCOUNT_TRANSFERRED),
        ("CC10000065", "B", AddacsReason.ACCOUNT_CLOSED),  # lower case "b" in the file
        ("CC10000073", "R", AddacsReason.INSTRUCTION_REINSTATED),
    ]
    first, _, transferred, *_ = report.advices
    assert first.payer_name == "A N OTHER"
    assert (first.payer_sort_code, first.payer_account_number) == ("600000", "12345679")
    assert (first.new_sort_code, first.new_account_number) == (None, None)
    assert first.effective_date == date(2026, 3, 5)
    assert first.due_date == date(2026, 3, 16)
    assert first.payment_frequency == "M"
    assert first.aosn == "00001201"
    assert first.line == 8
    assert (transferred.new_sort_code, transferred.new_account_number) == ("830000", "70707071")
    assert transferred.effective_date == date(2026, 3, 6)


@pytest.mark.parametrize("code", ["4", "5", "Z", "01"])
def test_unknown_addacs_reason_code_is_refused(code: str) -> None:
    data = altered("addacs.xml", 'reason-code="1"', f'reason-code="{code}"')

    assert refusal(data) == (
        f"ADDACS line 9, MessagingAdvice (reference 'CC10000024'): reason-code '{code}' is not "
        "a known ADDACS reason code"
    )


def test_addacs_account_transferred_needs_the_new_details() -> None:
    data = altered("addacs.xml", ' payer-new-sort-code="830000"', "")

    assert refusal(data) == (
        "ADDACS line 10, MessagingAdvice (reference 'CC10000057'): reason-code 3 (account "
        "transferred) without the new account details"
    )


def test_addacs_missing_effective_date_is_refused() -> None:
    data = altered(
        "addacs.xml", 'effective-date="2026-03-05" reference="CC10000065"', 'reference="CC10000065"'
    )

    assert refusal(data) == (
        "ADDACS line 11, MessagingAdvice (reference 'CC10000065'): effective-date is missing"
    )


def test_addacs_with_a_foreign_record_type_is_refused() -> None:
    data = altered(
        "addacs.xml",
        'record-type="A" effective-date="2026-03-06"',
        'record-type="D" effective-date="2026-03-06"',
    )

    assert refusal(data) == (
        "ADDACS line 10, MessagingAdvice: record-type 'D' does not belong in this report "
        "(expected A)"
    )


# --- AUDDIS ---------------------------------------------------------------------------------


def test_auddis_sample_is_read_in_full() -> None:
    report = parse_bacs_report(sample("auddis.xml"))

    assert isinstance(report, AuddisReport)
    assert report.service_user_number == "999901"
    assert report.report_date == date(2026, 3, 5)
    assert [(r.reference, r.transaction_code, r.reason_code, r.reason) for r in report.returns] == [
        ("CC10000081", "0N", "5", AuddisReason.NO_ACCOUNT),
        ("CC10000099", "0C", "1", AuddisReason.CANCELLED_BY_PAYER),
        ("CC10000107", "0S", "F", AuddisReason.INVALID_ACCOUNT_TYPE),
    ]
    first = report.returns[0]
    assert (first.payer_name, first.payer_sort_code, first.payer_account_number) == (
        "T EXAMPLE",
        "600000",
        "70707073",
    )
    assert first.effective_date == date(2026, 3, 5)
    assert first.original_processing_date == date(2026, 3, 3)
    assert report.returns[2].original_processing_date is None
    assert report.returns[1].new_sort_code == "608371"


@pytest.mark.parametrize("code", ["0", "4", "A", "D", "J", "R"])
def test_unknown_auddis_reason_code_is_refused(code: str) -> None:
    data = altered("auddis.xml", 'reason-code="F"', f'reason-code="{code}"')

    assert refusal(data) == (
        f"AUDDIS line 10, MessagingAdvice (reference 'CC10000107'): reason-code '{code}' is not "
        "a known AUDDIS reason code"
    )


def test_auddis_transaction_code_must_be_an_instruction_code() -> None:
    data = altered("auddis.xml", 'transaction-code="0N"', 'transaction-code="17"')

    assert refusal(data) == (
        "AUDDIS line 8, MessagingAdvice (reference 'CC10000081'): transaction-code '17' is not "
        "an instruction code (0N/0C/0S)"
    )


# --- AUDDIS file acceptance -----------------------------------------------------------------


def test_auddis_acceptance_accepted_file() -> None:
    report = parse_bacs_report(sample("auddis_acceptance.xml"))

    assert isinstance(report, AuddisAcceptanceReport)
    assert report.service_user_number == "999901"
    assert report.report_date == date(2026, 3, 3)
    assert report.messages == ()
    (result,) = report.files
    assert result.accepted is True
    assert result.live is True
    assert result.processing_date == date(2026, 3, 4)
    assert result.originator_file_number == "001"
    assert result.volume_serial_number == "000731"
    assert result.work_code == "1 DAILY"
    assert (result.accepted_ddis, result.rejected_ddis) == (42, 0)
    assert result.bureau_number == "B99999"
    assert result.file_error_code == "0"


def test_auddis_acceptance_rejected_file_keeps_the_error_lines_in_order() -> None:
    report = parse_bacs_report(sample("auddis_rejected.xml"))

    assert isinstance(report, AuddisAcceptanceReport)
    (result,) = report.files
    assert result.accepted is False
    assert (result.accepted_ddis, result.rejected_ddis) == (None, None)
    assert result.file_error_code == "12"
    assert report.messages == (
        "FILE REJECTED: TRANSACTION CODE 17 IN AUDDIS FILE",
        "ONLY 0N 0C 0S RECORDS ALLOWED",
    )


def test_accepted_file_needs_its_counts() -> None:
    data = altered("auddis_acceptance.xml", ' accepted-ddi="42"', "")

    assert refusal(data) == (
        "AUDDIS file acceptance line 8, MessagingAdvice (file 001): accepted-ddi is missing"
    )


def test_test_files_are_marked_not_live() -> None:
    data = altered("auddis_acceptance.xml", 'file-type="LIVE"', 'file-type="TEST"')

    report = parse_bacs_report(data)

    assert isinstance(report, AuddisAcceptanceReport)
    assert report.files[0].live is False


# --- DDICA ----------------------------------------------------------------------------------


def test_ddica_sample_is_read_in_full() -> None:
    report = parse_bacs_report(sample("ddica.xml"))

    assert isinstance(report, DdicaReport)
    assert report.service_user_number == "999901"
    assert report.debit_date == date(2026, 3, 13)
    assert report.total_pence == 152376
    first, second = report.claims
    assert first.sequence_number == "1"
    assert first.paying_bank_reference == "DDIC000000000417"
    assert first.reference == "CC10000016"
    assert (first.reason_code, first.reason) == ("1", DdicaReason.AMOUNT_OR_DATE_DIFFERS)
    assert (first.payer_sort_code, first.payer_account_number) == ("600000", "12345679")
    assert first.payer_name == "A N OTHER"
    assert first.total_pence == 49120
    assert first.collections == (
        DdicaCollection(date(2026, 1, 2), 24560),
        DdicaCollection(date(2026, 2, 2), 24560),
    )
    assert first.line == 11
    assert (second.reason, second.total_pence) == (DdicaReason.CANCELLED_BY_PAYER, 103256)
    (cancelled,) = report.cancellations
    assert (cancelled.reference, cancelled.reason, cancelled.total_pence) == (
        "CC10000024",
        DdicaReason.NO_ADVANCE_NOTICE,
        8715,
    )
    assert report.cancellations_total_pence == 8715


def test_ddica_reason_codes_are_one_to_eight() -> None:
    assert dict(DDICA_CODES) == {
        "1": DdicaReason.AMOUNT_OR_DATE_DIFFERS,
        "2": DdicaReason.NO_ADVANCE_NOTICE,
        "3": DdicaReason.CANCELLED_BY_PAYING_BANK,
        "4": DdicaReason.CANCELLED_BY_PAYER,
        "5": DdicaReason.NO_INSTRUCTION,
        "6": DdicaReason.SIGNATURE_NOT_VALID,
        "7": DdicaReason.SERVICE_USER_REQUEST,
        "8": DdicaReason.SERVICE_USER_NOT_RECOGNISED,
    }


def test_unknown_ddica_reason_code_is_refused() -> None:
    data = altered("ddica.xml", "<ReasonCode>4</ReasonCode>", "<ReasonCode>9</ReasonCode>")

    assert refusal(data) == (
        "DDICA line 33, DDICAdvice (SUReference 'CC10000057'): ReasonCode '9' is not a known "
        "DDICA reason code (1-8)"
    )


def test_ddica_claim_total_must_equal_its_collections() -> None:
    data = altered(
        "ddica.xml", "<TotalAmount>491.20</TotalAmount>", "<TotalAmount>491.21</TotalAmount>"
    )

    assert refusal(data) == (
        "DDICA line 11, DDICAdvice (SUReference 'CC10000016'): TotalAmount 491.21 does not "
        "equal the sum of the collections 491.20"
    )


def test_ddica_document_total_must_equal_the_claims() -> None:
    data = altered("ddica.xml", "<TotalValueOfDebits>1,523.76", "<TotalValueOfDebits>1,532.76")

    assert refusal(data) == (
        "DDICA line 8, NewAdvices: TotalValueOfDebits 1532.76 does not equal the sum of the "
        "claims 1523.76"
    )


def test_ddica_number_of_advices_must_match_the_collections() -> None:
    data = altered(
        "ddica.xml", "<NoOfAdvForClaim>2</NoOfAdvForClaim>", "<NoOfAdvForClaim>3</NoOfAdvForClaim>"
    )

    assert refusal(data) == (
        "DDICA line 11, DDICAdvice (SUReference 'CC10000016'): NoOfAdvForClaim 3 does not equal "
        "the 2 collections listed"
    )


def test_ddica_missing_payer_account_is_refused() -> None:
    data = altered("ddica.xml", "<PayerAccount>70707071</PayerAccount>", "")

    assert refusal(data) == (
        "DDICA line 33, DDICAdvice (SUReference 'CC10000057'): PayerAccount is missing"
    )


def test_ddica_badly_grouped_thousands_are_refused() -> None:
    data = altered("ddica.xml", "<Amount>1,032.56</Amount>", "<Amount>10,32.56</Amount>")

    assert refusal(data) == (
        "DDICA line 45, DDCollection (SUReference 'CC10000057'): Amount '10,32.56' is not an "
        "amount in pounds with two decimals"
    )


# --- recognising and refusing files ---------------------------------------------------------


def test_not_well_formed_xml_names_line_and_column() -> None:
    data = altered("addacs.xml", 'aosn="00001202"/>', 'aosn="00001202">')

    assert refusal(data) == (
        "Bacs report: not well-formed XML at line 14, column 9: mismatched tag"
    )


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE BACSDocument [<!ENTITY a "x">]>\n<BACSDocument/>',
        b'<?xml version="1.0"?>\n<!doctype BACSDocument SYSTEM "http://example.invalid/x.dtd">'
        b"<BACSDocument/>",
        b"<BACSDocument><Data><!ENTITY x SYSTEM 'file:///etc/passwd'></Data></BACSDocument>",
    ],
)
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    assert refusal(data) == (
        "Bacs report: refused because it contains a DTD or entity declaration or is not "
        "UTF-8/ISO-8859-1 text"
    )


def test_utf16_is_refused_because_it_would_hide_a_dtd() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><BACSDocument/>'.encode("utf-16")

    assert refusal(data).startswith("Bacs report: refused because")


def test_an_encoding_expat_does_not_know_is_refused() -> None:
    data = b'<?xml version="1.0" encoding="EBCDIC-UK"?><BACSDocument/>'

    assert (
        refusal(data) == "Bacs report: the XML could not be decoded (unknown encoding: EBCDIC-UK)"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Bacs report: the file is empty"),
        (b"  \r\n", "Bacs report: the file is empty"),
        (
            b"<Invoice><Data/></Invoice>",
            "Bacs report line 1: the root element <Invoice> is not a Bacs report (expected "
            "BACSDocument or VocaDocument)",
        ),
        (b"<BACSDocument/>", "Bacs report line 1, BACSDocument: Data is missing"),
        (
            b"<BACSDocument>\n<Data><InputReport/></Data></BACSDocument>",
            "Bacs report line 2, Data: holds no report carecharge reads (ARUDD or "
            "MessagingAdvices); found InputReport (InputReport reports are not read by "
            "carecharge)",
        ),
        (
            b"<BACSDocument><Data><MessagingAdvices/></Data></BACSDocument>",
            "Bacs messaging report line 1, MessagingAdvices: MessagingHeader is missing",
        ),
        (
            b'<BACSDocument><Data><MessagingAdvices><MessagingHeader advice-type="AWACS" '
            b'report-type="7004"/></MessagingAdvices></Data></BACSDocument>',
            "Bacs messaging report line 1, MessagingHeader: advice-type 'AWACS' is not ADDACS, "
            "AUDDIS or AUDACC (report-type 7004)",
        ),
        (
            b"<VocaDocument><Data/></VocaDocument>",
            "DDICA line 1, Data: expected one Data/Document element, found 0",
        ),
        (
            b"<VocaDocument><Data><Document><ServiceUserNumber>999901</ServiceUserNumber>"
            b"</Document></Data></VocaDocument>",
            "DDICA line 1, Document: neither NewAdvices nor Cancellations is present",
        ),
    ],
)
def test_files_that_are_not_a_known_report_are_refused(data: bytes, message: str) -> None:
    assert refusal(data) == message


def test_advice_type_and_report_type_must_agree() -> None:
    data = altered("addacs.xml", 'report-type="7001"', 'report-type="7002"')

    assert refusal(data) == (
        "Bacs messaging report line 6, MessagingHeader: report-type 7002 does not match "
        "advice-type ADDACS (expected 7001)"
    )


def test_text_instead_of_bytes_is_refused() -> None:
    with pytest.raises(BacsReportError, match="expected the file's bytes, got str"):
        parse_bacs_report("<BACSDocument/>")  # type: ignore[arg-type]


def test_every_sample_bank_account_passes_the_modulus_check() -> None:
    # The samples are synthetic, but their details should survive the checks a council runs.
    arudd, addacs, auddis, ddica = (
        parse_bacs_report(sample(name))
        for name in ("arudd.xml", "addacs.xml", "auddis.xml", "ddica.xml")
    )
    assert isinstance(arudd, AruddReport)
    assert isinstance(addacs, AddacsReport)
    assert isinstance(auddis, AuddisReport)
    assert isinstance(ddica, DdicaReport)
    rows = [*arudd.items, *addacs.advices, *auddis.returns, *ddica.claims, *ddica.cancellations]
    pairs = {(row.payer_sort_code, row.payer_account_number) for row in rows}
    pairs |= {(account.sort_code, account.account_number) for account in arudd.accounts}
    assert len(pairs) >= 8
    assert [pair for pair in sorted(pairs) if not check_account(*pair).valid] == []


# --- properties -----------------------------------------------------------------------------

_LABELS = {"Bacs", "ARUDD", "ADDACS", "AUDDIS", "DDICA"}
_REFERENCES = st.from_regex(r"[A-Z0-9]{6,18}", fullmatch=True)
_DATES = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))
_PENCE = st.integers(min_value=0, max_value=99_999_999_999)
_ITEM = st.tuples(
    _REFERENCES,
    st.sampled_from(["01", "17", "18", "19"]),
    st.sampled_from(sorted(DEFAULT_ARUDD_REASONS)),
    _DATES,
    _PENCE,
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.from_regex(r"[0-9]{8}", fullmatch=True),
)


def _pounds(pence: int, *, grouped: bool = False) -> str:
    return f"{pence // 100:,}.{pence % 100:02d}" if grouped else f"{pence // 100}.{pence % 100:02d}"


def _arudd(processing: date, items: list[tuple[str, str, str, date, int, str, str]]) -> bytes:
    lines = [
        "<?xml version='1.0' encoding='ISO-8859-1'?>",
        f'<BACSDocument><Data><ARUDD><Header currentProcessingDate="{processing}"/>',
        '<ServiceLicenseInformation userNumber="999901"/>',
        "<Advice><OriginatingAccountRecords><OriginatingAccountRecord>",
        '<OriginatingAccount sortCode="40-12-76" number="12345674"/>',
    ]
    for reference, code, description, original, pence, sort_code, account in items:
        lines.append(
            f'<ReturnedDebitItem ref="{reference:<18}" transCode="{code}" returnCode="0000" '
            f'returnDescription="{description}" originalProcessingDate="{original}" '
            f'valueOf="{_pounds(pence)}" currency="GBP">'
            f'<PayerAccount sortCode="{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}" '
            f'number="{account}" name="A PAYER"/></ReturnedDebitItem>'
        )
    total = sum(item[4] for item in items)
    lines.append(f'<Totals numberOf="{len(items)}" valueOf="{_pounds(total)}"/>')
    lines.append("</OriginatingAccountRecord></OriginatingAccountRecords></Advice></ARUDD>")
    lines.append("</Data></BACSDocument>")
    return "\n".join(lines).encode("latin-1")


@settings(max_examples=60)
@given(processing=_DATES, items=st.lists(_ITEM, max_size=6))
def test_arudd_written_then_read_gives_back_every_item(
    processing: date, items: list[tuple[str, str, str, date, int, str, str]]
) -> None:
    report = parse_bacs_report(_arudd(processing, items))

    assert isinstance(report, AruddReport)
    assert report.processing_date == processing
    assert [
        (
            i.reference,
            i.transaction_code,
            i.description,
            i.original_processing_date,
            i.amount_pence,
            i.payer_sort_code,
            i.payer_account_number,
        )
        for i in report.items
    ] == [(r, c, d, o, p, s, a) for r, c, d, o, p, s, a in items]
    assert [i.reason for i in report.items] == [DEFAULT_ARUDD_REASONS[item[2]] for item in items]
    assert report.total_pence == sum(item[4] for item in items)


@settings(max_examples=60)
@given(amounts=st.lists(_PENCE, min_size=1, max_size=5), grouped=st.booleans())
def test_ddica_amounts_are_exact_pence_with_or_without_thousands_commas(
    amounts: list[int], grouped: bool
) -> None:
    collections = "".join(
        f"<DDCollection><DateOfDirectDebit>2026-01-0{n + 1}</DateOfDirectDebit>"
        f"<Amount>{_pounds(pence, grouped=grouped)}</Amount></DDCollection>"
        for n, pence in enumerate(amounts)
    )
    total = _pounds(sum(amounts), grouped=grouped)
    data = (
        "<VocaDocument><Data><Document><ServiceUserNumber>999901</ServiceUserNumber>"
        f"<NewAdvices><DateOfDebit>2026-03-13</DateOfDebit><TotalValueOfDebits>{total}"
        "</TotalValueOfDebits><DDICAdvice><PayingBankReference>DDIC1</PayingBankReference>"
        "<SUReference>CC10000016</SUReference><ReasonCode>7</ReasonCode>"
        "<PayerSortCode>600000</PayerSortCode><PayerAccount>12345679</PayerAccount>"
        f"<PayerName>A N OTHER</PayerName><TotalAmount>{total}</TotalAmount>"
        f"<DDCollections>{collections}</DDCollections></DDICAdvice></NewAdvices>"
        "</Document></Data></VocaDocument>"
    ).encode()

    report = parse_bacs_report(data)

    assert isinstance(report, DdicaReport)
    assert [c.amount_pence for c in report.claims[0].collections] == amounts
    assert report.total_pence == sum(amounts)
    assert report.claims[0].reason is DdicaReason.SERVICE_USER_REQUEST


@settings(max_examples=200)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_are_refused_cleanly_or_read(data: bytes) -> None:
    try:
        parse_bacs_report(data)
    except BacsReportError as error:
        assert str(error).split(" ")[0] in _LABELS


@settings(max_examples=100)
@given(
    name=st.sampled_from(["arudd.xml", "addacs.xml", "auddis.xml", "ddica.xml"]),
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.binary(max_size=8),
)
def test_damaged_samples_are_refused_cleanly(name: str, cut: int, junk: bytes) -> None:
    original = sample(name)
    damaged = original[:cut] + junk + original[cut + len(junk) :]
    try:
        parse_bacs_report(damaged)
    except BacsReportError as error:
        assert str(error).split(" ")[0] in _LABELS

"""camt.053 statements (versions 02 and 08): fields read exactly, bad files refused whole."""

from __future__ import annotations

from datetime import date

import pytest

from carecharge.core.receipts.camt053 import read_camt053
from carecharge.core.receipts.types import StatementError

V08 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2025-04-08T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT1</Id>
      <FrToDt><FrDtTm>2025-04-07T00:00:00+01:00</FrDtTm><ToDtTm>2025-04-07T23:59:59+01:00</ToDtTm></FrToDt>
      <Acct><Id><Othr><Id>40000012345678</Id></Othr></Id><Ccy>GBP</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-07</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="GBP">1165.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-07</Dt></Dt>
      </Bal>
      <TxsSummry>
        <TtlNtries><NbOfNtries>4</NbOfNtries><Sum>235.50</Sum></TtlNtries>
        <TtlCdtNtries><NbOfNtries>3</NbOfNtries><Sum>215.50</Sum></TtlCdtNtries>
        <TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>20.00</Sum></TtlDbtNtries>
      </TxsSummry>
      <Ntry>
        <Amt Ccy="GBP">125.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2025-04-07</Dt></BookgDt><ValDt><Dt>2025-04-08</Dt></ValDt>
        <AcctSvcrRef>FP0001</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Pty><Nm>J SMITH</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>CARE 1234-5674</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="GBP">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2025-04-07</Dt></BookgDt>
        <AddtlNtryInf>BANK CHARGE</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="GBP">60.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><DtTm>2025-04-07T10:15:00Z</DtTm></BookgDt>
        <AcctSvcrRef>BULK9</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Amt Ccy="GBP">40.00</Amt>
            <RltdPties><Dbtr><Pty><Nm>A JONES</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Ustrd>76543214</Ustrd></RmtInf>
          </TxDtls>
          <TxDtls>
            <Amt Ccy="GBP">20.00</Amt>
            <Refs><EndToEndId>E2E-77</EndToEndId></Refs>
            <RmtInf><Strd><CdtrRefInf><Ref>10000180</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="GBP">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
        <BookgDt><Dt>2025-04-07</Dt></BookgDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""

V02 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M</MsgId><CreDtTm>2025-04-08T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S</Id>
      <Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></Acct>
      <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">5.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2025-04-04</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">7.5</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-07</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="GBP">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-04-07</Dt></BookgDt>
        <NtryDtls><TxDtls>
          <AmtDtls><TxAmt><Amt Ccy="GBP">12.50</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>MRS P O'BRIEN</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>1000018</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def refused(text: str | bytes) -> str:
    with pytest.raises(StatementError) as caught:
        read_camt053(text.encode() if isinstance(text, str) else text)
    return str(caught.value)


def test_version_08_is_read_with_booked_entries_only_and_bulk_credits_split() -> None:
    statement = read_camt053(V08.encode())
    assert statement.format == "camt.053"
    assert statement.account == "40000012345678"
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 7), date(2025, 4, 7))
    assert (statement.opening_balance, statement.closing_balance) == (100000, 116550)
    assert [
        (line.amount, line.payer, line.narrative, line.bank_transaction_id, line.line)
        for line in statement.lines
    ] == [
        (12550, "J SMITH", "CARE 1234-5674", "FP0001", 22),
        (-2000, "", "BANK CHARGE", None, 32),
        (4000, "A JONES", "76543214", "BULK9/1", 42),
        (2000, "", "E2E-77 10000180", "BULK9/2", 47),
    ]
    first = statement.lines[0]
    assert (first.booking_date, first.value_date) == (date(2025, 4, 7), date(2025, 4, 8))


def test_version_02_is_read_with_its_own_spellings() -> None:
    statement = read_camt053(V02.encode())
    assert statement.account == "GB33BUKB20201555555555"
    # PRCD (previous closing) stands for the opening balance; a debit balance is negative.
    assert (statement.opening_balance, statement.closing_balance) == (-500, 750)
    assert (statement.period_start, statement.period_end) == (date(2025, 4, 4), date(2025, 4, 7))
    [line] = statement.lines
    assert (line.amount, line.payer, line.narrative) == (1250, "MRS P O'BRIEN", "1000018")


def test_a_document_type_declaration_is_refused_before_anything_is_read() -> None:
    bomb = V02.replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY lol "lol">]>\n',
    )
    assert refused(bomb) == (
        "line 2: the file declares a document type or entity; bank statements never need one, "
        "so the file is refused"
    )


def test_a_declaration_hidden_from_a_text_search_is_still_refused_by_the_parser() -> None:
    # In UTF-16 the bytes of "<!DOCTYPE" are not the ASCII ones; the parser's handler catches it.
    bomb = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d [<!ENTITY x "y">]>\n<d>&x;</d>'
    assert refused(bomb.encode("utf-16")) == (
        "line 2: the file declares a document type or entity; bank statements never need one, "
        "so the file is refused"
    )


def test_a_cut_short_file_is_refused() -> None:
    cut = V08[: V08.index("</Stmt>")]
    assert refused(cut) == (
        f"line {cut.count(chr(10)) + 1}: this is not complete, well-formed XML (no element "
        "found); the file may be cut short or damaged"
    )


def test_balances_that_do_not_add_up_are_refused() -> None:
    assert refused(V08.replace("1165.50", "1165.51")) == (
        "line 13 (Bal CLBD): the closing balance £1,165.51 does not equal the opening balance "
        "£1,000.00 plus the 4 booked transactions (£1,165.50); the file is incomplete or altered"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "<Sum>215.50</Sum>",
            "<Sum>215.51</Sum>",
            "line 19 (TxsSummry/TtlCdtNtries/Sum): the file says the entries total £215.51 "
            "but they total £215.50",
        ),
        (
            "<NbOfNtries>1</NbOfNtries>",
            "<NbOfNtries>2</NbOfNtries>",
            "line 20 (TxsSummry/TtlDbtNtries/NbOfNtries): the file says 2 entries but holds 1",
        ),
        (
            '<Amt Ccy="GBP">20.00</Amt><CdtDbtInd>DBIT',
            '<Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT',
            "line 33 (Ntry Amt): the currency is 'EUR'; only sterling (GBP) accounts can be read",
        ),
        (
            '<Amt Ccy="GBP">125.50</Amt>',
            '<Amt Ccy="GBP">125.505</Amt>',
            "line 23 (Ntry Amt): '125.505' is not a whole number of pence",
        ),
        (
            "<BookgDt><Dt>2025-04-07</Dt></BookgDt><ValDt>",
            "<BookgDt><Dt>2025-02-30</Dt></BookgDt><ValDt>",
            "line 24 (Ntry BookgDt): '2025-02-30' is not a real date written as yyyy-mm-dd",
        ),
        (
            "<Cd>CLBD</Cd>",
            "<Cd>CLAV</Cd>",
            "line 5 (Stmt/Bal): there is no closing booked balance (CLBD)",
        ),
        (
            "<Cd>PDNG</Cd>",
            "<Cd>WAIT</Cd>",
            "line 54 (Ntry/Sts): 'WAIT' is not a status (BOOK, PDNG or INFO)",
        ),
        (
            '<Amt Ccy="GBP">40.00</Amt>',
            '<Amt Ccy="GBP">41.00</Amt>',
            "line 37 (Ntry/NtryDtls): the 2 transactions add up to £61.00, not the entry's £60.00",
        ),
    ],
)
def test_inconsistent_or_unreadable_values_are_refused_with_their_line(
    old: str, new: str, message: str
) -> None:
    assert old in V08
    assert refused(V08.replace(old, new, 1)) == message


def test_another_message_type_is_refused() -> None:
    other = V02.replace("camt.053.001.02", "camt.054.001.02")
    assert refused(other) == (
        "line 2: this is not a camt.053 statement (the document is "
        "{urn:iso:std:iso:20022:tech:xsd:camt.054.001.02}Document); versions camt.053.001.02 "
        "to .13 can be read"
    )


def second_statement(opening: str, closing: str) -> str:
    """A version 02 statement for the next working day with one credit of 12.50."""
    return f"""
    <Stmt>
      <Id>S2</Id>
      <Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-08</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-08</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="GBP">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-04-08</Dt></BookgDt>
      </Ntry>
    </Stmt>"""


def test_two_statements_are_read_as_one_period_when_they_follow_on() -> None:
    both = V02.replace("</Stmt>", "</Stmt>" + second_statement("7.50", "20.00"), 1)
    result = read_camt053(both.encode())
    assert (result.opening_balance, result.closing_balance) == (-500, 2000)
    assert (result.period_start, result.period_end) == (date(2025, 4, 4), date(2025, 4, 8))
    assert [line.amount for line in result.lines] == [1250, 1250]


def test_a_gap_between_statements_is_refused() -> None:
    gap = V02.replace("</Stmt>", "</Stmt>" + second_statement("7.49", "19.99"), 1)
    assert refused(gap) == (
        "line 22 (Stmt/Bal): the opening balance £7.49 is not the previous statement's closing "
        "balance £7.50; a statement is missing"
    )

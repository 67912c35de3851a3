"""Builders of synthetic statement files with correct totals, shared by the reader tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from carecharge.core.receipts.types import Channel, StatementLine

ACCOUNT = "40000012345678"


def line(
    narrative: str = "",
    amount: int = 12550,
    *,
    payer: str = "",
    bank_id: str | None = None,
    account: str = ACCOUNT,
    on: date = date(2025, 4, 7),
) -> StatementLine:
    return StatementLine(
        account=account,
        booking_date=on,
        value_date=on,
        amount=amount,
        payer=payer,
        narrative=narrative,
        channel=Channel.BANK,
        line=1,
        bank_transaction_id=bank_id,
    )


def mt940_amount(pence: int) -> str:
    pounds, pennies = divmod(abs(pence), 100)
    return f"{pounds},{pennies:02d}"


def mt940_file(amounts: Sequence[int], opening: int = 100000, narrative: str = "CARE") -> bytes:
    """One statement of ``amounts`` on 7 April 2025, enveloped, with matching balances."""
    closing = opening + sum(amounts)
    rows = [
        "{1:F01TESTGB2LAXXX0000000000}{2:O9401200250407TESTGB2LAXXX00000000002504071200N}{4:",
        ":20:STMT250407",
        f":25:{ACCOUNT}",
        ":28C:00097/001",
        f":60F:{'C' if opening >= 0 else 'D'}250404GBP{mt940_amount(opening)}",
    ]
    for number, pence in enumerate(amounts, start=1):
        mark = "C" if pence >= 0 else "D"
        rows.append(f":61:2504070407{mark}{mt940_amount(pence)}NTRFNONREF//FP{number:05d}")
        rows.append(f":86:{narrative} {number}")
    rows += [f":62F:{'C' if closing >= 0 else 'D'}250407GBP{mt940_amount(closing)}", "-}"]
    return ("\r\n".join(rows) + "\r\n").encode()


def bai2_file(amounts: Sequence[int], opening: int = 100000) -> bytes:
    """One account, one day, 16 records of ``amounts`` (175 credit, 475 debit), totals right."""
    closing = opening + sum(amounts)
    details = [
        f"16,{'175' if pence >= 0 else '475'},{abs(pence)},Z,FP{number:05d},,CARE {number}/"
        for number, pence in enumerate(amounts, start=1)
    ]
    account_total = opening + closing + sum(abs(pence) for pence in amounts)
    account_records = 2 + len(details)
    rows = [
        "01,TESTBANK,COUNCIL,250407,0600,1,,,2/",
        "02,COUNCIL,TESTBANK,1,250407,0600,GBP,2/",
        f"03,{ACCOUNT},GBP,010,{opening},,,015,{closing},,/",
        *details,
        f"49,{account_total},{account_records}/",
        f"98,{account_total},1,{account_records + 2}/",
        f"99,{account_total},1,{account_records + 4}/",
    ]
    return ("\n".join(rows) + "\n").encode()

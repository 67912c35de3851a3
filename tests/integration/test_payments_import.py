"""Importing payment files: a bank statement with matched, unmatched, outgoing and duplicate
lines; the same file twice; a later file repeating a transaction; a file refused whole; a
counter scheme's file. On both databases, with the ledger check passing after every test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carecharge.apps.ledger import checks
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments import allocations, importing
from carecharge.apps.payments.models import MatchRule, PaymentFile, Receipt

from .billing_scenario import HOME_CARE, Scenario

pytestmark = pytest.mark.django_db
HEADER = "Date,Description,Amount,Payer,Transaction ID\r\n"


@pytest.fixture
def s() -> Iterator[Scenario]:
    scenario = Scenario()
    for name in ("ada", "bea"):
        scenario.person(name)
        scenario.care(name, HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    scenario.assess("ada", "50.00", starts="2025-04-07")
    scenario.assess("bea", "37.25", starts="2025-04-07")
    scenario.bill("2025-05-04")  # Ada owes £200.00, Bea £149.00
    yield scenario
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


def _csv(*rows: str) -> bytes:
    total = 0
    for row in rows:
        pounds = row.split(",")[2]
        total += round(float(pounds) * 100)
    body = "".join(f"{row}\r\n" for row in rows)
    return (HEADER + body + f"Total,,{total // 100}.{total % 100:02d},,\r\n").encode()


def test_a_statement_is_matched_posted_and_the_rest_queued(s: Scenario) -> None:
    ada = s.people["ada"].account_reference
    bea_surname_line = "12/05/2025,CARE CHARGES,149.00,B TESTER,TX3"
    data = _csv(
        f"12/05/2025,CARE {ada[:4]} {ada[4:]},200.00,A TESTER,TX1",
        "12/05/2025,MUMS CARE,75.00,J SMITH,TX2",
        bea_surname_line,
        "12/05/2025,DD RETURN,-20.00,,TX4",
    )
    outcome = importing.import_payment_file(
        data=data, filename="statement-12-may.csv", kind="csv", actor=s.officer
    )

    assert outcome.file is not None
    assert outcome.file.counts == {
        "lines": 4, "receipts": 3, "matched": 2, "unallocated": 1, "duplicates": 0,
        "debits": 1, "settlements": 0, "received_pence": 42_400,
    }  # fmt: skip
    assert outcome.debits == [5]
    by_tx = {r.reference_text: r for r in outcome.receipts}
    assert by_tx[f"CARE {ada[:4]} {ada[4:]}"].match_rule == MatchRule.PAYMENT_REFERENCE
    # Bea quoted nothing, but paid the exact amount of her only open invoice, by name.
    assert by_tx["CARE CHARGES"].match_rule == MatchRule.SINGLE_INVOICE
    assert by_tx["MUMS CARE"].match_rule == MatchRule.NONE
    assert by_tx["MUMS CARE"].match_trace[-1]  # the reason it was not matched, in words
    for name in ("ada", "bea"):
        account = account_for_person(s.people[name])
        assert balance(account) == 0
        assert allocations.open_invoices(account) == []
    assert balance(LedgerAccount.objects.get(code="SUSPENSE")) == -7_500


def test_the_same_file_twice_and_a_repeated_transaction_post_nothing_again(s: Scenario) -> None:
    ada = s.people["ada"].account_reference
    first = _csv(f"12/05/2025,CARE {ada},100.00,A TESTER,TX1")
    importing.import_payment_file(data=first, filename="a.csv", kind="csv", actor=s.officer)
    again = importing.import_payment_file(
        data=first, filename="a-copy.csv", kind="csv", actor=s.officer
    )
    assert again.file is None and again.duplicate_of == PaymentFile.objects.get()

    overlapping = _csv(
        f"12/05/2025,CARE {ada},100.00,A TESTER,TX1", f"13/05/2025,CARE {ada},50.00,A TESTER,TX9"
    )
    later = importing.import_payment_file(
        data=overlapping, filename="b.csv", kind="csv", actor=s.officer
    )
    assert later.duplicates == [2]
    assert [r.amount_pence for r in later.receipts] == [5_000]
    assert Receipt.objects.count() == 2
    assert balance(account_for_person(s.people["ada"])) == 5_000


def test_a_file_with_a_wrong_total_or_a_bad_amount_is_refused_whole(s: Scenario) -> None:
    ada = s.people["ada"].account_reference
    wrong_total = (HEADER + f"12/05/2025,CARE {ada},100.00,A,TX1\r\nTotal,,99.00,,\r\n").encode()
    with pytest.raises(importing.PaymentFileRefused, match=r"(?i)total"):
        importing.import_payment_file(
            data=wrong_total, filename="x.csv", kind="csv", actor=s.officer
        )
    bad_amount = (
        HEADER
        + f"12/05/2025,CARE {ada},100.00,A,TX1\r\n12/05/2025,X,12.345,B,TX2\r\nTotal,,112.35,,\r\n"
    ).encode()
    with pytest.raises(importing.PaymentFileRefused, match="line 3"):
        importing.import_payment_file(
            data=bad_amount, filename="y.csv", kind="csv", actor=s.officer
        )
    assert not PaymentFile.objects.exists() and not Receipt.objects.exists()


def test_a_counter_file_is_read_with_the_schemes_layout(s: Scenario) -> None:
    ada = s.people["ada"].account_reference
    data = (
        f"D,{ada},25.00,2025-05-14,PP1\r\nD,99999999,10.00,2025-05-14,PP2\r\nT,2,35.00\r\n"
    ).encode()
    outcome = importing.import_payment_file(
        data=data,
        filename="paypoint-14-may.csv",
        kind="counter",
        actor=s.officer,
        scheme="paypoint",
    )
    assert [(r.amount_pence, r.match_rule) for r in outcome.receipts] == [
        (2_500, MatchRule.PAYMENT_REFERENCE),
        (1_000, MatchRule.NONE),
    ]
    assert {r.channel for r in outcome.receipts} == {"counter"}
    with pytest.raises(
        importing.PaymentFileRefused, match="scheme: no counter layout named 'nope'"
    ):
        importing.import_payment_file(
            data=data.replace(b"PP2", b"PP3"),
            filename="z",
            kind="counter",
            actor=s.officer,
            scheme="nope",
        )


def test_the_command_imports_a_file_and_lists_the_queue(
    s: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ada = s.people["ada"].account_reference
    path = tmp_path / "statement.csv"
    path.write_bytes(_csv(f"12/05/2025,CARE {ada},200.00,A TESTER,TX1", "12/05/2025,?,5.00,X,TX2"))
    call_command("payments", "import", str(path), "--kind", "csv", "--as", "charlie", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert (printed["receipts"], printed["matched"], printed["unallocated"]) == (
        ["RC000001", "RC000002"], 1, 1,
    )  # fmt: skip
    assert printed["received"] == "205.00"
    call_command("payments", "import", str(path), "--kind", "csv", "--as", "charlie")
    assert "was imported before" in capsys.readouterr().out
    call_command("payments", "unallocated")
    assert "Unallocated: 1 receipts, £5.00" in capsys.readouterr().out
    broken = tmp_path / "broken.csv"
    broken.write_bytes(HEADER.encode() + b"12/05/2025,X,1.00,A,TX7\r\n")
    with pytest.raises(CommandError, match=r"broken\.csv refused, nothing posted"):
        call_command("payments", "import", str(broken), "--kind", "csv", "--as", "charlie")


def test_other_channels_settling_in_bulk_are_kept_for_reconciliation_not_posted(
    s: Scenario,
) -> None:
    ada = s.people["ada"].account_reference
    data = _csv(
        f"12/05/2025,CARE {ada},20.00,A TESTER,TX1",
        "12/05/2025,ALLPAY LTD SETTLEMENT 11MAY,310.50,ALLPAY,TX2",
        "12/05/2025,REFUND RF000001,-15.00,,TX3",
    )
    outcome = importing.import_payment_file(
        data=data, filename="m.csv", kind="csv", actor=s.officer
    )
    assert outcome.file is not None
    assert [r.amount_pence for r in outcome.receipts] == [2_000]
    assert outcome.settlements == [3] and outcome.debits == [4]
    assert [(o["kind"], o["channel"], o["pence"]) for o in outcome.file.other_lines] == [
        ("settlement", "counter", 31_050),
        ("debit", "", -1_500),
    ]

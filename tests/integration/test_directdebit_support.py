"""Shared set-up for the Direct Debit tests (no tests here): the story's dates, people billed
through the billing scenario, mandates, and synthetic Bacs reports built to the layouts in
docs/bacs-reports.md. Every bank account passes the modulus check; everything is fictional.

The story: invoices are issued on Mon 2 Mar 2026 (due Mon 30 Mar); mandates are set up and the
AUDDIS file made the same day (processed Tue 3 Mar, live from Wed 4 Mar); the collection run for
Wed 1 Apr 2026 is built on Thu 12 Mar, when its advance notices go (earliest collection Thu 26
Mar); its file is processed on Tue 31 Mar and the run settled on Wed 1 Apr; the Bacs reports
come on Thu 2 Apr.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from carecharge.apps.accounts.roles import Role
from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.models import Mandate
from carecharge.apps.ledger import checks
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.operations import account_for_person

from .billing_scenario import HOME_CARE, Scenario

BILLED_ON = date(2026, 3, 2)
BUILT_ON = date(2026, 3, 12)
COLLECT_ON = date(2026, 4, 1)
PROCESSED_ON = date(2026, 3, 31)
REPORTS_ON = date(2026, 4, 2)
SUN = "999901"

# (sort code, account number) pairs that pass VocaLink's modulus check.
BANKS = [
    ("40-00-00", "10000299"),
    ("40-00-00", "10000604"),
    ("40-00-00", "10000612"),
    ("40-00-00", "10000620"),
    ("40-00-00", "10000752"),
    ("60-00-00", "12345679"),
]
FAILS_MODULUS = ("40-00-00", "12345678")


def _staff(username: str, role: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"first_name": username.title()}
    )
    user.groups.set(Group.objects.filter(name=role))
    return user


class DirectDebits:
    """The scenario, plus a finance officer and short ways to set up Direct Debits."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.finance = _staff("fran", Role.FINANCE_OFFICER)
        self._banks = iter(BANKS)

    def billed(self, name: str, weekly: str) -> LedgerAccount:
        """A person with home care, assessed at ``weekly``, billed for four weeks (one invoice
        of four times ``weekly``, issued on BILLED_ON and due 28 days later)."""
        self.s.person(name)
        self.s.care(name, HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
        self.s.assess(name, weekly, starts="2025-04-07")
        return account_for_person(self.s.people[name])

    def bill(self) -> None:
        self.s.bill("2025-05-04")

    def mandate(self, account: LedgerAccount, payer: str, **extra: Any) -> Mandate:
        sort_code, number = next(self._banks)
        return operations.create_mandate(
            account=account,
            payer_name=payer,
            sort_code=sort_code,
            account_number=number,
            signed_on=BILLED_ON,
            actor=self.s.officer,
            today=BILLED_ON,
            **extra,
        )

    def lodge(self, today: date = BILLED_ON) -> Any:
        return operations.write_auddis_file(actor=self.finance, today=today)


@pytest.fixture
def dd(monkeypatch: pytest.MonkeyPatch) -> Iterator[DirectDebits]:
    """Billing issues invoices on BILLED_ON; the ledger check must pass at the end."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: BILLED_ON)
    world = DirectDebits(Scenario())
    yield world
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


# --- Bacs reports -----------------------------------------------------------------------------

_SIGNATURE = "<SignatureMethod>Vanilla</SignatureMethod><Signature>U1lOVEhFVElDIFRFU1Q=</Signature>"


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def arudd(
    *returns: tuple[str, str, str, int],
    processing: str = "2026-04-02",
    original: str = "2026-03-31",
    sun: str = SUN,
    code: str = "0128",
) -> bytes:
    """An ARUDD with (reference, transaction code, description, pence) returns against the
    council's collection account."""
    items = "".join(
        f'<ReturnedDebitItem ref="{ref:<18}" transCode="{trans}" returnCode="{code}" '
        f'returnDescription="{description}" originalProcessingDate="{original}" '
        f'valueOf="{_pounds(pence)}" currency="GBP">'
        f'<PayerAccount number="10000299" ref="{ref}" name="A PAYER" sortCode="40-00-00" '
        'bankName="EXAMPLE BANK PLC" branchName="HIGH STREET"/></ReturnedDebitItem>'
        for ref, trans, description, pence in returns
    )
    total = sum(r[3] for r in returns)
    return (
        "<?xml version='1.0' encoding='UTF-8'?><BACSDocument><Data><ARUDD>"
        f'<Header reportType="REFT1019" adviceNumber="1" currentProcessingDate="{processing}"/>'
        f'<ServiceLicenseInformation userName="NORTHFIELD BC ASC" userNumber="{sun}"/>'
        "<Advice><OriginatingAccountRecords><OriginatingAccountRecord>"
        '<OriginatingAccount name="NORTHFIELD BC" number="41234560" sortCode="40-00-00" '
        'type="0"/>'
        f"{items}"
        f'<Totals numberOf="{len(returns)}" valueOf="{_pounds(total)}" currency="GBP"/>'
        "</OriginatingAccountRecord></OriginatingAccountRecords></Advice></ARUDD></Data>"
        f"{_SIGNATURE}</BACSDocument>"
    ).encode()


def _messaging(advice_type: str, report_type: str, advices: str, date_: str, sun: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?><BACSDocument><Data><MessagingAdvices>"
        f'<MessagingHeader advice-type="{advice_type}" report-type="{report_type}" '
        f'user-number="{sun}" report-generation-date="{date_}" user-name="NORTHFIELD BC ASC"/>'
        f"{advices}<MessagingError/></MessagingAdvices></Data>{_SIGNATURE}</BACSDocument>"
    ).encode()


def addacs(
    *advices: tuple[str, str] | tuple[str, str, str, str],
    on: str = "2026-04-02",
    sun: str = SUN,
) -> bytes:
    """An ADDACS with (reference, reason code[, new sort code, new account]) advices."""
    rows = []
    for advice in advices:
        reference, code = advice[0], advice[1]
        new = (
            f'payer-new-sort-code="{advice[2]}" payer-new-account-number="{advice[3]}" '
            if len(advice) == 4
            else ""
        )
        rows.append(
            f'<MessagingAdvice user-number="{sun}" record-type="A" effective-date="{on}" '
            f'reference="{reference}" payer-name="A PAYER" payer-account-number="10000299" '
            f'payer-sort-code="400000" {new}reason-code="{code}" aosn="1"/>'
        )
    return _messaging("ADDACS", "7001", "".join(rows), on, sun)


def auddis(*returns: tuple[str, str, str], on: str = "2026-03-05", sun: str = SUN) -> bytes:
    """An AUDDIS returned-instructions report with (reference, 0N/0C/0S, reason code)."""
    rows = "".join(
        f'<MessagingAdvice user-number="{sun}" record-type="D" effective-date="{on}" '
        f'reference="{reference}" payer-name="A PAYER" payer-account-number="10000299" '
        f'payer-sort-code="400000" reason-code="{code}" aosn="1" transaction-code="{trans}" '
        'orig-sort-code="400000" orig-account-number="41234560" originator-name="NORTHFIELD BC"/>'
        for reference, trans, code in returns
    )
    return _messaging("AUDDIS", "7002", rows, on, sun)


def audacc(
    serial: int, *, accepted: bool = True, live: bool = True, on: str = "2026-03-03"
) -> bytes:
    """An AUDDIS file acceptance report for the file with VOL1 serial ``serial``."""
    if accepted:
        row = (
            f'<MessagingAdvice user-number="{SUN}" record-type="V" processing-date="{on}" '
            f'originator-file-number="001" work-code="1 DAILY" '
            f'file-type="{"LIVE" if live else "TEST"}" accepted-ddi="2" rejected-ddi="0" '
            f'vol-serial-number="{serial:06d}"/>'
        )
        errors = "<MessagingError/>"
    else:
        row = (
            f'<MessagingAdvice user-number="{SUN}" record-type="R" processing-date="{on}" '
            f'originator-file-number="001" file-type="LIVE" vol-serial-number="{serial:06d}" '
            'file-error-code="12"/>'
        )
        errors = '<MessagingError line1="HDR1 LABEL MISSING"/>'
    return (
        "<?xml version='1.0' encoding='UTF-8'?><BACSDocument><Data><MessagingAdvices>"
        f'<MessagingHeader advice-type="AUDACC" report-type="7003" user-number="{SUN}" '
        f'report-generation-date="{on}" user-name="NORTHFIELD BC ASC"/>'
        f"{row}{errors}</MessagingAdvices></Data>{_SIGNATURE}</BACSDocument>"
    ).encode()


def ddica(
    *claims: tuple[str, str, list[tuple[str, int]]],
    debit: str = "2026-04-20",
    withdrawn: tuple[tuple[str, str, list[tuple[str, int]]], ...] = (),
) -> bytes:
    """A DDICA with (reference, reason code, [(collection date, pence)]) claims, and
    withdrawn claims in the same shape."""

    def advice(tag: str, number: int, claim: tuple[str, str, list[tuple[str, int]]]) -> str:
        reference, code, collections = claim
        total = sum(pence for _, pence in collections)
        rows = "".join(
            f"<DDCollection><DateOfDirectDebit>{day}</DateOfDirectDebit>"
            f"<Amount>{_pounds(pence)}</Amount></DDCollection>"
            for day, pence in collections
        )
        return (
            f"<{tag}><SeqNo>{number}</SeqNo>"
            f"<PayingBankReference>DDIC0000000004{number:02d}</PayingBankReference>"
            f"<SUReference>{reference}</SUReference><ReasonCode>{code}</ReasonCode>"
            "<PayerSortCode>400000</PayerSortCode><PayerAccount>10000299</PayerAccount>"
            f"<PayerName>A PAYER</PayerName><NoOfAdvForClaim>{len(collections)}</NoOfAdvForClaim>"
            f"<TotalAmount>{_pounds(total)}</TotalAmount>"
            f"<DDCollections>{rows}</DDCollections></{tag}>"
        )

    new_total = sum(p for _, _, cs in claims for _, p in cs)
    gone_total = sum(p for _, _, cs in withdrawn for _, p in cs)
    cancellations = (
        "<Cancellations>"
        f"<TotalValueOfCancellations>{_pounds(gone_total)}</TotalValueOfCancellations>"
        + "".join(advice("DDICCancellation", n, c) for n, c in enumerate(withdrawn, start=1))
        + "</Cancellations>"
        if withdrawn
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><VocaDocument><Data><Document type="DDIC">'
        f"<ServiceUserNumber>{SUN}</ServiceUserNumber>"
        "<ServiceUserName>NORTHFIELD BC ASC</ServiceUserName>"
        f"<NewAdvices><DateOfDebit>{debit}</DateOfDebit>"
        f"<TotalValueOfDebits>{_pounds(new_total)}</TotalValueOfDebits>"
        + "".join(advice("DDICAdvice", n, c) for n, c in enumerate(claims, start=1))
        + f"</NewAdvices>{cancellations}</Document></Data></VocaDocument>"
    ).encode()

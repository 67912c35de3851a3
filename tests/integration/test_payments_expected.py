"""Standing orders and payment plans as expected income: instalments paid and missed, ended
arrangements, the forecast, and the screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.payments import expected, receipts
from carecharge.apps.payments.models import Channel, MatchRule, PaymentArrangement

from .billing_scenario import Scenario

pytestmark = pytest.mark.django_db


def _pay(s: Scenario, on: date, pence: int, key: str) -> None:
    receipts.post_receipts(
        [
            receipts.NewReceipt(
                channel=Channel.BANK, received_on=on, amount_pence=pence, duplicate_key=key,
                account=account_for_person(s.people["ada"]),
                match_rule=MatchRule.PAYMENT_REFERENCE,
            )
        ],
        actor=s.officer,
    )  # fmt: skip


def test_a_standing_order_with_a_missed_month_and_its_forecast() -> None:
    s = Scenario()
    s.person("ada")
    account = account_for_person(s.people["ada"])
    today = timezone.localdate()
    first = today - timedelta(days=70)
    order = expected.record_arrangement(
        account=account, kind="standing_order", amount_pence=4_000, frequency="four_weekly",
        first_due=first, actor=s.officer, note="Set up by her son",
    )  # fmt: skip
    _pay(s, first + timedelta(days=1), 4_000, "so:1")
    _pay(s, first + timedelta(days=56), 4_000, "so:3")  # the second (day 28) never came

    found = expected.instalments(order, as_at=today)
    assert [(i.due, i.paid_by is not None, i.missed) for i in found] == [
        (first, True, False),
        (first + timedelta(days=28), False, True),
        (first + timedelta(days=56), True, False),
    ]
    [missed] = expected.missed(as_at=today)
    assert missed.instalment.due == first + timedelta(days=28)
    assert missed.instalment.note.startswith("£40.00 due ")

    weeks = expected.forecast(start=today, weeks=8)
    assert sum(count for _, count, _ in weeks) == 2  # every four weeks over eight weeks
    assert sum(pence for _, _, pence in weeks) == 8_000

    expected.end_arrangement(order, on=today, reason="Cancelled at the bank", actor=s.officer)
    assert (
        sum(pence for _, _, pence in expected.forecast(start=today + timedelta(days=1), weeks=8))
        == 0
    )
    with pytest.raises(expected.ArrangementError, match="already ended"):
        expected.end_arrangement(order, on=today, reason="again", actor=s.officer)


def test_an_arrangement_that_cannot_be_is_refused() -> None:
    s = Scenario()
    s.person("ada")
    account = account_for_person(s.people["ada"])
    with pytest.raises(expected.ArrangementError, match=r"more than £0\.00"):
        expected.record_arrangement(
            account=account, kind="payment_plan", amount_pence=0, frequency="monthly",
            first_due=date(2026, 1, 1), actor=s.officer,
        )  # fmt: skip
    with pytest.raises(expected.ArrangementError, match="frequency"):
        expected.record_arrangement(
            account=account, kind="payment_plan", amount_pence=100, frequency="yearly",
            first_due=date(2026, 1, 1), actor=s.officer,
        )  # fmt: skip
    assert not PaymentArrangement.objects.exists()


def test_the_expected_income_screen_records_an_arrangement() -> None:
    s = Scenario()
    s.person("ada")
    user = User.objects.create(username="fiona")
    user.groups.set(Group.objects.filter(name=Role.FINANCE_OFFICER))
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    form = {
        "account": s.people["ada"].account_reference, "kind": "payment_plan", "amount": "25.00",
        "frequency": "monthly", "first_due_day": today.day, "first_due_month": today.month,
        "first_due_year": today.year,
    }  # fmt: skip
    refused = client.post("/payments/expected/", form | {"amount": "0"})
    assert (
        refused.status_code == 400
        and "The amount must be more than £0.00" in refused.content.decode()
    )
    assert client.post("/payments/expected/", form).status_code == 302
    page = client.get("/payments/expected/").content.decode()
    assert "Payment plan" in page and "£25.00" in page
    assert PaymentArrangement.objects.get().amount_pence == 2_500


def test_the_command_lists_missed_instalments(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from django.core.management import call_command

    s = Scenario()
    s.person("ada")
    first = timezone.localdate() - timedelta(days=20)
    expected.record_arrangement(
        account=account_for_person(s.people["ada"]), kind="payment_plan", amount_pence=1_500,
        frequency="weekly", first_due=first, actor=s.officer,
    )  # fmt: skip
    call_command("payments", "missed", "--json")
    rows = json.loads(capsys.readouterr().out)
    # Due 20, 13 and 6 days ago, none paid: all past the 5-day grace period.
    assert [row["due"] for row in rows] == [
        first.isoformat(), (first + timedelta(days=7)).isoformat(),
        (first + timedelta(days=14)).isoformat(),
    ]  # fmt: skip
    assert {row["amount"] for row in rows} == {"15.00"}


def test_a_receipt_moved_away_no_longer_pays_the_instalment_and_an_early_end_is_harmless() -> None:
    s = Scenario()
    s.person("ada")
    s.person("bea")
    ada = account_for_person(s.people["ada"])
    today = timezone.localdate()
    first = today - timedelta(days=30)
    order = expected.record_arrangement(
        account=ada, kind="standing_order", amount_pence=5_000, frequency="monthly",
        first_due=first, actor=s.officer,
    )  # fmt: skip
    _pay(s, first, 5_000, "so:moved")
    assert [i.paid_by is not None for i in expected.instalments(order, as_at=today)] == [True]
    receipt = ada.receipts.get()
    receipts.move_receipt(
        receipt, to=account_for_person(s.people["bea"]), reason="Bea's money", actor=s.officer
    )
    assert [i.missed for i in expected.instalments(order, as_at=today)] == [True]

    later = expected.record_arrangement(
        account=ada, kind="payment_plan", amount_pence=1_000, frequency="weekly",
        first_due=today + timedelta(days=10), actor=s.officer,
    )  # fmt: skip
    later = expected.end_arrangement(later, on=today, reason="Paid in full", actor=s.officer)
    assert expected.instalments(later, as_at=today + timedelta(days=60)) == []
    assert len(expected.missed(as_at=today)) == 1
    assert sum(p for _, _, p in expected.forecast(start=today, weeks=4)) == 5_000

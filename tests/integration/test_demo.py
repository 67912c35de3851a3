"""The demo council: repeatable, valid, realistic, and safe to load more than once."""

from __future__ import annotations

import io
import random
import re
import stat
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import F, Q

from carecharge.apps.assessments.models import IncomeItem
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.models import CarePackage, Service, ServiceLine, Suspension
from carecharge.apps.demo import logins
from carecharge.apps.demo.operations import plan_demo
from carecharge.apps.demo.plan import digest_of
from carecharge.apps.people.models import ServiceUser
from carecharge.bench import DemoBenchResult, record
from carecharge.core.identifiers import (
    is_valid_account_reference,
    is_valid_nhs_number,
    is_valid_ni_number,
    make_account_reference,
    normalise_postcode,
)
from carecharge.core.rules import load_rules

AS_AT = date(2025, 6, 2)
AS_AT_TEXT = AS_AT.isoformat()
PEOPLE = 120
SEED = 7


@pytest.fixture(autouse=True)
def _private_var(settings: Any, tmp_path: Path) -> None:
    # Logins go to a temporary VAR_DIR; a fast hasher keeps seven new users cheap.
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _demo(people: int = PEOPLE, seed: int = SEED, *flags: str) -> str:
    out = io.StringIO()
    call_command(
        "demo",
        "--people",
        str(people),
        "--seed",
        str(seed),
        "--as-at",
        AS_AT_TEXT,
        *flags,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def demo(db: None) -> str:
    return _demo()


def _rules() -> Any:
    return load_rules(django_settings.RULES_DIR).as_at(AS_AT)


def test_creates_exactly_the_people_asked_for_with_a_summary(demo: str) -> None:
    plan = plan_demo(people=PEOPLE, seed=SEED, as_at=AS_AT)
    assert ServiceUser.objects.count() == PEOPLE
    assert CarePackage.objects.count() == sum(len(p.packages) for p in plan.people)
    assert ServiceLine.objects.count() == sum(p.line_count for p in plan.people)
    assert Suspension.objects.count() == sum(len(p.suspensions) for p in plan.people)
    assert re.search(rf"^  people +{PEOPLE} ", demo, re.MULTILINE)
    assert re.search(rf"^  service lines +{ServiceLine.objects.count():,}$", demo, re.MULTILINE)
    deaths = ServiceUser.objects.filter(date_of_death__isnull=False).count()
    assert re.search(rf"^  deaths +{deaths}$", demo, re.MULTILINE)
    assert re.search(r"^  users +7  new of 7 demo users", demo, re.MULTILINE)
    creates = AuditEvent.objects.filter(
        source="demo", action="create", object_type="people.serviceuser"
    )
    assert creates.count() == PEOPLE
    assert AuditEvent.objects.filter(action="demo.loaded").get().changes["people"] == [None, PEOPLE]


def test_same_seed_gives_the_same_plan_whatever_the_global_random_state() -> None:
    random.seed(1)
    first = plan_demo(people=300, seed=SEED, as_at=AS_AT)
    random.seed(99)
    second = plan_demo(people=300, seed=SEED, as_at=AS_AT)
    assert first.digest() == second.digest()
    assert [p.surname for p in first.people[:5]] == [p.surname for p in second.people[:5]]
    assert plan_demo(people=300, seed=SEED + 1, as_at=AS_AT).digest() != first.digest()


def test_the_database_holds_exactly_the_plan(demo: str) -> None:
    plan = plan_demo(people=PEOPLE, seed=SEED, as_at=AS_AT)
    planned = [
        (
            p.account_reference,
            p.forename,
            p.surname,
            p.date_of_birth,
            p.nhs_number,
            sorted((str(i.type), i.rate, i.weekly_pence) for i in p.incomes),
        )
        for p in plan.people
    ]
    stored = [
        (
            u.account_reference,
            u.forename,
            u.surname,
            u.date_of_birth,
            u.nhs_number,
            sorted((i.type, i.rate, i.weekly_pence) for i in u.income_items.all()),
        )
        for u in ServiceUser.objects.order_by("account_reference").prefetch_related("income_items")
    ]
    assert digest_of(stored) == digest_of(planned)


def test_if_empty_does_nothing_the_second_time(demo: str) -> None:
    events = AuditEvent.objects.count()
    again = _demo(PEOPLE, SEED + 1, "--if-empty")
    assert again.strip() == "Service users already exist: the demo council was not loaded again."
    assert ServiceUser.objects.count() == PEOPLE
    assert User.objects.filter(username__startswith="demo.").count() == 7
    assert AuditEvent.objects.count() == events


def test_refuses_to_mix_two_demos(demo: str) -> None:
    with pytest.raises(CommandError, match=f"already holds {PEOPLE} service users"):
        _demo(10, SEED + 1)
    assert ServiceUser.objects.count() == PEOPLE


def test_refuses_a_date_before_the_rules_begin(db: None) -> None:
    with pytest.raises(CommandError, match="no benefit rates in force on 1 January 2020"):
        call_command("demo", "--people", "5", "--as-at", "2020-01-01", stdout=io.StringIO())
    assert ServiceUser.objects.count() == 0


def test_identifiers_are_well_formed_and_unique(demo: str) -> None:
    people = list(ServiceUser.objects.all())
    nhs = [p.nhs_number for p in people if p.nhs_number]
    ni = [p.ni_number for p in people if p.ni_number]
    assert len(nhs) >= 0.8 * PEOPLE and len(set(nhs)) == len(nhs)
    assert all(is_valid_nhs_number(n) for n in nhs)
    assert len(ni) >= 0.7 * PEOPLE and all(is_valid_ni_number(n) for n in ni)
    references = sorted(p.account_reference for p in people)
    assert all(is_valid_account_reference(r) for r in references)
    assert references == sorted(make_account_reference(i) for i in range(1, PEOPLE + 1))
    postcodes = [a.postcode for p in people for a in p.addresses.all()]
    assert len(postcodes) >= PEOPLE
    assert all(normalise_postcode(code) == code for code in postcodes)


def test_benefits_are_the_rule_values_on_the_as_at_date(demo: str) -> None:
    rules = _rules()
    expected = {
        ("attendance_allowance", "higher"): "england.benefits.attendance_allowance.higher",
        ("attendance_allowance", "lower"): "england.benefits.attendance_allowance.lower",
        ("state_pension", ""): "england.benefits.state_pension.basic_full",
        (
            "pip_daily_living",
            "enhanced",
        ): "england.benefits.personal_independence_payment.daily_living.enhanced",
    }
    for (kind, rate), rule in expected.items():
        amounts = set(
            IncomeItem.objects.filter(type=kind, rate=rate).values_list("weekly_pence", flat=True)
        )
        assert amounts == {rules.pence(rule)}, kind
    assert rules.pence("england.benefits.attendance_allowance.higher") == 11040
    # A year later the same seed declares the uprated figure.
    later = plan_demo(people=300, seed=SEED, as_at=date(2026, 5, 1))
    higher = {
        i.weekly_pence
        for p in later.people
        for i in p.incomes
        if i.type == "attendance_allowance" and i.rate == "higher"
    }
    assert higher == {11460}


def test_couples_point_at_each_other(demo: str) -> None:
    partnered = list(ServiceUser.objects.filter(partner__isnull=False).select_related("partner"))
    assert len(partnered) >= 2 and len(partnered) % 2 == 0
    for person in partnered:
        assert person.partner is not None
        assert person.partner.partner_id == person.pk
        assert person.partner.surname == person.surname
        # What they hold jointly is recorded the same way on both records.
        assert _joint(person) == _joint(person.partner)
    assert any(_joint(person) for person in partnered)


def _joint(person: ServiceUser) -> list[tuple[str, int, str]]:
    capital = [
        (c.type, c.amount_pence, str(c.share)) for c in person.capital_items.filter(joint=True)
    ]
    income = [(i.type, i.weekly_pence, "") for i in person.income_items.filter(joint=True)]
    return sorted(capital + income)


def test_deceased_people_have_no_care_after_death(demo: str) -> None:
    deceased = ServiceUser.objects.filter(date_of_death__isnull=False)
    assert deceased.exists()
    deaths = [d for d in deceased.values_list("date_of_death", flat=True) if d is not None]
    assert len(deaths) == deceased.count() and all(d < AS_AT for d in deaths)
    running = ServiceLine.objects.filter(package__person__date_of_death__isnull=False).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=F("package__person__date_of_death"))
    )
    assert running.count() == 0
    ended = ServiceLine.objects.filter(
        package__person__in=deceased, end_date=F("package__person__date_of_death")
    )
    assert ended.exists()


def test_flat_rate_services_name_the_councils_rules(demo: str) -> None:
    rules = _rules()
    flat = Service.objects.filter(charging_method="flat_rate")
    assert sorted(flat.values_list("code", flat=True)) == [
        "DAY-OPPS",
        "MEALS",
        "TELECARE",
        "TRANSPORT",
    ]
    for service in flat:
        entry = rules.entry(service.flat_rate_rule)
        assert entry.references[0].title == "Demo council: fees and charges decision"
    assert rules.pence("local.demo.flat_rates.meals") == 520
    assert set(
        Service.objects.filter(charging_method="free").values_list("free_reason", flat=True)
    ) == {"reablement", "equipment"}


def test_demo_users_have_their_roles_and_private_logins(demo: str, tmp_path: Path) -> None:
    path = tmp_path / "demo-logins.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = {login.username: login for login in logins.read_logins(path) or []}
    for username, role in logins.DEMO_USERS:
        user = User.objects.get(username=username)
        assert sorted(user.groups.values_list("name", flat=True)) == sorted([role.value, "demo"])
        assert saved[username].role == role.value
        assert user.check_password(saved[username].password)
        assert len(saved[username].password) >= 20
    assert logins.ensure_demo_users() == []  # existing users are left alone
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "demo.recovery" in out.getvalue() and saved["demo.admin"].password in out.getvalue()
    assert "Debt recovery officer" in out.getvalue()


def test_demo_logins_before_any_demo(db: None) -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "run `carecharge demo` first" in out.getvalue()


def test_the_mix_of_people_is_realistic() -> None:
    people = plan_demo(people=3_000, seed=SEED, as_at=AS_AT).people
    main = Counter(p.packages[-1].lines[0].service_code for p in people)
    assert 0.48 < main["HOMECARE"] / len(people) < 0.62
    assert 0.2 < (main["RES-PERM"] + main["NURS-PERM"]) / len(people) < 0.3
    died = sum(1 for p in people if p.date_of_death) / len(people)
    assert 0.015 < died < 0.05
    working_age = sum(1 for p in people if (AS_AT - p.date_of_birth).days < 65 * 365.25)
    assert 0.1 < working_age / len(people) < 0.2
    assert all(18 <= (AS_AT - p.date_of_birth).days // 365.25 <= 101 for p in people)


def test_bench_records_one_row_per_day_size_and_machine(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    path.write_text("# Performance\n")
    run = DemoBenchResult(date(2025, 6, 2), 100_000, 70.0, "2 CPUs", "")
    record(run, path)
    record(DemoBenchResult(date(2025, 6, 2), 100_000, 65.0, "2 CPUs", ""), path)
    record(DemoBenchResult(date(2025, 6, 2), 1_000, 1.0, "2 CPUs", ""), path)
    text = path.read_text()
    assert "| 2025-06-02 | 100,000 | 65.0 | 1,538 | under 5 minutes | yes | 2 CPUs |" in text
    assert "| 70.0 |" not in text
    assert text.count("| 2025-06-02 |") == 2

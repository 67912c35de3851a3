"""Billing scenarios, each told as a charging officer would tell it, on both databases.

Every scenario ends with the ledger check passing (the autouse fixture), so no test can leave
an invoice that disagrees with its postings or a ledger that does not balance.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carecharge.apps.ledger import checks

from .billing_scenario import (
    CARE_HOME,
    DAY_CARE,
    DIRECT_PAYMENT,
    HOME_CARE,
    MEALS,
    REABLEMENT,
    Scenario,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Iterator[Scenario]:
    scenario = Scenario()
    yield scenario
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


def test_home_care_is_billed_at_the_assessed_charge_then_a_revision_is_credited(
    s: Scenario,
) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-05-04")
    # Four whole weeks at £84.20 (the care, £225.00 a week, costs more).
    assert s.invoices("ada") == ["invoice £336.80"]
    assert [line[1:] for line in s.lines_posted("ada")] == [("£84.20", "new")] * 4

    s.assess("ada", "50.00", starts="2025-04-14")
    s.bill(to="2025-06-01")
    # Weeks 2 to 4 were charged £84.20 but should have been £50.00: 3 x -£34.20 = -£102.60.
    # Weeks 5 to 8 are new at £50.00: 4 x £50.00 = £200.00.
    assert s.invoices("ada") == ["invoice £200.00", "credit note -£102.60"]
    assert sorted({line[2] for line in s.lines_posted("ada")}) == ["assessment_revised", "new"]
    assert s.charged("ada") == 8420 + 7 * 5000


def test_a_second_run_with_nothing_changed_posts_nothing(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-05-04")
    again = s.bill(to="2025-05-04")
    assert again.invoices_count == 0
    assert again.lines_posted == 0
    assert s.status("ada") == "no_change"


def test_home_care_costing_less_than_the_assessed_charge_is_charged_at_its_cost(
    s: Scenario,
) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="2", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-04-20")
    # 2 hours at £22.50 = £45.00 a week, less than £84.20: 2 x £45.00.
    assert s.invoices("ada") == ["invoice £90.00"]


def test_a_part_week_at_the_start_is_apportioned_and_rounded_once(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-10")  # a Thursday
    s.assess("ada", "84.20", starts="2025-04-10")
    s.bill(to="2025-04-20")
    # Thursday to Sunday: £84.20 x 4/7 = £48.1142... = £48.11; then a whole week of £84.20.
    assert [line[1] for line in s.lines_posted("ada")] == ["£48.11", "£84.20"]
    assert s.invoices("ada") == ["invoice £132.31"]


def test_a_care_home_paid_gross_is_invoiced_for_each_day_and_net_is_only_recorded(
    s: Scenario,
) -> None:
    s.person("gwen")
    s.care("gwen", CARE_HOME, units="1", cost="800.00", starts="2025-04-07")
    s.assess("gwen", "150.00", starts="2025-04-07", setting="residential_permanent")
    s.person("nell")
    s.care("nell", CARE_HOME, units="1", cost="800.00", starts="2025-04-07", collection="provider")
    s.assess("nell", "150.00", starts="2025-04-07", setting="residential_permanent")
    run = s.bill(to="2025-04-20")
    assert s.invoices("gwen") == ["invoice £300.00"]
    # The home collects Nell's contribution: recorded (and reported), never invoiced.
    assert s.invoices("nell") == []
    assert [line[1] for line in s.lines_posted("nell")] == ["£150.00", "£150.00"]
    assert run.not_invoiced_pence == 30000
    assert run.amount_posted_pence == 30000


def test_a_hospital_stay_continues_a_care_home_charge_but_stops_home_care(s: Scenario) -> None:
    s.person("gwen")
    s.care("gwen", CARE_HOME, units="1", cost="800.00", starts="2025-04-07")
    s.assess("gwen", "150.00", starts="2025-04-07", setting="residential_permanent")
    s.suspend("gwen", "hospital", starts="2025-04-14", ends="2025-04-20")
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.suspend("ada", "hospital", starts="2025-04-14", ends="2025-04-20")
    s.bill(to="2025-04-20")
    # The demo council's policy: care-home fees continue in hospital.
    assert s.invoices("gwen") == ["invoice £300.00"]
    # No home care is delivered while Ada is in hospital, so week 2 costs nothing.
    assert s.invoices("ada") == ["invoice £84.20"]


def test_charges_stop_the_day_after_death_and_a_death_recorded_late_is_credited(
    s: Scenario,
) -> None:
    s.person("ada")
    s.executor("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-04-20")
    assert s.invoices("ada") == ["invoice £168.40"]
    s.dies("ada", on="2025-04-16")  # a Wednesday, recorded after the run
    s.bill(to="2025-05-04")
    # Week 2 is due for Monday to Wednesday only: £84.20 x 3/7 = £36.0857... = £36.09,
    # so £84.20 - £36.09 = £48.11 is credited; nothing is due after the death.
    assert s.invoices("ada") == ["credit note -£48.11"]
    assert s.lines_posted("ada") == [("2025-04-14", "-£48.11", "death")]


def test_a_backdated_chc_award_credits_the_person_and_recharges_the_icb(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-05-04")
    s.chc_award("ada", starts="2025-04-21")
    s.bill(to="2025-05-04")
    # Weeks 3 and 4 are NHS-funded: 2 x £84.20 is credited to Ada, and the council's cost
    # of her care for those weeks (2 x 10 hours at £22.50 = £450.00) is invoiced to the ICB.
    assert s.debtors("ada") == [
        "organisation:ICB1: invoice £450.00",
        "person: credit note -£168.40",
    ]
    assert {line[2] for line in s.lines_posted("ada")} == {"chc_award", "new"}


def test_a_third_party_top_up_is_invoiced_to_the_payer(s: Scenario) -> None:
    s.person("gwen")
    s.care("gwen", CARE_HOME, units="1", cost="800.00", starts="2025-04-07", line="GWEN-HOME")
    s.assess("gwen", "150.00", starts="2025-04-07", setting="residential_permanent")
    payer = s.top_up("gwen", "GWEN-HOME", "50.00", starts="2025-04-07")
    s.bill(to="2025-04-20")
    assert s.debtors("gwen") == [
        "person: invoice £300.00",
        f"third_party:{payer.payer_id}: invoice £100.00",
    ]


def test_flat_rate_meals_use_the_price_in_force_at_the_start_of_each_week(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", MEALS, units="5", cost="6.00", starts="2026-03-23")
    s.bill(to="2026-04-12")
    # £5.20 a meal until 31 March 2026, then £5.45; the week of 30 March started before the
    # change: 5 x £5.20 + 5 x £5.20 + 5 x £5.45 = £26.00 + £26.00 + £27.25 = £79.25.
    assert [line[1] for line in s.lines_posted("ada")] == ["£26.00", "£26.00", "£27.25"]
    assert s.invoices("ada") == ["invoice £79.25"]


def test_reablement_and_section_117_aftercare_are_never_charged(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", REABLEMENT, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.person("bob")
    s.care("bob", HOME_CARE, units="10", cost="22.50", starts="2025-04-07", section_117=True)
    s.assess("bob", "84.20", starts="2025-04-07")
    s.bill(to="2025-06-01")
    assert s.invoices("ada") == []
    assert s.invoices("bob") == []
    assert s.charged("ada") == 0
    assert s.charged("bob") == 0


def test_a_direct_payment_net_is_recorded_and_gross_is_invoiced(s: Scenario) -> None:
    s.person("dee")
    s.care("dee", DIRECT_PAYMENT, units="1", cost="300.00", starts="2025-04-07",
           collection="direct_payment_net")  # fmt: skip
    s.assess("dee", "84.20", starts="2025-04-07")
    s.person("gus")
    s.care("gus", DIRECT_PAYMENT, units="1", cost="300.00", starts="2025-04-07",
           collection="direct_payment_gross")  # fmt: skip
    s.assess("gus", "84.20", starts="2025-04-07")
    s.bill(to="2025-04-13")
    assert s.invoices("dee") == []
    assert [line[1] for line in s.lines_posted("dee")] == ["£84.20"]
    assert s.invoices("gus") == ["invoice £84.20"]


def test_a_provisional_charge_is_trued_up_by_the_first_assessment(s: Scenario) -> None:
    s.person("ada", born="1945-06-01")  # over pension credit age: the demo's £40.00 band
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.bill(to="2025-04-20")
    assert s.invoices("ada") == ["invoice £80.00"]
    s.assess("ada", "25.00", starts="2025-04-07")
    s.bill(to="2025-04-27")
    # Weeks 1 and 2 come down from £40.00 to £25.00 (2 x -£15.00); week 3 is new at £25.00.
    assert s.invoices("ada") == ["invoice £25.00", "credit note -£30.00"]
    assert {line[2] for line in s.lines_posted("ada")} == {"first_assessment", "new"}


def test_a_person_paying_the_full_cost_at_home_pays_the_arrangement_fee(s: Scenario) -> None:
    s.person("fay")
    s.care("fay", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("fay", "225.00", starts="2025-04-07", full_cost=True)
    s.bill(to="2025-04-13")
    # The full cost of the care delivered, £225.00, and the demo's £75.00 set-up fee.
    assert sorted(line[1] for line in s.lines_posted("fay")) == ["£225.00", "£75.00"]
    assert s.invoices("fay") == ["invoice £300.00"]


def test_a_large_backdated_charge_is_held_for_review_then_released(s: Scenario) -> None:
    from carecharge.apps.billing import operations
    from carecharge.apps.billing.models import PersonStatus, RunPerson

    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-05-04")
    s.assess("ada", "200.00", starts="2025-04-07")
    run = s.preview(to="2025-05-04")
    # 4 x (£200.00 - £84.20) = £463.20 backdated, above the demo's £250.00 threshold.
    assert s.status("ada", run) == PersonStatus.HELD
    row = RunPerson.objects.get(run=run, person=s.people["ada"])
    assert row.backdated_pence == 46320
    operations.release_hold(row, actor=s.senior, note="Checked; payment plan offered")
    run = operations.approve(run, actor=_other_senior())
    run = operations.post(run, actor=s.officer)
    assert s.invoices("ada", run) == ["invoice £463.20"]


def test_a_person_with_no_address_is_kept_out_of_the_run_and_listed(s: Scenario) -> None:
    from carecharge.apps.billing.models import PersonStatus, PreflightProblem
    from carecharge.apps.people.models import Address

    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    Address.objects.filter(person=s.people["ada"]).delete()
    run = s.bill(to="2025-04-13")
    assert s.status("ada", run) == PersonStatus.EXCLUDED
    assert s.invoices("ada") == []
    problems = PreflightProblem.objects.filter(run=run, person=s.people["ada"])
    assert [(p.check_name, p.severity) for p in problems] == [("no_billing_address", "blocker")]


def _other_senior():
    from django.contrib.auth.models import Group, User

    from carecharge.apps.accounts.roles import Role

    user = User.objects.create(username="sue")
    user.groups.set(Group.objects.filter(name=Role.SENIOR_OFFICER))
    return user


def test_late_actuals_below_the_plan_are_credited_and_above_it_charged_up_to_the_cap(
    s: Scenario,
) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="4", cost="22.50", starts="2025-04-07", line="ADA-HC",
           provider=s.provider())  # fmt: skip
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-04-20")
    # Planned: 4 hours at £22.50 = £90.00 a week, so £84.20 a week is charged.
    assert s.invoices("ada") == ["invoice £168.40"]
    batch = s.actuals(("ADA-HC", "2025-04-07", "3.80"), ("ADA-HC", "2025-04-14", "4.20"),
                      received="2025-04-22")  # fmt: skip
    assert batch.status == "applied"
    s.bill(to="2025-04-20")
    # Week 1: 3.8 hours at £22.50 = £85.50, still above £84.20 (within the 10% tolerance):
    # nothing changes. Week 2: 4.2 hours = £94.50: still £84.20. So nothing to post.
    assert s.invoices("ada") == []
    s.actuals(("ADA-HC", "2025-04-14", "3.70"), received="2025-04-23")
    s.bill(to="2025-04-20")
    # Week 2 restated: 3.7 hours = £83.25, below £84.20: £0.95 credited.
    assert s.lines_posted("ada") == [("2025-04-14", "-£0.95", "actuals_received")]


def test_a_mid_week_go_live_is_charged_once_across_two_runs(
    s: Scenario, settings: pytest.FixtureRequest
) -> None:
    settings.CARECHARGE_BILLING_FROM = "2025-04-09"  # a Wednesday
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-04-10")
    # Wednesday and Thursday: £84.20 x 2/7 = £24.057... = £24.06.
    assert s.invoices("ada") == ["invoice £24.06"]
    s.bill(to="2025-04-20")
    # Wednesday to Sunday is £84.20 x 5/7 = £60.14, of which £24.06 is charged: £36.08 more;
    # then the week of 14 April, £84.20. The week of 7 April is never charged twice.
    assert [line[:2] for line in s.lines_posted("ada")] == [
        ("2025-04-07", "£36.08"),
        ("2025-04-14", "£84.20"),
    ]
    assert s.charged("ada") == 6014 + 8420


def test_income_moving_between_codes_and_back_posts_no_empty_journal(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07", line="ADA-HC",
           provider=s.provider())  # fmt: skip
    s.care("ada", DAY_CARE, units="10", cost="22.50", starts="2025-04-07", line="ADA-DC",
           provider=s.provider())  # fmt: skip
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-04-20")
    assert s.invoices("ada") == ["invoice £168.40"]
    # Each service delivers one hour less in one week: the charge is still £84.20 a week, but
    # its income moves from one service's code to the other's in week 1 and back in week 2.
    s.actuals(("ADA-HC", "2025-04-07", "9"), ("ADA-DC", "2025-04-14", "9"), received="2025-04-22")
    s.bill(to="2025-04-20")
    assert s.invoices("ada") == []
    assert [(week, amount) for week, amount, _ in s.lines_posted("ada")] == [
        ("2025-04-07", "£0.00"),
        ("2025-04-14", "£0.00"),
    ]


def test_a_hold_is_released_before_approval_and_never_by_who_previewed_the_run(
    s: Scenario,
) -> None:
    from carecharge.apps.billing import operations
    from carecharge.apps.billing.models import RunPerson

    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill(to="2025-05-04")
    s.assess("ada", "200.00", starts="2025-04-07")
    run = operations.start_run(through=s.runs[-1].through_date, actor=s.senior, source="command")
    run = operations.preview(run, actor=s.senior, source="command")
    row = RunPerson.objects.get(run=run, person=s.people["ada"])
    with pytest.raises(operations.BillingRefused, match="a second person must release it"):
        operations.release_hold(row, actor=s.senior, note="Looked at it myself")
    run = operations.approve(run, actor=_other_senior())
    with pytest.raises(operations.BillingRefused, match="released before the run is approved"):
        operations.release_hold(row, actor=_third_senior(), note="Too late")
    assert RunPerson.objects.get(pk=row.pk).status == "held"


def _third_senior():
    from django.contrib.auth.models import Group, User

    from carecharge.apps.accounts.roles import Role

    user = User.objects.create(username="tom")
    user.groups.set(Group.objects.filter(name=Role.SENIOR_OFFICER))
    return user


def test_a_flat_rate_price_named_outside_the_councils_prices_is_a_blocker(s: Scenario) -> None:
    from carecharge.apps.billing.models import PreflightProblem
    from carecharge.apps.care.models import Service

    s.person("ada")
    s.care("ada", MEALS, units="5", cost="6.00", starts="2025-04-07")
    # Charging reads only the council's flat-rate prices: a price kept elsewhere would not
    # be in the rules' fingerprint, so the run refuses it before charging anyone.
    Service.objects.filter(charging_method="flat_rate").update(
        flat_rate_rule="local.demo.council.meals_price"
    )
    run = s.preview("2025-05-04")
    assert list(
        PreflightProblem.objects.filter(run=run, severity="blocker").values_list(
            "message", flat=True
        )
    ) == [
        "Flat-rate service MEAL's price rule local.demo.council.meals_price is not one of the "
        "council's flat-rate prices (local.demo.flat_rates....): charging cannot read it."
    ]
    assert s.status("ada", run) == "excluded"

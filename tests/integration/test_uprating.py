"""Annual uprating as a batch run: who is in it, the preview to the penny, manual review, the
second person's approval, posting new versions from the date (once only, resumable after a
crash), never overwriting newer work, and closing items by hand.

The council below is assessed on 2 June 2025 and uprated from Monday 6 April 2026. Each
request fixes the council's policy (as the other assessment tests do) so the figures follow
from the rules alone: a 100% taper, no minimum charge, itemised DRE (none), no night-care
disregard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments import operations as assessments
from carecharge.apps.assessments import queries as assessment_queries
from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.documents.models import Document
from carecharge.apps.people.models import Address, AddressRole, ServiceUser
from carecharge.apps.uprating import operations, queries
from carecharge.apps.uprating.models import ItemStatus, RunState, UpratingItem, UpratingRun
from carecharge.apps.web.council import rulebook
from carecharge.core.identifiers import make_account_reference
from carecharge.core.rules import RuleBook

pytestmark = pytest.mark.django_db
ASSESSED = date(2025, 6, 2)
FROM = date(2026, 4, 6)
PLAIN_POLICY = {
    "dre_mode": "itemised",
    "minimum_weekly_charge": "0.00",
    "taper_percent": "100",
    "disregard_night_care_element": False,
    "housing_costs_allowed": True,
}


@pytest.fixture
def book() -> RuleBook:
    # The rules the application itself loaded, so the figures are the ones it posts.
    return rulebook()


@dataclass
class Council:
    ada: ServiceUser  # pensions and Attendance Allowance at full rates: uprated
    bert: ServiceUser  # a part State Pension and an occupational pension: manual review
    cyril: ServiceUser  # capital over the upper limit, same care: no change
    dora: ServiceUser  # an officer's MIG override: manual review
    rose: ServiceUser  # a permanent care-home resident: uprated
    edna: ServiceUser  # died before the uprating date: left out
    fred: ServiceUser  # already assessed from the uprating date: left out
    officer: User  # financial assessment officer: starts and previews
    senior: User  # senior officer: approves
    other_senior: User


_sequence = iter(range(100, 10_000))


def make_person(forename: str, surname: str, born: date, **extra: Any) -> ServiceUser:
    return ServiceUser.objects.create(
        account_reference=make_account_reference(next(_sequence)),
        forename=forename,
        surname=surname,
        date_of_birth=born,
        **extra,
    )


def give_care(
    person: ServiceUser,
    service: Service,
    *lines: tuple[Decimal, int, date, date | None],
) -> None:
    package = CarePackage.objects.create(person=person, case_system_id=f"PKG{person.pk}")
    for n, (units, cost, start, end) in enumerate(lines):
        ServiceLine.objects.create(
            package=package, case_system_id=f"L{person.pk}-{n}", service=service,
            units_per_week=units, unit_cost_pence=cost, start_date=start, end_date=end,
        )  # fmt: skip


def assess(
    person: ServiceUser,
    book: RuleBook,
    income: list[dict[str, Any]],
    *,
    setting: str = "non_residential",
    capital: list[dict[str, Any]] | None = None,
    overrides: dict[str, str] | None = None,
    on: date = ASSESSED,
) -> Assessment:
    draft = assessments.assessment_start(
        person=person, setting=setting, effective_from=on, actor=None
    )
    request = {
        **draft.request,
        "income": income,
        "capital": capital or [],
        "policy": PLAIN_POLICY,
        "overrides": overrides or {},
    }
    return assessments.assessment_save_and_complete(
        assessment=draft, request=request, actor=None, book=book
    )


def user(username: str, role: str) -> User:
    """A staff user in one role (no password: these tests never sign in, and hashing one is
    slow)."""
    made = User.objects.create(username=username, first_name=username.split(".")[0].title())
    made.groups.set(Group.objects.filter(name=role))
    return made


@pytest.fixture
def council(book: RuleBook, db: None) -> Council:
    return make_council(book)


def make_council(book: RuleBook) -> Council:
    """The people above, assessed on 2 June 2025, and the staff who run the uprating."""
    home_care = Service.objects.create(
        code="HOMECARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC4210",
        subjective_code="52210",
    )  # fmt: skip
    care_home = Service.objects.create(
        code="RESPERM", name="Care home (permanent)",
        category=ServiceCategory.RESIDENTIAL_PERMANENT, charging_method=ChargingMethod.MEANS_TESTED,
        unit=Unit.NIGHT, cost_centre="ASC4110", subjective_code="52110",
    )  # fmt: skip
    hours = Decimal("10.5")
    full = [{"type": "new_state_pension", "weekly": "230.25"}]

    ada = make_person("Ada", "Lovelace", date(1945, 12, 4))
    Address.objects.create(
        person=ada, role=AddressRole.HOME, line_1="1 Mill Lane", town="Northfield",
        postcode="NF1 2AB",
    )  # fmt: skip
    # Her home care costs more from April: £18.50 an hour to 5 April, £19.50 from 6 April.
    give_care(
        ada, home_care, (hours, 1850, date(2025, 4, 7), date(2026, 4, 5)), (hours, 1950, FROM, None)
    )
    allowance = {"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"}
    assess(ada, book, [*full, allowance], capital=[{"type": "savings", "amount": "10000.00"}])

    bert = make_person("Bert", "Jansch", date(1944, 11, 3))
    give_care(bert, home_care, (hours, 1850, date(2025, 4, 7), None))
    assess(bert, book, [
        {"type": "state_pension", "weekly": "150.00"},
        {"type": "occupational_pension", "weekly": "85.12", "label": "Teachers' Pension"},
    ])  # fmt: skip

    cyril = make_person("Cyril", "Burt", date(1940, 1, 2))
    give_care(cyril, home_care, (hours, 1850, date(2025, 4, 7), None))
    assess(cyril, book, full, capital=[{"type": "savings", "amount": "30000.00"}])

    dora = make_person("Dora", "Carrington", date(1943, 3, 29))
    give_care(dora, home_care, (hours, 1850, date(2025, 4, 7), None))
    assess(dora, book, full, overrides={"mig": "200.00"})

    rose = make_person("Rose", "Hilton", date(1938, 7, 7))
    give_care(rose, care_home, (Decimal(7), 12000, date(2025, 4, 7), None))
    assess(rose, book, full, setting="residential_permanent")

    edna = make_person("Edna", "O'Brien", date(1939, 5, 5), date_of_death=date(2026, 1, 10))
    give_care(edna, home_care, (hours, 1850, date(2025, 4, 7), date(2026, 1, 10)))
    assess(edna, book, full)

    fred = make_person("Fred", "Perry", date(1941, 8, 8))
    give_care(fred, home_care, (hours, 1850, date(2025, 4, 7), None))
    assess(fred, book, full)
    assess(fred, book, [{"type": "new_state_pension", "weekly": "241.30"}], on=FROM)

    # Someone with only a draft is not assessed, so not uprated.
    make_person("Gwen", "John", date(1942, 2, 2))
    assessments.assessment_start(
        person=ServiceUser.objects.get(forename="Gwen"), setting="non_residential",
        effective_from=ASSESSED, actor=None,
    )  # fmt: skip
    return Council(
        ada=ada, bert=bert, cyril=cyril, dora=dora, rose=rose, edna=edna, fred=fred,
        officer=user("amira.assessor", Role.ASSESSMENT_OFFICER),
        senior=user("sam.senior", Role.SENIOR_OFFICER),
        other_senior=user("tara.senior", Role.SENIOR_OFFICER),
    )  # fmt: skip


def previewed(council: Council, book: RuleBook) -> UpratingRun:
    run = operations.start_run(from_date=FROM, actor=council.officer)
    return operations.preview(run, actor=council.officer, book=book)


def approved(council: Council, book: RuleBook) -> UpratingRun:
    return operations.approve(previewed(council, book), actor=council.senior)


def item_of(run: UpratingRun, person: ServiceUser) -> UpratingItem:
    return UpratingItem.objects.get(run=run, person=person)


def versions(person: ServiceUser) -> list[tuple[int, str, date, int | None]]:
    return [
        (a.version, a.state, a.effective_from, a.weekly_charge_pence)
        for a in Assessment.objects.filter(person=person).order_by("version")
    ]


# --- Who is in a run --------------------------------------------------------------------------


def test_every_current_assessment_is_in_the_run_and_nobody_else(council: Council) -> None:
    chosen = queries.current_assessments(FROM)
    people = {a.person.forename for a in chosen}
    assert people == {"Ada", "Bert", "Cyril", "Dora", "Rose"}
    for assessment in chosen:
        eve = date(2026, 4, 5)
        assert assessment_queries.in_force_on(assessment.person, eve) == assessment


# --- The preview ------------------------------------------------------------------------------


def test_the_preview_counts_and_figures_to_the_penny(council: Council, book: RuleBook) -> None:
    run = previewed(council, book)
    assert run.state == RunState.PREVIEWED
    assert (run.ready_count, run.no_change_count, run.manual_review_count) == (2, 1, 2)
    assert run.rules_hash == book.content_hash
    ada = item_of(run, council.ada)
    # 2025/26: £230.25 New State Pension + £110.40 AA higher = £340.65, less the MIG for a
    # single person over Pension Credit age (£232.60) = £108.05, under the care's £194.25.
    # 2026/27: £241.30 + £114.60 = £355.90, less the MIG £241.45 = £114.45, under £204.75
    # (10.5 hours at the new £19.50).
    assert (ada.status, ada.old_weekly_charge_pence, ada.new_weekly_charge_pence) == (
        ItemStatus.READY, 10805, 11445,
    )  # fmt: skip
    assert ada.proposed_request["as_at"] == "2026-04-06"
    assert [row["weekly"] for row in ada.proposed_request["income"]] == ["241.30", "114.60"]
    assert ada.proposed_request["weekly_cost_of_care"] == "204.75"
    assert [(s["label"], s["old"], s["new"]) for s in ada.steps] == [
        ("New State Pension", "230.25", "241.30"),
        ("Attendance Allowance (higher rate)", "110.40", "114.60"),
        ("Weekly cost of care", "194.25", "204.75"),
    ]
    assert ada.result["allowances"]["mig"] == "241.45"
    # A care-home resident keeps the personal expenses allowance: £230.25 - £30.65 = £199.60,
    # then £241.30 - £31.80 = £209.50.
    rose = item_of(run, council.rose)
    assert (rose.status, rose.old_weekly_charge_pence, rose.new_weekly_charge_pence) == (
        ItemStatus.READY, 19960, 20950,
    )  # fmt: skip
    # Capital over the upper limit: the full cost of care, £194.25 both years.
    cyril = item_of(run, council.cyril)
    assert (cyril.status, cyril.old_weekly_charge_pence, cyril.new_weekly_charge_pence) == (
        ItemStatus.NO_CHANGE, 19425, 19425,
    )  # fmt: skip
    # The totals are of the ready and no-change people only.
    assert (run.old_total_pence, run.new_total_pence) == (
        10805 + 19960 + 19425,
        11445 + 20950 + 19425,
    )
    assert (
        AuditEvent.objects.filter(action="uprating.previewed", object_id=str(run.pk)).count() == 1
    )


def test_income_the_rules_cannot_uprate_is_listed_for_manual_review(
    council: Council, book: RuleBook
) -> None:
    run = previewed(council, book)
    bert = item_of(run, council.bert)
    assert bert.status == ItemStatus.MANUAL_REVIEW
    assert bert.new_weekly_charge_pence is None  # never guessed
    assert bert.reasons == [
        "State Pension (£150.00 a week): it is not the full rate on 02/06/2025 (£176.45), so it "
        "may be a part rate or a protected payment; confirm the amount from 06/04/2026",
        "Occupational pension, Teachers' Pension (£85.12 a week): the rules hold no rate for it, "
        "so the new amount is individual; confirm the amount from 06/04/2026",
    ]
    dora = item_of(run, council.dora)
    assert dora.reasons == [
        "an officer fixed the minimum income guarantee at £200.00 instead of the figure in the "
        "rules; check it for 06/04/2026"
    ]
    # Her pension is still uprated in the proposal, for whoever revises it by hand.
    assert dora.proposed_request["income"][0]["weekly"] == "241.30"


def test_a_draft_begun_since_the_assessment_sends_the_person_to_manual_review(
    council: Council, book: RuleBook
) -> None:
    assessments.assessment_start(
        person=council.ada, setting="non_residential", effective_from=date(2026, 2, 1), actor=None
    )
    run = previewed(council, book)
    ada = item_of(run, council.ada)
    assert ada.status == ItemStatus.MANUAL_REVIEW
    assert ada.reasons == [
        "assessment version 2 (draft, from 01/02/2026) was started after version 1: finish it by "
        "hand"
    ]


def test_previewing_again_replaces_the_items_and_reuses_the_run(
    council: Council, book: RuleBook
) -> None:
    first = previewed(council, book)
    again = previewed(council, book)
    assert again.pk == first.pk
    assert UpratingItem.objects.filter(run=again).count() == 5
    assert UpratingRun.objects.count() == 1


def test_a_date_with_no_benefit_rates_is_refused_and_nothing_is_made(council: Council) -> None:
    with pytest.raises(operations.UpratingRefused, match="the rules hold no benefit rates on"):
        operations.start_run(from_date=date(2012, 4, 9), actor=council.officer)
    assert UpratingRun.objects.count() == 0


def test_a_date_beyond_the_rates_loaded_is_refused(council: Council) -> None:
    # The rules hold rates to April 2026: a run from April 2028 would "uprate" to the same.
    with pytest.raises(
        operations.UpratingRefused, match=r"the rules hold no new rates for the year to 03/04/2028"
    ):
        operations.start_run(from_date=date(2028, 4, 3), actor=council.officer)
    assert UpratingRun.objects.count() == 0


def test_a_preview_with_nobody_named_cannot_be_approved(council: Council, book: RuleBook) -> None:
    run = operations.start_run(from_date=FROM, actor=None, book=book, source="command")
    run = operations.preview(run, actor=None, book=book, source="command")
    with pytest.raises(operations.UpratingRefused, match="nobody is recorded as having previewed"):
        operations.approve(run, actor=council.senior)
    run.refresh_from_db()
    assert run.state == RunState.PREVIEWED


def test_a_preview_already_running_is_not_started_twice(council: Council, book: RuleBook) -> None:
    run = operations.start_run(from_date=FROM, actor=council.officer)
    operations.begin_preview(run, actor=council.officer)
    with pytest.raises(operations.UpratingRefused, match="is already being worked out"):
        operations.begin_preview(run, actor=council.officer)


def test_only_the_assessment_team_may_start_a_run(council: Council) -> None:
    clerk = user("chris.charging", Role.CHARGING_OFFICER)
    with pytest.raises(operations.UpratingRefused, match="does not have a role"):
        operations.start_run(from_date=FROM, actor=clerk)


# --- Approval ---------------------------------------------------------------------------------


def test_approval_needs_a_senior_officer_who_did_not_preview_it(
    council: Council, book: RuleBook
) -> None:
    run = operations.start_run(from_date=FROM, actor=council.senior)
    run = operations.preview(run, actor=council.senior, book=book)
    with pytest.raises(operations.UpratingRefused) as refused:
        operations.approve(run, actor=council.senior)
    assert str(refused.value) == (
        f"a second person must approve: sam.senior started or previewed run {run.pk}"
    )
    with pytest.raises(operations.UpratingRefused, match=r"amira\.assessor does not have a role"):
        operations.approve(run, actor=council.officer)
    run.refresh_from_db()
    assert (run.state, run.approved_by) == (RunState.PREVIEWED, None)
    done = operations.approve(run, actor=council.other_senior)
    assert (done.state, done.approved_by) == (RunState.APPROVED, council.other_senior)


def test_a_run_cannot_be_approved_twice_or_before_its_preview(
    council: Council, book: RuleBook
) -> None:
    run = operations.start_run(from_date=FROM, actor=council.officer)
    with pytest.raises(
        operations.UpratingRefused, match=f"run {run.pk} is draft: only a previewed"
    ):
        operations.approve(run, actor=council.senior)
    run = approved(council, book)
    with pytest.raises(operations.UpratingRefused, match="is approved: only a previewed run"):
        operations.approve(run, actor=council.other_senior)


def test_posting_needs_approval(council: Council, book: RuleBook) -> None:
    run = previewed(council, book)
    with pytest.raises(operations.UpratingRefused, match="must be approved by a second person"):
        operations.post(run, actor=council.officer, book=book)
    assert versions(council.ada) == [(1, AssessmentState.COMPLETED, ASSESSED, 10805)]


def test_previewing_an_approved_run_again_withdraws_the_approval(
    council: Council, book: RuleBook
) -> None:
    run = approved(council, book)
    again = operations.preview(run, actor=council.officer, book=book)
    assert (again.state, again.approved_by) == (RunState.PREVIEWED, None)


# --- Posting ----------------------------------------------------------------------------------


def test_posting_makes_new_versions_from_the_date_that_supersede_the_old(
    council: Council, book: RuleBook
) -> None:
    run = operations.post(approved(council, book), actor=council.officer, book=book)
    assert run.state == RunState.POSTED
    assert (run.posted_count, run.manual_review_count, run.no_change_count) == (2, 2, 1)
    assert versions(council.ada) == [
        (1, AssessmentState.SUPERSEDED, ASSESSED, 10805),
        (2, AssessmentState.COMPLETED, FROM, 11445),
    ]
    new = Assessment.objects.get(person=council.ada, version=2)
    assert new.reason == "Annual uprating from 06/04/2026"
    assert new.completed_by == council.officer
    assert new.rules_hash == book.content_hash
    assert new.request == item_of(run, council.ada).proposed_request
    assert assessment_queries.in_force_on(council.ada, date(2026, 4, 5)).version == 1
    assert assessment_queries.in_force_on(council.ada, FROM) == new
    # Uprating is not a review: the review date set in June 2025 stays.
    assert new.next_review_date == date(2026, 6, 2)
    assert versions(council.rose)[-1] == (2, AssessmentState.COMPLETED, FROM, 20950)
    # No change, manual review: nothing posted.
    assert len(versions(council.cyril)) == 1
    assert len(versions(council.bert)) == 1
    ada = item_of(run, council.ada)
    assert (ada.status, ada.new_assessment) == (ItemStatus.POSTED, new)


def test_posting_issues_the_outcome_letters(council: Council, book: RuleBook) -> None:
    run = operations.post(approved(council, book), actor=council.officer, book=book)
    ada = item_of(run, council.ada)
    assert ada.letter is not None
    assert ada.letter.assessment == ada.new_assessment
    assert ada.letter.reason == "Annual uprating from 06/04/2026"
    # Rose has no address on record: the letter waits, and the reason is shown.
    rose = item_of(run, council.rose)
    assert rose.letter is None
    assert rose.letter_problem != ""
    Address.objects.create(
        person=council.rose, role=AddressRole.HOME, line_1="Elm House Care Home",
        town="Northfield", postcode="NF2 3CD",
    )  # fmt: skip
    operations.post(run, actor=council.officer, book=book)
    rose.refresh_from_db()
    assert rose.letter is not None and rose.letter_problem == ""
    assert Document.objects.count() == 2


def test_posting_again_posts_nothing_twice(council: Council, book: RuleBook) -> None:
    run = operations.post(approved(council, book), actor=council.officer, book=book)
    before = (Assessment.objects.count(), Document.objects.count())
    again = operations.post(run, actor=council.officer, book=book)
    assert again.state == RunState.POSTED
    assert (Assessment.objects.count(), Document.objects.count()) == before


def test_a_crash_half_way_is_resumed_without_duplicates(
    council: Council, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = approved(council, book)
    real = assessments.assessment_complete
    calls = {"n": 0}

    def crash_on_the_second(**kwargs: Any) -> Assessment:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the machine lost power")
        return real(**kwargs)

    monkeypatch.setattr(assessments, "assessment_complete", crash_on_the_second)
    with pytest.raises(RuntimeError, match="lost power"):
        operations.post(run, actor=council.officer, book=book)
    run.refresh_from_db()
    assert run.state == RunState.APPROVED
    statuses = dict(UpratingItem.objects.filter(run=run).values_list("person__forename", "status"))
    assert (statuses["Ada"], statuses["Rose"]) == (ItemStatus.POSTED, ItemStatus.READY)
    # Nothing of Rose's half-made version was kept.
    assert len(versions(council.rose)) == 1

    monkeypatch.setattr(assessments, "assessment_complete", real)
    run = operations.post(run, actor=council.officer, book=book)
    assert run.state == RunState.POSTED
    assert len(versions(council.ada)) == 2
    assert len(versions(council.rose)) == 2
    assert run.posted_count == 2


def test_newer_work_since_the_preview_is_never_overwritten(
    council: Council, book: RuleBook
) -> None:
    run = approved(council, book)
    # An officer revises Ada by hand from May after the preview was approved.
    revised = assess(council.ada, book, [{"type": "new_state_pension", "weekly": "241.30"}],
                     on=date(2026, 5, 4))  # fmt: skip
    run = operations.post(run, actor=council.officer, book=book)
    ada = item_of(run, council.ada)
    assert ada.status == ItemStatus.SKIPPED
    assert ada.reasons[-1] == (
        "skipped: assessment version 2 (from 04/05/2026) was started after the preview; it is "
        "left as it is"
    )
    assert [v[0] for v in versions(council.ada)] == [1, 2]
    revised.refresh_from_db()
    assert revised.state == AssessmentState.COMPLETED
    assert run.state == RunState.POSTED


def test_a_charge_that_differs_from_the_approved_one_is_not_posted(
    council: Council, book: RuleBook
) -> None:
    run = approved(council, book)
    UpratingItem.objects.filter(run=run, person=council.ada).update(new_weekly_charge_pence=1)
    run = operations.post(run, actor=council.officer, book=book)
    ada = item_of(run, council.ada)
    assert ada.status == ItemStatus.SKIPPED
    assert ada.reasons[-1].startswith(
        "could not be posted: not posted: the charge worked out now (£114.45) is not the one "
        "approved (£0.01)"
    )
    assert len(versions(council.ada)) == 1


def test_posting_refuses_rules_changed_since_the_preview(council: Council, book: RuleBook) -> None:
    run = approved(council, book)
    UpratingRun.objects.filter(pk=run.pk).update(rules_hash="0" * 64)
    with pytest.raises(
        operations.UpratingRefused, match=f"the rules have changed since run {run.pk}"
    ):
        operations.post(run, actor=council.officer, book=book)
    assert len(versions(council.ada)) == 1


# --- Manual review by hand --------------------------------------------------------------------


def test_a_manual_review_item_is_resolved_only_once_revised(
    council: Council, book: RuleBook
) -> None:
    run = previewed(council, book)
    bert = item_of(run, council.bert)
    with pytest.raises(operations.UpratingRefused, match="complete the revised assessment first"):
        operations.resolve_item(
            bert, actor=council.officer, outcome=ItemStatus.RESOLVED, reason="Revised"
        )
    assess(council.bert, book, [
        {"type": "state_pension", "weekly": "156.80"},
        {"type": "occupational_pension", "weekly": "88.00"},
    ], on=FROM)  # fmt: skip
    done = operations.resolve_item(
        bert, actor=council.officer, outcome=ItemStatus.RESOLVED, reason="Award letters seen"
    )
    assert done.status == ItemStatus.RESOLVED
    assert done.reasons[-1] == "Award letters seen"
    assert done.resolved_by == council.officer
    run.refresh_from_db()
    assert (run.manual_review_count, run.skipped_count) == (1, 1)


def test_an_item_can_be_skipped_with_a_reason_but_not_without(
    council: Council, book: RuleBook
) -> None:
    run = previewed(council, book)
    dora = item_of(run, council.dora)
    with pytest.raises(operations.UpratingRefused, match="reason: say what was done"):
        operations.resolve_item(dora, actor=council.officer, outcome=ItemStatus.SKIPPED, reason=" ")
    done = operations.resolve_item(
        dora, actor=council.officer, outcome=ItemStatus.SKIPPED, reason="Care ends in April"
    )
    assert done.status == ItemStatus.SKIPPED
    assert AuditEvent.objects.filter(
        object_type="uprating.upratingitem", object_id=str(dora.pk), reason="Care ends in April"
    ).exists()


def test_the_next_uprating_date_is_the_monday_from_the_sixth_of_april() -> None:
    assert operations.next_uprating_date(date(2025, 11, 20)) == date(2026, 4, 6)
    assert operations.next_uprating_date(date(2026, 4, 6)) == date(2026, 4, 6)
    assert operations.next_uprating_date(date(2026, 4, 7)) == date(2027, 4, 12)
    assert operations.next_uprating_date(date(2024, 1, 1)) == date(2024, 4, 8)

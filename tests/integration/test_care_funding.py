"""Top-up agreements, NHS Continuing Healthcare awards and organisations: recorded, ended and
withdrawn only through audited operations, refused with a reason naming the field, and shown
on the person's Care tab."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care import operations
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    ChcAward,
    FirstPartyBasis,
    Service,
    ServiceCategory,
    ServiceLine,
    TopUpAgreement,
    Unit,
)
from carecharge.apps.care.operations import FundingError
from carecharge.apps.people.models import (
    Organisation,
    OrganisationKind,
    ServiceUser,
    ThirdPartyPayer,
)

TODAY = date(2025, 6, 30)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    def service(code: str, category: str) -> Service:
        return Service.objects.create(
            code=code, name=f"{code} service", category=category,
            charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.WEEK, cost_centre="ASC1",
            subjective_code="5",
        )  # fmt: skip

    res = service("RES", ServiceCategory.RESIDENTIAL_PERMANENT)
    home = service("HOMECARE", ServiceCategory.HOME_CARE)
    rose = ServiceUser.objects.create(
        account_reference="00000018", forename="Rose", surname="Tyler",
        date_of_birth=date(1936, 4, 1),
    )  # fmt: skip
    other = ServiceUser.objects.create(
        account_reference="00000026", forename="Jack", surname="Harkness",
        date_of_birth=date(1940, 1, 1),
    )  # fmt: skip
    package = CarePackage.objects.create(person=rose, case_system_id="PKG1")
    other_package = CarePackage.objects.create(person=other, case_system_id="PKG2")

    def line(line_id: str, on: CarePackage, svc: Service, **dates: date) -> ServiceLine:
        return ServiceLine.objects.create(
            package=on, case_system_id=line_id, service=svc, units_per_week=Decimal(1),
            unit_cost_pence=90000, start_date=dates.get("start", date(2025, 4, 7)),
            end_date=dates.get("end"),
        )  # fmt: skip

    payer = ThirdPartyPayer.objects.create(
        person=rose, name="Martha Jones", relationship="daughter", line_1="1 High Street",
        postcode="LS1 4AP", start_date=date(2025, 4, 1),
    )  # fmt: skip
    icb = Organisation.objects.create(
        code="QWO", name="NHS West Yorkshire ICB", kind=OrganisationKind.INTEGRATED_CARE_BOARD
    )
    return {
        "rose": rose,
        "other": other,
        "home_line": line("L001", package, res),
        "home_care": line("L002", package, home),
        "others_home": line("L009", other_package, res),
        "payer": payer,
        "others_payer": ThirdPartyPayer.objects.create(
            person=other,
            name="Ianto Jones",
            line_1="2 Low Street",
            postcode="LS2 7EY",
            start_date=date(2025, 4, 1),
        ),
        "icb": icb,
        "council": Organisation.objects.create(
            code="LEEDS", name="Leeds City Council", kind=OrganisationKind.COUNCIL
        ),
    }


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user("olivia.officer", Role.CHARGING_OFFICER)


def top_up(world: dict[str, Any], officer: User, **changes: Any) -> TopUpAgreement:
    values: dict[str, Any] = {
        "person": world["rose"],
        "payer": world["payer"],
        "line": world["home_line"],
        "weekly_pence": 7500,
        "start_date": date(2025, 5, 5),
        "end_date": None,
        "signed_on": date(2025, 5, 1),
        "next_review_date": date(2026, 5, 1),
        "actor": officer,
        "today": TODAY,
        **changes,
    }
    return operations.record_top_up_agreement(**values)


def award(world: dict[str, Any], officer: User, **changes: Any) -> ChcAward:
    values: dict[str, Any] = {
        "person": world["rose"],
        "icb": world["icb"],
        "start_date": date(2025, 5, 1),
        "end_date": None,
        "decided_on": date(2025, 6, 20),
        "reference": "CHC/2025/0042",
        "actor": officer,
        "today": TODAY,
        **changes,
    }
    return operations.record_chc_award(**values)


# --- Top-up agreements ------------------------------------------------------------------------


def test_a_third_party_top_up_is_recorded_and_audited(world: dict[str, Any], officer: User) -> None:
    agreement = top_up(world, officer, note="Paid monthly by standing order")

    agreement.refresh_from_db()
    assert (agreement.person, agreement.payer, agreement.line) == (
        world["rose"],
        world["payer"],
        world["home_line"],
    )
    assert (agreement.weekly_pence, agreement.first_party_basis) == (7500, "")
    assert (agreement.created_by, agreement.note) == (officer, "Paid monthly by standing order")
    event = AuditEvent.objects.get(object_type="care.topupagreement")
    assert (event.action, event.actor_id, event.reason) == (
        "create",
        officer.pk,
        "Top-up agreement of £75.00 a week recorded",
    )
    assert event.changes["weekly_pence"] == [None, 7500]


def test_a_first_party_top_up_needs_its_basis(world: dict[str, Any], officer: User) -> None:
    with pytest.raises(FundingError) as refused:
        top_up(world, officer, payer=None)
    assert refused.value.field == "first_party_basis"
    agreement = top_up(
        world, officer, payer=None, first_party_basis=FirstPartyBasis.PROPERTY_DISREGARD
    )
    assert (agreement.payer, agreement.first_party_basis) == (None, "property_disregard")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"payer": "others_payer"}, "payer", "Ianto Jones is not a top-up payer for this person"),
        ({"first_party_basis": "deferred_payment_agreement"}, "first_party_basis",
         "only a top-up paid by the resident has a basis; leave it blank when someone else pays"),
        ({"line": "home_care"}, "line",
         "a top-up is only for a care home (residential or nursing) line; L002 is home care"),
        ({"line": "others_home"}, "line", "service line L009 is not this person's"),
        ({"weekly_pence": 0}, "weekly_amount", "the weekly top-up must be more than £0.00"),
        ({"start_date": date(2025, 4, 6)}, "start_date",
         "service line L001 starts on 07/04/2025; a top-up cannot start before the placement"),
        ({"end_date": date(2025, 5, 4)}, "end_date",
         "an agreement cannot end before it starts (05/05/2025)"),
        ({"signed_on": date(2025, 7, 1)}, "signed_on",
         "the date it was signed cannot be after today (30/06/2025)"),
        ({"next_review_date": date(2025, 5, 1)}, "next_review_date",
         "the next review must be after the date it was signed"),
        ({"note": "x" * 501}, "note", "a note must be 500 characters or fewer"),
    ],
)  # fmt: skip
def test_a_top_up_is_refused_with_the_field_and_reason(
    world: dict[str, Any], officer: User, changes: dict[str, Any], field: str, message: str
) -> None:
    resolved = {k: world[v] if isinstance(v, str) and v in world else v for k, v in changes.items()}
    with pytest.raises(FundingError) as refused:
        top_up(world, officer, **resolved)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not TopUpAgreement.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_top_up_cannot_start_after_the_placement_ended(
    world: dict[str, Any], officer: User
) -> None:
    ServiceLine.objects.filter(pk=world["home_line"].pk).update(end_date=date(2025, 5, 31))
    world["home_line"].refresh_from_db()
    with pytest.raises(FundingError, match="ended on 31/05/2025"):
        top_up(world, officer, start_date=date(2025, 6, 2))


def test_overlapping_agreements_for_the_same_payer_and_home_are_refused(
    world: dict[str, Any], officer: User
) -> None:
    first = top_up(world, officer, end_date=date(2025, 8, 31))
    with pytest.raises(FundingError, match="already runs from 05/05/2025 to 31/08/2025"):
        top_up(world, officer, start_date=date(2025, 8, 31))
    # After it ends, a new agreement (a new rate, say) may follow; another payer may overlap.
    top_up(world, officer, start_date=date(2025, 9, 1), weekly_pence=8000)
    top_up(world, officer, payer=None, first_party_basis="deferred_payment_agreement")
    assert TopUpAgreement.objects.count() == 3
    assert first.end_date == date(2025, 8, 31)


def test_an_agreement_is_ended_by_its_end_date_never_deleted(
    world: dict[str, Any], officer: User
) -> None:
    agreement = top_up(world, officer)
    with pytest.raises(FundingError, match="reason: say why"):
        operations.end_top_up_agreement(
            agreement=agreement, end_date=date(2025, 9, 30), reason=" ", actor=officer
        )
    with pytest.raises(FundingError, match="cannot end before it starts"):
        operations.end_top_up_agreement(
            agreement=agreement, end_date=date(2025, 5, 4), reason="x", actor=officer
        )
    ended = operations.end_top_up_agreement(
        agreement=agreement, end_date=date(2025, 9, 30), reason="Payer gave notice", actor=officer
    )
    assert ended.end_date == date(2025, 9, 30)
    event = AuditEvent.objects.get(action="end")
    assert (event.changes, event.reason) == (
        {"end_date": [None, "2025-09-30"]},
        "Payer gave notice",
    )
    with pytest.raises(FundingError, match="already ends on 30/09/2025"):
        operations.end_top_up_agreement(
            agreement=agreement, end_date=date(2025, 9, 30), reason="again", actor=officer
        )


# --- NHS Continuing Healthcare awards ---------------------------------------------------------


def test_an_award_is_recorded_and_audited(world: dict[str, Any], officer: User) -> None:
    recorded = award(world, officer, note="Backdated after the checklist")
    recorded.refresh_from_db()
    assert (recorded.icb, recorded.reference, recorded.recorded_by) == (
        world["icb"],
        "CHC/2025/0042",
        officer,
    )
    assert (recorded.start_date, recorded.end_date, recorded.withdrawn_at) == (
        date(2025, 5, 1),
        None,
        None,
    )
    event = AuditEvent.objects.get(object_type="care.chcaward")
    assert (event.action, event.reason) == (
        "create",
        "NHS Continuing Healthcare awarded by NHS West Yorkshire ICB",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"icb": "council"}, "icb", "Leeds City Council is not an integrated care board"),
        ({"end_date": date(2025, 4, 30)}, "end_date",
         "an award cannot end before it starts (01/05/2025)"),
        ({"decided_on": date(2025, 7, 1)}, "decided_on",
         "the decision date cannot be after today (30/06/2025)"),
        ({"reference": "  "}, "reference", "enter the board's reference for its decision"),
        ({"reference": "R" * 61}, "reference", "must be 60 characters or fewer"),
    ],
)  # fmt: skip
def test_an_award_is_refused_with_the_field_and_reason(
    world: dict[str, Any], officer: User, changes: dict[str, Any], field: str, message: str
) -> None:
    resolved = {k: world[v] if isinstance(v, str) and v in world else v for k, v in changes.items()}
    with pytest.raises(FundingError) as refused:
        award(world, officer, **resolved)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not ChcAward.objects.exists()


def test_an_inactive_board_cannot_make_an_award(world: dict[str, Any], officer: User) -> None:
    Organisation.objects.filter(pk=world["icb"].pk).update(active=False)
    world["icb"].refresh_from_db()
    with pytest.raises(FundingError, match="icb: NHS West Yorkshire ICB is no longer active"):
        award(world, officer)


def test_awards_may_not_overlap_but_a_withdrawn_one_does_not_count(
    world: dict[str, Any], officer: User
) -> None:
    first = award(world, officer)
    with pytest.raises(FundingError, match="award CHC/2025/0042 already covers from 01/05/2025"):
        award(world, officer, start_date=date(2025, 6, 1), reference="CHC/2")
    operations.withdraw_chc_award(
        award=first, reason="Recorded for the wrong person", actor=officer
    )
    second = award(world, officer, start_date=date(2025, 6, 1), reference="CHC/2")
    assert second.pk != first.pk
    assert ChcAward.objects.count() == 2


def test_ending_an_award(world: dict[str, Any], officer: User) -> None:
    recorded = award(world, officer, end_date=date(2025, 7, 31))
    later = award(world, officer, start_date=date(2025, 9, 1), reference="CHC/3")
    with pytest.raises(FundingError, match="award CHC/3 starts on 01/09/2025"):
        operations.end_chc_award(award=recorded, end_date=date(2025, 9, 15), actor=officer)
    ended = operations.end_chc_award(
        award=recorded, end_date=date(2025, 8, 31), reason="Review: eligible one more month",
        actor=officer,
    )  # fmt: skip
    assert ended.end_date == date(2025, 8, 31)
    event = AuditEvent.objects.get(action="end", object_id=str(recorded.pk))
    assert (event.changes, event.reason) == (
        {"end_date": ["2025-07-31", "2025-08-31"]},
        "Review: eligible one more month",
    )
    assert later.end_date is None
    with pytest.raises(FundingError, match="already ends on 31/08/2025"):
        operations.end_chc_award(award=recorded, end_date=date(2025, 8, 31), actor=officer)


def test_withdrawing_an_award(world: dict[str, Any], officer: User) -> None:
    recorded = award(world, officer)
    with pytest.raises(FundingError, match="reason: say why"):
        operations.withdraw_chc_award(award=recorded, reason="", actor=officer)
    withdrawn = operations.withdraw_chc_award(
        award=recorded, reason="Recorded for the wrong person", actor=officer
    )
    assert (withdrawn.withdrawn_by, withdrawn.withdrawn_reason) == (
        officer,
        "Recorded for the wrong person",
    )
    assert withdrawn.withdrawn_at is not None
    assert AuditEvent.objects.get(action="withdraw").reason == "Recorded for the wrong person"
    with pytest.raises(FundingError, match="already been withdrawn"):
        operations.withdraw_chc_award(award=recorded, reason="again", actor=officer)
    with pytest.raises(FundingError, match="was withdrawn, so it has no end date"):
        operations.end_chc_award(award=recorded, end_date=date(2025, 8, 31), actor=officer)


# --- Organisations ----------------------------------------------------------------------------


def test_an_organisation_is_added_with_a_clean_code_and_postcode(
    world: dict[str, Any], officer: User
) -> None:
    added = operations.record_organisation(
        code=" qf7 ", name="NHS South Yorkshire ICB", kind="icb", postcode="s1 2gu", actor=officer
    )
    assert (added.code, added.postcode, added.kind) == ("QF7", "S1 2GU", "icb")
    assert AuditEvent.objects.get(object_type="people.organisation").action == "create"
    with pytest.raises(FundingError, match="code: there is already an organisation with code QF7"):
        operations.record_organisation(code="QF7", name="Again", kind="icb", actor=officer)
    with pytest.raises(FundingError, match="postcode: LS1 is not a valid UK postcode"):
        operations.record_organisation(
            code="X1", name="Somewhere", kind="council", postcode="LS1", actor=officer
        )
    with pytest.raises(FundingError, match="code: use up to 20 letters and digits"):
        operations.record_organisation(code="A B", name="Spaces", kind="other", actor=officer)


# --- Screens ----------------------------------------------------------------------------------


def test_the_care_tab_lists_agreements_and_awards_with_links_for_officers(
    world: dict[str, Any], officer: User, client_for: Callable[[str], Client]
) -> None:
    top_up(world, officer)
    award(world, officer)
    url = f"/people/{world['rose'].pk}/care/"

    page = client_for(Role.CHARGING_OFFICER).get(url).content.decode()
    assert "Martha Jones (daughter)" in page
    assert "£75.00" in page
    assert "RES service (line L001)" in page
    assert "CHC/2025/0042" in page and "NHS West Yorkshire ICB" in page
    assert "Record a top-up agreement" in page and "Record a CHC award" in page

    read_only = client_for(Role.AUDITOR).get(url).content.decode()
    assert "Martha Jones (daughter)" in read_only and "CHC/2025/0042" in read_only
    assert "Record a top-up agreement" not in read_only
    assert "Withdraw<span" not in read_only


def test_recording_a_top_up_on_screen(
    world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    client = client_for(Role.SENIOR_OFFICER)
    url = f"/care/people/{world['rose'].pk}/top-ups/new/"
    form = client.get(url).content.decode()
    assert "Martha Jones (daughter)" in form and "RES service" in form
    assert "HOMECARE service" not in form  # only care-home lines

    fields = {
        "payer": "resident", "line": str(world["home_line"].pk), "weekly_amount": "£60",
        "start_date_day": "5", "start_date_month": "5", "start_date_year": "2025",
        "signed_on_day": "1", "signed_on_month": "5", "signed_on_year": "2025",
        "next_review_date_day": "1", "next_review_date_month": "5", "next_review_date_year": "2026",
    }  # fmt: skip
    refused = client.post(url, fields)
    assert refused.status_code == 400
    assert "Choose why the resident may pay a top-up" in refused.content.decode()
    assert "There is a problem" in refused.content.decode()

    done = client.post(url, {**fields, "first_party_basis": "property_disregard"})
    assert done.status_code == 302
    agreement = TopUpAgreement.objects.get()
    assert (agreement.payer, agreement.weekly_pence, agreement.first_party_basis) == (
        None,
        6000,
        "property_disregard",
    )

    bad_money = client.post(
        url, {**fields, "payer": str(world["payer"].pk), "weekly_amount": "lots"}
    )
    assert bad_money.status_code == 400
    assert "Top-up a week must be an amount in pounds" in bad_money.content.decode()


def test_a_refusal_from_the_operation_is_shown_against_its_field(
    world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    client = client_for(Role.CHARGING_OFFICER)
    url = f"/care/people/{world['rose'].pk}/chc-awards/new/"
    response = client.post(
        url,
        {
            "icb": str(world["icb"].pk), "reference": "R1",
            "start_date_day": "1", "start_date_month": "6", "start_date_year": "2025",
            "end_date_day": "1", "end_date_month": "5", "end_date_year": "2025",
            "decided_on_day": "1", "decided_on_month": "6", "decided_on_year": "2025",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "an award cannot end before it starts (01/06/2025)" in response.content.decode()
    assert not ChcAward.objects.exists()


def test_ending_and_withdrawing_on_screen(
    world: dict[str, Any], officer: User, client_for: Callable[[str], Client]
) -> None:
    client = client_for(Role.CHARGING_OFFICER)
    recorded = award(world, officer)
    ended = client.post(
        f"/care/chc-awards/{recorded.pk}/end/",
        {"end_date_day": "31", "end_date_month": "8", "end_date_year": "2025"},
    )
    assert ended.status_code == 302
    recorded.refresh_from_db()
    assert recorded.end_date == date(2025, 8, 31)
    missing = client.post(f"/care/chc-awards/{recorded.pk}/withdraw/", {"reason": ""})
    assert "Enter why the award is withdrawn" in missing.content.decode()
    client.post(f"/care/chc-awards/{recorded.pk}/withdraw/", {"reason": "Wrong person"})
    recorded.refresh_from_db()
    assert recorded.withdrawn_reason == "Wrong person"

    agreement = top_up(world, officer)
    client.post(
        f"/care/top-ups/{agreement.pk}/end/",
        {
            "end_date_day": "30",
            "end_date_month": "9",
            "end_date_year": "2025",
            "reason": "Moved home",
        },
    )
    agreement.refresh_from_db()
    assert agreement.end_date == date(2025, 9, 30)


def test_organisations_screens_for_seniors_and_administrators(
    db: None, client_for: Callable[[str], Client]
) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    assert "No organisations are set up yet" in admin.get("/care/organisations/").content.decode()
    response = admin.post(
        "/care/organisations/new/",
        {"code": "QWO", "name": "NHS West Yorkshire ICB", "kind": "icb", "postcode": "ls1 4ap"},
    )
    assert response.status_code == 302
    listing = admin.get("/care/organisations/").content.decode()
    assert "NHS West Yorkshire ICB" in listing and "LS1 4AP" in listing
    again = admin.post("/care/organisations/new/", {"code": "qwo", "name": "x", "kind": "icb"})
    assert again.status_code == 400
    assert "there is already an organisation with code QWO" in again.content.decode()
    assert client_for(Role.CHARGING_OFFICER).get("/care/organisations/").status_code == 403


# --- The demo council -------------------------------------------------------------------------


def test_the_demo_council_has_one_example_of_each(db: None) -> None:
    from carecharge.apps.demo.operations import load_demo

    load_demo(people=120, seed=1, as_at=date(2025, 6, 2))

    icb = Organisation.objects.get(code="NFD-ICB")
    assert icb.kind == OrganisationKind.INTEGRATED_CARE_BOARD
    agreement = TopUpAgreement.objects.select_related("line__service", "payer").get()
    assert agreement.payer is not None and agreement.payer.person_id == agreement.person_id
    assert agreement.line.service.category in {"residential_permanent", "nursing"}
    assert agreement.weekly_pence == 5000
    chc = ChcAward.objects.get()
    assert (chc.icb, chc.start_date, chc.decided_on) == (
        icb,
        date(2025, 4, 7),
        date(2025, 5, 19),
    )
    assert ServiceLine.objects.filter(
        package__person=chc.person, service__category="home_care"
    ).exists()
    assert (
        AuditEvent.objects.filter(
            object_type__in=["care.topupagreement", "care.chcaward", "people.organisation"],
            source="demo",
        ).count()
        == 3
    )

"""Plan a synthetic council: who lives there, what care they get and what they declared.

``build_plan`` is pure: the same seed and as-at date (and the same rules) always give the same
plan, because every random choice comes from one ``random.Random(seed)`` drawn in a fixed order.
``writer.write_plan`` puts a plan into the database. The proportions below shape the council;
each is the chance that one person (or household) has the feature. Change them here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final, NamedTuple

from carecharge.apps.people.models import RepresentativeKind as Rep
from carecharge.core.identifiers import make_account_reference

from . import absences, capital, care, catalogue, contacts, finances, names
from .plan import DemoPlan, PersonPlan, ProviderPlan

# --- Who lives in the council ---------------------------------------------------------------
WORKING_AGE: Final = 0.15  # adults 18-64 with disabilities; the rest are 65 to 100
COUPLE_HOUSEHOLDS: Final = 0.12  # with the next line, about 15% of people are in a couple
BOTH_PARTNERS_IN_CARE: Final = 0.35  # both are service users, linked to each other
SAME_SEX_COUPLES: Final = 0.03
OLDER_WOMEN: Final = 0.62  # women outnumber men among older people receiving care
DECEASED: Final = 0.03  # died in the year before the as-at date; their care has ended
RESTRICTED: Final = 0.005  # staff, their relatives, public figures
HAS_NHS_NUMBER: Final = 0.92
HAS_NI_NUMBER: Final = {False: 0.80, True: 0.97}  # by working age
MAX_YEARS_IN_CARE: Final = 6

# --- The main service: about 55% home care, 25% residential or nursing overall ------------------
OLDER_SERVICES: Final = {
    care.HOME_CARE: 0.58,
    care.RESIDENTIAL: 0.19,
    care.NURSING: 0.09,
    care.DAY_CARE: 0.06,
    care.EXTRA_CARE: 0.04,
    care.SUPPORTED_LIVING: 0.02,
    care.DIRECT_PAYMENT: 0.02,
}
WORKING_AGE_SERVICES: Final = {
    care.HOME_CARE: 0.38,
    care.SUPPORTED_LIVING: 0.22,
    care.DAY_CARE: 0.16,
    care.DIRECT_PAYMENT: 0.12,
    care.SHARED_LIVES: 0.06,
    care.RESIDENTIAL: 0.06,
}

# --- Other services and package flags (people living in the community unless noted) -----------
MEALS: Final = 0.18
TELECARE: Final = 0.35
TRANSPORT: Final = 0.45  # of people at a day centre
DAY_OPPORTUNITIES: Final = 0.05
EQUIPMENT: Final = 0.15
REABLEMENT_FIRST: Final = 0.12  # of home care: six free weeks of reablement came first
RESPITE: Final = 0.04  # a short stay in a care home in the last year
HOME_CARE_BEFORE_CARE_HOME: Final = 0.25  # of care home residents
CHC: Final = 0.10  # of nursing home residents: NHS Continuing Healthcare
SECTION_117: Final = {False: 0.01, True: 0.05}  # by working age
HOSPITAL_STAY: Final = 0.08
HOLIDAY: Final = 0.03
STILL_IN_HOSPITAL: Final = 0.01
TOP_UP: Final = 0.10  # of care home residents: a relative pays a third-party top-up

# --- Representatives and addresses --------------------------------------------------------------
REPRESENTATIVES: Final = {Rep.LPA: 0.09, Rep.APPOINTEE: 0.04, Rep.DEPUTY: 0.02, Rep.FAMILY: 0.08}
EXECUTOR_AFTER_DEATH: Final = 0.6
BILLING_ADDRESS: Final = 0.05
CORRESPONDENCE_ADDRESS: Final = 0.08

# --- Finances -------------------------------------------------------------------------------------
ATTENDANCE_ALLOWANCE: Final = 0.65  # of people over State Pension age
AA_HIGHER_RATE: Final = 0.55  # of those receiving it
PENSION_CREDIT: Final = 0.30  # claim it when their income is below the guarantee
OCCUPATIONAL_PENSION: Final = 0.55
HOME_OWNER: Final = {False: 0.45, True: 0.05}  # by working age
# Weights of the four capital bands (see capital.CAPITAL_BANDS), by working age: below the
# lower limit, tariff income, just under the upper limit, above it.
CAPITAL_BAND_WEIGHTS: Final = {False: (35, 30, 12, 23), True: (75, 20, 3, 2)}


# One roll picks at most one representative: (kind, cumulative chance).
_REPRESENTATIVE_ROLLS: Final = tuple(
    (kind, sum(list(REPRESENTATIVES.values())[: n + 1])) for n, kind in enumerate(REPRESENTATIVES)
)


@dataclass(frozen=True, slots=True)
class _Household:
    surname: str
    house: names.PostalAddress
    home_owner: bool
    capital_band: int
    pension_credit: bool


class _Member(NamedTuple):
    working_age: bool
    female: bool
    born: date
    # The partner's date of birth and sex, for a member of a couple.
    partner: tuple[date, bool] | None


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _birth(rng: random.Random, as_at: date, working_age: bool) -> date:
    # Older people cluster in their eighties; few reach 100.
    age = rng.randint(18, 64) if working_age else int(rng.triangular(65, 101, 86))
    return as_at - timedelta(days=age * 365 + rng.randint(0, 364) + age // 4)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _Planner:
    def __init__(
        self, seed: int, as_at: date, rates: finances.Rates, providers: tuple[ProviderPlan, ...]
    ) -> None:
        self.rng = random.Random(seed)
        self.as_at = as_at
        self.rates = rates
        self.providers = providers
        self.homes = {p.code: p for p in providers}
        self.ids = contacts.Identifiers()

    def household(self, working_age: bool) -> _Household:
        rng = self.rng
        return _Household(
            surname=rng.choice(names.SURNAMES),
            house=names.home_address(rng),
            home_owner=rng.random() < HOME_OWNER[working_age],
            capital_band=rng.choices(range(4), weights=CAPITAL_BAND_WEIGHTS[working_age])[0],
            pension_credit=rng.random() < PENSION_CREDIT,
        )

    def person(self, sequence: int, home: _Household, member: _Member) -> PersonPlan:
        working_age, female, born, partner = member
        rng, as_at = self.rng, self.as_at
        age = _age(born, as_at)
        kind = _weighted(rng, WORKING_AGE_SERVICES if working_age else OLDER_SERVICES)
        in_home = kind in care.CARE_HOME_KINDS
        died = as_at - timedelta(days=rng.randint(1, 365)) if rng.random() < DECEASED else None
        start = as_at - timedelta(days=min(rng.randint(14, MAX_YEARS_IN_CARE * 365) for _ in "ab"))
        # Adult social care starts at 18, and at least a fortnight before the as-at date.
        start = min(max(start, born + timedelta(days=18 * 366)), as_at - timedelta(days=14))
        if died is not None:
            start = min(start, died - timedelta(days=rng.randint(14, 400)))
        full = names.forename(rng, female=female, older=not working_age)
        title = names.title_for(rng, female=female, married=partner is not None)
        person = PersonPlan(
            sequence=sequence,
            account_reference=make_account_reference(sequence),
            case_system_id=f"DEMO{sequence:07d}",
            title=title,
            forename=full,
            middle_names=rng.choice(names.MIDDLE_NAMES) if rng.random() < 0.3 else "",
            surname=home.surname,
            date_of_birth=born,
            nhs_number=self.ids.nhs_number(rng) if rng.random() < HAS_NHS_NUMBER else "",
            ni_number=self.ids.ni_number(rng) if rng.random() < HAS_NI_NUMBER[working_age] else "",
            restricted=rng.random() < RESTRICTED,
            date_of_death=died,
        )
        contacts.fill_contact_details(rng, person, working_age=working_age)
        ctx = care.Context(as_at, self.providers, start, died)
        self._care(person, kind, ctx, working_age)
        # A permanent resident's home address is their care home.
        main = person.packages[-1].lines[0]
        care_home = self.homes[main.provider_code] if in_home and main.provider_code else None
        person.addresses = contacts.addresses(
            rng,
            home.house,
            care_home,
            billing=rng.random() < BILLING_ADDRESS,
            correspondence=rng.random() < CORRESPONDENCE_ADDRESS,
        )
        self._people_around(person, kind, ctx)
        council_funded = in_home and home.capital_band < 3 and not home.home_owner
        who = finances.Household(
            date_of_birth=born,
            female=female,
            partner=partner,
            in_council_funded_care_home=council_funded,
            receives_attendance_allowance=rng.random() < ATTENDANCE_ALLOWANCE,
            attendance_higher=rng.random() < AA_HIGHER_RATE,
            claims_pension_credit=home.pension_credit,
            occupational_pension=rng.random() < OCCUPATIONAL_PENSION,
            capital_band=home.capital_band,
            home_owner=home.home_owner,
        )
        if age >= finances.STATE_PENSION_AGE:
            person.incomes = finances.pension_age_income(rng, self.rates, who, as_at)
        else:
            person.incomes = finances.working_age_income(rng, self.rates)
        if died is not None:
            # Income stops at death; the estate is dealt with separately.
            person.incomes = [replace(item, end_date=died) for item in person.incomes]
        person.capital = capital.declared_capital(rng, who, as_at)
        return person

    def _care(self, person: PersonPlan, kind: str, ctx: care.Context, working_age: bool) -> None:
        rng = self.rng
        community = kind not in care.CARE_HOME_KINDS
        settled = ctx.care_start <= ctx.as_at - timedelta(days=30)
        extras = care.Extras(
            meals=community and rng.random() < MEALS,
            telecare=community and rng.random() < TELECARE,
            transport=kind == care.DAY_CARE and rng.random() < TRANSPORT,
            day_opportunities=community and rng.random() < DAY_OPPORTUNITIES,
            equipment=community and rng.random() < EQUIPMENT,
            reablement=kind == care.HOME_CARE and rng.random() < REABLEMENT_FIRST,
            respite=community and settled and rng.random() < RESPITE,
            home_care_before=not community and rng.random() < HOME_CARE_BEFORE_CARE_HOME,
            chc=kind == care.NURSING and rng.random() < CHC,
            section_117=rng.random() < SECTION_117[working_age],
        )
        person.packages = care.packages(rng, kind, ctx, extras)
        if community:
            person.suspensions = absences.suspensions(
                rng,
                ctx,
                hospital=rng.random() < HOSPITAL_STAY,
                holiday=rng.random() < HOLIDAY,
                still_in_hospital=rng.random() < STILL_IN_HOSPITAL,
            )

    def _people_around(self, person: PersonPlan, kind: str, ctx: care.Context) -> None:
        rng, as_at, died = self.rng, self.as_at, person.date_of_death
        roll = rng.random()
        for rep_kind, cumulative in _REPRESENTATIVE_ROLLS:
            if roll < cumulative:
                rep = contacts.representative(rng, rep_kind, person.surname, ctx.care_start, as_at)
                person.representatives.append(rep)
                break
        if died is not None and rng.random() < EXECUTOR_AFTER_DEATH:
            person.representatives.append(contacts.executor(rng, person.surname, died, as_at))
        if kind in care.CARE_HOME_KINDS and rng.random() < TOP_UP:
            person.payers.append(contacts.top_up_payer(rng, person.surname, ctx.care_start))


def build_plan(
    *, people: int, seed: int, as_at: date, rates: finances.Rates, council: str
) -> DemoPlan:
    """Plan ``people`` synthetic service users; pure and repeatable for the same inputs."""
    if people < 0:
        raise ValueError("the number of people cannot be negative")
    providers = catalogue.providers()
    planner = _Planner(seed, as_at, rates, providers)
    rng = planner.rng
    planned: list[PersonPlan] = []
    while len(planned) < people:
        working_age = rng.random() < WORKING_AGE
        home = planner.household(working_age)
        female = rng.random() < (0.5 if working_age else OLDER_WOMEN)
        born = _birth(rng, as_at, working_age)
        if rng.random() >= COUPLE_HOUSEHOLDS:
            member = _Member(working_age, female, born, None)
            planned.append(planner.person(len(planned) + 1, home, member))
            continue
        partner_female = female if rng.random() < SAME_SEX_COUPLES else not female
        partner_born = born + timedelta(days=rng.randint(-6 * 365, 6 * 365))
        # Partners stay inside the council's age range (18 to 100).
        partner_born = min(
            max(partner_born, as_at - timedelta(days=100 * 365)), as_at - timedelta(days=18 * 366)
        )
        both = rng.random() < BOTH_PARTNERS_IN_CARE and len(planned) + 2 <= people
        member = _Member(working_age, female, born, (partner_born, partner_female))
        first = planner.person(len(planned) + 1, home, member)
        planned.append(first)
        if both:
            younger = _age(partner_born, as_at) < 65
            member = _Member(younger, partner_female, partner_born, (born, female))
            second = planner.person(len(planned) + 1, home, member)
            # Joint savings and the home belong to both: the same items on each record, plus
            # whatever the second partner holds alone.
            second.capital = [item for item in first.capital if item.joint] + [
                item for item in second.capital if not item.joint
            ]
            finances.share_couple_pension_credit(first, second, rates)
            first.partner_sequence, second.partner_sequence = second.sequence, first.sequence
            planned.append(second)
    return DemoPlan(
        seed=seed,
        as_at=as_at,
        services=catalogue.services(council),
        providers=providers,
        people=tuple(planned),
    )

"""A small language for billing scenarios, so each test reads like the officer's story:

    s = Scenario()
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.bill("2025-05-04")
    assert s.invoices("ada") == ["invoice £336.80"]

Care records and assessments are made directly as rows in the state the assessment and care
screens leave them (a revision supersedes the version before it from its date, as
`assessments.operations` does), so a scenario tests billing and nothing else. Runs go through
`billing.operations` exactly as the command line does: started and previewed by a charging
officer, approved by a senior officer, posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.billing import operations
from carecharge.apps.billing.models import BillingRun, ChargeRecord, Invoice, RunPerson
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    ChcAward,
    FreeReason,
    ImportBatch,
    Provider,
    Service,
    ServiceCategory,
    ServiceLine,
    Suspension,
    TopUpAgreement,
    Unit,
)
from carecharge.apps.people.models import (
    Address,
    AddressRole,
    Organisation,
    OrganisationKind,
    Representative,
    RepresentativeKind,
    ServiceUser,
    ThirdPartyPayer,
)
from carecharge.core.identifiers import make_account_reference
from carecharge.core.money import format_pounds, parse_pounds


@dataclass(frozen=True)
class ServiceKind:
    code: str
    name: str
    category: str
    charging: str
    unit: str
    free_reason: str = ""
    flat_rate_rule: str = ""


HOME_CARE = ServiceKind(
    "HC", "Home care", ServiceCategory.HOME_CARE, ChargingMethod.MEANS_TESTED, Unit.HOUR
)
DAY_CARE = ServiceKind(
    "DC", "Day care", ServiceCategory.DAY_CARE, ChargingMethod.MEANS_TESTED, Unit.SESSION
)
CARE_HOME = ServiceKind(
    "RES",
    "Care home (permanent)",
    ServiceCategory.RESIDENTIAL_PERMANENT,
    ChargingMethod.MEANS_TESTED,
    Unit.WEEK,
)
MEALS = ServiceKind(
    "MEAL",
    "Meals",
    ServiceCategory.MEALS,
    ChargingMethod.FLAT_RATE,
    Unit.MEAL,
    flat_rate_rule="local.demo.flat_rates.meals",
)
REABLEMENT = ServiceKind(
    "REAB",
    "Reablement",
    ServiceCategory.REABLEMENT,
    ChargingMethod.FREE,
    Unit.HOUR,
    free_reason=FreeReason.REABLEMENT,
)
DIRECT_PAYMENT = ServiceKind(
    "DP", "Direct payment", ServiceCategory.DIRECT_PAYMENT, ChargingMethod.MEANS_TESTED, Unit.WEEK
)


def _day(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    return date.fromisoformat(text)


def _staff(username: str, role: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"first_name": username.title()}
    )
    user.groups.set(Group.objects.filter(name=role))
    return user


class Scenario:
    def __init__(self) -> None:
        self.people: dict[str, ServiceUser] = {}
        self.lines: dict[str, ServiceLine] = {}
        self.officer = _staff("charlie", Role.CHARGING_OFFICER)
        self.senior = _staff("sam", Role.SENIOR_OFFICER)
        self.runs: list[BillingRun] = []
        self._numbers = iter(range(500, 100_000))

    # --- the facts ----------------------------------------------------------------------

    def person(
        self, name: str, *, born: str = "1945-06-01", died: str | None = None
    ) -> ServiceUser:
        person = ServiceUser.objects.create(
            account_reference=make_account_reference(next(self._numbers)),
            forename=name.title(),
            surname="Tester",
            date_of_birth=_day(born),
            date_of_death=_day(died),
        )
        Address.objects.create(
            person=person,
            role=AddressRole.HOME,
            line_1="1 High Street",
            town="Northfield",
            postcode="NF1 1AA",
        )
        self.people[name] = person
        return person

    def service(self, kind: ServiceKind) -> Service:
        service, _ = Service.objects.get_or_create(
            code=kind.code,
            defaults={
                "name": kind.name,
                "category": kind.category,
                "charging_method": kind.charging,
                "free_reason": kind.free_reason,
                "unit": kind.unit,
                "flat_rate_rule": kind.flat_rate_rule,
                "cost_centre": "ASC1",
                "subjective_code": f"9{kind.code}",
            },
        )
        return service

    def care(
        self,
        name: str,
        kind: ServiceKind,
        *,
        units: str,
        cost: str,
        starts: str,
        ends: str | None = None,
        line: str | None = None,
        section_117: bool = False,
        chc: bool = False,
        **extra: Any,
    ) -> ServiceLine:
        person = self.people[name]
        package, _ = CarePackage.objects.get_or_create(
            person=person,
            case_system_id=f"PKG-{person.pk}-{int(section_117)}{int(chc)}",
            defaults={"section_117": section_117, "chc": chc},
        )
        ref = line or f"{name}-{kind.code}-{len(self.lines)}"
        made = ServiceLine.objects.create(
            package=package,
            case_system_id=ref,
            service=self.service(kind),
            units_per_week=Decimal(units),
            unit_cost_pence=parse_pounds(cost),
            start_date=_day(starts),
            end_date=_day(ends),
            **extra,
        )
        self.lines[ref] = made
        return made

    def end_care(self, line: str, on: str) -> None:
        ServiceLine.objects.filter(case_system_id=line).update(end_date=_day(on))

    def assess(
        self,
        name: str,
        weekly: str,
        *,
        starts: str,
        setting: str = "non_residential",
        full_cost: bool = False,
    ) -> Assessment:
        """A completed assessment from ``starts``; a later one supersedes the earlier from its
        date, as an officer's revision does."""
        person = self.people[name]
        version = Assessment.objects.filter(person=person).count() + 1
        made = Assessment.objects.create(
            person=person,
            version=version,
            state=AssessmentState.COMPLETED,
            setting=setting,
            effective_from=_day(starts),
            request={},
            result={"weekly_charge": parse_pounds(weekly)},
            weekly_charge_pence=parse_pounds(weekly),
            full_cost=full_cost,
            created_at=timezone.now(),
            completed_at=timezone.now(),
        )
        for older in Assessment.objects.filter(person=person, version__lt=version):
            if older.superseded_from is None or older.superseded_from > made.effective_from:
                older.state = AssessmentState.SUPERSEDED
                older.superseded_from = max(made.effective_from, older.effective_from)
                older.superseded_by = made
                older.save()
        return made

    def suspend(self, name: str, reason: str, *, starts: str, ends: str | None = None) -> None:
        Suspension.objects.create(
            person=self.people[name], reason=reason, start_date=_day(starts), end_date=_day(ends)
        )

    def executor(self, name: str) -> None:
        Representative.objects.create(
            person=self.people[name],
            kind=RepresentativeKind.EXECUTOR,
            name="Eve Executor",
            line_1="2 Low Road",
            town="Northfield",
            postcode="NF2 2BB",
            receives_invoices=True,
            receives_letters=True,
            start_date=date(2025, 1, 1),
        )

    def icb(self, code: str = "ICB1") -> Organisation:
        found, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": "Northfield Integrated Care Board",
                "kind": OrganisationKind.INTEGRATED_CARE_BOARD,
                "line_1": "NHS House",
                "town": "Northfield",
                "postcode": "NF9 9ZZ",
            },
        )
        return found

    def chc_award(self, name: str, *, starts: str, ends: str | None = None) -> ChcAward:
        return ChcAward.objects.create(
            person=self.people[name],
            icb=self.icb(),
            start_date=_day(starts),
            end_date=_day(ends),
            decided_on=_day(starts),
            reference="CHC-1",
            recorded_at=timezone.now(),
        )

    def top_up(
        self, name: str, line: str, weekly: str, *, starts: str, payer: str | None = "Pat Payer"
    ) -> TopUpAgreement:
        person = self.people[name]
        third = None
        if payer:
            third = ThirdPartyPayer.objects.create(
                person=person,
                name=payer,
                line_1="3 Side Street",
                town="Northfield",
                postcode="NF3 3CC",
                start_date=_day(starts),
            )
        return TopUpAgreement.objects.create(
            person=person,
            payer=third,
            line=self.lines[line],
            weekly_pence=parse_pounds(weekly),
            start_date=_day(starts),
            signed_on=_day(starts),
            next_review_date=date(2026, 12, 31),
            first_party_basis="" if third else "property_disregard",
            created_at=timezone.now(),
        )

    def provider(self, code: str = "PRV1") -> Provider:
        found, _ = Provider.objects.get_or_create(
            code=code, defaults={"name": "Northfield Care Ltd"}
        )
        return found

    def actuals(self, *rows: tuple[str, str, str], received: str) -> ImportBatch:
        """A provider's return: (line, week start, units delivered) rows, imported as the
        provider-actuals file is."""
        lines = ["provider_code,person_id,account_reference,line_id,week_start,units,note"]
        for line_ref, week, units in rows:
            line = self.lines[line_ref]
            person = line.package.person
            lines.append(
                f"{line.provider.code},,{person.account_reference},{line_ref},{week},{units},"
            )
        from carecharge.apps.care.operations import import_actuals_file

        return import_actuals_file(
            data=("\n".join(lines) + "\n").encode(),
            filename="return.csv",
            actor=self.officer,
            business_date=_day(received),
            source="command",
        )

    def dies(self, name: str, on: str) -> None:
        ServiceUser.objects.filter(pk=self.people[name].pk).update(date_of_death=_day(on))
        self.people[name].refresh_from_db()

    # --- billing ------------------------------------------------------------------------

    def bill(self, to: str) -> BillingRun:
        run = operations.run_to_posted(
            through=_day(to), actor=self.officer, approver=self.senior, source="command"
        )
        self.runs.append(run)
        return run

    def preview(self, to: str) -> BillingRun:
        run = operations.start_run(through=_day(to), actor=self.officer, source="command")
        run = operations.preview(run, actor=self.officer, source="command")
        self.runs.append(run)
        return run

    # --- what happened ------------------------------------------------------------------

    def debtors(self, name: str, run: BillingRun | None = None) -> list[str]:
        """Each invoice or credit note in a run for the person's care, with who is billed."""
        run = run or self.runs[-1]
        found = Invoice.objects.filter(run=run, person=self.people[name]).order_by(
            "-kind", "number"
        )
        return [
            f"{i.debtor}: {i.get_kind_display().lower()} {format_pounds(i.total_pence)}"
            for i in found
        ]

    def invoices(self, name: str, run: BillingRun | None = None) -> list[str]:
        """The invoices and credit notes for the person's account in a run (the last by
        default), as "invoice £336.80" / "credit note -£102.60"."""
        run = run or self.runs[-1]
        found = Invoice.objects.filter(run=run, person=self.people[name]).order_by(
            "-kind", "number"
        )
        return [f"{i.get_kind_display().lower()} {format_pounds(i.total_pence)}" for i in found]

    def lines_posted(self, name: str, run: BillingRun | None = None) -> list[tuple[str, str, str]]:
        """(week start, amount, reason) of each line posted for the person in a run."""
        run = run or self.runs[-1]
        return [
            (r.week_start.isoformat(), format_pounds(r.amount_pence), r.reason)
            for r in ChargeRecord.objects.filter(run=run, person=self.people[name]).order_by(
                "week_start", "key"
            )
        ]

    def charged(self, name: str) -> int:
        """Everything charged to the person so far, in pence."""
        return sum(
            ChargeRecord.objects.filter(person=self.people[name]).values_list(
                "amount_pence", flat=True
            )
        )

    def status(self, name: str, run: BillingRun | None = None) -> str:
        run = run or self.runs[-1]
        return RunPerson.objects.get(run=run, person=self.people[name]).status

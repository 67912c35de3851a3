"""Turn planned people into unsaved model instances, ready for ``bulk_create``."""

from __future__ import annotations

from typing import Any, Final

from django.db import models

from carecharge.apps.assessments.models import CapitalItem, IncomeItem
from carecharge.apps.care.models import Suspension
from carecharge.apps.people.models import Address, Representative, ServiceUser, ThirdPartyPayer

from .plan import PersonPlan

# Rows that hang off a person (other than care packages, which have lines of their own).
CHILD_MODELS: Final[tuple[type[models.Model], ...]] = (
    Address,
    IncomeItem,
    CapitalItem,
    Suspension,
    Representative,
    ThirdPartyPayer,
)


def person_row(person: PersonPlan) -> ServiceUser:
    return ServiceUser(
        account_reference=person.account_reference,
        case_system_id=person.case_system_id,
        title=person.title,
        forename=person.forename,
        middle_names=person.middle_names,
        surname=person.surname,
        date_of_birth=person.date_of_birth,
        nhs_number=person.nhs_number,
        ni_number=person.ni_number,
        phone=person.phone,
        email=person.email,
        preferred_contact=person.preferred_contact,
        preferred_format=person.preferred_format,
        preferred_language=person.preferred_language,
        date_of_death=person.date_of_death,
        restricted=person.restricted,
    )


def add_children(person: PersonPlan, pk: int, rows: dict[type[models.Model], list[Any]]) -> None:
    for a in person.addresses:
        rows[Address].append(
            Address(
                person_id=pk,
                role=a.role,
                line_1=a.line_1,
                line_2=a.line_2,
                town=a.town,
                postcode=a.postcode,
            )
        )
    for i in person.incomes:
        rows[IncomeItem].append(
            IncomeItem(
                person_id=pk,
                type=i.type,
                rate=i.rate,
                weekly_pence=i.weekly_pence,
                joint=i.joint,
                label=i.label,
                start_date=i.start_date,
                end_date=i.end_date,
            )
        )
    for c in person.capital:
        rows[CapitalItem].append(
            CapitalItem(
                person_id=pk,
                type=c.type,
                amount_pence=c.amount_pence,
                joint=c.joint,
                share=c.share,
                label=c.label,
                valued_on=c.valued_on,
            )
        )
    for n, s in enumerate(person.suspensions, 1):
        rows[Suspension].append(
            Suspension(
                person_id=pk,
                case_system_id=f"{person.case_system_id}-S{n}",
                reason=s.reason,
                start_date=s.start_date,
                end_date=s.end_date,
                note=s.note,
            )
        )
    for r in person.representatives:
        rows[Representative].append(
            Representative(
                person_id=pk,
                kind=r.kind,
                name=r.name,
                organisation=r.organisation,
                line_1=r.address.line_1,
                line_2=r.address.line_2,
                town=r.address.town,
                postcode=r.address.postcode,
                phone=r.phone,
                email=r.email,
                receives_invoices=r.receives_invoices,
                receives_letters=r.receives_letters,
                start_date=r.start_date,
                end_date=r.end_date,
            )
        )
    for p in person.payers:
        rows[ThirdPartyPayer].append(
            ThirdPartyPayer(
                person_id=pk,
                name=p.name,
                relationship=p.relationship,
                line_1=p.address.line_1,
                line_2=p.address.line_2,
                town=p.address.town,
                postcode=p.address.postcode,
                phone=p.phone,
                email=p.email,
                start_date=p.start_date,
            )
        )

"""Service users as plain dictionaries for templates. Personal data is masked here, once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.audit.presenters import present_event
from carecharge.core.identifiers import format_nhs_number, normalise_nhs_number
from carecharge.core.money import format_pounds

from .models import Address, AddressRole, Representative, ServiceUser, ThirdPartyPayer

# (tab, URL name, label)
TABS: tuple[tuple[str, str, str], ...] = (
    ("details", "people:detail", "Details"),
    ("care", "people:care", "Care"),
    ("assessments", "people:assessments", "Assessments"),
    ("account", "people:account", "Account"),
    ("letters", "documents:person_letters", "Letters"),
    ("history", "people:history", "History"),
)
_ACTIONS = {
    "restricted.viewed": "Restricted record opened",
    "restricted.refused": "Refused: restricted record",
}


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def nhs_display(digits: str) -> str:
    return format_nhs_number(digits) if normalise_nhs_number(digits or "") else (digits or "")


def identity(person: ServiceUser, *, today: date) -> dict[str, Any]:
    """What the identity bar shows on every page about a person."""
    died = person.date_of_death
    return {
        "pk": person.pk,
        "name": person.full_name,
        "reference": person.account_reference,
        "date_of_birth": person.date_of_birth,
        "age": age_on(person.date_of_birth, died or today),
        "nhs_number": nhs_display(person.nhs_number),
        "date_of_death": died,
        "restricted": person.restricted,
    }


def tabs(person: ServiceUser, active: str) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "href": reverse(url_name, args=[person.pk]),
            "active": name == active,
        }
        for name, url_name, label in TABS
    ]


def search_row(person: ServiceUser, *, may_see_restricted: bool) -> dict[str, Any]:
    if person.restricted and not may_see_restricted:
        return {"restricted": True, "hidden": True}
    return {
        "restricted": person.restricted,
        "hidden": False,
        "href": reverse("people:detail", args=[person.pk]),
        "name": person.full_name,
        "reference": person.account_reference,
        "date_of_birth": person.date_of_birth,
        "postcode": getattr(person, "home_postcode", None) or "",
        "nhs_number": nhs_display(person.nhs_number),
        "date_of_death": person.date_of_death,
    }


def present_address(address: Address) -> dict[str, Any]:
    return {
        "role": address.role,
        "role_label": address.get_role_display(),
        "lines": [p for p in [address.line_1, address.line_2, address.town, address.postcode] if p],
        "change_href": reverse("people:address", args=[address.person_id, address.role]),
    }


def addresses_by_role(person: ServiceUser) -> list[dict[str, Any]]:
    """Every address role, in a fixed order, with the address or None."""
    have = {a.role: a for a in person.addresses.all()}
    return [
        {
            "role": role.value,
            "role_label": role.label,
            "address": present_address(have[role.value]) if role.value in have else None,
            "change_href": reverse("people:address", args=[person.pk, role.value]),
        }
        for role in AddressRole
    ]


def _postal(obj: Representative | ThirdPartyPayer) -> list[str]:
    return [p for p in [obj.line_1, obj.line_2, obj.town, obj.postcode] if p]


def present_representative(rep: Representative, *, today: date) -> dict[str, Any]:
    return {
        "name": rep.name,
        "kind": rep.get_kind_display(),
        "organisation": rep.organisation,
        "address": _postal(rep),
        "phone": rep.phone,
        "email": rep.email,
        "receives_invoices": rep.receives_invoices,
        "receives_letters": rep.receives_letters,
        "start_date": rep.start_date,
        "end_date": rep.end_date,
        "current": rep.start_date <= today and (rep.end_date is None or rep.end_date >= today),
    }


def present_payer(payer: ThirdPartyPayer) -> dict[str, Any]:
    return {
        "name": payer.name,
        "relationship": payer.relationship,
        "address": _postal(payer),
        "phone": payer.phone,
        "email": payer.email,
        "start_date": payer.start_date,
        "end_date": payer.end_date,
    }


def details(person: ServiceUser, *, today: date, may_see_restricted: bool) -> dict[str, Any]:
    partner = person.partner
    partner_row = None
    if partner is not None:
        hidden = partner.restricted and not may_see_restricted
        partner_row = {
            "name": "Restricted record" if hidden else partner.full_name,
            "reference": "" if hidden else partner.account_reference,
            "href": None if hidden else reverse("people:detail", args=[partner.pk]),
        }
    return {
        "title": person.title,
        "forename": person.forename,
        "middle_names": person.middle_names,
        "surname": person.surname,
        "ni_number": person.ni_number_masked,
        "phone": person.phone,
        "email": person.email,
        "preferred_contact": person.get_preferred_contact_display(),
        "preferred_format": person.get_preferred_format_display(),
        "preferred_language": person.preferred_language,
        "case_system_id": person.case_system_id or "",
        "addresses": addresses_by_role(person),
        "representatives": [
            present_representative(r, today=today) for r in person.representatives.all()
        ],
        "partner": partner_row,
    }


def account(person: ServiceUser, recipient: dict[str, Any], *, today: date) -> dict[str, Any]:
    sends_to: dict[str, Any] = {"kind": recipient["kind"]}
    if recipient["kind"] == "representative":
        sends_to["representative"] = present_representative(
            recipient["representative"], today=today
        )
    elif recipient["kind"] == "address":
        sends_to["address"] = present_address(recipient["address"])
    return {
        "reference": person.account_reference,
        "sends_to": sends_to,
        "payers": [present_payer(p) for p in person.third_party_payers.all()],
    }


def financial_items(incomes: Iterable[Any], capital: Iterable[Any]) -> dict[str, Any]:
    return {
        "income": [
            {
                "type": i.get_type_display(),
                "label": i.label,
                "rate": i.rate,
                "weekly": format_pounds(i.weekly_pence),
                "joint": i.joint,
                "start_date": i.start_date,
                "end_date": i.end_date,
            }
            for i in incomes
        ],
        "capital": [
            {
                "type": c.get_type_display(),
                "label": c.label,
                "amount": format_pounds(c.amount_pence),
                "joint": c.joint,
                "share": f"{c.share * 100:.0f}%" if c.share != 1 else "All",
                "valued_on": c.valued_on,
            }
            for c in capital
        ],
    }


def history(events: Iterable[AuditEvent]) -> list[dict[str, Any]]:
    shown = []
    for event in events:
        item = present_event(event)
        item["action"] = _ACTIONS.get(event.action, item["action"])
        shown.append(item)
    return shown

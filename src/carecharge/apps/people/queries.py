"""Reading service users: the search box, the home-page filters and a person's record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from carecharge.apps.accounts.roles import Role, has_any_role
from carecharge.apps.care.models import ChargingMethod, ServiceLine, Suspension
from carecharge.core.identifiers import normalise_nhs_number, normalise_postcode

from .models import Address, AddressRole, Representative, ServiceUser, ThirdPartyPayer

# Who may open restricted records (staff, their relatives, public figures).
RESTRICTED_READERS: frozenset[str] = frozenset({Role.SENIOR_OFFICER, Role.AUDITOR})

FILTERS: dict[str, dict[str, str]] = {
    "deceased": {"recent": "Died in the last 30 days"},
    "suspended": {"today": "Care suspended today (hospital, holiday or other)"},
    "ending": {"week": "A service line ends in the next 7 days"},
    "assessment": {"none": "Chargeable care today but no completed assessment (provisional)"},
}

_REFERENCE = re.compile(r"[0-9]{8}", re.ASCII)
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def may_open_restricted(user: Any) -> bool:
    return has_any_role(user, RESTRICTED_READERS)


@dataclass(frozen=True)
class SearchTerms:
    """What an officer typed, sorted into the keys a person can be found by."""

    references: tuple[str, ...] = ()
    nhs_number: str | None = None
    postcode: str | None = None
    dates_of_birth: tuple[date, ...] = ()
    names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (
            self.references or self.nhs_number or self.postcode or self.dates_of_birth or self.names
        )


def _as_date(word: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    return None


def parse_search(text: str) -> SearchTerms:
    """Sort the search box's text into keys. Several keys narrow the search (all must match).

    A whole NHS number ("943 476 5919") or postcode ("ls1 4ap", "LS14AP") is recognised first,
    because both may contain spaces; otherwise each word is an 8-digit account reference, a date
    of birth (dd/mm/yyyy or yyyy-mm-dd) or the start of a forename or surname.
    """
    text = " ".join(text.split())
    if not text:
        return SearchTerms()
    nhs = normalise_nhs_number(text)
    if nhs is not None:
        return SearchTerms(nhs_number=nhs)
    postcode = normalise_postcode(text)
    if postcode is not None:
        return SearchTerms(postcode=postcode)
    references: list[str] = []
    dates: list[date] = []
    names: list[str] = []
    nhs_word: str | None = None
    for word in text.split(" "):
        when = _as_date(word)
        if _REFERENCE.fullmatch(word):
            references.append(word)
        elif normalise_nhs_number(word) is not None:
            nhs_word = normalise_nhs_number(word)
        elif when is not None:
            dates.append(when)
        else:
            names.append(word.strip(","))
    return SearchTerms(
        references=tuple(references),
        nhs_number=nhs_word,
        dates_of_birth=tuple(dates),
        names=tuple(n for n in names if n),
    )


def _apply_terms(people: QuerySet[ServiceUser], terms: SearchTerms) -> QuerySet[ServiceUser]:
    for reference in terms.references:
        people = people.filter(account_reference=reference)
    if terms.nhs_number:
        people = people.filter(nhs_number=terms.nhs_number)
    if terms.postcode:
        people = people.filter(
            pk__in=Address.objects.filter(postcode=terms.postcode).values("person_id")
        )
    for when in terms.dates_of_birth:
        people = people.filter(date_of_birth=when)
    for name in terms.names:
        # Prefix matches can use an index on the name columns; any order of names works.
        people = people.filter(Q(surname__istartswith=name) | Q(forename__istartswith=name))
    return people


def _apply_filters(
    people: QuerySet[ServiceUser], filters: dict[str, str], today: date
) -> QuerySet[ServiceUser]:
    if filters.get("deceased") == "recent":
        people = people.filter(
            date_of_death__gte=today - timedelta(days=30), date_of_death__lte=today
        )
    if filters.get("suspended") == "today":
        # Start from the few open suspensions rather than test every person.
        open_today = Suspension.objects.filter(start_date__lte=today).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )
        people = people.filter(pk__in=open_today.values("person_id"))
    if filters.get("ending") == "week":
        ending = ServiceLine.objects.filter(
            end_date__gte=today, end_date__lte=today + timedelta(days=7)
        )
        people = people.filter(pk__in=ending.values("package__person_id"))
    if filters.get("assessment") == "none":
        people = people.filter(pk__in=chargeable_care_today(today).values("package__person_id"))
        people = people.exclude(assessments__state__in=["completed", "superseded"])
    return people


def chargeable_care_today(today: date) -> QuerySet[ServiceLine]:
    """Means-tested service lines running today, leaving out NHS-funded and aftercare ones."""
    return ServiceLine.objects.filter(
        service__charging_method=ChargingMethod.MEANS_TESTED,
        package__chc=False,
        package__section_117=False,
        start_date__lte=today,
    ).exclude(end_date__lt=today)


def known_filters(params: Any) -> dict[str, str]:
    """The home-page filters present in a query string, ignoring unknown values."""
    return {
        name: params.get(name) for name, values in FILTERS.items() if params.get(name) in values
    }


def search_people(
    *, text: str, filters: dict[str, str], today: date
) -> QuerySet[ServiceUser] | None:
    """People matching the search box and filters, with their home postcode; None if no search."""
    terms = parse_search(text)
    if terms.empty and not filters:
        return None
    home_postcode = Address.objects.filter(person=OuterRef("pk"), role=AddressRole.HOME)
    people = _apply_filters(_apply_terms(ServiceUser.objects.all(), terms), filters, today)
    return people.annotate(home_postcode=Subquery(home_postcode.values("postcode")[:1])).order_by(
        "surname", "forename", "id"
    )


def person_or_404(pk: int) -> ServiceUser:
    return get_object_or_404(ServiceUser.objects.select_related("partner"), pk=pk)


def person_details(pk: int) -> ServiceUser:
    """A person with everything the Details and Account tabs show, in a fixed number of queries."""
    queryset = ServiceUser.objects.select_related("partner").prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("role")),
        Prefetch("representatives", queryset=Representative.objects.order_by("-start_date")),
        Prefetch("third_party_payers", queryset=ThirdPartyPayer.objects.order_by("-start_date")),
    )
    return get_object_or_404(queryset, pk=pk)


def invoice_recipient(person: ServiceUser, *, today: date) -> dict[str, Any]:
    """Who invoices go to: a current representative who receives them, else the billing address,
    else the home address. Uses the person's prefetched addresses and representatives."""
    for rep in person.representatives.all():
        current = rep.start_date <= today and (rep.end_date is None or rep.end_date >= today)
        if rep.receives_invoices and current:
            return {"kind": "representative", "representative": rep}
    addresses = {a.role: a for a in person.addresses.all()}
    for role in (AddressRole.BILLING, AddressRole.HOME):
        if role in addresses:
            return {"kind": "address", "role": role, "address": addresses[role]}
    return {"kind": "none"}


def history_pairs(person: ServiceUser) -> list[tuple[str, str]]:
    """The (object type, id) of every record whose history belongs on the person's History tab."""
    from carecharge.apps.assessments.models import CapitalItem, IncomeItem
    from carecharge.apps.care.models import CarePackage

    pairs = [("people.serviceuser", str(person.pk))]
    related: list[tuple[str, QuerySet[Any]]] = [
        ("people.address", Address.objects.filter(person=person)),
        ("people.representative", Representative.objects.filter(person=person)),
        ("people.thirdpartypayer", ThirdPartyPayer.objects.filter(person=person)),
        ("care.carepackage", CarePackage.objects.filter(person=person)),
        ("care.serviceline", ServiceLine.objects.filter(package__person=person)),
        ("care.suspension", Suspension.objects.filter(person=person)),
        ("assessments.incomeitem", IncomeItem.objects.filter(person=person)),
        ("assessments.capitalitem", CapitalItem.objects.filter(person=person)),
    ]
    for object_type, queryset in related:
        pairs.extend((object_type, str(pk)) for pk in queryset.values_list("pk", flat=True))
    return pairs


def financial_items(person: ServiceUser) -> tuple[list[Any], list[Any]]:
    from carecharge.apps.assessments.models import CapitalItem, IncomeItem

    return (
        list(IncomeItem.objects.filter(person=person).order_by("type", "start_date")),
        list(CapitalItem.objects.filter(person=person).order_by("type", "valued_on")),
    )


def address_for(person: ServiceUser, role: str) -> Address | None:
    return Address.objects.filter(person=person, role=role).first()

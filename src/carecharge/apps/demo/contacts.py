"""Identifiers, contact details, representatives and top-up payers for synthetic people.

Phone numbers come from Ofcom's ranges reserved for drama (01632 960xxx, 07700 900xxx) and
email addresses use example.com, so no demo letter or text can ever reach a real person.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Final

from carecharge.apps.people.models import (
    AddressRole,
    PreferredContact,
    PreferredFormat,
    RepresentativeKind,
)
from carecharge.core.identifiers import is_valid_ni_number

from . import names
from .plan import AddressPlan, PayerPlan, PersonPlan, ProviderPlan, RepresentativePlan

# Contact details and communication needs (shares of people).
HAS_PHONE: Final = 0.7
HAS_EMAIL: Final = {False: 0.08, True: 0.4}  # by working age
OTHER_LANGUAGE: Final = 0.015
BRAILLE: Final = 0.003
EASY_READ_OLDER: Final = 0.03  # cumulative with the two above
EASY_READ_WORKING_AGE: Final = 0.12  # many working-age service users have a learning disability
LARGE_PRINT_OLDER: Final = 0.09

# NI prefixes: first letter never D F I Q U V, second never those or O; some pairs unallocated.
_NI_FIRST: Final = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND: Final = "ABCEGHJKLMNPRSTWXYZ"
_NI_SUFFIX: Final = "ABCD"
_LANGUAGES: Final = ("Polish", "Punjabi", "Urdu", "Bengali", "Portuguese", "Gujarati")
_DEPUTY_FIRMS: Final = (
    "Northfield Borough Council Client Affairs",
    "Harper & Lowe Solicitors LLP",
    "Kingsholme Law",
)
_APPOINTEE_ORGS: Final = ("Northfield Borough Council Appointeeship Team", "")


class Identifiers:
    """Hands out NHS and NI numbers that are well formed and never repeated in one council."""

    def __init__(self) -> None:
        self._nhs: set[str] = set()
        self._ni: set[str] = set()

    def nhs_number(self, rng: random.Random) -> str:
        while True:
            # England and Wales numbers are issued from the 4xx and 6xx ranges.
            body = f"{rng.choice((4, 6))}{rng.randint(0, 99_999_999):08d}"
            total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
            check = (11 - total % 11) % 11
            if check == 10:
                continue  # no valid number has these nine digits: draw again
            number = f"{body}{check}"
            if number not in self._nhs:
                self._nhs.add(number)
                return number

    def ni_number(self, rng: random.Random) -> str:
        while True:
            number = (
                f"{rng.choice(_NI_FIRST)}{rng.choice(_NI_SECOND)}"
                f"{rng.randint(0, 999_999):06d}{rng.choice(_NI_SUFFIX)}"
            )
            if is_valid_ni_number(number) and number not in self._ni:
                self._ni.add(number)
                return number


def landline(rng: random.Random) -> str:
    return f"01632 960{rng.randint(0, 999):03d}"


def mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def email_for(rng: random.Random, full_name: str) -> str:
    parts = [p for p in full_name.replace("'", "").split() if p not in {"Mr", "Mrs", "Miss", "Ms"}]
    local = ".".join(parts).lower()
    return f"{local}{rng.randint(1, 99) if rng.random() < 0.5 else ''}@example.com"


def _address(place: names.PostalAddress, role: str) -> AddressPlan:
    return AddressPlan(role, place.line_1, place.line_2, place.town, place.postcode)


def fill_contact_details(rng: random.Random, person: PersonPlan, *, working_age: bool) -> None:
    """Phone, email, and how the person wants to hear from the council."""
    if rng.random() < HAS_PHONE:
        person.phone = mobile(rng) if working_age else landline(rng)
    if rng.random() < HAS_EMAIL[working_age]:
        person.email = email_for(rng, f"{person.forename} {person.surname}")
    roll = rng.random()
    if person.email and roll < 0.5:
        person.preferred_contact = PreferredContact.EMAIL
    elif person.phone and roll < 0.6:
        person.preferred_contact = PreferredContact.PHONE
    roll = rng.random()
    if roll < OTHER_LANGUAGE:
        person.preferred_format = PreferredFormat.OTHER_LANGUAGE
        person.preferred_language = rng.choice(_LANGUAGES)
    elif roll < OTHER_LANGUAGE + BRAILLE:
        person.preferred_format = PreferredFormat.BRAILLE
    elif roll < (EASY_READ_WORKING_AGE if working_age else EASY_READ_OLDER):
        person.preferred_format = PreferredFormat.EASY_READ
    elif roll < LARGE_PRINT_OLDER and not working_age:
        person.preferred_format = PreferredFormat.LARGE_PRINT


def addresses(
    rng: random.Random,
    house: names.PostalAddress,
    care_home: ProviderPlan | None,
    *,
    billing: bool,
    correspondence: bool,
) -> list[AddressPlan]:
    """Home (the care home for a permanent resident), and a relative's for bills or letters."""
    if care_home is not None:
        house = names.PostalAddress(
            care_home.name, care_home.line_1, care_home.town, care_home.postcode
        )
    found = [_address(house, AddressRole.HOME)]
    if billing:
        found.append(_address(names.home_address(rng, elsewhere=True), AddressRole.BILLING))
    if correspondence:
        found.append(_address(names.home_address(rng, elsewhere=True), AddressRole.CORRESPONDENCE))
    return found


def representative(
    rng: random.Random, kind: str, surname: str, since: date, as_at: date
) -> RepresentativePlan:
    organisation = ""
    if kind == RepresentativeKind.DEPUTY:
        organisation = rng.choice(_DEPUTY_FIRMS)
    elif kind == RepresentativeKind.APPOINTEE:
        organisation = rng.choice(_APPOINTEE_ORGS)
    if organisation:
        person_name = (
            f"{rng.choice(names.YOUNGER_FEMALE + names.YOUNGER_MALE)} {rng.choice(names.SURNAMES)}"
        )
        place = names.home_address(rng)
    else:
        person_name = names.relative_name(rng, surname)
        place = names.home_address(rng, elsewhere=rng.random() < 0.5)
    # Deputies, appointees and attorneys usually run the person's money, so they get the bills.
    manages_money = kind in {
        RepresentativeKind.DEPUTY,
        RepresentativeKind.APPOINTEE,
        RepresentativeKind.LPA,
        RepresentativeKind.EXECUTOR,
    }
    invoices = rng.random() < (0.85 if manages_money else 0.25)
    start = max(since, as_at - timedelta(days=rng.randint(30, 3_000)))
    return RepresentativePlan(
        kind=str(kind),
        name=person_name,
        organisation=organisation,
        address=_address(place, ""),
        phone=mobile(rng) if rng.random() < 0.8 else landline(rng),
        email=email_for(rng, person_name) if rng.random() < 0.6 else "",
        receives_invoices=invoices,
        receives_letters=invoices or rng.random() < 0.5,
        start_date=min(start, as_at),
    )


def executor(rng: random.Random, surname: str, died: date, as_at: date) -> RepresentativePlan:
    """Whoever deals with the estate, recorded a few weeks after the death."""
    found = representative(rng, RepresentativeKind.EXECUTOR, surname, died, as_at)
    return replace(found, start_date=min(died + timedelta(days=rng.randint(7, 60)), as_at))


def top_up_payer(rng: random.Random, surname: str, since: date) -> PayerPlan:
    """A relative paying the difference between the council's rate and the home's fee."""
    payer_name = names.relative_name(rng, surname)
    relationship = rng.choice(
        ("Son", "Daughter", "Daughter", "Niece", "Nephew", "Brother", "Sister")
    )
    place = names.home_address(rng, elsewhere=rng.random() < 0.6)
    return PayerPlan(
        name=payer_name,
        relationship=relationship,
        address=_address(place, ""),
        phone=mobile(rng),
        email=email_for(rng, payer_name) if rng.random() < 0.7 else "",
        start_date=since,
    )

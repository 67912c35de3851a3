"""Who an invoice, credit note or statement is addressed to, and at which address.

For the service user's own account, the same order as the person's Account tab says
("Invoices go to"): a current representative recorded to receive invoices, else the billing
address, else the home address. A bill is never addressed to someone who has died: it goes to
the executor or administrator of the estate (a representative of that kind), else to a
representative who receives invoices, else to "the executor or administrator of the estate of"
the person at their billing or home address, which is how estates are billed before an
executor is known. A top-up payer is billed at their own address; an integrated care board or
another council at its address, with its own purchase order or contract reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecharge.apps.documents.recipients import NoRecipient, Recipient
from carecharge.apps.people.models import (
    Address,
    AddressRole,
    Organisation,
    PreferredFormat,
    Representative,
    RepresentativeKind,
    ServiceUser,
    ThirdPartyPayer,
)
from carecharge.core.charging.types import PERSON

__all__ = ["Addressee", "NoRecipient", "addressee", "debtor_string"]


@dataclass(frozen=True)
class Addressee:
    """Who a bill goes to, and who owes it."""

    recipient: Recipient
    postcode: str
    debtor_kind: str
    """``person``, ``third_party`` or ``organisation``."""
    debtor_name: str
    """Who owes the money: the person, "The estate of ...", the payer or the organisation."""
    their_reference: str = ""
    """An organisation's purchase order or contract reference."""
    large_print: bool = False
    """The bill goes to the person, who asked for large print."""

    def as_dict(self) -> dict[str, object]:
        return {**self.recipient.as_dict(), "postcode": self.postcode}


def _postal(parts: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for part in parts if part and part.strip())


def _current(rep: Representative, on: date) -> bool:
    return rep.start_date <= on and (rep.end_date is None or rep.end_date >= on)


def _to_representative(rep: Representative, why: str) -> tuple[Recipient, str]:
    if not rep.line_1.strip() or not rep.postcode.strip():
        raise NoRecipient(
            f"representative: {rep.name} ({rep.get_kind_display()}) {why} but has no postal "
            "address. Record their address first."
        )
    lines = _postal([rep.organisation, rep.line_1, rep.line_2, rep.town, rep.postcode])
    recipient = Recipient("representative", rep.name, lines, rep.get_kind_display(), rep.kind)
    return recipient, rep.postcode.strip()


def _billing_address(person: ServiceUser) -> Address | None:
    addresses = {a.role: a for a in Address.objects.filter(person=person)}
    return addresses.get(AddressRole.BILLING) or addresses.get(AddressRole.HOME)


def _for_person(person: ServiceUser, on: date) -> Addressee:
    reps = sorted(
        (r for r in Representative.objects.filter(person=person) if _current(r, on)),
        key=lambda r: (r.start_date, r.pk),
        reverse=True,
    )
    name = person.full_name
    if person.date_of_death is not None:
        estate = f"The estate of {name}"
        executors = [r for r in reps if r.kind == RepresentativeKind.EXECUTOR]
        if executors:
            recipient, postcode = _to_representative(executors[0], "is the executor")
            return Addressee(recipient, postcode, "person", estate)
        invoiced = [r for r in reps if r.receives_invoices]
        if invoiced:
            recipient, postcode = _to_representative(invoiced[0], "receives invoices")
            return Addressee(recipient, postcode, "person", estate)
        address = _billing_address(person)
        if address is None:
            raise NoRecipient(
                f"recipient: {name} has died and there is no executor, no representative who "
                "receives invoices and no billing or home address. Record the executor or "
                "administrator of their estate as a representative first."
            )
        lines = _postal([address.line_1, address.line_2, address.town, address.postcode])
        recipient = Recipient(
            "estate", f"The executor or administrator of the estate of {name}", lines
        )
        return Addressee(recipient, address.postcode.strip(), "person", estate)
    for rep in reps:
        if rep.receives_invoices:
            recipient, postcode = _to_representative(rep, "receives invoices")
            return Addressee(recipient, postcode, "person", name)
    address = _billing_address(person)
    if address is None:
        raise NoRecipient(
            f"recipient: {name} has no billing or home address and no representative who "
            "receives invoices. Record an address first."
        )
    lines = _postal([address.line_1, address.line_2, address.town, address.postcode])
    return Addressee(
        Recipient("person", name, lines),
        address.postcode.strip(),
        "person",
        name,
        large_print=person.preferred_format == PreferredFormat.LARGE_PRINT,
    )


def _for_payer(payer: ThirdPartyPayer) -> Addressee:
    lines = _postal([payer.line_1, payer.line_2, payer.town, payer.postcode])
    if not payer.line_1.strip() or not payer.postcode.strip():
        raise NoRecipient(f"payer: {payer.name} has no postal address. Record it first.")
    recipient = Recipient("payer", payer.name, lines, "Top-up payer", "third_party")
    return Addressee(recipient, payer.postcode.strip(), "third_party", payer.name)


def _for_organisation(organisation: Organisation) -> Addressee:
    if not organisation.line_1.strip() or not organisation.postcode.strip():
        raise NoRecipient(
            f"organisation: {organisation.name} ({organisation.code}) has no postal address. "
            "Record it first."
        )
    lines = _postal(
        [organisation.line_1, organisation.line_2, organisation.town, organisation.postcode]
    )
    return Addressee(
        Recipient("organisation", organisation.name, lines, organisation.get_kind_display()),
        organisation.postcode.strip(),
        "organisation",
        organisation.name,
        their_reference=organisation.invoice_reference.strip(),
    )


def addressee(person: ServiceUser | None, debtor: str, *, on: date) -> Addressee:
    """Who a bill for ``debtor`` (``"person"``, ``"third_party:<id>"`` or
    ``"organisation:<code>"``) dated ``on`` goes to; ``person`` is the service user whose care
    it is (needed when the debtor is the person).

    Raises `NoRecipient` with a message naming what to record.
    """
    if debtor == PERSON:
        if person is None:
            raise NoRecipient("debtor: a bill to the person needs the person")
        return _for_person(person, on)
    kind, _, ref = debtor.partition(":")
    if kind == "third_party":
        payer = ThirdPartyPayer.objects.filter(pk=int(ref)).first() if ref.isdigit() else None
        if payer is None:
            raise NoRecipient(f"debtor: there is no third-party payer {ref!r}")
        return _for_payer(payer)
    if kind == "organisation":
        organisation = Organisation.objects.filter(code=ref).first()
        if organisation is None:
            raise NoRecipient(f"debtor: there is no organisation with code {ref!r}")
        return _for_organisation(organisation)
    raise NoRecipient(f"debtor: {debtor!r} is not a kind of debtor carecharge bills")


def debtor_string(
    *, person_id: int | None, payer_id: int | None, organisation_code: str | None
) -> str:
    """The charging contract's name for the party a debtor account belongs to."""
    if payer_id is not None:
        return f"third_party:{payer_id}"
    if organisation_code is not None:
        return f"organisation:{organisation_code}"
    if person_id is not None:
        return PERSON
    raise NoRecipient("account: this ledger account does not belong to a debtor")

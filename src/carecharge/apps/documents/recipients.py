"""Who a letter about a person is addressed to, and at which address.

A current representative recorded to receive letters comes first (an appointee, deputy or
attorney manages the person's money). Otherwise the person, at their correspondence address or
else their home. A letter is never addressed to someone who has died: it goes to the executor or
administrator of their estate (or a representative who receives letters), and without one it is
refused so the officer can record who deals with the estate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecharge.apps.people.models import (
    Address,
    AddressRole,
    Representative,
    RepresentativeKind,
    ServiceUser,
)
from carecharge.core.letters.wording import long_date


class NoRecipient(ValueError):
    """Nobody can be written to about this person; the message says what to record first."""


@dataclass(frozen=True)
class Recipient:
    kind: str  # "person" or "representative"
    name: str
    address_lines: tuple[str, ...]
    # For a representative: in what capacity we write to them ("Court of Protection deputy"),
    # and that kind's code ("deputy").
    capacity: str = ""
    role: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "address_lines": list(self.address_lines),
            "capacity": self.capacity,
            "role": self.role,
        }


def _current(rep: Representative, on: date) -> bool:
    return rep.start_date <= on and (rep.end_date is None or rep.end_date >= on)


def _postal(parts: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for part in parts if part and part.strip())


def _to_representative(rep: Representative) -> Recipient:
    lines = _postal([rep.organisation, rep.line_1, rep.line_2, rep.town, rep.postcode])
    if not rep.line_1.strip() or not rep.postcode.strip():
        raise NoRecipient(
            f"representative: {rep.name} ({rep.get_kind_display()}) receives letters but has no "
            "postal address. Record their address first."
        )
    return Recipient("representative", rep.name, lines, rep.get_kind_display(), rep.kind)


def letter_recipient(person: ServiceUser, *, on: date) -> Recipient:
    """Who a letter about `person` dated `on` goes to; raises NoRecipient with the reason."""
    reps = sorted(
        (r for r in person.representatives.all() if _current(r, on)),
        key=lambda r: (r.start_date, r.pk),
        reverse=True,
    )
    if person.date_of_death is not None:
        executors = [r for r in reps if r.kind == RepresentativeKind.EXECUTOR]
        chosen = executors or [r for r in reps if r.receives_letters]
        if not chosen:
            raise NoRecipient(
                f"recipient: {person.full_name} died on {long_date(person.date_of_death)}. "
                "Record the executor or administrator of their estate as a representative "
                "before sending letters."
            )
        return _to_representative(chosen[0])
    for rep in reps:
        if rep.receives_letters:
            return _to_representative(rep)
    addresses = {a.role: a for a in Address.objects.filter(person=person)}
    for role in (AddressRole.CORRESPONDENCE, AddressRole.HOME):
        address = addresses.get(role)
        if address is not None:
            lines = _postal([address.line_1, address.line_2, address.town, address.postcode])
            return Recipient("person", person.full_name, lines)
    raise NoRecipient(
        f"recipient: {person.full_name} has no correspondence or home address. Record an "
        "address first."
    )

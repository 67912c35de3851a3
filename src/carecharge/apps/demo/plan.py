"""The demo council as pure data: what the generator decided, before anything is written.

Building the plan and writing it are separate steps so the plan can be compared between runs
(the same seed and date must give the same council) without a database, and so the writer can
insert everything in bulk. Nothing here touches Django models or the database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ServicePlan:
    code: str
    name: str
    category: str
    charging_method: str
    free_reason: str
    unit: str
    flat_rate_rule: str
    cost_centre: str
    subjective_code: str


@dataclass(frozen=True, slots=True)
class ProviderPlan:
    code: str
    name: str
    kind: str
    line_1: str
    town: str
    postcode: str
    cqc_location_id: str
    # Price per unit (pence) of the provider's main service in the current fee year.
    price_pence: int


@dataclass(frozen=True, slots=True)
class AddressPlan:
    role: str
    line_1: str
    line_2: str
    town: str
    postcode: str


@dataclass(frozen=True, slots=True)
class IncomePlan:
    type: str
    rate: str
    weekly_pence: int
    joint: bool
    label: str
    start_date: date
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class CapitalPlan:
    type: str
    amount_pence: int
    joint: bool
    share: Decimal
    label: str
    valued_on: date


@dataclass(frozen=True, slots=True)
class LinePlan:
    service_code: str
    provider_code: str | None
    units_per_week: Decimal
    unit_cost_pence: int
    days: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True, slots=True)
class PackagePlan:
    lines: tuple[LinePlan, ...]
    section_117: bool = False
    chc: bool = False
    funded_nursing_care: bool = False


@dataclass(frozen=True, slots=True)
class SuspensionPlan:
    reason: str
    start_date: date
    end_date: date | None
    note: str


@dataclass(frozen=True, slots=True)
class RepresentativePlan:
    kind: str
    name: str
    organisation: str
    address: AddressPlan
    phone: str
    email: str
    receives_invoices: bool
    receives_letters: bool
    start_date: date
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class PayerPlan:
    name: str
    relationship: str
    address: AddressPlan
    phone: str
    email: str
    start_date: date


@dataclass(slots=True)
class PersonPlan:
    """One synthetic service user and everything recorded about them."""

    sequence: int
    account_reference: str
    case_system_id: str
    title: str
    forename: str
    middle_names: str
    surname: str
    date_of_birth: date
    nhs_number: str
    ni_number: str
    restricted: bool
    date_of_death: date | None = None
    phone: str = ""
    email: str = ""
    preferred_contact: str = "post"
    preferred_format: str = "standard"
    preferred_language: str = ""
    # The sequence number of the partner when both members of a couple receive care.
    partner_sequence: int | None = None
    addresses: list[AddressPlan] = field(default_factory=list)
    incomes: list[IncomePlan] = field(default_factory=list)
    capital: list[CapitalPlan] = field(default_factory=list)
    packages: list[PackagePlan] = field(default_factory=list)
    suspensions: list[SuspensionPlan] = field(default_factory=list)
    representatives: list[RepresentativePlan] = field(default_factory=list)
    payers: list[PayerPlan] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return sum(len(package.lines) for package in self.packages)


@dataclass(frozen=True, slots=True)
class DemoPlan:
    seed: int
    as_at: date
    services: tuple[ServicePlan, ...]
    providers: tuple[ProviderPlan, ...]
    people: tuple[PersonPlan, ...]

    def digest(self) -> str:
        """SHA-256 over every planned value: equal digests mean identical councils."""
        return digest_of(self)


def _json_default(value: object) -> object:
    if isinstance(value, date | Decimal):
        return str(value)
    raise TypeError(f"cannot digest {type(value).__name__}")


def digest_of(value: object) -> str:
    """A stable SHA-256 of a plan (or any part of one)."""
    data = dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value  # type: ignore[arg-type]
    text = json.dumps(data, default=_json_default, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

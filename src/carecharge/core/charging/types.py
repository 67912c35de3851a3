"""What `core/charging` is told about one person, and what it says is due.

These types are the contract between the billing app (which reads the database and builds a
`PersonCharging`) and the pure charging and re-rating code (which never sees the database).
Every amount is integer pence; every range of days is inclusive at both ends.

Debtors are named by plain strings so the core needs no database ids of its own:
``"person"`` (the service user), ``"third_party:<ref>"`` (a top-up payer),
``"organisation:<code>"`` (an integrated care board or another council).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from carecharge.core.periods import DateRange

PERSON = "person"


class Setting(StrEnum):
    """Which charging rules an assessment's weekly charge follows."""

    NON_RESIDENTIAL = "non_residential"
    """Care at home and in the community: the lower of the charge and the care delivered."""
    RESIDENTIAL = "residential"
    """A care home: the contribution for each day in the home."""


class Collection(StrEnum):
    """Who collects a service's charge from the person."""

    COUNCIL = "council"
    """The council invoices it (home care; a care home paid gross)."""
    PROVIDER = "provider"
    """The care home collects the contribution (net payment): recorded and shown, not invoiced."""
    DIRECT_PAYMENT_NET = "direct_payment_net"
    """Deducted from the direct payment: recorded, not invoiced."""
    DIRECT_PAYMENT_GROSS = "direct_payment_gross"
    """The direct payment is paid in full and the contribution is invoiced."""


@dataclass(frozen=True, slots=True)
class AssessedPeriod:
    """Days over which one assessment (or the provisional charge) sets the weekly charge.

    The billing app passes the periods of every version in force, already cut so that they do
    not overlap (a revision from a date ends the older version the day before).
    """

    source: str
    """``"assessment:<id>"`` or ``"provisional"``."""
    days: DateRange
    weekly_pence: int
    setting: Setting
    full_cost: bool = False
    """Assessed to pay the full cost (capital over the upper limit, or chose not to disclose)."""
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service in a care package, as the council commissioned it."""

    ref: str
    """Stable across runs (the case management system's id)."""
    service_code: str
    service_name: str
    category: str
    """A `care.ServiceCategory` value: ``"home_care"``, ``"residential_permanent"``, ..."""
    charging: str
    """``"means_tested"``, ``"flat_rate"`` or ``"free"``."""
    free_reason: str
    """Blank unless ``charging == "free"`` (``"reablement"``, ``"section_117"``, ...)."""
    days: DateRange
    """Start to end; the caller cuts an open end at the run's last day."""
    units_per_week: Decimal
    unit_cost_pence: int
    """What the council pays the provider per unit (the cost of care)."""
    income_code: str
    """The ledger income code (``"<cost centre>/<subjective>"``) the charge is credited to."""
    unit: str = "hour"
    flat_rate_rule: str = ""
    """For flat-rate services, the rule name of the dated price per unit."""
    collection: Collection = Collection.COUNCIL
    section_117: bool = False
    chc: bool = False
    """The whole package is NHS Continuing Healthcare (never charged, nothing recharged)."""


@dataclass(frozen=True, slots=True)
class Actual:
    """Units a provider says it delivered of one service line in one charging week."""

    line_ref: str
    week_start: date
    units: Decimal


@dataclass(frozen=True, slots=True)
class Suspension:
    days: DateRange
    reason: str
    """``"hospital"``, ``"holiday"`` or ``"other"``."""


@dataclass(frozen=True, slots=True)
class ChcAward:
    """NHS Continuing Healthcare awarded for a span of days (often backdated)."""

    ref: str
    days: DateRange
    icb: str
    """The integrated care board as a debtor: ``"organisation:<code>"``."""


@dataclass(frozen=True, slots=True)
class TopUp:
    """A recorded top-up agreement for a dearer care home."""

    ref: str
    payer: str
    """``"person"`` (first-party top-up) or ``"third_party:<ref>"``."""
    days: DateRange
    weekly_pence: int
    line_ref: str
    """The care-home service line it tops up: charged only on days that line runs."""
    income_code: str


@dataclass(frozen=True, slots=True)
class PersonCharging:
    """Everything known now about one person that decides what they owe."""

    person_ref: str
    """The account reference."""
    date_of_death: date | None = None
    assessed: tuple[AssessedPeriod, ...] = ()
    lines: tuple[ServiceLine, ...] = ()
    actuals: tuple[Actual, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    chc_awards: tuple[ChcAward, ...] = ()
    top_ups: tuple[TopUp, ...] = ()


class ChargeKind(StrEnum):
    CONTRIBUTION = "contribution"
    """The assessed contribution (care at home, or each day in a care home)."""
    FLAT_RATE = "flat_rate"
    TOP_UP = "top_up"
    ARRANGEMENT_FEE = "arrangement_fee"
    CHC_RECHARGE = "chc_recharge"
    """The council-funded cost of care recharged to the integrated care board."""


@dataclass(frozen=True, slots=True)
class TraceStep:
    label: str
    amount_pence: int | None = None
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Basis:
    """What a charge was worked out from, kept with it so a later change can be explained."""

    sources: tuple[str, ...] = ()
    """The assessment sources (``"assessment:12"``, ``"provisional"``) that set it."""
    provisional: bool = False
    actuals: bool = False
    """Provider actuals were used for at least one line in the week."""
    suspended_days: int = 0
    days_after_death: int = 0
    """Days of the week not charged because the person had died."""
    chc_days: int = 0
    """Days of the week not charged because of an NHS Continuing Healthcare award."""


@dataclass(frozen=True, slots=True)
class Charge:
    """What is due for one key: one kind of charge, from one source, in one charging week."""

    key: str
    """Stable across runs and unique for the person, e.g. ``"contribution:council:2025-04-07"``."""
    kind: ChargeKind
    debtor: str
    week: DateRange
    """The whole charging week the key belongs to."""
    days: DateRange | None
    """The days charged within it (``None`` when nothing is chargeable this week)."""
    amount_pence: int
    invoiced: bool
    """False when the provider collects it or it is deducted from a direct payment."""
    income: tuple[tuple[str, int], ...]
    """How the amount is credited to income codes; the parts sum to ``amount_pence``."""
    description: str
    units: Decimal | None = None
    basis: Basis = field(default_factory=Basis)
    trace: tuple[TraceStep, ...] = ()

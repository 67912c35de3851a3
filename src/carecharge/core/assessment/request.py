"""An assessment request as frozen dataclasses: what the JSON contract's request holds, parsed.

Money is whole pence (``int``); fractions (a capital ``share``, a percentage) are ``Decimal``.
Build one with :func:`carecharge.core.assessment.parsing.parse_request`, which checks every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Jurisdiction(StrEnum):
    ENGLAND = "england"
    WALES = "wales"


class Setting(StrEnum):
    NON_RESIDENTIAL = "non_residential"
    RESIDENTIAL_PERMANENT = "residential_permanent"
    RESIDENTIAL_TEMPORARY = "residential_temporary"


class Premium(StrEnum):
    DISABILITY = "disability"
    ENHANCED_DISABILITY = "enhanced_disability"
    CARER = "carer"


class IncomeType(StrEnum):
    STATE_PENSION = "state_pension"
    NEW_STATE_PENSION = "new_state_pension"
    PENSION_CREDIT_GUARANTEE = "pension_credit_guarantee"
    PENSION_CREDIT_SAVINGS_CREDIT = "pension_credit_savings_credit"
    UNIVERSAL_CREDIT = "universal_credit"
    ESA = "esa"
    JSA = "jsa"
    INCOME_SUPPORT = "income_support"
    CARERS_ALLOWANCE = "carers_allowance"
    ATTENDANCE_ALLOWANCE = "attendance_allowance"
    CONSTANT_ATTENDANCE_ALLOWANCE = "constant_attendance_allowance"
    DLA_CARE = "dla_care"
    DLA_MOBILITY = "dla_mobility"
    PIP_DAILY_LIVING = "pip_daily_living"
    PIP_MOBILITY = "pip_mobility"
    ADP_DAILY_LIVING = "adp_daily_living"
    ADP_MOBILITY = "adp_mobility"
    ARMED_FORCES_INDEPENDENCE_PAYMENT = "armed_forces_independence_payment"
    INDUSTRIAL_INJURIES = "industrial_injuries"
    SEVERE_DISABLEMENT_ALLOWANCE = "severe_disablement_allowance"
    WAR_PENSION = "war_pension"
    WAR_WIDOWS_PENSION = "war_widows_pension"
    GUARANTEED_INCOME_PAYMENT = "guaranteed_income_payment"
    OCCUPATIONAL_PENSION = "occupational_pension"
    PRIVATE_PENSION = "private_pension"
    ANNUITY = "annuity"
    EARNINGS = "earnings"
    SELF_EMPLOYED_EARNINGS = "self_employed_earnings"
    RENTAL_INCOME = "rental_income"
    MAINTENANCE = "maintenance"
    HOUSING_BENEFIT = "housing_benefit"
    COUNCIL_TAX_SUPPORT = "council_tax_support"
    CHILD_BENEFIT = "child_benefit"
    CHILD_TAX_CREDIT = "child_tax_credit"
    WINTER_FUEL_PAYMENT = "winter_fuel_payment"
    CHARITABLE_PAYMENT = "charitable_payment"
    OTHER = "other"


class Rate(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    ENHANCED = "enhanced"
    STANDARD = "standard"
    HIGHEST = "highest"
    MIDDLE = "middle"
    LOWEST = "lowest"


#: The rates each benefit may be paid at; ``rate`` is refused on any other income type.
RATES: dict[IncomeType, frozenset[Rate]] = {
    IncomeType.ATTENDANCE_ALLOWANCE: frozenset({Rate.HIGHER, Rate.LOWER}),
    IncomeType.CONSTANT_ATTENDANCE_ALLOWANCE: frozenset({Rate.HIGHER, Rate.LOWER}),
    IncomeType.DLA_CARE: frozenset({Rate.HIGHEST, Rate.MIDDLE, Rate.LOWEST}),
    IncomeType.DLA_MOBILITY: frozenset({Rate.HIGHER, Rate.LOWER}),
    IncomeType.PIP_DAILY_LIVING: frozenset({Rate.ENHANCED, Rate.STANDARD}),
    IncomeType.PIP_MOBILITY: frozenset({Rate.ENHANCED, Rate.STANDARD}),
    IncomeType.ADP_DAILY_LIVING: frozenset({Rate.ENHANCED, Rate.STANDARD}),
    IncomeType.ADP_MOBILITY: frozenset({Rate.ENHANCED, Rate.STANDARD}),
}


class Treatment(StrEnum):
    """How an ``other`` income item is treated; the caller decides."""

    COUNTED = "counted"
    DISREGARDED = "disregarded"


class CapitalType(StrEnum):
    SAVINGS = "savings"
    INVESTMENTS = "investments"
    PREMIUM_BONDS = "premium_bonds"
    SHARES = "shares"
    MAIN_HOME = "main_home"
    OTHER_PROPERTY = "other_property"
    LAND = "land"
    NOTIONAL = "notional"
    OTHER = "other"


class HousingType(StrEnum):
    RENT = "rent"
    MORTGAGE = "mortgage"
    COUNCIL_TAX = "council_tax"
    SERVICE_CHARGE = "service_charge"
    GROUND_RENT = "ground_rent"
    INSURANCE = "insurance"
    WATER = "water"
    OTHER = "other"


class DreMode(StrEnum):
    ITEMISED = "itemised"
    FLAT = "flat"
    GREATER_OF = "greater_of"


@dataclass(frozen=True, slots=True)
class Person:
    """Who is assessed. Exactly what the contract's ``person`` says; ``age`` is at ``as_at``."""

    date_of_birth: date | None
    age: int
    pension_credit_age: bool | None
    has_partner: bool = False
    partner_in_home: bool = False
    lone_parent: bool = False
    dependent_children: int = 0
    premiums: frozenset[Premium] = frozenset()
    night_care_provided: bool = False


@dataclass(frozen=True, slots=True)
class IncomeItem:
    type: IncomeType
    weekly: int
    rate: Rate | None = None
    joint: bool = False
    label: str | None = None
    treatment: Treatment | None = None


@dataclass(frozen=True, slots=True)
class CapitalItem:
    type: CapitalType
    amount: int
    joint: bool = False
    share: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Property:
    first_permanent_admission: date | None = None
    occupied_by_qualifying_relative: bool = False


@dataclass(frozen=True, slots=True)
class HousingCost:
    type: HousingType
    weekly: int


@dataclass(frozen=True, slots=True)
class DreItem:
    type: str
    weekly: int
    evidence: str | bool | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """The council's choices; ``None`` means "not given here" (a default applies)."""

    mig_uplift_percent: Decimal | None = None
    mig_uplift_weekly: int | None = None
    dre_mode: DreMode | None = None
    dre_flat_weekly: int | None = None
    disregard_night_care_element: bool | None = None
    taper_percent: Decimal | None = None
    minimum_weekly_charge: int | None = None
    maximum_weekly_charge: int | None = None
    upper_capital_limit: int | None = None
    lower_capital_limit: int | None = None
    housing_costs_allowed: bool | None = None
    temporary_as_non_residential: bool | None = None


POLICY_KEYS: tuple[str, ...] = tuple(Policy.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Overrides:
    """Amounts (pence a week, or pence for capital limits) to use instead of the rules."""

    mig: int | None = None
    pea: int | None = None
    savings_credit_disregard: int | None = None
    lower_capital_limit: int | None = None
    upper_capital_limit: int | None = None


@dataclass(frozen=True, slots=True)
class AssessmentRequest:
    as_at: date
    setting: Setting
    person: Person
    jurisdiction: Jurisdiction = Jurisdiction.ENGLAND
    income: tuple[IncomeItem, ...] = ()
    capital: tuple[CapitalItem, ...] = ()
    property: Property = field(default_factory=Property)
    housing: tuple[HousingCost, ...] = ()
    dre: tuple[DreItem, ...] = ()
    weekly_cost_of_care: int | None = None
    policy: Policy = field(default_factory=Policy)
    overrides: Overrides = field(default_factory=Overrides)

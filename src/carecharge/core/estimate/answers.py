"""What a member of the public tells the estimate, already checked: amounts in pence, each with
how often it is paid, and plain yes-or-no facts. Nothing here knows the contract's vocabulary
except the tables that say which contract item each answer becomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final

from carecharge.core.assessment.request import HousingType, IncomeType, Rate, Setting

#: The largest amount the estimate takes for one income, cost or expense, per period (£100,000),
#: and for one item of capital (£100,000,000). Larger answers are typing slips; the limits also
#: keep every charge far below ``translate.UNKNOWN_COST``.
MAX_PER_PERIOD: Final = 10_000_000
MAX_CAPITAL: Final = 10_000_000_000
MAX_CHILDREN: Final = 20
ADULT_AGE: Final = 18
MAX_AGE: Final = 130


class Frequency(StrEnum):
    """How often an amount is paid, as people read it from a letter or a bank statement."""

    WEEK = "week"
    TWO_WEEKS = "2_weeks"
    FOUR_WEEKS = "4_weeks"
    MONTH = "month"
    YEAR = "year"


#: Each frequency as a fraction (numerator, denominator) that turns it into a weekly amount:
#: a month is 12/52 of a week's worth (Annex C practice), a year 1/52.
WEEKLY_FRACTION: Final[dict[Frequency, tuple[int, int]]] = {
    Frequency.WEEK: (1, 1),
    Frequency.TWO_WEEKS: (1, 2),
    Frequency.FOUR_WEEKS: (1, 4),
    Frequency.MONTH: (12, 52),
    Frequency.YEAR: (1, 52),
}


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount of money in pence and how often it is paid."""

    pence: int
    per: Frequency = Frequency.WEEK


class IncomeQuestion(StrEnum):
    """The income the estimate asks about, one question each."""

    STATE_PENSION = "state_pension"
    PENSION_CREDIT_GUARANTEE = "pension_credit_guarantee"
    PENSION_CREDIT_SAVINGS = "pension_credit_savings"
    UNIVERSAL_CREDIT = "universal_credit"
    ESA = "esa"
    CARERS_ALLOWANCE = "carers_allowance"
    OTHER_BENEFITS = "other_benefits"
    PENSIONS = "pensions"
    OTHER_INCOME = "other_income"


#: The contract income item each answer becomes: its type and, for the catch-all questions,
#: the label that tells the two "other" items apart in the explanation. Every "other" item is
#: counted: the questions' hints say what to leave out because it is ignored.
INCOME_ITEMS: Final[dict[IncomeQuestion, tuple[IncomeType, str | None]]] = {
    IncomeQuestion.STATE_PENSION: (IncomeType.STATE_PENSION, None),
    IncomeQuestion.PENSION_CREDIT_GUARANTEE: (IncomeType.PENSION_CREDIT_GUARANTEE, None),
    IncomeQuestion.PENSION_CREDIT_SAVINGS: (IncomeType.PENSION_CREDIT_SAVINGS_CREDIT, None),
    IncomeQuestion.UNIVERSAL_CREDIT: (IncomeType.UNIVERSAL_CREDIT, None),
    IncomeQuestion.ESA: (IncomeType.ESA, None),
    IncomeQuestion.CARERS_ALLOWANCE: (IncomeType.CARERS_ALLOWANCE, None),
    IncomeQuestion.OTHER_BENEFITS: (IncomeType.OTHER, "other benefits"),
    IncomeQuestion.PENSIONS: (IncomeType.OCCUPATIONAL_PENSION, "work and private pensions"),
    IncomeQuestion.OTHER_INCOME: (IncomeType.OTHER, None),
}


class DisabilityBenefit(StrEnum):
    """The disability benefit paid for care, and its rate. Its weekly amount is not asked: it is
    the DWP rate in the rules on the day of the estimate."""

    NONE = "none"
    AA_HIGHER = "attendance_allowance_higher"
    AA_LOWER = "attendance_allowance_lower"
    DLA_CARE_HIGHEST = "dla_care_highest"
    DLA_CARE_MIDDLE = "dla_care_middle"
    DLA_CARE_LOWEST = "dla_care_lowest"
    PIP_DAILY_LIVING_ENHANCED = "pip_daily_living_enhanced"
    PIP_DAILY_LIVING_STANDARD = "pip_daily_living_standard"


#: Each benefit as a contract income item (type and rate) and the rule holding its weekly rate.
BENEFIT_ITEMS: Final[dict[DisabilityBenefit, tuple[IncomeType, Rate, str]]] = {
    DisabilityBenefit.AA_HIGHER: (
        IncomeType.ATTENDANCE_ALLOWANCE,
        Rate.HIGHER,
        "england.benefits.attendance_allowance.higher",
    ),
    DisabilityBenefit.AA_LOWER: (
        IncomeType.ATTENDANCE_ALLOWANCE,
        Rate.LOWER,
        "england.benefits.attendance_allowance.lower",
    ),
    DisabilityBenefit.DLA_CARE_HIGHEST: (
        IncomeType.DLA_CARE,
        Rate.HIGHEST,
        "england.benefits.disability_living_allowance.care.highest",
    ),
    DisabilityBenefit.DLA_CARE_MIDDLE: (
        IncomeType.DLA_CARE,
        Rate.MIDDLE,
        "england.benefits.disability_living_allowance.care.middle",
    ),
    DisabilityBenefit.DLA_CARE_LOWEST: (
        IncomeType.DLA_CARE,
        Rate.LOWEST,
        "england.benefits.disability_living_allowance.care.lowest",
    ),
    DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED: (
        IncomeType.PIP_DAILY_LIVING,
        Rate.ENHANCED,
        "england.benefits.personal_independence_payment.daily_living.enhanced",
    ),
    DisabilityBenefit.PIP_DAILY_LIVING_STANDARD: (
        IncomeType.PIP_DAILY_LIVING,
        Rate.STANDARD,
        "england.benefits.personal_independence_payment.daily_living.standard",
    ),
}

#: The top rates, which bring the enhanced disability premium (Income Support Regulations
#: Schedule 2 para 15, read across by reg 7(5)-(6) of SI 2014/2672).
TOP_RATES: Final = frozenset(
    {DisabilityBenefit.DLA_CARE_HIGHEST, DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED}
)


class HousingQuestion(StrEnum):
    RENT = "rent"
    MORTGAGE = "mortgage"
    COUNCIL_TAX = "council_tax"


HOUSING_ITEMS: Final[dict[HousingQuestion, HousingType]] = {
    HousingQuestion.RENT: HousingType.RENT,
    HousingQuestion.MORTGAGE: HousingType.MORTGAGE,
    HousingQuestion.COUNCIL_TAX: HousingType.COUNCIL_TAX,
}


@dataclass(frozen=True)
class Answers:
    """Everything the estimate asked, checked. Money is pence; ``None`` means "not asked" or
    "not known" as each field says. Questions that do not apply to the setting are ignored."""

    setting: Setting
    #: One of the two is given; the date of birth wins when both are.
    date_of_birth: date | None = None
    age: int | None = None
    has_partner: bool = False
    #: Care homes: the partner still lives in the person's home.
    partner_at_home: bool = False
    #: Care at home: children the person is responsible for who live with them.
    children: int = 0
    income: Mapping[IncomeQuestion, Amount] = field(default_factory=dict)
    disability_benefit: DisabilityBenefit = DisabilityBenefit.NONE
    #: The mobility part of DLA or PIP: ignored as income, but it brings the disability premium.
    mobility_component: bool = False
    #: Registered blind or severely sight impaired: brings the disability premium.
    sight_impaired: bool = False
    #: Care at home: the council's care includes care at night.
    night_care: bool = False
    #: Savings and investments in the person's name alone, and held jointly (the whole amount).
    savings: int = 0
    savings_joint: int = 0
    #: Property or land other than the home: its value.
    other_property: int = 0
    #: A permanent care home: the value of the home the person owns, or None if they own none.
    home_value: int | None = None
    home_joint: bool = False
    #: A relative (60 or over, or disabled) or a child the person supports still lives there.
    relative_at_home: bool = False
    housing: Mapping[HousingQuestion, Amount] = field(default_factory=dict)
    #: Care at home: disability-related costs, pence a week.
    extra_costs: int = 0
    #: The weekly cost of the care (or the care home's fee), or None when not known.
    care_cost: int | None = None

    def __post_init__(self) -> None:
        """Refuse answers the questions could never produce (the form checks them first)."""
        if self.date_of_birth is None and self.age is None:
            raise ValueError("give a date of birth or an age")
        if self.age is not None and not ADULT_AGE <= self.age <= MAX_AGE:
            raise ValueError(f"age must be from {ADULT_AGE} to {MAX_AGE}")
        if not 0 <= self.children <= MAX_CHILDREN:
            raise ValueError(f"children must be from 0 to {MAX_CHILDREN}")
        per_period = [a.pence for a in (*self.income.values(), *self.housing.values())]
        per_period += [self.extra_costs, self.care_cost or 0]
        capital = [self.savings, self.savings_joint, self.other_property, self.home_value or 0]
        if any(not 0 <= pence <= MAX_PER_PERIOD for pence in per_period):
            raise ValueError("an income, cost or expense is negative or above the limit")
        if any(not 0 <= pence <= MAX_CAPITAL for pence in capital):
            raise ValueError("an item of capital is negative or above the limit")

"""The estimate's questions as forms: where the care will be, then everything else for that setting.

Amounts are typed in pounds (a "£" and thousands commas are fine), each with how often it is paid
where that varies. Every answer is checked again on every step, because the earlier ones travel
in hidden fields that anyone could change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from django import forms

from carecharge.apps.assessments.forms import DateField, GovUKForm
from carecharge.core.assessment.request import Setting
from carecharge.core.estimate import (
    Amount,
    Answers,
    DisabilityBenefit,
    Frequency,
    HousingQuestion,
    IncomeQuestion,
)
from carecharge.core.estimate.answers import (
    ADULT_AGE,
    MAX_AGE,
    MAX_CAPITAL,
    MAX_CHILDREN,
    MAX_PER_PERIOD,
)
from carecharge.core.money import MoneyError, format_pounds, parse_pounds
from carecharge.core.periods import age_on

SETTINGS: Final = [
    (
        Setting.NON_RESIDENTIAL.value,
        "At home",
        "Care and support while you live in your own home, for example home care visits, "
        "a day centre or a personal assistant.",
    ),
    (
        Setting.RESIDENTIAL_PERMANENT.value,
        "In a care home, permanently",
        "You are moving into a care home, or have moved in, to live there.",
    ),
    (
        Setting.RESIDENTIAL_TEMPORARY.value,
        "In a care home, for a short stay",
        "A stay that is planned to end, for example respite care, after which you go home.",
    ),
]
SETTING_LABELS: Final = {value: label for value, label, _ in SETTINGS}
FREQUENCIES: Final = [
    (Frequency.WEEK.value, "a week"),
    (Frequency.TWO_WEEKS.value, "every 2 weeks"),
    (Frequency.FOUR_WEEKS.value, "every 4 weeks"),
    (Frequency.MONTH.value, "a month"),
    (Frequency.YEAR.value, "a year"),
]
YES_NO: Final = [("yes", "Yes"), ("no", "No")]
BENEFITS: Final = [
    (DisabilityBenefit.NONE, "No, none of these"),
    (DisabilityBenefit.AA_HIGHER, "Attendance Allowance, higher rate"),
    (DisabilityBenefit.AA_LOWER, "Attendance Allowance, lower rate"),
    (DisabilityBenefit.DLA_CARE_HIGHEST, "Disability Living Allowance care, highest rate"),
    (DisabilityBenefit.DLA_CARE_MIDDLE, "Disability Living Allowance care, middle rate"),
    (DisabilityBenefit.DLA_CARE_LOWEST, "Disability Living Allowance care, lowest rate"),
    (
        DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED,
        "Personal Independence Payment daily living, enhanced rate",
    ),
    (
        DisabilityBenefit.PIP_DAILY_LIVING_STANDARD,
        "Personal Independence Payment daily living, standard rate",
    ),
]

# What each income question asks, the name its error messages use, its hint, and how often it
# is usually paid (the choice already made in its "how often" box).
INCOME: Final[dict[IncomeQuestion, tuple[str, str, str, Frequency]]] = {
    IncomeQuestion.STATE_PENSION: (
        "State Pension",
        "State Pension",
        "The amount on your latest State Pension letter.",
        Frequency.WEEK,
    ),
    IncomeQuestion.PENSION_CREDIT_GUARANTEE: (
        "Pension Credit: guarantee credit",
        "guarantee credit",
        "Your Pension Credit letter shows the guarantee credit and any savings credit separately.",
        Frequency.WEEK,
    ),
    IncomeQuestion.PENSION_CREDIT_SAVINGS: (
        "Pension Credit: savings credit",
        "savings credit",
        "Part of your savings credit is ignored.",
        Frequency.WEEK,
    ),
    IncomeQuestion.UNIVERSAL_CREDIT: (
        "Universal Credit",
        "Universal Credit",
        "The amount you are paid after any deductions for a debt you owe.",
        Frequency.MONTH,
    ),
    IncomeQuestion.ESA: (
        "Employment and Support Allowance (ESA)",
        "Employment and Support Allowance",
        "",
        Frequency.TWO_WEEKS,
    ),
    IncomeQuestion.CARERS_ALLOWANCE: (
        "Carer's Allowance, if you get it for looking after someone else",
        "Carer's Allowance",
        "It counts as income. For care at home, if you are under State Pension age, getting it "
        "also raises the amount you keep.",
        Frequency.WEEK,
    ),
    IncomeQuestion.OTHER_BENEFITS: (
        "Other benefits",
        "other benefits",
        "For example Jobseeker's Allowance, Income Support, Industrial Injuries Disablement "
        "Benefit or Severe Disablement Allowance. Do not include Housing Benefit, council tax "
        "reduction, Child Benefit, Winter Fuel Payment, the mobility part of DLA or PIP, or War "
        "Pension Scheme payments: they are ignored.",
        Frequency.WEEK,
    ),
    IncomeQuestion.PENSIONS: (
        "Work and private pensions",
        "work and private pensions",
        "Pensions from a former employer, personal pensions and annuities, after tax.",
        Frequency.MONTH,
    ),
    IncomeQuestion.OTHER_INCOME: (
        "Any other income",
        "other income",
        "For example rent from a lodger or maintenance paid to you. Do not include earnings "
        "from a job: they are ignored.",
        Frequency.MONTH,
    ),
}
HOUSING: Final[dict[HousingQuestion, tuple[str, str, str, Frequency]]] = {
    HousingQuestion.RENT: (
        "Rent",
        "rent",
        "What you pay after any Housing Benefit or the housing part of Universal Credit.",
        Frequency.MONTH,
    ),
    HousingQuestion.MORTGAGE: (
        "Mortgage",
        "mortgage",
        "Your mortgage payments on your home.",
        Frequency.MONTH,
    ),
    HousingQuestion.COUNCIL_TAX: (
        "Council Tax",
        "Council Tax",
        "What you pay after any council tax reduction or discount. If you pay in 10 monthly "
        "instalments, enter the yearly amount and choose 'a year'.",
        Frequency.MONTH,
    ),
}

# The income asked before the disability benefits, and after them.
FIRST_INCOME: Final = [
    IncomeQuestion.STATE_PENSION,
    IncomeQuestion.PENSION_CREDIT_GUARANTEE,
    IncomeQuestion.PENSION_CREDIT_SAVINGS,
]
LATER_INCOME: Final = [q for q in IncomeQuestion if q not in FIRST_INCOME]

_TOO_PRECISE = re.compile(r".*\.[0-9]{3,}")
# A plain number too long for the money reader: say it is too large, not that it is not money.
_HUGE = re.compile(r"£?[0-9]{18,}(\.[0-9]{1,2})?")


class PoundsField(forms.CharField):
    """An amount in pounds as typed ("1,234.50", "£12") cleaned to pence, blank as 0 (or None
    when ``blank_is_none``), with GOV.UK messages that name the amount."""

    def __init__(
        self,
        *,
        label: str,
        name: str,
        maximum: int,
        blank_is_none: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("required", False)
        super().__init__(label=label, max_length=30, **kwargs)
        self.name, self.maximum, self.blank_is_none = name, maximum, blank_is_none
        self.error_messages["max_length"] = f"Enter {name} as an amount of money, like 125.50"
        self.widget.attrs.update(
            {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}
        )

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None if self.blank_is_none else 0
        name = self.name[0].upper() + self.name[1:]
        if text.lstrip("£ ").startswith("-"):
            raise forms.ValidationError(f"{name} must be £0 or more")
        if _TOO_PRECISE.fullmatch(text):
            raise forms.ValidationError(
                f"{name} must have no more than 2 digits after the decimal point, like 12.50"
            )
        too_large = forms.ValidationError(f"{name} must be {format_pounds(self.maximum)} or less")
        try:
            pence = parse_pounds(text.replace(" ", ""))
        except MoneyError:
            if _HUGE.fullmatch(text.replace(" ", "")):
                raise too_large from None
            raise forms.ValidationError(
                f"Enter {self.name} as an amount of money, like 125.50"
            ) from None
        if pence > self.maximum:
            raise too_large
        return pence


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, label: str, missing: str, required: bool = True, **kwargs: Any):
        super().__init__(
            label=label,
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            required=required,
            error_messages={"required": missing, "invalid_choice": missing},
            **kwargs,
        )
        self.missing = missing


class SettingForm(GovUKForm):
    setting = forms.ChoiceField(
        label="Where will the care be?",
        choices=[(value, label) for value, label, _ in SETTINGS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select where the care will be",
            "invalid_choice": "Select where the care will be",
        },
    )

    def hints(self) -> dict[str, str]:
        return {value: hint for value, _, hint in SETTINGS}


def _frequency(initial: Frequency) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How often",
        choices=FREQUENCIES,
        initial=initial.value,
        error_messages={
            "required": "Select how often it is paid",
            "invalid_choice": "Select how often it is paid",
        },
    )


class QuestionsForm(GovUKForm):
    """Every question for one setting; the ones that do not apply to it are left out."""

    date_of_birth = DateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 1950. If you are filling this in for someone else, "
        "answer every question for them.",
    )
    age = forms.IntegerField(
        label="Or, if you would rather not give it, your age in years",
        required=False,
        min_value=ADULT_AGE,
        max_value=MAX_AGE,
        error_messages={
            "invalid": "Enter your age as a whole number, like 72",
            "min_value": f"This estimate is for adults aged {ADULT_AGE} or over",
            "max_value": f"Age must be {MAX_AGE} or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    has_partner = YesNoField(
        label="Do you have a partner?",
        help_text="A husband, wife or civil partner, or someone you live with as a couple.",
        missing="Select yes if you have a partner",
    )
    partner_at_home = YesNoField(
        label="Will your partner still live in your home?",
        missing="Select yes if your partner will still live in your home",
        required=False,
    )
    children = forms.IntegerField(
        label="How many children live with you that you are responsible for?",
        help_text="Children under 16, or under 20 and in full-time education. Enter 0 if none.",
        required=False,
        min_value=0,
        max_value=MAX_CHILDREN,
        error_messages={
            "invalid": "Enter the number of children as a whole number, like 0 or 2",
            "min_value": "The number of children must be 0 or more",
            "max_value": f"The number of children must be {MAX_CHILDREN} or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    disability_benefit = forms.ChoiceField(
        label="Do you get Attendance Allowance, or the care or daily living part of DLA or PIP?",
        help_text="We use the weekly rate the Department for Work and Pensions pays now.",
        choices=BENEFITS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you get Attendance Allowance, DLA care or PIP daily living",
            "invalid_choice": "Select whether you get Attendance Allowance, DLA care or PIP "
            "daily living",
        },
    )
    mobility_component = YesNoField(
        label="Do you get the mobility part of DLA or PIP?",
        help_text="It is not counted as income.",
        missing="Select yes if you get the mobility part of DLA or PIP",
    )
    sight_impaired = YesNoField(
        label="Are you registered blind or severely sight impaired?",
        missing="Select yes if you are registered blind or severely sight impaired",
    )
    night_care = YesNoField(
        label="Will the council's care for you include care during the night?",
        help_text="This matters only if you get the highest rate of Attendance Allowance, "
        "DLA care or PIP daily living.",
        missing="Select yes if your care will include care during the night",
    )
    savings = PoundsField(
        label="Savings and investments in your name only",
        name="your savings",
        maximum=MAX_CAPITAL,
        help_text="Bank and building society accounts, cash, ISAs, Premium Bonds, shares. "
        "Enter 0 if none.",
    )
    savings_joint = PoundsField(
        label="Savings and investments you hold jointly with someone else",
        name="your joint savings",
        maximum=MAX_CAPITAL,
        help_text="The whole amount: half of it is counted as yours. Do not include savings "
        "that belong only to your partner.",
    )
    other_property = PoundsField(
        label="Property or land you own, other than your home",
        name="the value of other property or land",
        maximum=MAX_CAPITAL,
        help_text="What it would sell for, less anything you owe on it. A tenth is taken off "
        "for the costs of selling it.",
    )
    owns_home = YesNoField(
        label="Do you own your home?",
        missing="Select yes if you own your home",
    )
    home_value = PoundsField(
        label="What is your home worth?",
        name="the value of your home",
        maximum=MAX_CAPITAL,
        help_text="What it would sell for, less anything you still owe on the mortgage. A "
        "tenth is taken off for the costs of selling it.",
    )
    home_joint = YesNoField(
        label="Do you own it with someone else?",
        help_text="If you do, half of its value is counted.",
        missing="Select yes if you own your home with someone else",
        required=False,
    )
    relative_at_home = YesNoField(
        label="Will a relative still live there who is aged 60 or over, or disabled, or a "
        "child under 18 you support?",
        help_text="If so, the home is not counted.",
        missing="Select yes if a relative aged 60 or over, or disabled, or a child you support "
        "will still live in your home",
        required=False,
    )
    extra_costs = PoundsField(
        label="Extra costs because of a disability or illness, a week",
        name="extra costs",
        maximum=MAX_PER_PERIOD,
        help_text="Optional. For example extra laundry or heating, a special diet, a community "
        "alarm, or cleaning or gardening you pay for because you cannot do it yourself. Leave "
        "blank if you are not sure.",
    )
    care_cost = PoundsField(
        label="How much will your care cost each week?",
        name="the weekly cost of your care",
        maximum=MAX_PER_PERIOD,
        blank_is_none=True,
        help_text="Leave blank if you do not know. You never pay more than your care costs.",
    )

    def __init__(
        self,
        *args: Any,
        setting: str,
        today: date,
        rates: Mapping[DisabilityBenefit, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setting = Setting(setting)
        self.today = today
        for name in set(self.fields) - set(FIELDS[self.setting]):
            del self.fields[name]
        if self.setting is not Setting.NON_RESIDENTIAL:
            fee = self.fields["care_cost"]
            assert isinstance(fee, PoundsField)
            fee.label, fee.name = "What is the care home's weekly fee?", "the care home's fee"
        if rates:
            benefit = self.fields["disability_benefit"]
            assert isinstance(benefit, forms.ChoiceField)
            benefit.choices = [
                (value, f"{label} ({format_pounds(rates[value])} a week)")
                if value in rates
                else (value, label)
                for value, label in BENEFITS
            ]
        self.order_fields(FIELDS[self.setting])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        born = data.get("date_of_birth")
        if born is not None:
            self._check_birth(born)
        elif (
            data.get("age") is None
            and "age" not in self.errors
            and not self.has_error("date_of_birth")
        ):
            self.add_error("date_of_birth", "Enter your date of birth, or your age")
        asks_partner = "partner_at_home" in self.fields
        if asks_partner and data.get("has_partner") and data.get("partner_at_home") is None:
            self.add_error("partner_at_home", self._missing("partner_at_home"))
        if data.get("owns_home"):
            if not data.get("home_value") and not self.has_error("home_value"):
                self.add_error("home_value", "Enter the value of your home")
            for name in ("home_joint", "relative_at_home"):
                if data.get(name) is None:
                    self.add_error(name, self._missing(name))
        return data

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers read a field's error with it (GOV.UK error message pattern).
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and not isinstance(field.widget, forms.RadioSelect):
                described = field.widget.attrs.get("aria-describedby", "")
                field.widget.attrs["aria-describedby"] = f"{described} id_{name}-error".strip()

    def _pairs(self, questions: list[Any]) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[q.value], self[f"{q.value}_per"]) for q in questions if q.value in self.fields
        ]

    @property
    def pension_amounts(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self._pairs(FIRST_INCOME)

    @property
    def other_amounts(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self._pairs(LATER_INCOME)

    @property
    def housing_amounts(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self._pairs(list(HousingQuestion))

    def _missing(self, name: str) -> str:
        field = self.fields[name]
        assert isinstance(field, YesNoField)
        return field.missing

    def _check_birth(self, born: date) -> None:
        today = self.today
        if born > today:
            self.add_error("date_of_birth", "Date of birth must be in the past")
        elif age_on(born, today) > MAX_AGE:
            self.add_error(
                "date_of_birth",
                f"Check the year of your date of birth: it makes you older than {MAX_AGE}",
            )
        elif age_on(born, today) < ADULT_AGE:
            self.add_error("date_of_birth", f"This estimate is for adults aged {ADULT_AGE} or over")

    def answers(self) -> Answers:
        """The checked answers. Call after ``is_valid``."""
        data = self.cleaned_data
        present = self.fields

        def amounts(questions: Any) -> dict[Any, Amount]:
            return {
                q: Amount(data[q.value], Frequency(data[f"{q.value}_per"]))
                for q in questions
                if q.value in present and data.get(q.value)
            }

        owns = bool(data.get("owns_home"))
        born = data.get("date_of_birth")
        return Answers(
            setting=self.setting,
            date_of_birth=born,
            age=None if born is not None else data.get("age"),
            has_partner=bool(data.get("has_partner")),
            partner_at_home=bool(data.get("has_partner") and data.get("partner_at_home")),
            children=data.get("children") or 0,
            income=amounts(IncomeQuestion),
            disability_benefit=DisabilityBenefit(data["disability_benefit"]),
            mobility_component=bool(data.get("mobility_component")),
            sight_impaired=bool(data.get("sight_impaired")),
            night_care=bool(data.get("night_care")),
            savings=data.get("savings") or 0,
            savings_joint=data.get("savings_joint") or 0,
            other_property=data.get("other_property") or 0,
            home_value=(data.get("home_value") or None) if owns else None,
            home_joint=owns and bool(data.get("home_joint")),
            relative_at_home=owns and bool(data.get("relative_at_home")),
            housing=amounts(HousingQuestion),
            extra_costs=data.get("extra_costs") or 0,
            care_cost=data.get("care_cost"),
        )


def _pairs(questions: Any) -> list[str]:
    return [name for q in questions for name in (q.value, f"{q.value}_per")]


_ABOUT: Final = ["date_of_birth", "age", "has_partner"]
_BENEFITS: Final = [*_pairs(FIRST_INCOME), "disability_benefit", "mobility_component"]
_OTHER_INCOME: Final = _pairs(LATER_INCOME)
_SAVINGS: Final = ["savings", "savings_joint", "other_property"]
_HOME: Final = ["owns_home", "home_value", "home_joint", "relative_at_home"]
_HOUSING: Final = _pairs(HousingQuestion)

#: The questions asked for each setting, in page order.
FIELDS: Final[dict[Setting, list[str]]] = {
    Setting.NON_RESIDENTIAL: [
        *_ABOUT,
        "children",
        *_BENEFITS,
        "sight_impaired",
        "night_care",
        *_OTHER_INCOME,
        *_SAVINGS,
        *_HOUSING,
        "extra_costs",
        "care_cost",
    ],
    Setting.RESIDENTIAL_PERMANENT: [
        *_ABOUT,
        "partner_at_home",
        *_BENEFITS,
        *_OTHER_INCOME,
        *_SAVINGS,
        *_HOME,
        "care_cost",
    ],
    Setting.RESIDENTIAL_TEMPORARY: [
        *_ABOUT,
        *_BENEFITS,
        *_OTHER_INCOME,
        *_SAVINGS,
        *_HOUSING,
        "care_cost",
    ],
}

# The amount and "how often" box of each income and housing question, added to the declared
# fields here rather than written out twelve times.
for _question, (_label, _name, _hint, _usual) in [
    *[(q, INCOME[q]) for q in IncomeQuestion],
    *[(q, HOUSING[q]) for q in HousingQuestion],
]:
    QuestionsForm.base_fields[_question.value] = PoundsField(
        label=_label, name=_name, maximum=MAX_PER_PERIOD, help_text=_hint
    )
    QuestionsForm.base_fields[f"{_question.value}_per"] = _frequency(_usual)

#: Every name a questions form may post, for any setting (the date of birth is three boxes).
ANSWER_NAMES: Final = frozenset(
    name
    for names in FIELDS.values()
    for field in names
    for name in (
        [f"{field}_{part}" for part in ("day", "month", "year")]
        if field == "date_of_birth"
        else [field]
    )
)

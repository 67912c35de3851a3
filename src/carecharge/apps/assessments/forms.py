"""Forms for starting a financial assessment and for the person's circumstances on a draft.

The edit screen is a form over the contract request (docs: assessment-json); its repeating rows
are in `rows.py` and the whole screen is put together in `editor.py`. Money is typed in pounds
and read with `parse_pounds`; the request holds it as two-decimal strings, as the contract does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from carecharge.apps.web.forms import GovUKFormMixin
from carecharge.core.money import MoneyError, parse_pounds, to_decimal_string

from .models import AssessmentSetting

MONTHLY_HINT = "A week, in pounds. Convert monthly amounts first: × 12 ÷ 52."
PREMIUMS = [
    ("disability", "Disability premium"),
    ("enhanced_disability", "Enhanced disability premium"),
    ("carer", "Carer premium"),
]


class DateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "assessments/widgets/date_input.html"
    parts = (("Day", 2), ("Month", 2), ("Year", 4))

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            name.lower(): forms.TextInput() for name, _ in self.parts
        }
        super().__init__(boxes, attrs)
        self.has_error = False

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub, (label, width) in zip(context["widget"]["subwidgets"], self.parts, strict=True):
            css = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            sub["attrs"]["class"] = css + (" govuk-input--error" if self.has_error else "")
            sub["attrs"]["inputmode"] = "numeric"
            sub["label"] = label
        return context


class DateField(forms.MultiValueField):
    widget = DateWidget

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        boxes = [forms.CharField(required=False, max_length=4) for _ in range(3)]
        messages = {"required": f"Enter {label[0].lower()}{label[1:]}"}
        super().__init__(boxes, require_all_fields=False, required=required, label=label, **kwargs)
        self.error_messages.update(messages)

    def compress(self, data_list: list[Any]) -> date | None:
        parts = [str(p or "").strip() for p in (data_list or [])]
        if not any(parts):
            return None
        missing = [n for n, p in zip(("a day", "a month", "a year"), parts, strict=True) if not p]
        if missing:
            raise forms.ValidationError(f"{self.label} must include {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(f"{self.label} must be a real date, like 2 6 2025")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(f"{self.label} must be a real date") from None


class MoneyField(forms.CharField):
    """Pounds as typed ("12.50", "£1,234.56") cleaned to a contract amount ("1234.56")."""

    def __init__(self, *, label: str, required: bool = False, width: int = 10, **kwargs: Any):
        super().__init__(label=label, required=required, max_length=30, **kwargs)
        self.error_messages["required"] = f"Enter the {label.lower()}"
        self.widget.attrs.update(
            {"inputmode": "decimal", "spellcheck": "false", "class": f"govuk-input--width-{width}"}
        )

    def clean(self, value: Any) -> str | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return to_decimal_string(parse_pounds(text))
        except MoneyError as error:
            raise forms.ValidationError(
                f"{self.label} must be an amount in pounds, like 12.50 ({error})"
            ) from None


class GovUKForm(GovUKFormMixin, forms.Form):
    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if isinstance(widget, DateWidget):
                widget.has_error = True


class StartForm(GovUKForm):
    setting = forms.ChoiceField(
        label="What kind of assessment is it?",
        choices=AssessmentSetting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of assessment it is"},
    )
    effective_from = DateField(
        label="The date it takes effect",
        help_text="The charge it sets applies from this date. For example, 2 6 2025.",
    )
    # Asked only when revising: the person already has a completed assessment.
    start_from = forms.ChoiceField(
        label="Start from",
        choices=[("previous", "A copy of the latest assessment"), ("declared", "")],
        initial="previous",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to start from"},
    )
    reason = forms.CharField(
        label="Why is it being revised?",
        help_text="For example, a change in income the person told us about. This is kept "
        "in the history.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the assessment is being revised",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, revising: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if revising is None:
            del self.fields["start_from"], self.fields["reason"]
        else:
            start_from = self.fields["start_from"]
            assert isinstance(start_from, forms.ChoiceField)
            start_from.choices = [
                ("previous", f"A copy of assessment version {revising}"),
                ("declared", "The income and capital recorded for the person"),
            ]


class CircumstancesForm(GovUKForm):
    has_partner = forms.BooleanField(required=False, label="They are a member of a couple")
    partner_in_home = forms.BooleanField(
        required=False, label="Their partner still lives in their home (care home only)"
    )
    lone_parent = forms.BooleanField(required=False, label="They are a lone parent")
    dependent_children = forms.IntegerField(
        label="Dependent children",
        min_value=0,
        max_value=20,
        error_messages={
            "required": "Enter the number of dependent children, or 0",
            "invalid": "Dependent children must be a whole number, like 0 or 2",
            "min_value": "Dependent children must be 0 or more",
            "max_value": "Dependent children must be 20 or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    premiums = forms.MultipleChoiceField(
        label="Premiums that apply",
        choices=PREMIUMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    night_care_provided = forms.BooleanField(
        required=False, label="The council provides care at night"
    )
    first_permanent_admission = DateField(
        label="Date of first permanent admission to a care home",
        required=False,
        help_text="Starts the 12-week property disregard. Leave blank if it does not apply.",
    )
    occupied_by_qualifying_relative = forms.BooleanField(
        required=False,
        label="Their home is lived in by a partner or qualifying relative",
    )
    weekly_cost_of_care = MoneyField(label="Weekly cost of care", required=True)
    # Asked for permanent care-home residents only.
    deferred_payment_agreement = forms.BooleanField(
        required=False, label="A deferred payment agreement is in place"
    )
    disposable_income_allowance = MoneyField(
        label="Disposable income allowance the person keeps",
        help_text="A week, in pounds, up to the national maximum. Leave blank for the maximum.",
    )

    def __init__(self, *args: Any, setting: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if setting != AssessmentSetting.RESIDENTIAL_PERMANENT:
            del self.fields["deferred_payment_agreement"]
            del self.fields["disposable_income_allowance"]
        cost = self.fields["weekly_cost_of_care"]
        if setting != AssessmentSetting.NON_RESIDENTIAL:
            cost.label = "Weekly fee of the care home"
            cost.error_messages["required"] = "Enter the weekly fee of the care home"
        cost.help_text = "The charge is never more than this. " + MONTHLY_HINT
        cost.widget.attrs["aria-describedby"] = "id_weekly_cost_of_care-hint"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("partner_in_home") and not data.get("has_partner"):
            self.add_error(
                "partner_in_home", "A partner can only live in the home if they have a partner"
            )
        if data.get("disposable_income_allowance") and not data.get("deferred_payment_agreement"):
            self.add_error(
                "disposable_income_allowance",
                "A disposable income allowance applies only with a deferred payment agreement",
            )
        return data


class NoteForm(GovUKForm):
    text = forms.CharField(
        label="Add a note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, what the person told you on the phone, or why a figure was "
        "accepted. Notes are kept as written and cannot be changed.",
        error_messages={
            "required": "Enter the note",
            "max_length": "A note must be 5,000 characters or fewer",
        },
    )


class EvidenceForm(GovUKForm):
    description = forms.CharField(
        label="What is the document?",
        max_length=200,
        help_text="For example, Pension Credit award letter April 2026",
        error_messages={
            "required": "Say what the document is",
            "max_length": "The description must be 200 characters or fewer",
        },
    )
    document = forms.FileField(
        label="Upload a file",
        help_text="PDF, JPEG, PNG, TIFF, Word or Excel, smaller than 10 MB",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )


class DeprivationForm(GovUKForm):
    asset = forms.CharField(
        label="What did the person dispose of?",
        max_length=200,
        help_text="For example, £30,000 given to their son, or their share of a flat",
        error_messages={"required": "Say what the person disposed of"},
    )
    amount = MoneyField(
        label="Notional capital to count",
        required=True,
        help_text="In pounds: the value treated as if the person still had it.",
    )
    disposed_on = DateField(label="The date it was disposed of", help_text="For example, 2 6 2025")
    decided_on = DateField(
        label="The date of the council's decision", help_text="For example, 20 8 2025"
    )
    reason = forms.CharField(
        label="Why the council decided this was deprivation",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Record the timing and the purpose: whether avoiding care charges was a "
        "significant reason, and what the person knew of their need for care at the time "
        "(statutory guidance, Annex E).",
        error_messages={"required": "Explain why the council decided this was deprivation"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        disposed, decided = data.get("disposed_on"), data.get("decided_on")
        if disposed and decided and disposed > decided:
            self.add_error("decided_on", "The decision must be on or after the date of disposal")
        return data


class WithdrawForm(GovUKForm):
    withdrawn_on = DateField(
        label="The date it stops being counted", help_text="For example, 1 4 2026"
    )
    reason = forms.CharField(
        label="Why is the decision withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, overturned on review, or the notional capital has run down.",
        error_messages={"required": "Say why the decision is withdrawn"},
    )

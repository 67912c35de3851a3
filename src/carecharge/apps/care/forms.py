"""The care screens' forms: uploads (care data, provider actuals), top-up agreements, NHS
Continuing Healthcare awards, organisations, and decisions on held actuals.

Dates use the GOV.UK date input; money is typed in pounds and read with `parse_pounds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms

from carecharge.apps.assessments.forms import DateField, GovUKForm
from carecharge.apps.people.models import Organisation, OrganisationKind, ThirdPartyPayer
from carecharge.apps.web.forms import GovUKFormMixin
from carecharge.core.money import MoneyError, parse_pounds

from .models import FirstPartyBasis, ServiceLine

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class CareImportForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(
        label="Care data file (CSV)",
        help_text="A CSV file saved as UTF-8 from the case management system, up to 20 MB.",
        error_messages={
            "required": "Choose a CSV file to import",
            "empty": "The selected file is empty",
            "invalid": "Choose a CSV file to import",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    business_date = forms.DateField(
        label="Business date",
        help_text="The date to process the file as at, normally today. For example, 07/04/2025.",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the business date",
            "invalid": "Enter the business date as a real date, like 07/04/2025",
        },
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"class": "govuk-input--width-10", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"business_date": today})
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        name = str(upload.name or "")
        if not name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                "The selected file must be a CSV file: in Excel, choose File, Save As, "
                "then CSV UTF-8 (Comma delimited)"
            )
        return upload

    def clean_business_date(self) -> date:
        when: date = self.cleaned_data["business_date"]
        if when > self.today:
            raise forms.ValidationError("The business date must be today or in the past")
        return when

    def file_bytes(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return bytes(upload.read())


class ActualsImportForm(CareImportForm):
    """The provider-actuals upload: the same file and date checks as the care data upload."""

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, today=today, **kwargs)
        self.fields["file"].label = "Provider actuals file (CSV)"
        self.fields[
            "file"
        ].help_text = (
            "A CSV file of units delivered per service line and week, saved as UTF-8, up to 20 MB."
        )


NOTE_LIMIT = 500
RESIDENT = "resident"


def _note(
    label: str, *, required: bool = False, help_text: str = "", missing: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": missing or f"Enter the {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {NOTE_LIMIT} characters or fewer",
        },
    )


class TopUpForm(GovUKForm):
    payer = forms.ChoiceField(
        label="Who pays the top-up?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who pays the top-up"},
    )
    first_party_basis = forms.ChoiceField(
        label="If the resident pays it, why is that allowed?",
        help_text="A resident may top up their own fees only in these two cases.",
        choices=[c for c in FirstPartyBasis.choices if c[0]],
        widget=forms.RadioSelect,
        required=False,
    )
    line = forms.ChoiceField(
        label="Care home placement it tops up",
        error_messages={"required": "Choose the care home placement"},
    )
    weekly_amount = forms.CharField(
        label="Top-up a week",
        help_text="In pounds, for example 75.00.",
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
        error_messages={"required": "Enter the weekly top-up in pounds"},
    )
    start_date = DateField(label="The date it starts", help_text="For example, 2 6 2025.")
    end_date = DateField(
        label="The date it ends (if known)",
        required=False,
        help_text="Leave blank while the agreement continues.",
    )
    signed_on = DateField(label="The date it was signed")
    next_review_date = DateField(
        label="The date of the next review", help_text="Agreements are usually reviewed every year."
    )
    note = _note("Note (optional)")

    def __init__(
        self,
        *args: Any,
        payers: Sequence[ThirdPartyPayer],
        lines: Sequence[ServiceLine],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._payers = {str(p.pk): p for p in payers}
        self._lines = {str(line.pk): line for line in lines}
        payer_field = self.fields["payer"]
        assert isinstance(payer_field, forms.ChoiceField)
        payer_field.choices = [
            *[(key, _payer_label(p)) for key, p in self._payers.items()],
            (RESIDENT, "The resident (a first-party top-up)"),
        ]
        line_field = self.fields["line"]
        assert isinstance(line_field, forms.ChoiceField)
        line_field.choices = [
            ("", "Choose a placement"),
            *[(key, _line_label(line)) for key, line in self._lines.items()],
        ]

    def clean_weekly_amount(self) -> int:
        text = self.cleaned_data["weekly_amount"]
        try:
            return parse_pounds(text)
        except MoneyError as error:
            raise forms.ValidationError(
                f"Top-up a week must be an amount in pounds, like 75.00 ({error})"
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("payer") == RESIDENT and not data.get("first_party_basis"):
            self.add_error(
                "first_party_basis",
                "Choose why the resident may pay a top-up: the 12-week property disregard or a "
                "deferred payment agreement",
            )
        return data

    def chosen_payer(self) -> ThirdPartyPayer | None:
        return self._payers.get(self.cleaned_data["payer"])

    def chosen_line(self) -> ServiceLine:
        return self._lines[self.cleaned_data["line"]]

    def basis(self) -> str:
        if self.cleaned_data["payer"] != RESIDENT:
            return ""
        return str(self.cleaned_data.get("first_party_basis") or "")


def _payer_label(payer: ThirdPartyPayer) -> str:
    relationship = f" ({payer.relationship})" if payer.relationship else ""
    return f"{payer.name}{relationship}"


def _line_label(line: ServiceLine) -> str:
    provider = f", {line.provider.name}" if line.provider else ""
    ends = f" to {line.end_date:%d/%m/%Y}" if line.end_date else ""
    return (
        f"{line.service.name}{provider} (line {line.case_system_id}, from "
        f"{line.start_date:%d/%m/%Y}{ends})"
    )


class EndForm(GovUKForm):
    end_date = DateField(label="The last day it applies", help_text="For example, 30 9 2025.")
    reason = _note("Reason", required=True, missing="Enter why it ends")


class ChcAwardForm(GovUKForm):
    icb = forms.ChoiceField(
        label="Integrated care board",
        error_messages={"required": "Choose the integrated care board that made the award"},
    )
    reference = forms.CharField(
        label="The board's decision reference",
        max_length=60,
        error_messages={
            "required": "Enter the board's decision reference",
            "max_length": "The reference must be 60 characters or fewer",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    start_date = DateField(
        label="The date NHS funding starts",
        help_text="The first day the NHS funds the care; often backdated.",
    )
    end_date = DateField(label="The date it ends (if known)", required=False)
    decided_on = DateField(label="The date the board decided")
    note = _note("Note (optional)")

    def __init__(self, *args: Any, icbs: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._icbs = {str(o.pk): o for o in icbs}
        field = self.fields["icb"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a board"),
            *[(key, f"{o.name} ({o.code})") for key, o in self._icbs.items()],
        ]

    def chosen_icb(self) -> Organisation:
        return self._icbs[self.cleaned_data["icb"]]


class EndChcAwardForm(GovUKForm):
    end_date = DateField(label="The last day of the award", help_text="For example, 30 9 2025.")
    reason = _note("Reason (optional)", help_text="For example, the board's review outcome.")


class WithdrawForm(GovUKForm):
    reason = _note(
        "Why is the award withdrawn?",
        required=True,
        missing="Enter why the award is withdrawn",
        help_text="For example, recorded for the wrong person. This is kept in the history.",
    )


class OrganisationForm(GovUKForm):
    code = forms.CharField(
        label="Code",
        help_text="A short code, up to 20 letters and digits; for a board, its ODS code.",
        max_length=20,
        error_messages={
            "required": "Enter a code",
            "max_length": "A code is 20 characters or fewer",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Enter the organisation's name"}
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of organisation it is"},
    )
    line_1 = forms.CharField(label="Address line 1 (optional)", max_length=100, required=False)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=100, required=False)
    town = forms.CharField(label="Town or city (optional)", max_length=60, required=False)
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    email = forms.EmailField(
        label="Email for invoices (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like invoices@example.nhs.uk"},
    )
    invoice_reference = forms.CharField(
        label="Their purchase order or contract reference (optional)",
        help_text="Printed on invoices to them.",
        max_length=60,
        required=False,
    )


class AcceptActualForm(GovUKForm):
    note = _note(
        "Note (optional)",
        help_text="For example, the provider confirmed extra visits after a hospital discharge.",
    )


class RejectActualForm(GovUKForm):
    reason = _note(
        "Why is it rejected?",
        required=True,
        missing="Enter why the figure is rejected",
        help_text="The plan is billed for this week instead (or the figure accepted before).",
    )

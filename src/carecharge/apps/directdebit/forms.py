"""Forms for the Direct Debit screens. The forms only read what was typed; the operations check
it (modulus check, Bacs names, dates) and a refusal is put back on the field it names."""

from __future__ import annotations

from typing import Any

from django import forms

from carecharge.apps.assessments.forms import DateField, GovUKForm
from carecharge.apps.payments.forms import ReferenceField
from carecharge.core.money import MoneyError, parse_pounds

from .models import CollectionBasis, MandateStatus

MAX_REPORT_BYTES = 20 * 1024 * 1024


class MandateFilterForm(forms.Form):
    """The mandates list's filter (from the query string; bad values are ignored)."""

    status = forms.ChoiceField(
        required=False, choices=[("", "Any"), *MandateStatus.choices], label="Status"
    )
    q = forms.CharField(required=False, max_length=100, label="Payer name or reference")


class MandateForm(GovUKForm):
    account = ReferenceField(
        label="Payment reference of the account to collect for",
        help_text="8 digits, on the invoice or statement: the service user's, or a top-up payer's",
    )
    payer_name = forms.CharField(
        label="Account holder's name",
        max_length=140,
        help_text="As the payer wrote it on the Direct Debit Instruction",
        error_messages={"required": "Enter the account holder's name"},
    )
    bacs_name = forms.CharField(
        label="Name for Bacs (optional)",
        max_length=40,
        required=False,
        help_text="Only if the name is over 18 characters or has an apostrophe or accent: "
        "initials and surname, like J O'NEIL-SMITH becomes J ONEIL-SMITH",
    )
    sort_code = forms.CharField(
        label="Sort code",
        max_length=8,
        help_text="6 digits, like 40-00-00",
        error_messages={"required": "Enter the sort code"},
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=10,
        help_text="8 digits",
        error_messages={"required": "Enter the account number"},
    )
    signed_on = DateField(label="Date the payer signed the instruction")
    basis = forms.ChoiceField(
        label="What does it collect?",
        choices=CollectionBasis.choices,
        initial=CollectionBasis.BALANCE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the Direct Debit collects"},
    )
    instalment = forms.CharField(
        label="Instalment amount",
        max_length=20,
        required=False,
        help_text="For a fixed instalment only, in pounds, like 30.00",
    )
    collection_day = forms.CharField(
        label="Day of the month to collect on or after",
        max_length=2,
        required=False,
        help_text="For a fixed instalment only: 1 to 28",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sort_code"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}
        )
        self.fields["account_number"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}
        )
        self.fields["instalment"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}
        )
        self.fields["collection_day"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-2", "inputmode": "numeric"}
        )

    def clean_instalment(self) -> int | None:
        text = (self.cleaned_data.get("instalment") or "").strip()
        if not text:
            return None
        try:
            return parse_pounds(text)
        except MoneyError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_collection_day(self) -> int | None:
        text = (self.cleaned_data.get("collection_day") or "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise forms.ValidationError("Enter the day of the month as a number, like 5")
        return int(text)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("basis") == CollectionBasis.INSTALMENT:
            if "instalment" not in self.errors and cleaned.get("instalment") is None:
                self.add_error("instalment", "Enter the amount of each instalment")
            if "collection_day" not in self.errors and cleaned.get("collection_day") is None:
                self.add_error("collection_day", "Enter the day of the month, 1 to 28")
        return cleaned


class ReasonForm(GovUKForm):
    """Cancelling a mandate or a run: the reason is recorded."""

    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": "Say why"},
    )

    def __init__(self, *args: Any, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class ConfirmForm(GovUKForm):
    """A button that does one thing (make the AUDDIS file, settle a run); refusals go on it."""


class RunForm(GovUKForm):
    collection_date = DateField(
        label="Collection date",
        help_text="The day the payers' accounts are debited: a Bacs processing day, at least "
        "3 Bacs days away. For example, 1 4 2026.",
    )


class ReportForm(GovUKForm):
    file = forms.FileField(
        label="Bacs report (XML)",
        help_text="ARUDD, ADDACS, AUDDIS, AUDDIS file acceptance or DDICA, as downloaded from "
        "Bacs, up to 20 MB",
        error_messages={
            "required": "Choose the report to import",
            "empty": "The selected file is empty",
            "invalid": "Choose the report to import",
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_REPORT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        return upload

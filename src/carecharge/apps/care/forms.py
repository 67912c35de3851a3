"""The care-data upload form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from carecharge.apps.web.forms import GovUKFormMixin

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

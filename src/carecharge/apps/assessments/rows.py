"""One row of each repeating section of the edit screen: income, capital, housing costs and
disability-related expenditure. A wholly blank row is ignored; a row that is started must be
finished. Each row becomes one item of the contract request."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from .forms import GovUKForm, MoneyField
from .models import CapitalType, IncomeType

RATES = [
    ("", "Not applicable"),
    *[(r, r.capitalize()) for r in ("higher", "lower", "enhanced", "standard")],
    *[(r, r.capitalize()) for r in ("highest", "middle", "lowest")],
]
HOUSING_TYPES = [
    ("", "Choose a cost"),
    ("rent", "Rent"),
    ("mortgage", "Mortgage"),
    ("council_tax", "Council Tax"),
    ("service_charge", "Service charge"),
    ("ground_rent", "Ground rent"),
    ("insurance", "Buildings insurance"),
    ("water", "Water rates"),
    ("other", "Other"),
]


class RowForm(GovUKForm):
    """One row of a repeating section. A wholly blank row is ignored."""

    # The fields a row that is not blank must have, and what to say when one is missing.
    needs: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            data["blank"] = True
            return data
        for name, message in self.needs.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data

    def is_blank(self) -> bool:
        return not any(self[name].value() for name in self.fields)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:  # the row's messages are shown above it, each with this id
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def row(self) -> dict[str, Any]:
        """The contract item this row becomes; every row kind below defines its own (Django's
        form metaclass rules out abc.ABC, so the base refuses to be used directly)."""
        raise NotImplementedError


class IncomeRow(RowForm):
    type = forms.ChoiceField(
        label="Type of income", required=False, choices=[("", "Choose income"), *IncomeType.choices]
    )
    rate = forms.ChoiceField(label="Rate", required=False, choices=RATES)
    weekly = MoneyField(label="Weekly amount")
    joint = forms.BooleanField(label="Joint", required=False)
    treatment = forms.ChoiceField(
        label="If other: treatment",
        required=False,
        choices=[("counted", "Counted"), ("disregarded", "Disregarded")],
    )
    needs = {"type": "Choose the type of income", "weekly": "Enter the weekly amount"}

    def is_blank(self) -> bool:  # the treatment always has a value; it does not start a row
        return not (self["type"].value() or self["weekly"].value() or self["joint"].value())

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        row: dict[str, Any] = {"type": data["type"], "weekly": data["weekly"]}
        if data["rate"]:
            row["rate"] = data["rate"]
        if data["joint"]:
            row["joint"] = True
        if data["type"] == IncomeType.OTHER:
            row["treatment"] = data["treatment"] or "counted"
        return row


class CapitalRow(RowForm):
    type = forms.ChoiceField(
        label="Type of capital",
        required=False,
        choices=[("", "Choose capital"), *CapitalType.choices],
    )
    amount = MoneyField(label="Value")
    joint = forms.BooleanField(label="Joint", required=False)
    share = forms.CharField(label="Share owned (%)", required=False, max_length=8)
    needs = {"type": "Choose the type of capital", "amount": "Enter the value"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share"].widget.attrs.update(
            {"inputmode": "decimal", "class": "govuk-input govuk-input--width-4"}
        )

    def clean_share(self) -> Decimal | None:
        text = str(self.cleaned_data.get("share") or "").strip().rstrip("%").strip()
        if not text:
            return None
        try:
            percent = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Share owned must be a percentage, like 50") from None
        if not percent.is_finite() or not 0 < percent <= 100:
            raise forms.ValidationError("Share owned must be more than 0% and at most 100%")
        return percent

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        share = data.get("share")
        if data.get("joint") and share is not None and share != 100:
            self.add_error("share", "Tick joint or enter a share owned, not both")
        if data.get("type") == CapitalType.NOTIONAL and (
            data.get("joint") or (share is not None and share != 100)
        ):
            self.add_error(
                "joint", "Notional capital is counted in full, as decided: not joint or shared"
            )
        return data

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        row: dict[str, Any] = {"type": data["type"], "amount": data["amount"]}
        if data["joint"]:
            row["joint"] = True
        elif data["share"] is not None and data["share"] != 100:
            row["share"] = str((data["share"] / 100).normalize())
        return row


class HousingRow(RowForm):
    type = forms.ChoiceField(label="Housing cost", required=False, choices=HOUSING_TYPES)
    weekly = MoneyField(label="Weekly amount")
    needs = {"type": "Choose the housing cost", "weekly": "Enter the weekly amount"}

    def row(self) -> dict[str, Any]:
        return {"type": self.cleaned_data["type"], "weekly": self.cleaned_data["weekly"]}


class DreRow(RowForm):
    type = forms.CharField(label="What it is for", required=False, max_length=60)
    weekly = MoneyField(label="Weekly amount")
    evidence = forms.CharField(label="Evidence seen", required=False, max_length=200)
    needs = {"type": "Enter what the expense is for", "weekly": "Enter the weekly amount"}

    def row(self) -> dict[str, Any]:
        row = {"type": self.cleaned_data["type"].strip(), "weekly": self.cleaned_data["weekly"]}
        if self.cleaned_data["evidence"]:
            row["evidence"] = self.cleaned_data["evidence"]
        return row

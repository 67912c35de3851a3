"""Forms for the payments screens. Money is typed in pounds; debtors are named by their
payment reference (checked: a mistyped reference is refused, never matched to somebody else)."""

from __future__ import annotations

from typing import Any

from django import forms

from carecharge.apps.assessments.forms import DateField, GovUKForm
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.core.identifiers import is_valid_account_reference
from carecharge.core.money import MoneyError, parse_pounds

from .models import Channel, FileKind
from .references import account_for_reference


class ReferenceField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Payment reference")
        kwargs.setdefault("help_text", "8 digits, on the payer's invoice or statement")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> LedgerAccount:
        text = "".join(str(super().clean(value) or "").split())
        if not text:
            raise forms.ValidationError("Enter the payment reference")
        if not is_valid_account_reference(text):
            raise forms.ValidationError(
                f"{text} is not a payment reference: check the 8 digits (the last is a check digit)"
            )
        account = account_for_reference(text)
        if account is None:
            raise forms.ValidationError(f"No debtor has the payment reference {text}")
        return account


class PenceField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input--width-10", "inputmode": "decimal"})

    def clean(self, value: Any) -> int:
        text = str(super().clean(value) or "").strip()
        if not text:
            raise forms.ValidationError(
                f"Enter the {self.label.lower() if self.label else 'amount'}"
            )
        try:
            pence = parse_pounds(text)
        except MoneyError as error:
            raise forms.ValidationError(str(error)) from None
        if pence <= 0:
            raise forms.ValidationError("The amount must be more than £0.00")
        return pence


class InPersonForm(GovUKForm):
    channel = forms.ChoiceField(
        label="How was it paid?",
        choices=[(Channel.CASH, "Cash"), (Channel.CHEQUE, "Cheque")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it was cash or a cheque"},
    )
    account = ReferenceField()
    amount = PenceField(label="Amount")
    received_on = DateField(label="Date received")
    payer_name = forms.CharField(label="Name of the person paying", max_length=140, required=False)
    cheque_number = forms.CharField(
        label="Cheque number", max_length=20, required=False, help_text="For a cheque only"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("channel") == Channel.CHEQUE
            and not (cleaned.get("cheque_number") or "").strip()
        ):
            self.add_error("cheque_number", "Enter the cheque number")
        return cleaned


class ClearForm(GovUKForm):
    account = ReferenceField(label="Whose payment is it? Payment reference")
    reason = forms.CharField(
        label="How do you know?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="For example: the payer rang on 12 June and gave the reference.",
        error_messages={"required": "Say how you know whose payment this is"},
    )


class MoveForm(GovUKForm):
    account = ReferenceField(label="Move it to the account with payment reference")
    reason = forms.CharField(
        label="Why is it moved?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": "Say why the receipt is moved"},
    )


class ReverseForm(GovUKForm):
    reason = forms.CharField(
        label="Why is the receipt reversed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="For example: cheque returned unpaid by the bank on 20 June.",
        error_messages={"required": "Say why the receipt is reversed"},
    )
    effective_date = DateField(label="Date the money was taken back")


class FilterForm(forms.Form):
    """The receipts list's filter (from the query string; bad values are ignored)."""

    received_from = forms.DateField(
        required=False, label="Received from", input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    received_to = forms.DateField(
        required=False, label="Received to", input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    channel = forms.ChoiceField(
        required=False, choices=[("", "Any"), *Channel.choices], label="Channel"
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), ("unallocated", "Unallocated"), ("reversed", "Reversed")],
        label="Status",
    )
    q = forms.CharField(required=False, max_length=100, label="Receipt number, reference or payer")


class RefundForm(GovUKForm):
    amount = PenceField(label="Amount to refund")
    method = forms.ChoiceField(
        label="How is it paid?",
        choices=[("bacs", "Bacs credit to a bank account"), ("cheque", "Cheque")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the refund is paid"},
    )
    payee_name = forms.CharField(
        label="Who is paid?",
        max_length=140,
        help_text="After a death, the executor",
        error_messages={"required": "Say who is paid"},
    )
    sort_code = forms.CharField(label="Sort code", max_length=8, required=False)
    account_number = forms.CharField(label="Account number", max_length=10, required=False)
    reason = forms.CharField(
        label="Why is it refunded?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": "Say why the money is refunded"},
    )


class DecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the refund"), ("reject", "Reject it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or reject"},
    )
    decision_note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text="Needed to reject: why",
    )


class PaidForm(GovUKForm):
    paid_on = DateField(label="Date paid")
    cheque_number = forms.CharField(
        label="Cheque number", max_length=20, required=False, help_text="For a cheque only"
    )


MAX_FILE_BYTES = 20 * 1024 * 1024


class PaymentFileForm(GovUKForm):
    file = forms.FileField(
        label="Payment file",
        help_text="A bank statement or a counter scheme's daily file, up to 20 MB.",
        error_messages={
            "required": "Choose the file to import",
            "empty": "The selected file is empty",
            "invalid": "Choose the file to import",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=FileKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say what kind of file it is"},
    )
    scheme = forms.ChoiceField(
        label="Counter scheme", required=False, help_text="For a counter file only"
    )
    covers_from = forms.DateField(
        label="The statement covers from",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="For a CSV statement: the first day you downloaded, like 01/05/2025",
        error_messages={"invalid": "Enter a real date, like 01/05/2025"},
    )
    covers_to = forms.DateField(
        label="to",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="The last day you downloaded, like 31/05/2025",
        error_messages={"invalid": "Enter a real date, like 31/05/2025"},
    )

    def __init__(self, *args: Any, schemes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", "Not a counter file")] + [(s, s) for s in schemes]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == FileKind.COUNTER and not cleaned.get("scheme"):
            self.add_error("scheme", "Choose the counter scheme the file is from")
        if bool(cleaned.get("covers_from")) != bool(cleaned.get("covers_to")):
            self.add_error("covers_to", "Give both dates the statement covers, or neither")
        return cleaned


class PeriodForm(GovUKForm):
    start = DateField(label="From")
    end = DateField(label="To")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period must be on or after its start")
        return cleaned


class SignOffForm(GovUKForm):
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Needed when there are differences: explain each (for example, timing).",
    )


class ArrangementForm(GovUKForm):
    account = ReferenceField()
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[("standing_order", "A standing order the payer set up"),
                 ("payment_plan", "A payment plan agreed with the council")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it is a standing order or a payment plan"},
    )  # fmt: skip
    amount = PenceField(label="Amount of each payment")
    frequency = forms.ChoiceField(
        label="How often",
        choices=[("weekly", "Weekly"), ("fortnightly", "Every two weeks"),
                 ("four_weekly", "Every four weeks"), ("monthly", "Monthly")],
        error_messages={"required": "Say how often it is paid"},
    )  # fmt: skip
    first_due = DateField(label="First payment due")
    note = forms.CharField(label="Note", max_length=500, required=False)


SPLIT_ROWS = 5


class SplitForm(GovUKForm):
    """An officer's own split of a receipt across the account's invoices (up to five)."""

    reason = forms.CharField(
        label="Why is it split this way?",
        max_length=500,
        error_messages={"required": "Say why the receipt is allocated by hand"},
    )

    def __init__(self, *args: Any, invoices: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose an invoice")] + [(n, n) for n in invoices]
        for n in range(1, SPLIT_ROWS + 1):
            self.fields[f"invoice_{n}"] = forms.ChoiceField(
                label=f"Invoice {n}", choices=choices, required=False
            )
            self.fields[f"amount_{n}"] = forms.CharField(
                label=f"Amount {n}", required=False, max_length=20
            )

    def requested(self) -> dict[str, int]:
        """{invoice number: pence}, or form errors on the rows that cannot be read."""
        found: dict[str, int] = {}
        for n in range(1, SPLIT_ROWS + 1):
            number = self.cleaned_data.get(f"invoice_{n}") or ""
            text = (self.cleaned_data.get(f"amount_{n}") or "").strip()
            if not number and not text:
                continue
            if not number:
                self.add_error(f"invoice_{n}", f"Row {n}: choose the invoice")
                continue
            try:
                pence = parse_pounds(text)
            except MoneyError as error:
                self.add_error(f"amount_{n}", f"Row {n}: {error}")
                continue
            found[number] = found.get(number, 0) + pence
        if not found and not self.errors:
            self.add_error(None, "Give at least one invoice and amount")
        return found

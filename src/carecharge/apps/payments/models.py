"""Money received and where it went: payment files, receipts, allocations to invoices,
clearances of the unallocated queue and moves between accounts.

Every row here is a record of something that happened and is never changed: a receipt put on
the wrong account is moved by a new `AccountMove` (and its ledger transfer), an allocation
made in error is undone by a reversing `Allocation`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from carecharge.apps.billing.models import Invoice
from carecharge.apps.ledger.models import LedgerAccount, LedgerTransaction


class FileKind(models.TextChoices):
    CSV = "csv", "Bank statement (CSV)"
    CAMT053 = "camt053", "Bank statement (ISO 20022 camt.053)"
    MT940 = "mt940", "Bank statement (SWIFT MT940)"
    BAI2 = "bai2", "Bank statement (BAI2)"
    COUNTER = "counter", "Counter and card payments (allpay, PayPoint)"


class Channel(models.TextChoices):
    BANK = "bank", "Bank transfer"
    COUNTER = "counter", "Counter or card (allpay, PayPoint)"
    CASH = "cash", "Cash taken in person"
    CHEQUE = "cheque", "Cheque taken in person"
    DIRECT_DEBIT = "direct_debit", "Direct Debit"


class MatchRule(models.TextChoices):
    PAYMENT_REFERENCE = "payment_reference", "Payment reference (check digit valid)"
    ACCOUNT_REFERENCE = "account_reference", "Account reference"
    SINGLE_INVOICE = "single_invoice", "Exact amount of a single open invoice"
    OFFICER = "officer", "Chosen by an officer"
    DIRECT_DEBIT = "direct_debit", "Direct Debit collection under the payer's mandate"
    NONE = "none", "Not matched: in the unallocated queue"


class PaymentReference(models.Model):
    """The reference a debtor quotes when paying, with a Luhn check digit (decision 0008)."""

    reference = models.CharField(max_length=8, unique=True)
    account = models.OneToOneField(
        LedgerAccount, on_delete=models.PROTECT, related_name="payment_reference"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.reference} ({self.account.code})"


class PaymentFile(models.Model):
    """A file of payments received (a bank statement, a counter file), kept with its hash."""

    kind = models.CharField(max_length=10, choices=FileKind.choices)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    size_bytes = models.PositiveIntegerField()
    # The original file, exactly as received (DESIGN principle 7).
    content = models.BinaryField(default=b"")
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_account = models.CharField(max_length=60, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    opening_pence = models.BigIntegerField(null=True, blank=True)
    closing_pence = models.BigIntegerField(null=True, blank=True)
    # {"lines": 12, "receipts": 9, "matched": 7, "unallocated": 2, "duplicates": 1, "debits": 2}
    counts = models.JSONField(default=dict)
    # Statement lines that are not receipts, kept for reconciliation: money out, and the
    # settlements of other channels (a counter scheme's daily total, the Direct Debit credit,
    # cash paid in). [{"line": 4, "date": "2025-05-12", "pence": -2000, "narrative": "...",
    # "kind": "debit" | "settlement", "channel": "counter", "key": "..."}]
    other_lines = models.JSONField(default=list)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"


class Receipt(models.Model):
    """One payment received, posted to the bank and to a debtor's account (or to suspense)."""

    number = models.CharField(max_length=12, unique=True)
    channel = models.CharField(max_length=14, choices=Channel.choices)
    received_on = models.DateField()
    amount_pence = models.BigIntegerField()
    payer_name = models.CharField(max_length=140, blank=True)
    reference_text = models.CharField(max_length=500, blank=True)
    file = models.ForeignKey(
        PaymentFile, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    line_number = models.PositiveIntegerField(null=True, blank=True)
    # What makes the same bank transaction recognisable when it arrives again.
    duplicate_key = models.CharField(max_length=200, unique=True)
    match_rule = models.CharField(max_length=20, choices=MatchRule.choices)
    match_trace = models.JSONField(default=list)
    # The debtor account it was first posted to; blank while in the unallocated queue.
    account = models.ForeignKey(
        LedgerAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    named_invoice = models.CharField(max_length=20, blank=True)
    cheque_number = models.CharField(max_length=20, blank=True)
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="receipt"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="receipts_are_positive"),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.number}"


class ReceiptReversal(models.Model):
    """A receipt that turned out not to be money: a Direct Debit returned unpaid (ARUDD), an
    indemnity claim (DDICA), a bounced cheque. Its ledger transaction is reversed and its
    allocations undone; the receipt itself stays, marked by this record."""

    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="reversal")
    reason = models.CharField(max_length=500)
    effective_date = models.DateField()
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="+"
    )
    reversed_at = models.DateTimeField()
    reversed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Receipt {self.receipt.number} reversed: {self.reason}"


class SuspenseClearance(models.Model):
    """A receipt taken out of the unallocated queue and put on a debtor's account."""

    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="clearance")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField()
    cleared_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Receipt {self.receipt.number} cleared to {self.account.code}"


class AccountMove(models.Model):
    """A receipt moved from one debtor's account to another's (paid on the wrong account)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="moves")
    from_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    to_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    amount_pence = models.BigIntegerField()
    reason = models.CharField(max_length=500)
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField()
    moved_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["moved_at", "id"]

    def __str__(self) -> str:
        return f"Receipt {self.receipt.number} moved to {self.to_account.code}"


class RefundMethod(models.TextChoices):
    BACS = "bacs", "Bacs credit to the payee's bank account"
    CHEQUE = "cheque", "Cheque"


class RefundState(models.TextChoices):
    REQUESTED = "requested", "Waiting for approval"
    APPROVED = "approved", "Approved: to be paid"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


class Refund(models.Model):
    """Money on a debtor's account paid back to them (or, after a death, to the executor).
    Asked for by one officer, approved by another, then paid; the ledger is posted only when
    it is paid, so an approved refund not yet paid still shows as a credit on the account."""

    number = models.CharField(max_length=12, unique=True)
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.BigIntegerField()
    method = models.CharField(max_length=10, choices=RefundMethod.choices)
    payee_name = models.CharField(max_length=140)
    sort_code = models.CharField(max_length=6, blank=True)
    account_number = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=RefundState.choices)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    cheque_number = models.CharField(max_length=20, blank=True)
    bacs_file_sha256 = models.CharField(max_length=64, blank=True)
    transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="refunds_are_positive"),
            models.CheckConstraint(
                condition=~Q(method="bacs") | (~Q(sort_code="") & ~Q(account_number="")),
                name="a_bacs_refund_has_bank_details",
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(transaction__isnull=False),
                name="a_paid_refund_is_posted",
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.number}"


class Allocation(models.Model):
    """Money on an account (a receipt or a credit note) set against an invoice. Negative: an
    earlier allocation undone (a receipt moved away, returned, or allocated in error)."""

    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations_from"
    )
    # What it pays: an invoice, or a refund (money on the account paid back).
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    refund = models.ForeignKey(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    amount_pence = models.BigIntegerField()
    automatic = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(receipt__isnull=False) & Q(credit_note__isnull=True))
                | (Q(receipt__isnull=True) & Q(credit_note__isnull=False)),
                name="an_allocation_has_one_source",
            ),
            models.CheckConstraint(condition=~Q(amount_pence=0), name="allocations_are_not_zero"),
            models.CheckConstraint(
                condition=(Q(invoice__isnull=False) & Q(refund__isnull=True))
                | (Q(invoice__isnull=True) & Q(refund__isnull=False)),
                name="an_allocation_pays_one_thing",
            ),
        ]

    def __str__(self) -> str:
        source = self.receipt or self.credit_note
        return f"{source} to {self.invoice or self.refund}: {self.amount_pence}p"


class MonthEndReconciliation(models.Model):
    """A reconciliation report as it was when prepared, kept with its hash, and signed off by
    a senior officer who did not prepare it."""

    period_start = models.DateField()
    period_end = models.DateField()
    figures = models.JSONField()
    sha256 = models.CharField(max_length=64)
    balanced = models.BooleanField()
    prepared_at = models.DateTimeField()
    prepared_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sign_off_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_end", "-prepared_at"]

    def __str__(self) -> str:
        return f"Reconciliation {self.period_start:%d/%m/%Y} to {self.period_end:%d/%m/%Y}"


class ArrangementKind(models.TextChoices):
    STANDING_ORDER = "standing_order", "Standing order"
    PAYMENT_PLAN = "payment_plan", "Payment plan"


class PaymentArrangement(models.Model):
    """Money a debtor has said they will pay regularly: a standing order they set up with their
    bank, or a payment plan agreed with the council. It is expected income; a missed instalment
    is noticed. It is ended (with a reason), never edited: a changed amount is a new one."""

    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="payment_arrangements"
    )
    kind = models.CharField(max_length=16, choices=ArrangementKind.choices)
    amount_pence = models.BigIntegerField()
    frequency = models.CharField(
        max_length=12,
        choices=[("weekly", "Weekly"), ("fortnightly", "Every two weeks"),
                 ("four_weekly", "Every four weeks"), ("monthly", "Monthly")],
    )  # fmt: skip
    first_due = models.DateField()
    last_due = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["first_due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="arrangements_are_for_money"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.amount_pence}p ({self.account.code})"

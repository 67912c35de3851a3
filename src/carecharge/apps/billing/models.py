"""Billing runs, the charges they post, and the invoices and credit notes that carry them.

A run moves draft → previewed (pre-flight checks and the preview are worked out together)
→ → approved (by a second person) → posted, as an
uprating run does. The preview is stored person by person (`RunPerson.lines`): what the
approver saw is what is posted. `ChargeRecord` rows are the memory of what has been charged
for each charge key; they are never changed or deleted (database triggers refuse it), so "what
was charged" is always the sum of the records for a key, and a correction is a new record
pointing at the one it corrects. Amounts are pence.
"""

from __future__ import annotations

from django.db import models

from carecharge.apps.documents.models import Document
from carecharge.apps.ledger.models import LedgerAccount, LedgerTransaction
from carecharge.apps.people.models import ServiceUser

from .fields import DeflatedJSONField


class RunState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PREVIEWED = "previewed", "Previewed"
    APPROVED = "approved", "Approved"
    POSTED = "posted", "Posted"
    CANCELLED = "cancelled", "Cancelled"


class RunTask(models.TextChoices):
    NONE = "", "Nothing"
    PREVIEW = "preview", "Running the pre-flight checks and working out the preview"
    POST = "post", "Posting charges and numbering invoices"


class BillingRun(models.Model):
    through_date = models.DateField()
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.DRAFT)
    rules_hash = models.CharField(max_length=64, blank=True)
    task = models.CharField(max_length=10, choices=RunTask.choices, blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Counts and totals of the preview, then of what was posted.
    people_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    held_count = models.PositiveIntegerField(default=0)
    excluded_count = models.PositiveIntegerField(default=0)
    blocker_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    invoiced_pence = models.BigIntegerField(default=0)
    credited_pence = models.BigIntegerField(default=0)
    not_invoiced_pence = models.BigIntegerField(default=0)
    invoices_count = models.PositiveIntegerField(default=0)
    credit_notes_count = models.PositiveIntegerField(default=0)
    lines_posted = models.PositiveIntegerField(default=0)
    amount_posted_pence = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    previewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-through_date", "-pk"]
        constraints = [
            # Runs are worked one at a time: two open runs would both bill the same weeks.
            models.UniqueConstraint(
                fields=["state"],
                condition=~models.Q(state__in=["posted", "cancelled"]),
                name="one_open_billing_run",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | models.Q(state__in=["approved", "posted"]),
                name="approved_billing_runs_only_have_an_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"Billing run {self.pk} to {self.through_date:%d/%m/%Y}"


class PersonStatus(models.TextChoices):
    PENDING = "pending", "Not yet worked out"
    NO_CHANGE = "no_change", "Nothing to post"
    READY = "ready", "Ready to post"
    HELD = "held", "Held for review (backdated)"
    RELEASED = "released", "Released after review"
    EXCLUDED = "excluded", "Excluded by a pre-flight check"
    FAILED = "failed", "Could not be worked out"
    POSTED = "posted", "Posted"
    CHANGED = "changed", "Changed since the preview: left for the next run"


class RunPerson(models.Model):
    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, related_name="people")
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.PENDING
    )
    # A fingerprint of everything that decided the person's charges (and the rules): a later run
    # with the same fingerprint need only work out the weeks after this run's date.
    inputs_hash = models.CharField(max_length=64, blank=True)
    # The adjustments the preview found, exactly as they will be posted (deflated: see fields).
    lines = DeflatedJSONField(default=list)
    invoiced_pence = models.BigIntegerField(default=0)
    credited_pence = models.BigIntegerField(default=0)
    not_invoiced_pence = models.BigIntegerField(default=0)
    backdated_pence = models.BigIntegerField(default=0)
    problem = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_note = models.TextField(blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_billing_row_per_person"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.run}"


class Severity(models.TextChoices):
    BLOCKER = "blocker", "Stops the person being billed"
    WARNING = "warning", "Check before approving"


class PreflightProblem(models.Model):
    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, related_name="problems")
    person = models.ForeignKey(
        ServiceUser, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_name = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()

    class Meta:
        ordering = ["run", "severity", "check_name", "pk"]

    def __str__(self) -> str:
        return f"{self.check_name}: {self.message}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class Invoice(models.Model):
    """An invoice or credit note: numbered without gaps, posted to the ledger, never changed."""

    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, related_name="invoices")
    # The service user whose care it is for (also when a top-up payer or an ICB is billed).
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="invoices")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    debtor = models.CharField(max_length=60)
    issued_on = models.DateField()
    due_on = models.DateField()
    # Positive for an invoice, negative for a credit note: the debtor account's movement.
    total_pence = models.BigIntegerField()
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="invoice"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="invoice") & models.Q(total_pence__gt=0))
                | (models.Q(kind="credit_note") & models.Q(total_pence__lt=0)),
                name="invoices_are_positive_and_credit_notes_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ChargeRecord(models.Model):
    """One posted line for one charge key: the memory of what has been charged."""

    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, related_name="charges")
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="charges")
    key = models.CharField(max_length=160)
    kind = models.CharField(max_length=20)
    debtor = models.CharField(max_length=60)
    week_start = models.DateField()
    week_end = models.DateField()
    days_start = models.DateField(null=True, blank=True)
    days_end = models.DateField(null=True, blank=True)
    amount_pence = models.BigIntegerField()
    # [[income code, pence], ...] summing to the amount.
    income = models.JSONField(default=list)
    invoiced = models.BooleanField()
    reason = models.CharField(max_length=20)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    backdated = models.BooleanField(default=False)
    description = models.CharField(max_length=200)
    units = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    basis = models.JSONField(default=dict)
    trace = models.JSONField(default=list)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["person", "week_start", "key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invoiced=False)
                | models.Q(invoice__isnull=False)
                | models.Q(amount_pence=0),
                name="invoiced_charges_are_on_an_invoice",
            ),
        ]
        indexes = [models.Index(fields=["person", "key"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.amount_pence}p ({self.reason})"


class NumberSequence(models.Model):
    """The next number of a gapless series (invoices, credit notes), taken under a row lock."""

    name = models.CharField(max_length=20, unique=True)
    prefix = models.CharField(max_length=8)
    next_number = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.name}: next {self.prefix}{self.next_number:06d}"

"""Direct Debit: mandates, the AUDDIS instructions that lodge and cancel them, collection runs
and their items, the advance notices payers are sent, the Standard 18 files made for Bacs and the
Bacs reports received back.

A mandate's status and dates change as Bacs and the banks report on it (every change audited);
everything else is a record of something that happened. Files, notices, reports, the actions
taken on them and returns are never changed or deleted, and a collection item only gains its
receipt when the run is settled (database triggers, migration 0002). Amounts are pence.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.payments.models import Receipt, ReceiptReversal


class MandateStatus(models.TextChoices):
    PENDING = "pending", "New: instruction waiting to be sent to Bacs"
    LODGED = "lodged", "Instruction sent to Bacs"
    LIVE = "live", "Live"
    REJECTED = "rejected", "Rejected by the payer's bank"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (MandateStatus.PENDING, MandateStatus.LODGED, MandateStatus.LIVE)


class CollectionBasis(models.TextChoices):
    BALANCE = "balance", "The balance due on the account"
    INSTALMENT = "instalment", "A fixed instalment each month"


class Mandate(models.Model):
    """A Direct Debit Instruction: the payer's authority to collect from their bank account."""

    sun = models.CharField("Service User Number", max_length=6)
    reference = models.CharField(max_length=18)
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="dd_mandates")
    payer_name = models.CharField(max_length=140)
    # The account holder's name as Bacs carries it: 18 characters from the Bacs set.
    bacs_name = models.CharField(max_length=18)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    modulus_check = models.CharField(max_length=300)
    basis = models.CharField(max_length=10, choices=CollectionBasis.choices)
    instalment_pence = models.BigIntegerField(null=True, blank=True)
    collection_day = models.PositiveSmallIntegerField(null=True, blank=True)
    signed_on = models.DateField()
    # A paper instruction already held, moved onto AUDDIS with a 0S rather than lodged with 0N.
    converted = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=MandateStatus.choices, default=MandateStatus.PENDING
    )
    lodged_on = models.DateField(null=True, blank=True)
    live_from = models.DateField(null=True, blank=True)
    # The next collection is the last (code 19): the paying bank closes the instruction after it.
    final_collection = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["sun", "reference"], name="dd_reference_unique_per_sun"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MandateStatus.values), name="dd_mandate_status_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(basis=CollectionBasis.BALANCE)
                    & Q(instalment_pence__isnull=True, collection_day__isnull=True)
                )
                | (
                    Q(basis=CollectionBasis.INSTALMENT)
                    & Q(instalment_pence__gt=0, collection_day__gte=1, collection_day__lte=28)
                ),
                name="dd_instalment_has_amount_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Mandate {self.reference}"


class FileKind(models.TextChoices):
    AUDDIS = "auddis", "AUDDIS instructions"
    COLLECTIONS = "collections", "Direct Debit collections"
    REFUNDS = "refunds", "Refunds by Bacs credit"


class BacsFile(models.Model):
    """A Standard 18 file made for Bacs, exactly as checked, with its control report."""

    kind = models.CharField(max_length=12, choices=FileKind.choices)
    sun = models.CharField(max_length=6)
    serial_number = models.PositiveIntegerField(unique=True)
    processing_day = models.DateField()
    created_on = models.DateField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    control_report = models.TextField()
    item_count = models.PositiveIntegerField()
    total_pence = models.BigIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-serial_number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} file {self.serial_number:06d}"

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.serial_number:06d}.txt"


class InstructionCode(models.TextChoices):
    NEW = "0N", "0N new instruction"
    CANCEL = "0C", "0C cancel instruction"
    CONVERT = "0S", "0S convert a paper instruction"


class AuddisInstruction(models.Model):
    """An AUDDIS instruction waiting for, or sent in, an AUDDIS file. The bank details and name
    are those written in the file."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="instructions")
    code = models.CharField(max_length=2, choices=InstructionCode.choices)
    reason = models.CharField(max_length=500)
    queued_on = models.DateField()
    queued_at = models.DateTimeField()
    queued_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey(
        BacsFile, null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    sort_code = models.CharField(max_length=6, blank=True)
    account_number = models.CharField(max_length=8, blank=True)
    bacs_name = models.CharField(max_length=18, blank=True)
    # A 0N for a mandate cancelled before it was sent is withdrawn, never sent.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=InstructionCode.values), name="dd_instruction_code_known"
            ),
            models.CheckConstraint(
                condition=Q(file__isnull=True) | Q(withdrawn_at__isnull=True),
                name="dd_instruction_sent_or_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} for {self.mandate.reference}"


class NoticeChannel(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"


class AdvanceNotice(models.Model):
    """What a payer was told they will be charged, and when: the Direct Debit Guarantee's
    advance notice. A collection may not be taken before ``earliest_collection``."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="notices")
    amount_pence = models.BigIntegerField()
    collection_date = models.DateField()
    # For instalments: the standing schedule, e.g. "monthly, on or after day 5"; blank for a
    # single collection.
    schedule = models.CharField(max_length=100, blank=True)
    # The returned collection this notice says will be presented again, if it is one.
    represents = models.ForeignKey(
        "CollectionItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=NoticeChannel.choices)
    sent_on = models.DateField()
    earliest_collection = models.DateField()
    text = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="dd_notice_positive"),
        ]

    def __str__(self) -> str:
        return f"Advance notice for {self.mandate.reference} on {self.collection_date:%d/%m/%Y}"


class RunState(models.TextChoices):
    BUILT = "built", "File made: to be sent to Bacs"
    SETTLED = "settled", "Collected: receipts posted"
    CANCELLED = "cancelled", "Cancelled before it was sent"


class CollectionRun(models.Model):
    """One collection date's Direct Debits and the Standard 18 file that collects them."""

    collection_date = models.DateField()
    processing_day = models.DateField()
    input_day = models.DateField()
    built_on = models.DateField()
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.BUILT)
    file = models.OneToOneField(BacsFile, on_delete=models.PROTECT, related_name="run")
    item_count = models.PositiveIntegerField()
    total_pence = models.BigIntegerField()
    # Mandates with money due that were left out, and why: [{"reference", "account",
    # "amount_pence", "reason"}].
    skipped = models.JSONField(default=list)
    notices_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-collection_date", "-id"]
        constraints = [
            # Two live runs for one date would each collect the same balances.
            models.UniqueConstraint(
                fields=["collection_date"],
                condition=~Q(state="cancelled"),
                name="dd_one_run_per_collection_date",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RunState.values), name="dd_run_state_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Direct Debit run {self.pk} for {self.collection_date:%d/%m/%Y}"


class CollectionItem(models.Model):
    """One collection in a run, as written in its file; its receipt once the run is settled."""

    run = models.ForeignKey(CollectionRun, on_delete=models.PROTECT, related_name="items")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="items")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    transaction_code = models.CharField(max_length=2)
    amount_pence = models.BigIntegerField()
    reference = models.CharField(max_length=18)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    bacs_name = models.CharField(max_length=18)
    notice = models.ForeignKey(AdvanceNotice, on_delete=models.PROTECT, related_name="items")
    # For a re-presentation (code 18): the returned collection it presents again.
    represents = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="representations"
    )
    receipt = models.OneToOneField(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="dd_item"
    )

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="dd_item_positive"),
            models.CheckConstraint(
                condition=Q(transaction_code__in=["01", "17", "18", "19"]),
                name="dd_item_collection_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_code} {self.reference} {self.amount_pence}p"


class ReportKind(models.TextChoices):
    ARUDD = "arudd", "ARUDD: returned (unpaid) Direct Debits"
    ADDACS = "addacs", "ADDACS: instructions cancelled or changed by the payer's bank"
    AUDDIS = "auddis", "AUDDIS: instructions rejected by the payer's bank"
    AUDACC = "audacc", "AUDDIS file acceptance"
    DDICA = "ddica", "DDICA: indemnity claims"


class BacsReportImport(models.Model):
    """A Bacs report applied to the mandates and the ledger, kept whole with its hash."""

    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    size_bytes = models.PositiveIntegerField()
    content = models.BinaryField()
    report_date = models.DateField()
    # {"returned": 2, "represent": 1, "cancelled": 1, ...}
    counts = models.JSONField(default=dict)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"


class ReturnKind(models.TextChoices):
    ARUDD = "arudd", "Returned unpaid (ARUDD)"
    DDICA = "ddica", "Indemnity claim (DDICA)"


class ReturnOutcome(models.TextChoices):
    REPRESENT = "represent", "To be presented again"
    RECOVERY = "recovery", "Left for recovery"
    MANDATE_CANCELLED = "mandate_cancelled", "Mandate cancelled; left for recovery"


class ItemReturn(models.Model):
    """A collection that was not money after all: returned unpaid, or claimed back by the payer
    under the Direct Debit Guarantee. Its receipt is reversed."""

    item = models.OneToOneField(CollectionItem, on_delete=models.PROTECT, related_name="returned")
    report = models.ForeignKey(BacsReportImport, on_delete=models.PROTECT, related_name="returns")
    kind = models.CharField(max_length=8, choices=ReturnKind.choices)
    reason = models.CharField(max_length=40)
    reason_code = models.CharField(max_length=8)
    description = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20, choices=ReturnOutcome.choices)
    reversal = models.OneToOneField(ReceiptReversal, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.item} {self.get_kind_display()}: {self.description}"


class ReportAction(models.Model):
    """One thing a Bacs report made carecharge do (or note), in report order."""

    report = models.ForeignKey(BacsReportImport, on_delete=models.PROTECT, related_name="actions")
    line = models.PositiveIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=18)
    mandate = models.ForeignKey(
        Mandate, null=True, blank=True, on_delete=models.PROTECT, related_name="report_actions"
    )
    item = models.ForeignKey(
        CollectionItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=30)
    detail = models.CharField(max_length=500)

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.detail}"

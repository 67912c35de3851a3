"""The ledger: accounts, transactions and their postings, in integer pence.

Transactions and postings are append-only (database triggers refuse UPDATE and DELETE; see
migration 0002). Nothing here has behaviour: `operations.post` is the one way in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core import ledger as core


class AccountKind(models.TextChoices):
    DEBTOR = core.AccountKind.DEBTOR.value, "Debtor"
    INCOME = core.AccountKind.INCOME.value, "Income"
    BANK = core.AccountKind.BANK.value, "Bank"
    SUSPENSE = core.AccountKind.SUSPENSE.value, "Suspense"
    DEFERRED = core.AccountKind.DEFERRED.value, "Deferred payments"
    WRITE_OFF = core.AccountKind.WRITE_OFF.value, "Write-offs"


INCOME_CODE_MAX = 50
"""A service's "<cost centre>/<subjective>" (each at most 20 characters)."""

_PERSON = Q(person__isnull=False)
_PAYER = Q(payer__isnull=False)
_ORGANISATION = Q(organisation__isnull=False)
_NO_PARTY = Q(person__isnull=True, payer__isnull=True, organisation__isnull=True)


class LedgerAccount(models.Model):
    """An account postings are made to. A debtor account belongs to exactly one party."""

    code = models.CharField(max_length=core.ACCOUNT_MAX, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    person = models.ForeignKey(
        ServiceUser,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    payer = models.ForeignKey(
        ThirdPartyPayer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    # The "<cost centre>/<subjective>" an income account is for (blank for other kinds).
    income_code = models.CharField(max_length=INCOME_CODE_MAX, blank=True)
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="ledger_account_kind_known",
                condition=Q(kind__in=AccountKind.values),
            ),
            models.CheckConstraint(
                name="ledger_debtor_has_one_party",
                condition=~Q(kind=AccountKind.DEBTOR)
                | (_PERSON & Q(payer__isnull=True, organisation__isnull=True))
                | (_PAYER & Q(person__isnull=True, organisation__isnull=True))
                | (_ORGANISATION & Q(person__isnull=True, payer__isnull=True)),
            ),
            # A deferred payment account belongs to the person whose agreement it is (or to
            # no one yet); income, bank, suspense and write-off accounts belong to no party.
            models.CheckConstraint(
                name="ledger_party_only_on_debtor_or_deferred",
                condition=Q(kind=AccountKind.DEBTOR)
                | Q(kind=AccountKind.DEFERRED, payer__isnull=True, organisation__isnull=True)
                | _NO_PARTY,
            ),
            models.CheckConstraint(
                name="ledger_income_code_only_on_income",
                condition=(Q(kind=AccountKind.INCOME) & ~Q(income_code=""))
                | (~Q(kind=AccountKind.INCOME) & Q(income_code="")),
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind=AccountKind.DEBTOR),
                name="ledger_one_debtor_account_per_person",
            ),
            models.UniqueConstraint(
                fields=["payer"],
                condition=Q(kind=AccountKind.DEBTOR),
                name="ledger_one_debtor_account_per_payer",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(kind=AccountKind.DEBTOR),
                name="ledger_one_debtor_account_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LedgerTransaction(models.Model):
    """A balanced set of postings, posted once under its idempotency key."""

    key = models.CharField(max_length=core.KEY_MAX, unique=True)
    effective_date = models.DateField(db_index=True)
    posted_at = models.DateTimeField()
    source = models.CharField(max_length=core.SOURCE_MAX)
    source_id = models.CharField(max_length=core.SOURCE_ID_MAX, blank=True)
    description = models.CharField(max_length=core.DESCRIPTION_MAX)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["source", "source_id"], name="ledger_tx_source")]

    def __str__(self) -> str:
        return f"{self.key} ({self.effective_date:%d/%m/%Y})"


class Posting(models.Model):
    """Pence on one account within one transaction: debit positive, credit negative."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="postings"
    )
    # Indexed by the (account, transaction) index below, which leads with the account.
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    pence = models.BigIntegerField()
    memo = models.CharField(max_length=core.MEMO_MAX, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "transaction"], name="ledger_posting_account_tx")
        ]
        constraints = [
            models.CheckConstraint(name="ledger_posting_not_zero", condition=~Q(pence=0)),
        ]

    def __str__(self) -> str:
        return f"{self.pence:+d}p on account {self.account_id}"

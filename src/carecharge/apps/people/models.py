"""Service users, their addresses, financial representatives and third-party payers.

Thin data only: every write goes through `operations.py`, which audits it.
"""

from __future__ import annotations

from django.db import models

from carecharge.core.identifiers import format_nhs_number, mask_ni_number


class PreferredContact(models.TextChoices):
    POST = "post", "Post"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"


class PreferredFormat(models.TextChoices):
    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BRAILLE = "braille", "Braille"
    OTHER_LANGUAGE = "other_language", "Another language"


class ServiceUser(models.Model):
    account_reference = models.CharField(max_length=8, unique=True)
    case_system_id = models.CharField(
        "Case management system id", max_length=40, unique=True, null=True, blank=True
    )
    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, db_index=True)
    date_of_birth = models.DateField(db_index=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    ni_number = models.CharField("National Insurance number", max_length=9, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=PreferredContact.choices, default=PreferredContact.POST
    )
    preferred_format = models.CharField(
        max_length=20, choices=PreferredFormat.choices, default=PreferredFormat.STANDARD
    )
    preferred_language = models.CharField(max_length=40, blank=True)
    date_of_death = models.DateField(null=True, blank=True, db_index=True)
    # Restricted records (staff, relatives of staff, public figures) are hidden from search
    # results unless the officer opens them deliberately.
    restricted = models.BooleanField(default=False)
    # Members of a couple point at each other; operations keep both sides in step.
    partner = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["surname", "forename", "id"]
        indexes = [models.Index(fields=["surname", "forename"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.account_reference})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.title, self.forename, self.surname] if p)

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def ni_number_masked(self) -> str:
        return mask_ni_number(self.ni_number) if self.ni_number else ""


class AddressRole(models.TextChoices):
    HOME = "home", "Home"
    BILLING = "billing", "Billing"
    CORRESPONDENCE = "correspondence", "Correspondence"
    FUNDING_COUNCIL = "funding_council", "Another funding council"


class Address(models.Model):
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="addresses")
    role = models.CharField(max_length=20, choices=AddressRole.choices)
    line_1 = models.CharField(max_length=100)
    line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)

    # Each role has one current address; older ones stay in the audit history.
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="one_address_per_role")
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)


class RepresentativeKind(models.TextChoices):
    APPOINTEE = "appointee", "DWP appointee"
    DEPUTY = "deputy", "Court of Protection deputy"
    LPA = "lasting_power_of_attorney", "Lasting power of attorney (property and financial affairs)"
    EXECUTOR = "executor", "Executor or administrator"
    FAMILY = "family", "Family member or friend"


class Representative(models.Model):
    person = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="representatives"
    )
    kind = models.CharField(max_length=30, choices=RepresentativeKind.choices)
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150, blank=True)
    line_1 = models.CharField(max_length=100, blank=True)
    line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    receives_invoices = models.BooleanField(default=False)
    receives_letters = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ThirdPartyPayer(models.Model):
    """Someone other than the service user who pays a top-up (usually a relative)."""

    person = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="third_party_payers"
    )
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60, blank=True)
    line_1 = models.CharField(max_length=100)
    line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (top-up payer)"


class OrganisationKind(models.TextChoices):
    INTEGRATED_CARE_BOARD = "icb", "NHS integrated care board"
    COUNCIL = "council", "Another council"
    OTHER = "other", "Other organisation"


class Organisation(models.Model):
    """A body the council invoices: an integrated care board (CHC recharges) or another council."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    line_1 = models.CharField(max_length=100, blank=True)
    line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    email = models.EmailField(blank=True)
    # Their purchase order or contract reference, printed on invoices to them.
    invoice_reference = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

"""A person's declared finances: the income and capital an officer records once.

Amounts are integer pence. The means-test engine (core/assessment) reads these to produce a
versioned assessment; the vocabulary of types is the one in the assessment JSON contract.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from carecharge.apps.people.models import ServiceUser


class IncomeType(models.TextChoices):
    STATE_PENSION = "state_pension", "State Pension (basic)"
    NEW_STATE_PENSION = "new_state_pension", "New State Pension"
    PENSION_CREDIT_GUARANTEE = "pension_credit_guarantee", "Pension Credit (guarantee credit)"
    PENSION_CREDIT_SAVINGS_CREDIT = (
        "pension_credit_savings_credit",
        "Pension Credit (savings credit)",
    )
    UNIVERSAL_CREDIT = "universal_credit", "Universal Credit"
    ESA = "esa", "Employment and Support Allowance"
    JSA = "jsa", "Jobseeker's Allowance"
    INCOME_SUPPORT = "income_support", "Income Support"
    CARERS_ALLOWANCE = "carers_allowance", "Carer's Allowance"
    ATTENDANCE_ALLOWANCE = "attendance_allowance", "Attendance Allowance"
    CONSTANT_ATTENDANCE_ALLOWANCE = "constant_attendance_allowance", "Constant Attendance Allowance"
    DLA_CARE = "dla_care", "Disability Living Allowance (care)"
    DLA_MOBILITY = "dla_mobility", "Disability Living Allowance (mobility)"
    PIP_DAILY_LIVING = "pip_daily_living", "Personal Independence Payment (daily living)"
    PIP_MOBILITY = "pip_mobility", "Personal Independence Payment (mobility)"
    ADP_DAILY_LIVING = "adp_daily_living", "Adult Disability Payment (daily living)"
    ADP_MOBILITY = "adp_mobility", "Adult Disability Payment (mobility)"
    ARMED_FORCES_INDEPENDENCE_PAYMENT = (
        "armed_forces_independence_payment",
        "Armed Forces Independence Payment",
    )
    INDUSTRIAL_INJURIES = "industrial_injuries", "Industrial Injuries Disablement Benefit"
    SEVERE_DISABLEMENT_ALLOWANCE = "severe_disablement_allowance", "Severe Disablement Allowance"
    WAR_PENSION = "war_pension", "War Pension"
    WAR_WIDOWS_PENSION = "war_widows_pension", "War Widow's Pension"
    GUARANTEED_INCOME_PAYMENT = "guaranteed_income_payment", "Guaranteed Income Payment"
    OCCUPATIONAL_PENSION = "occupational_pension", "Occupational pension"
    PRIVATE_PENSION = "private_pension", "Private pension"
    ANNUITY = "annuity", "Annuity"
    EARNINGS = "earnings", "Earnings"
    SELF_EMPLOYED_EARNINGS = "self_employed_earnings", "Self-employed earnings"
    RENTAL_INCOME = "rental_income", "Rental income"
    MAINTENANCE = "maintenance", "Maintenance"
    HOUSING_BENEFIT = "housing_benefit", "Housing Benefit"
    COUNCIL_TAX_SUPPORT = "council_tax_support", "Council Tax Support"
    CHILD_BENEFIT = "child_benefit", "Child Benefit"
    CHILD_TAX_CREDIT = "child_tax_credit", "Child Tax Credit"
    WINTER_FUEL_PAYMENT = "winter_fuel_payment", "Winter Fuel Payment"
    CHARITABLE_PAYMENT = "charitable_payment", "Charitable payment"
    OTHER = "other", "Other"


class CapitalType(models.TextChoices):
    SAVINGS = "savings", "Savings"
    INVESTMENTS = "investments", "Investments"
    PREMIUM_BONDS = "premium_bonds", "Premium Bonds"
    SHARES = "shares", "Shares"
    MAIN_HOME = "main_home", "Main home"
    OTHER_PROPERTY = "other_property", "Other property"
    LAND = "land", "Land"
    NOTIONAL = "notional", "Notional capital (deprivation)"
    OTHER = "other", "Other"


class IncomeItem(models.Model):
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="income_items")
    type = models.CharField(max_length=40, choices=IncomeType.choices)
    # Benefit rate where the benefit has several (higher/lower, enhanced/standard, ...).
    rate = models.CharField(max_length=20, blank=True)
    weekly_pence = models.BigIntegerField()
    joint = models.BooleanField(default=False)
    label = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "type", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_pence__gte=0), name="income_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.weekly_pence}p a week"


class CapitalItem(models.Model):
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="capital_items")
    type = models.CharField(max_length=20, choices=CapitalType.choices)
    amount_pence = models.BigIntegerField()
    joint = models.BooleanField(default=False)
    # The fraction owned, for property shared other than equally with a partner.
    share = models.DecimalField(max_digits=5, decimal_places=4, default=1)
    label = models.CharField(max_length=100, blank=True)
    valued_on = models.DateField()

    class Meta:
        ordering = ["person", "type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gte=0), name="capital_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gt=0) & models.Q(share__lte=1), name="share_is_a_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.amount_pence}p"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    SUPERSEDED = "superseded", "Superseded"


class AssessmentSetting(models.TextChoices):
    NON_RESIDENTIAL = "non_residential", "Care at home and in the community"
    RESIDENTIAL_PERMANENT = "residential_permanent", "Care home (permanent)"
    RESIDENTIAL_TEMPORARY = "residential_temporary", "Care home (temporary or respite)"


class Assessment(models.Model):
    """One version of a person's financial assessment.

    Versions are never edited once completed: a revision is a new version from its effective
    date, and the older one is marked superseded from that date, keeping its request, result,
    trace and rules hash so the charge it produced can always be explained.
    """

    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="assessments")
    version = models.PositiveIntegerField()
    state = models.CharField(
        max_length=12, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    setting = models.CharField(max_length=30, choices=AssessmentSetting.choices)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    # Set when a later version takes over: this one stops applying on that date.
    superseded_from = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review_date = models.DateField(null=True, blank=True)
    # The contract request as assessed, and the contract result with its trace (frozen).
    request = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    weekly_charge_pence = models.BigIntegerField(null=True, blank=True)
    full_cost = models.BooleanField(default=False)
    rules_hash = models.CharField(max_length=64, blank=True)
    # A deferred payment agreement is in place: the person keeps the disposable income
    # allowance they chose (at most the national maximum) instead of the PEA.
    deferred_payment_agreement = models.BooleanField(default=False)
    disposable_income_allowance_pence = models.BigIntegerField(null=True, blank=True)
    # The notional capital counted, as decided; fixed when the assessment is completed.
    deprivation_decisions: models.ManyToManyField[DeprivationDecision, Any] = (
        models.ManyToManyField("DeprivationDecision", blank=True, related_name="assessments")
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["person", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="one_version_number"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="assessment_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="completed") | models.Q(result__isnull=False),
                name="completed_assessments_have_a_result",
            ),
            models.CheckConstraint(
                condition=models.Q(deferred_payment_agreement=True)
                | models.Q(disposable_income_allowance_pence__isnull=True),
                name="dia_only_with_a_deferred_payment_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.version} from {self.effective_from:%d/%m/%Y}"


class DeprivationDecision(models.Model):
    """The council's decision that a person deliberately deprived themselves of an asset to
    avoid or reduce care charges (Annex E), so its value is treated as notional capital.

    Decisions are never edited: a decision found wrong on review is withdrawn from a date with
    a reason, and a new one recorded if the amount changes.
    """

    person = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="deprivation_decisions"
    )
    asset = models.CharField(max_length=200)
    amount_pence = models.BigIntegerField()
    disposed_on = models.DateField()
    decided_on = models.DateField()
    reason = models.TextField()
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["person", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="notional_capital_is_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(disposed_on__lte=models.F("decided_on")),
                name="deprivation_decided_after_disposal",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="withdrawal_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Deprivation decision {self.decided_on:%d/%m/%Y}: {self.asset}"

    def in_force_on(self, day: date) -> bool:
        return self.decided_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class AssessmentNote(models.Model):
    """A dated note on an assessment (a call, what was checked, why a figure was accepted).
    Notes are added, never changed, so the record of the casework stays as it was written."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="case_notes")
    text = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.assessment} at {self.created_at:%d/%m/%Y %H:%M}"


class EvidenceDocument(models.Model):
    """A document the person sent in support of their assessment (a bank statement, a benefit
    award letter, a receipt for disability-related expenditure). Kept as uploaded, with its
    hash, so what the officer relied on can be shown later; never replaced."""

    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="evidence")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    description = models.CharField(max_length=200)
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["person", "uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "sha256"], name="evidence_uploaded_once"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.file_name})"

"""The service catalogue, providers, care packages, service lines and suspensions; what
billing needs beside them (how a line's charge is collected, top-up agreements, NHS Continuing
Healthcare awards) and the units providers say they delivered."""

from __future__ import annotations

from django.db import models

from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer


class ServiceCategory(models.TextChoices):
    RESIDENTIAL_PERMANENT = "residential_permanent", "Residential care (permanent)"
    RESIDENTIAL_SHORT_STAY = "residential_short_stay", "Residential care (short stay or respite)"
    NURSING = "nursing", "Nursing care"
    HOME_CARE = "home_care", "Home care"
    DAY_CARE = "day_care", "Day care"
    SUPPORTED_LIVING = "supported_living", "Supported living"
    EXTRA_CARE = "extra_care", "Extra care housing"
    SHARED_LIVES = "shared_lives", "Shared lives"
    DIRECT_PAYMENT = "direct_payment", "Direct payment"
    MEALS = "meals", "Meals"
    TRANSPORT = "transport", "Transport"
    TELECARE = "telecare", "Community alarm or telecare"
    REABLEMENT = "reablement", "Reablement"
    EQUIPMENT = "equipment", "Equipment and minor adaptations"


# A care home: the only kind of line a top-up or net payment (the home collects) applies to.
CARE_HOME_CATEGORIES: frozenset[str] = frozenset(
    {
        ServiceCategory.RESIDENTIAL_PERMANENT.value,
        ServiceCategory.RESIDENTIAL_SHORT_STAY.value,
        ServiceCategory.NURSING.value,
    }
)


class ChargingMethod(models.TextChoices):
    MEANS_TESTED = "means_tested", "Means-tested"
    FLAT_RATE = "flat_rate", "Flat rate per unit"
    FREE = "free", "Free"


class FreeReason(models.TextChoices):
    NONE = "", "Not free"
    REABLEMENT = "reablement", "Reablement (first 6 weeks)"
    SECTION_117 = "section_117", "Section 117 aftercare"
    CHC = "chc", "NHS Continuing Healthcare"
    EQUIPMENT = "equipment", "Equipment and minor adaptations"
    CJD = "cjd", "Creutzfeldt-Jakob disease"
    INTERMEDIATE_CARE = "intermediate_care", "Intermediate care"


class Unit(models.TextChoices):
    HOUR = "hour", "Hour"
    DAY = "day", "Day"
    NIGHT = "night", "Night"
    WEEK = "week", "Week"
    SESSION = "session", "Session"
    MEAL = "meal", "Meal"
    TRIP = "trip", "Trip"


class Service(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=30, choices=ServiceCategory.choices)
    charging_method = models.CharField(max_length=20, choices=ChargingMethod.choices)
    free_reason = models.CharField(
        max_length=20, choices=FreeReason.choices, blank=True, default=FreeReason.NONE
    )
    unit = models.CharField(max_length=10, choices=Unit.choices)
    # Flat-rate prices are dated rules in rules/local/<council>/; this names the rule.
    flat_rate_rule = models.CharField(max_length=120, blank=True)
    cost_centre = models.CharField(max_length=20)
    subjective_code = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(charging_method="free", free_reason__gt="")
                    | (~models.Q(charging_method="free") & models.Q(free_reason=""))
                ),
                name="free_services_give_their_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Provider(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    line_1 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    cqc_location_id = models.CharField("CQC location id", max_length=20, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CarePackage(models.Model):
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="packages")
    case_system_id = models.CharField(max_length=40, unique=True)
    section_117 = models.BooleanField("Section 117 aftercare", default=False)
    chc = models.BooleanField("NHS Continuing Healthcare", default=False)
    funded_nursing_care = models.BooleanField("NHS funded nursing care", default=False)

    class Meta:
        ordering = ["person", "case_system_id"]

    def __str__(self) -> str:
        return f"Package {self.case_system_id}"


class Collection(models.TextChoices):
    """Who collects a line's charge; the values are `core.charging.types.Collection`'s."""

    COUNCIL = "council", "The council invoices it"
    PROVIDER = "provider", "The care home collects it (net payment)"
    DIRECT_PAYMENT_NET = "direct_payment_net", "Deducted from the direct payment (net)"
    DIRECT_PAYMENT_GROSS = "direct_payment_gross", "Direct payment paid gross; the council invoices"


class ServiceLine(models.Model):
    package = models.ForeignKey(CarePackage, on_delete=models.PROTECT, related_name="lines")
    case_system_id = models.CharField(max_length=40, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    units_per_week = models.DecimalField(max_digits=7, decimal_places=2)
    unit_cost_pence = models.BigIntegerField()
    # Planned days, e.g. "Mon Wed Fri"; blank means spread over the week.
    days = models.CharField(max_length=27, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    collection = models.CharField(
        max_length=24, choices=Collection.choices, default=Collection.COUNCIL
    )

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_cost_pence__gte=0), name="unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(units_per_week__gt=0), name="units_per_week_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="service_line_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(collection__in=Collection.values),
                name="service_line_collection_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Service line {self.case_system_id}"

    @property
    def weekly_cost_pence(self) -> int:
        from decimal import ROUND_HALF_UP, Decimal

        # Display only; charging rounds by the rules in rules/ when it bills.
        exact = self.units_per_week * Decimal(self.unit_cost_pence)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class SuspensionReason(models.TextChoices):
    HOSPITAL = "hospital", "Hospital stay"
    HOLIDAY = "holiday", "Holiday"
    OTHER = "other", "Other"


class Suspension(models.Model):
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="suspensions")
    case_system_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    reason = models.CharField(max_length=20, choices=SuspensionReason.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="suspension_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.start_date:%d/%m/%Y}"


class ImportStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected: nothing changed"
    DUPLICATE = "duplicate", "Already imported: nothing changed"


class ImportKind(models.TextChoices):
    CARE = "care", "Care data from the case management system"
    ACTUALS = "actuals", "Provider actuals"


class ImportBatch(models.Model):
    """One file received (care data or provider actuals), kept whole with its hash."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices, default=ImportKind.CARE)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=300)
    size_bytes = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    business_date = models.DateField()
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    # [{"line": 4, "column": "date_of_birth", "message": "..."}]
    problems = models.JSONField(default=list, blank=True)
    # {"people_created": 3, "people_updated": 1, ...}
    counts = models.JSONField(default=dict, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=models.Q(status="applied"),
                name="a_file_is_applied_once",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.filename} ({self.get_status_display()})"


class FirstPartyBasis(models.TextChoices):
    """Why a resident may top up their own care home fee (Care and Support Statutory Guidance,
    Annex A): only in these two cases."""

    NONE = "", "Not a first-party top-up"
    PROPERTY_DISREGARD = "property_disregard", "During the 12-week property disregard"
    DEFERRED_PAYMENT = "deferred_payment_agreement", "Under a deferred payment agreement"


class TopUpAgreement(models.Model):
    """A signed agreement that someone pays the difference between the council's rate and a
    dearer care home's fee. Never deleted: an agreement is ended by its end date."""

    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="top_ups")
    # Null for a first-party top-up, paid by the resident.
    payer = models.ForeignKey(
        ThirdPartyPayer, null=True, blank=True, on_delete=models.PROTECT, related_name="top_ups"
    )
    line = models.ForeignKey(ServiceLine, on_delete=models.PROTECT, related_name="top_ups")
    weekly_pence = models.BigIntegerField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    signed_on = models.DateField()
    next_review_date = models.DateField()
    first_party_basis = models.CharField(
        max_length=30, choices=FirstPartyBasis.choices, blank=True, default=FirstPartyBasis.NONE
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["person", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_pence__gt=0), name="top_up_is_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="top_up_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        payer__isnull=True,
                        first_party_basis__in=[
                            FirstPartyBasis.PROPERTY_DISREGARD.value,
                            FirstPartyBasis.DEFERRED_PAYMENT.value,
                        ],
                    )
                    | models.Q(payer__isnull=False, first_party_basis="")
                ),
                name="first_party_top_up_gives_its_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Top-up agreement from {self.start_date:%d/%m/%Y}"


class ChcAward(models.Model):
    """NHS Continuing Healthcare awarded by an integrated care board for a span of days.

    The council stops charging the person from the start date and recharges the board for care
    it funded. A mistaken award is withdrawn (with who, when and why), never deleted.
    """

    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="chc_awards")
    icb = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="chc_awards",
        verbose_name="integrated care board",
        limit_choices_to={"kind": "icb"},
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    decided_on = models.DateField()
    reference = models.CharField(max_length=60)
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["person", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="chc_award_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="chc_withdrawal_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"CHC award {self.reference} from {self.start_date:%d/%m/%Y}"


class ActualStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    HELD = "held", "Held for review"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a later figure before review"


class ProviderActual(models.Model):
    """Units a provider says it delivered of one service line in one charging week.

    Append-only history: a later file restating a week adds a row, and billing reads the newest
    accepted row for each line and week. Only the review fields change, once, when an officer
    accepts or rejects a held figure (or a newer figure replaces it before review).
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="actuals")
    line = models.ForeignKey(ServiceLine, on_delete=models.PROTECT, related_name="actuals")
    week_start = models.DateField()
    units = models.DecimalField(max_digits=7, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=ActualStatus.choices)
    # What was planned for the week and how far the figure is from it, as at the import; shown
    # to officers. The hold decision itself is made on the exact fraction.
    planned_units = models.DecimalField(max_digits=9, decimal_places=2)
    variance_percent = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tolerance_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["line", "week_start", "pk"]
        indexes = [models.Index(fields=["line", "week_start"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(units__gte=0), name="actual_units_not_negative"
            ),
            models.UniqueConstraint(
                fields=["batch", "line", "week_start"], name="one_actual_per_line_week_per_file"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(decision_note=""),
                name="rejected_actual_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Actual {self.units} for week of {self.week_start:%d/%m/%Y}"

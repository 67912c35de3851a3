"""The service catalogue, providers, care packages, service lines and suspensions."""

from __future__ import annotations

from django.db import models

from carecharge.apps.people.models import ServiceUser


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


class ImportBatch(models.Model):
    """One file received from the case management system, kept whole with its hash."""

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
                fields=["sha256"],
                condition=models.Q(status="applied"),
                name="a_file_is_applied_once",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.filename} ({self.get_status_display()})"

"""An annual uprating run and one item per person in it.

A run moves draft → previewed → approved (by a second person) → posted. The preview is stored
item by item (the proposed request, the old and new weekly charge, the engine's result and what
the uprating found), so what the approver saw is exactly what is posted. Amounts are pence.
"""

from __future__ import annotations

from django.db import models

from carecharge.apps.assessments.models import Assessment
from carecharge.apps.documents.models import Document
from carecharge.apps.people.models import ServiceUser


class RunState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PREVIEWED = "previewed", "Previewed"
    APPROVED = "approved", "Approved"
    POSTED = "posted", "Posted"


class RunTask(models.TextChoices):
    """What the background worker is doing to a run, if anything."""

    NONE = "", "Nothing"
    PREVIEW = "preview", "Working out the preview"
    POST = "post", "Posting the new assessments"


class UpratingRun(models.Model):
    from_date = models.DateField()
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.DRAFT)
    # The rules the preview used; posting refuses if they have changed since.
    rules_hash = models.CharField(max_length=64, blank=True)
    # Progress of the preview or the posting under way (people done of people to do).
    task = models.CharField(max_length=10, choices=RunTask.choices, blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # The preview's counts and totals (weekly charges of the people it will change or leave).
    ready_count = models.PositiveIntegerField(default=0)
    no_change_count = models.PositiveIntegerField(default=0)
    manual_review_count = models.PositiveIntegerField(default=0)
    posted_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    old_total_pence = models.BigIntegerField(default=0)
    new_total_pence = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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

    class Meta:
        ordering = ["-from_date", "-pk"]
        constraints = [
            # One run for a date is worked on at a time; a posted run can be followed by another
            # (it picks up only the people the first one did not uprate).
            models.UniqueConstraint(
                fields=["from_date"],
                condition=~models.Q(state="posted"),
                name="one_open_uprating_run_per_date",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | models.Q(state__in=["approved", "posted"]),
                name="approved_runs_only_have_an_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"Uprating run {self.pk} from {self.from_date:%d/%m/%Y}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Not yet worked out"
    READY = "ready", "Ready to post"
    NO_CHANGE = "no_change", "No change"
    MANUAL_REVIEW = "manual_review", "Manual review"
    POSTED = "posted", "Posted"
    RESOLVED = "resolved", "Revised by hand"
    SKIPPED = "skipped", "Skipped"


class UpratingItem(models.Model):
    run = models.ForeignKey(UpratingRun, on_delete=models.PROTECT, related_name="items")
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    old_assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    # The contract request as at the uprating date, and the engine's result for it (frozen).
    proposed_request = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    old_weekly_charge_pence = models.BigIntegerField()
    new_weekly_charge_pence = models.BigIntegerField(null=True, blank=True)
    # What uprating did: the amounts changed (with their rules) and every finding.
    steps = models.JSONField(default=list)
    findings = models.JSONField(default=list)
    # Why an officer must look (manual review), or why the item was skipped or resolved.
    reasons = models.JSONField(default=list)
    new_assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    # The outcome letter for the new assessment, once issued; or why it could not be.
    letter = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    letter_problem = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_item_per_person_per_run"),
            models.CheckConstraint(
                condition=~models.Q(status="posted") | models.Q(new_assessment__isnull=False),
                name="posted_items_have_their_assessment",
            ),
            models.CheckConstraint(
                condition=models.Q(letter__isnull=True) | models.Q(status="posted"),
                name="letters_only_for_posted_items",
            ),
        ]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"Uprating of {self.person} in run {self.run_id}"

    @property
    def difference_pence(self) -> int | None:
        if self.new_weekly_charge_pence is None:
            return None
        return self.new_weekly_charge_pence - self.old_weekly_charge_pence

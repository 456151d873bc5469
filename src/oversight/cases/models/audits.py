"""The recommendation 1 audit of a force's PPDA cases, and dip samples for the governing body."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.ids import random_id_field
from oversight.organisations.models import Organisation

from .core import Case


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class CaseAudit(models.Model):
    """All live cases and those closed in the 12 months before `as_of`, scored against the checklist."""

    id = random_id_field()
    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ppda_audits")
    as_of = models.DateField(help_text="Cases live on, or closed in the 12 months before, this date")
    status = models.CharField(max_length=10, choices=AuditStatus.choices, default=AuditStatus.DRAFT)
    findings = models.TextField(blank=True, help_text="Overall findings")
    improvements = models.JSONField(
        default=dict, blank=True, help_text="For each checklist area, how the force has or will improve"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    handed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="handed_over",
        help_text="The audit whose lead may not see these cases: they are audited here by a lead who may",
    )  # fmt: skip

    class Meta:
        ordering = ["-as_of", "-created_at"]

    def __str__(self) -> str:
        return f"PPDA case audit of {self.force} as of {self.as_of}"


class Score(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "n_a", "Not applicable"


class CaseAuditEntry(models.Model):
    id = random_id_field()
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="audit_entries")
    scores = models.JSONField(default=dict, help_text="Checklist key -> Score")
    notes = models.TextField(blank=True)
    action_needed = models.TextField(blank=True, help_text="Where the case was not handled appropriately")

    class Meta:
        ordering = ["case__reference"]
        constraints = [models.UniqueConstraint(fields=["audit", "case"], name="one_entry_per_case")]

    def __str__(self) -> str:
        return f"{self.case} in {self.audit}"


class DipSample(models.Model):
    """A reproducible random sample of complaint cases for the governing body's reviewers."""

    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reviewing_body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="dip_samples")
    period_start = models.DateField()
    period_end = models.DateField()
    size = models.PositiveIntegerField()
    seed = models.PositiveBigIntegerField(help_text="Drawing again with the same seed gives the same sample")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"Dip sample of {self.size} from {self.force}, {self.period_start} to {self.period_end}"


class DipSampleEntry(models.Model):
    """A sampled case as the reviewers see it: identities masked."""

    id = random_id_field()
    sample = models.ForeignKey(DipSample, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(default=0, help_text="Order drawn (1 = first)")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=20, help_text='The masked name, for example "Case 3"')
    masked_summary = models.TextField()
    reviewer_finding = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label

"""Decisions on a PPDA case, each with its recorded reasons: recording, IOPC referral, conduct
assessment, deployment of the subject, investigation ownership, and reports on long-open cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.organisations.models import Organisation

from .core import Case, Subject


class Decision(models.Model):
    """What every decision carries: who decided, when, and why."""

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    reasons = models.TextField()

    class Meta:
        abstract = True
        ordering = ["-decided_at", "-pk"]


class RecordedAs(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    RECORDABLE_CONDUCT = "recordable_conduct", "Recordable conduct matter"
    CONDUCT = "conduct", "Conduct matter"
    NOT_RECORDED = "not_recorded", "Not recorded"


class RecordingDecision(Decision):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recording_decisions")
    recorded_as = models.CharField(max_length=20, choices=RecordedAs.choices)

    def __str__(self) -> str:
        return f"{self.case} recorded as {self.get_recorded_as_display()}"


class ReferralOutcome(models.TextChoices):
    REFERRED = "referred", "Referred to the IOPC"
    NOT_REFERRED = "not_referred", "Not referred"


class ReferralDecision(Decision):
    """The IOPC mandatory-referral checklist and what was decided; a decision not to refer needs reasons too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referral_decisions")
    criteria_met = models.JSONField(default=list, help_text="Keys of rules.REFERRAL_CRITERIA that apply")
    outcome = models.CharField(max_length=20, choices=ReferralOutcome.choices)
    iopc_reference = models.CharField(max_length=60, blank=True)
    criteria_seen_on = models.DateField(
        null=True, blank=True, help_text="The day it first became clear that the referral criteria were met"
    )

    def __str__(self) -> str:
        return f"{self.case}: {self.get_outcome_display()}"

    @property
    def must_refer(self) -> bool:
        return bool(self.criteria_met)


class ConductOutcome(models.TextChoices):
    NO_CASE = "no_case", "No case to answer"
    PRI = "pri", "Practice requiring improvement"
    MISCONDUCT = "misconduct", "Misconduct"
    GROSS_MISCONDUCT = "gross_misconduct", "Gross misconduct"


class ConductAssessment(Decision):
    """Kept apart from the criminal outcome: a misconduct decision must not wait on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conduct_assessments")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="conduct_assessments")
    outcome = models.CharField(max_length=20, choices=ConductOutcome.choices)
    criminal_outcome_relied_on = models.BooleanField(
        default=False, help_text="The assessment relied on the criminal outcome"
    )

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_outcome_display()}"


class Deployment(models.TextChoices):
    NO_CHANGE = "no_change", "No change"
    RESTRICTED = "restricted", "Restricted duties"
    SUSPENDED = "suspended", "Suspended"


class DeploymentDecision(Decision):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deployment_decisions")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="deployment_decisions")
    deployment = models.CharField(max_length=20, choices=Deployment.choices)
    review_on = models.DateField()
    works_with_vulnerable = models.BooleanField(
        default=False, help_text="The subject's role brings them into contact with vulnerable victims"
    )

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_deployment_display()} (review {self.review_on})"


class Ownership(models.TextChoices):
    IN_FORCE = "in_force", "Investigated in force"
    EXTERNAL = "external", "Investigated by another force"


class OwnershipDecision(Decision):
    """Who owns the investigation, with the rationale recommendation 2 asks to be fully recorded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ownership_decisions")
    ownership = models.CharField(max_length=20, choices=Ownership.choices)
    external_force = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    victim_asked_for_external = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.case}: {self.get_ownership_display()}"


class OpenCaseReport(models.Model):
    """The report to the governing body and the IOPC on an investigation open 12 months, then every 6."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="open_case_reports")
    due_on = models.DateField()
    reported_on = models.DateField()
    reasons_still_open = models.TextField()
    next_steps = models.TextField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-due_on"]

    def __str__(self) -> str:
        return f"{self.case}: report due {self.due_on}"

"""PPDA cases: the case, its parties, its team, and the ways in and out of its lock.

A case is locked: only its team and named roles see it, and the subjects and everyone connected
to them are excluded whatever role they hold (cases/access.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oversight.ids import random_id_field
from oversight.lib.deadlines import add_months
from oversight.organisations.models import Organisation
from oversight.workforce.models import Person

from ..rules import RESTRICTION_REVIEW_MONTHS


class Arrival(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    CONDUCT_MATTER = "conduct_matter", "Conduct matter"
    HOTLINE = "hotline", "Notification hotline"
    THIRD_PARTY = "third_party", "Third-party report"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open: assessment"
    INVESTIGATION = "investigation", "Under investigation"
    DECISION = "decision", "Awaiting decision"
    CLOSED = "closed", "Closed"


class CriminalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    INVESTIGATING = "investigating", "Under investigation"
    NO_FURTHER_ACTION = "nfa", "No further action"
    CHARGED = "charged", "Charged"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    NOT_APPLICABLE = "n_a", "No criminal allegation"


class ConductStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    INVESTIGATING = "investigating", "Under investigation"
    ASSESSED = "assessed", "Assessed"
    PROCEEDINGS = "proceedings", "Misconduct proceedings"
    CONCLUDED = "concluded", "Concluded"


class CaseQuerySet(models.QuerySet["Case"]):
    def live(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)

    def closed_between(self, start: dt.date, end: dt.date) -> CaseQuerySet:
        return self.filter(status=CaseStatus.CLOSED, closed_on__gte=start, closed_on__lte=end)

    def for_force(self, force: Organisation) -> CaseQuerySet:
        return self.filter(force=force)


class Case(models.Model):
    id = random_id_field()
    reference = models.CharField(max_length=40, unique=True)
    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ppda_cases")
    arrival = models.CharField(max_length=20, choices=Arrival.choices)
    received_on = models.DateField()
    summary = models.TextField(help_text="What was reported, in brief")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    criminal_status = models.CharField(
        max_length=20, choices=CriminalStatus.choices, default=CriminalStatus.NOT_STARTED
    )
    conduct_status = models.CharField(max_length=20, choices=ConductStatus.choices, default=ConductStatus.NOT_ASSESSED)
    closed_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-created_at"]

    def __str__(self) -> str:
        return self.reference

    def subject_ids(self) -> list[int]:
        return list(self.subjects.values_list("person_id", flat=True))

    def party_ids(self) -> list[int]:
        """Workforce people on either side: the subjects, and the victim when police staff."""
        ids = self.subject_ids()
        victim = getattr(self, "victim", None)
        if victim is not None and victim.person_id:
            ids.append(victim.person_id)
        return ids

    def clean(self) -> None:
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": "The date received cannot be in the future."})
        if self.closed_on and self.received_on and self.closed_on < self.received_on:
            raise ValidationError({"closed_on": "A case cannot close before it was received."})


class Victim(models.Model):
    """The victim, who may be police staff (then linked to the workforce register)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="victim")
    name = models.CharField(max_length=200)
    is_police_staff = models.BooleanField(default=False)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.person_id and not self.is_police_staff:
            raise ValidationError({"person": "Only a victim who is police staff is linked to the workforce register."})


class Subject(models.Model):
    """A suspect: someone in the workforce register."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="one_subject_row_per_person")]

    def __str__(self) -> str:
        return str(self.person)


class Allegation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allegations")
    description = models.TextField()
    criminal = models.BooleanField(default=True, help_text="An alleged criminal offence")
    conduct = models.BooleanField(default=True, help_text="Alleged behaviour that may justify disciplinary proceedings")
    occurred_from = models.DateField(null=True, blank=True)
    occurred_to = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.description[:60]


class TeamRole(models.TextChoices):
    CASE_HANDLER = "case_handler", "PSD case handler"
    INVESTIGATOR = "investigator", "Investigator"
    DECISION_MAKER = "decision_maker", "Decision maker (appropriate authority)"
    SPOC = "spoc", "Single point of contact for the victim"
    OVERSIGHT = "oversight", "Senior oversight"


# Roles whose holder must be independent of every party (issue 3: investigator, decision maker, SPOC).
INDEPENDENT_ROLES = (TeamRole.INVESTIGATOR, TeamRole.DECISION_MAKER, TeamRole.SPOC)


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def active(self) -> TeamMemberQuerySet:
        return self.filter(removed_at__isnull=True)


class TeamMember(models.Model):
    """Someone on the case team; people from an external force see this case and nothing else."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams")
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    override_rationale = models.TextField(blank=True, help_text="Why a blocked independence check was overridden")
    declaration_signed_at = models.DateTimeField(null=True, blank=True)
    declaration_text = models.TextField(blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["role", "added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "role"], condition=Q(removed_at__isnull=True), name="one_active_role_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} on {self.case}"

    @property
    def is_external(self) -> bool:
        return self.organisation_id != self.case.force_id


class BreakGlassQuerySet(models.QuerySet["BreakGlass"]):
    def active(self, now: dt.datetime | None = None) -> BreakGlassQuerySet:
        return self.filter(expires_at__gt=now or timezone.now(), revoked_at__isnull=True)

    def awaiting_review(self) -> BreakGlassQuerySet:
        return self.filter(reviewed_at__isnull=True)


class BreakGlass(models.Model):
    """Emergency access outside the case team: needs a reason, expires, alerts the PSD lead, is reviewed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_finding = models.TextField(blank=True)
    justified = models.BooleanField(null=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name_plural = "break-glass accesses"

    def __str__(self) -> str:
        return f"Break-glass by {self.user} on {self.case}"


class RestrictionReview(models.Model):
    """The yearly review of whether the case's restriction is still right."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="restriction_reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(default=dt.date.today)
    finding = models.TextField()
    next_due_on = models.DateField()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Restriction review of {self.case} on {self.reviewed_on}"


def restriction_review_due(case: Case) -> dt.date:
    """When the case's restriction must next be reviewed: a year after the last review or receipt."""
    last = case.restriction_reviews.first()
    return last.next_due_on if last else add_months(case.received_on, RESTRICTION_REVIEW_MONTHS)

"""Reads of locked records and alerts about attempts to reach them.

Generic over the record (content type and id) so that any app with locked records can use it;
the record's own app decides who may read these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from oversight.ids import random_id_field
from oversight.organisations.models import Organisation

from .signals import attempt_recorded


class ReadLog(models.Model):
    """One read of a locked record: who, when, what they looked at, and through which route."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    what = models.CharField(max_length=200, help_text='For example "case page", "audit report PDF"')
    route = models.CharField(max_length=10, default="web", help_text="web, api or export")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.user} read {self.what} at {self.at:%Y-%m-%d %H:%M}"


class Refusal(models.Model):
    """A "not found" given to a signed-in person for a locked record's id, whether or not it exists.

    Written for every refusal, so refusing an unknown id costs the same as refusing a real one; an
    attempt by someone excluded from the record raises an Alert instead.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(help_text="The id asked for; there may be no such record")
    what = models.CharField(max_length=200)
    route = models.CharField(max_length=10, default="web")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} refused {self.what} at {self.at:%Y-%m-%d %H:%M}"


class AlertKind(models.TextChoices):
    EXCLUDED_OPENED = "excluded_opened", "An excluded person tried to open the record"
    EXCLUDED_SEARCHED = "excluded_searched", "An excluded person searched for a party to the record"
    BREAK_GLASS = "break_glass", "Break-glass access opened"
    EXCLUSION_LIFTED = "exclusion_lifted", "An exclusion from the record was lifted"
    OVERRIDE = "override", "Independence check overridden"
    # Roles that open cases (or grant roles), under the two-person rule: oversight.grants.
    ROLE_ASKED = "role_asked", "Role asked for"
    ROLE_APPROVED = "role_approved", "Role approved"
    ROLE_REFUSED = "role_refused", "Role refused"
    ROLE_REVOKED = "role_revoked", "Role revoked"
    # An administrator removed someone's lost second factor (oversight.accounts).
    FACTOR_RESET = "factor_reset", "Second factor reset"


class AlertQuerySet(models.QuerySet["Alert"]):
    def unacknowledged(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    """A silent alert to the force's PSD lead: the person who caused it is told nothing."""

    id = random_id_field()  # a lead who may not see some alerts finds no gap where they were
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="alerts")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    detail = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"


# Each writer is atomic so that the row and its trail entry (audit/chain.py) commit together.


@transaction.atomic
def log_read(user: User, record: models.Model, what: str, route: str = "web") -> ReadLog:
    return ReadLog.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        what=what[:200],
        route=route,
    )


@transaction.atomic
def raise_alert(kind: str, organisation: Organisation, record: models.Model, actor: User, detail: str) -> Alert:
    alert = Alert.objects.create(
        kind=kind,
        organisation=organisation,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        actor=actor,
        detail=detail,
    )
    attempt_recorded.send(sender=Alert)
    return alert


@transaction.atomic
def record_refusal(user: User, model: type[models.Model], object_id: int, what: str, route: str = "web") -> Refusal:
    refusal = Refusal.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        object_id=min(max(object_id, 0), 2**63 - 1),  # any id a URL can carry
        what=what[:200],
        route=route,
    )
    attempt_recorded.send(sender=Alert)  # the same listeners as an alert's: the same time taken
    return refusal


class TrailKind(models.TextChoices):
    """What a trail entry stands for: an audit row of one kind, or an erasure."""

    CHANGE = "change", "Change to a record"
    READ = "read", "Read of a locked record"
    REFUSAL = "refusal", "Refusal of a locked record"
    ALERT = "alert", "Alert"
    ALERT_ACKNOWLEDGED = "alert_acknowledged", "Alert acknowledged"
    SIGN_IN = "sign_in", "Sign-in attempt"
    TRANSITION = "transition", "Change of state"
    ERASURE = "erasure", "Record deleted"


class TrailEntry(models.Model):
    """One link of the tamper-evident chain (audit/chain.py): written, never changed.

    `content_hash` is the SHA-256 of the source row's canonical content (or, for an erasure, of
    the erasure statement); `hash` is SHA-256 of `prev_hash` and this entry's canonical payload.
    `source_id` is a plain number, not a foreign key, so nothing cascades into the trail.
    """

    seq = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=30, choices=TrailKind.choices)
    source = models.CharField(max_length=100, help_text="The source row's model, app_label.model_name")
    source_id = models.BigIntegerField()
    content_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    detail = models.TextField(blank=True, help_text="For an erasure: who deleted what, and why; never its content")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["source", "source_id"])]
        verbose_name_plural = "trail entries"

    def __str__(self) -> str:
        return f"trail entry {self.seq} ({self.source} {self.source_id})"


class VerificationOutcome(models.TextChoices):
    WHOLE = "whole", "Whole"
    BROKEN = "broken", "Broken"


class Verification(models.Model):
    """One run of `oversight audit verify` (or the administrators' page): when, and what it found."""

    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=VerificationOutcome.choices)
    entries = models.BigIntegerField(help_text="Trail entries walked")
    head_seq = models.BigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)
    first_broken = models.TextField(blank=True, help_text="The first broken row and why")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"verification at {self.at:%Y-%m-%d %H:%M}: {self.get_outcome_display()}"

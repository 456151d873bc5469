"""Notifications, how each person wants each kind, and the emails that tell them.

A notification points at its target generically (content type and id) and stores only a neutral
title: what the target is called is read from the target when a person who may see it lists it.
Ids are random, so an address or a gap says nothing about how many notifications exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from oversight.audit.models import Alert
from oversight.ids import random_id_field


class NotificationKind(models.TextChoices):
    """What a person is told about. The label is the neutral title shown on the page."""

    # The register's sign-off and extensions (recommendations/services.py)
    RETURNED = "returned", "An item was returned to you with reasons"
    SUBMITTED = "submitted", "An item was submitted for you to check"
    WITH_HMICFRS = "with_hmicfrs", "An item was passed to HMICFRS for sign-off"
    SIGNED_OFF = "signed_off", "An item was signed off"
    EXTENSION_ASKED = "extension_asked", "An extension was asked for"
    EXTENSION_DECIDED = "extension_decided", "Your extension request was decided"
    # The register's dates (sweep.py)
    REVIEW_DUE = "review_due", "A quarterly review is coming up"
    REVIEW_OVERDUE = "review_overdue", "A quarterly review is overdue"
    DUE_SOON = "due_soon", "An item's due date is coming up"
    OVERDUE = "overdue", "An item is past its due date"
    RESPONSE_DUE = "response_due", "A 56-day response is due soon"
    # Cases (cases/safeguards.py, sweep.py, the silent alerts)
    CASE_REPORT_DUE = "case_report_due", "A report on an open investigation is due"
    VICTIM_CONTACT_OVERDUE = "victim_contact_overdue", "Contact with a victim is overdue"
    BREAK_GLASS_REVIEW = "break_glass_review", "Break-glass access to review"
    RESTRICTION_REVIEW = "restriction_review", "A restriction review is due"
    ALERT = "alert", "A silent alert needs your attention"


# Kinds about cases: their emails all say the same words, so an email never tells which.
CASE_KINDS = frozenset(
    {
        NotificationKind.CASE_REPORT_DUE,
        NotificationKind.VICTIM_CONTACT_OVERDUE,
        NotificationKind.BREAK_GLASS_REVIEW,
        NotificationKind.RESTRICTION_REVIEW,
        NotificationKind.ALERT,
    }
)


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", "Email me at once"
    DIGEST = "digest", "One email a day with everything new"
    PRODUCT = "product", "No email: only in Oversight"


# Unless a person chooses otherwise, each kind is emailed at once: these are things people wait on.
DEFAULT_CHANNEL = Channel.IMMEDIATE


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"
    CANCELLED = "cancelled", "Not sent: nothing in it may be seen now"


class Email(models.Model):
    """One email to one person: a single notification's, or a day's digest. The text is neutral by
    construction (delivery.py); it is tried again with backoff until sent or given up."""

    id = random_id_field()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, help_text="One email per key: a notification's id or a digest's day")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_email_per_recipient_key")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person is told about. Unique per (recipient, key): the same event or the same
    due date raised twice (two workers, a re-run) is one notification."""

    id = random_id_field()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200, help_text="Neutral words: never a name, reference or allegation")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    case_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The case it is about, if any: a refused try at it is a try at the case"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    email = models.ForeignKey(Email, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_recipient_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a person wants one kind of notification; without a row, the kind's default (services.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.channel}"


class AlertNotice(models.Model):
    """That an alert's PSD leads have been notified: the alerts worker takes each alert once."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="notice")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Alert {self.alert_id} notified"

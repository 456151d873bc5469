"""The victim's voice on a PPDA case.

Append-only where the history matters: communication preferences, DASH risk levels and Victims'
Code statuses are never overwritten (a new row per change, with who and when; the latest is
current). Requests to change the officer in the case, support referrals and MARAC referrals are
records whose outcome is filled in later, each change kept by the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.cases.models import Case, Victim

from .rules import right_title


class Recorded(models.Model):
    """Who recorded a row, and when: every record of the victim's voice keeps both."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    IDVA = "idva", "Through an IDVA"


class Weekday(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


class ContactPreferences(Recorded):
    """One version of how the victim wants to be contacted; the highest number is current."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="contact_preferences")
    number = models.PositiveIntegerField(help_text="1 for the first set, then one more per change")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    safe_times = models.TextField(blank=True, help_text='For example "after 7pm, never at weekends"')
    safe_days = models.JSONField(default=list, blank=True, help_text="Weekday codes on which contact is safe")
    safe_address = models.TextField(blank=True)
    safe_phone = models.CharField(max_length=40, blank=True)
    safe_email = models.EmailField(blank=True)
    voicemail_ok = models.BooleanField(default=False)
    messages_ok = models.BooleanField(default=False, help_text="Texts or written messages may be left")
    idva_name = models.CharField(max_length=200, blank=True)
    idva_service = models.CharField(max_length=200, blank=True)
    language_needs = models.TextField(blank=True)
    accessibility_needs = models.TextField(blank=True)
    contact_interval_days = models.PositiveSmallIntegerField(help_text="Agreed maximum days between contacts")
    note = models.TextField(blank=True, help_text="Why the preferences changed")

    class Meta:
        ordering = ["-number"]
        verbose_name_plural = "contact preferences"
        constraints = [models.UniqueConstraint(fields=["victim", "number"], name="victim_preferences_number_unique")]

    def __str__(self) -> str:
        return f"Contact preferences {self.number} for {self.victim}"

    def safe_day_labels(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [str(labels[day]) for day in Weekday.values if day in self.safe_days]


class ContactEntry(models.Model):
    """One contact with the victim, and whether it kept to the preferences in force."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victim_contacts")
    contacted_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    summary = models.TextField()
    preferences = models.ForeignKey(
        ContactPreferences,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The preferences in force when the entry was recorded",
    )
    preferences_followed = models.BooleanField()
    not_followed_reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name_plural = "contact entries"

    def __str__(self) -> str:
        return f"Contact with the victim on {self.contacted_on}"

    @property
    def unchosen_channel(self) -> bool:
        """The channel used is not the one the victim chose."""
        return self.preferences is not None and self.channel != self.preferences.channel


class OicOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class OicChangeRequest(Recorded):
    """The victim asks for a different officer in the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="oic_change_requests")
    requested_on = models.DateField()
    victim_reason = models.TextField(blank=True, help_text="The reason the victim gave, if any")
    outcome = models.CharField(max_length=10, choices=OicOutcome.choices, default=OicOutcome.PENDING)
    outcome_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-pk"]

    def __str__(self) -> str:
        return f"Request to change the officer in the case {self.case} on {self.requested_on}"


class SupportKind(models.TextChoices):
    IDVA = "idva", "IDVA (independent domestic violence adviser)"
    ISVA = "isva", "ISVA (independent sexual violence adviser)"
    SPECIALIST_DA = "specialist_da", "Specialist domestic abuse service"
    COUNSELLING = "counselling", "Counselling"
    STAFF_ASSOCIATION = "staff_association", "Staff association"
    OTHER = "other", "Other"


class ReferralStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a reply"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SupportReferral(Recorded):
    """A referral to a support service, in the force's area or out of it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_referrals")
    service_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SupportKind.choices)
    out_of_area = models.BooleanField(default=False, help_text="The service is outside the force's area")
    referred_on = models.DateField()
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"Referral to {self.service_name}"


class MaracReferral(Recorded):
    """A referral to a MARAC; closed panel limits who attends when the suspect is police."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="marac_referrals")
    referred_on = models.DateField()
    closed_panel = models.BooleanField()
    open_panel_reason = models.TextField(blank=True, help_text="Why an open panel, when the suspect is police")
    meeting_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = "MARAC referral"

    def __str__(self) -> str:
        return f"MARAC referral on {self.referred_on}"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class DashAssessment(Recorded):
    """A DASH risk level and its date; the latest is current."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dash_assessments")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    assessed_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = "DASH assessment"

    def __str__(self) -> str:
        return f"DASH {self.get_level_display()} on {self.assessed_on}"


class RightStatus(models.TextChoices):
    MET = "met", "Met"
    NOT_YET = "not_yet", "Not yet met"
    NOT_APPLICABLE = "n_a", "Not applicable"


class CodeRightStatus(Recorded):
    """One right's status on a case with its evidence; a new row per change, the latest is current."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victims_code_statuses")
    right = models.PositiveSmallIntegerField(help_text="The right's number in the Victims' Code, 1 to 12")
    status = models.CharField(max_length=10, choices=RightStatus.choices)
    evidence = models.TextField(blank=True)
    status_on = models.DateField(default=dt.date.today)

    class Meta:
        ordering = ["right", "-recorded_at", "-pk"]
        verbose_name = "Victims' Code right status"
        verbose_name_plural = "Victims' Code right statuses"
        indexes = [models.Index(fields=["case", "right", "recorded_at"], name="code_status_case_right")]

    def __str__(self) -> str:
        return f"Right {self.right} on {self.case}: {self.get_status_display()}"

    @property
    def title(self) -> str:
        return right_title(self.right)

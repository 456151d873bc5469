"""A guarded role asked for, decided and perhaps revoked: the request and its trail in one row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.organisations.models import Membership, Organisation, Role
from oversight.workforce.models import Person


class GrantState(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    REVOKED = "revoked", "Revoked"


class GrantQuerySet(models.QuerySet["Grant"]):
    def pending(self) -> GrantQuerySet:
        return self.filter(state=GrantState.PENDING)


class Grant(models.Model):
    """One person asks for `user` to hold `role` in `organisation`; a second decides.

    Approval writes the membership (and links the login to `person` if it was not linked yet);
    revocation deletes the membership and keeps this row. `granted_by` is blank only on a
    revocation of a role held before grants were kept.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The workforce register entry the login is, or on approval becomes, linked to",
    )
    state = models.CharField(max_length=10, choices=GrantState.choices, default=GrantState.PENDING)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(help_text="Why the person needs the role")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="grant"
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(state=GrantState.PENDING),
                name="grant_one_pending_per_role",
            ),
            models.CheckConstraint(condition=~Q(granted_by=F("user")), name="grant_not_asked_by_grantee"),
            models.CheckConstraint(condition=~Q(decided_by=F("user")), name="grant_not_decided_by_grantee"),
            models.CheckConstraint(condition=~Q(decided_by=F("granted_by")), name="grant_not_decided_by_grantor"),
        ]
        indexes = [models.Index(fields=["state", "organisation"], name="grant_state_organisation")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.organisation} for {self.user}: {self.get_state_display()}"

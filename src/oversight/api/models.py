"""API tokens: a person's bearer credential for the JSON API. Only the hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from oversight.accounts.rules import TOKEN_DEFAULT_LIFETIME, TOKEN_MAX_LIFETIME

TOKEN_PREFIX = "ovs_"  # noqa: S105 (a prefix that makes leaked tokens recognisable, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def held_by(self, user: User) -> ApiTokenQuerySet:
        """A person's own tokens: the only ones they may see or revoke."""
        return self.filter(user=user)

    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(
        default=False, help_text="A read-only token may read (GET) but never change anything"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(
        cls, user: object, name: str, expires_at: dt.datetime | None = None, *, read_only: bool = False
    ) -> tuple[ApiToken, str]:
        """A new token; the raw value is returned once and never stored (only its SHA-256: a token
        carries 256 random bits, so no slower hash is needed). Every token expires: by default after
        TOKEN_DEFAULT_LIFETIME, and never later than TOKEN_MAX_LIFETIME (accounts/rules.py)."""
        expires_at = expires_at or timezone.now() + TOKEN_DEFAULT_LIFETIME
        if expires_at > timezone.now() + TOKEN_MAX_LIFETIME:
            raise ValidationError({"expires_at": f"A token may last at most {TOKEN_MAX_LIFETIME.days} days"})
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=hash_token(raw), expires_at=expires_at, read_only=read_only
        )
        return token, raw

    def revoke(self) -> None:
        """Stop the token working at once; revoking twice keeps the first date."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

"""Failed login attempts, kept to lock an account out after repeated failures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class LoginAttemptQuerySet(models.QuerySet["LoginAttempt"]):
    def recent_failures(self, username: str) -> LoginAttemptQuerySet:
        since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        return self.filter(username__iexact=username, succeeded=False, attempted_at__gte=since)


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    succeeded = models.BooleanField()
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} at {self.attempted_at:%Y-%m-%d %H:%M}"


def is_locked_out(username: str) -> bool:
    return LoginAttempt.objects.recent_failures(username).count() >= settings.LOGIN_FAILURE_LIMIT


def record_attempt(username: str, succeeded: bool, ip_address: str | None) -> None:
    LoginAttempt.objects.create(username=username[:150], succeeded=succeeded, ip_address=ip_address)
    if succeeded:
        LoginAttempt.objects.recent_failures(username).delete()

"""Sign-in attempts (lock-out per account, limits per address), recovery codes as a second factor,
factor resets, and the fixed-window counters behind the API's rate limits.

Attempts are never deleted to reset a count (they are audit rows, audit/chain.py): a success ends
the run of failures that counts, for its own step.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin

from . import rules


class Stage(models.TextChoices):
    """Which step of signing in an attempt was: each step is locked out on its own failures."""

    PASSWORD = "password", "Password"
    SECOND_FACTOR = "second_factor", "Second factor"


class LoginAttemptQuerySet(models.QuerySet["LoginAttempt"]):
    def recent_failures(self, username: str, stage: str = Stage.PASSWORD) -> LoginAttemptQuerySet:
        since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        attempts = self.filter(username__iexact=username, attempted_at__gte=since, stage=stage)
        last_success = attempts.filter(succeeded=True).order_by("-pk").values_list("pk", flat=True).first()
        return attempts.filter(succeeded=False, pk__gt=last_success or 0)

    def recent_failures_from(self, ip_address: str) -> LoginAttemptQuerySet:
        """Failures of any account from one address: what the per-address limit counts."""
        since = timezone.now() - rules.SIGN_IN_ADDRESS_WINDOW
        return self.filter(ip_address=ip_address, succeeded=False, attempted_at__gte=since)


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    succeeded = models.BooleanField()
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PASSWORD)

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} at {self.attempted_at:%Y-%m-%d %H:%M}"


def is_locked_out(username: str, stage: str = Stage.PASSWORD) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT if stage == Stage.PASSWORD else settings.SECOND_FACTOR_FAILURE_LIMIT
    return LoginAttempt.objects.recent_failures(username, stage).count() >= limit


def address_retry_after(ip_address: str | None) -> int | None:
    """Seconds until the address may try again, or None when it is under its limit of failures."""
    if not ip_address:
        return None
    failures = LoginAttempt.objects.recent_failures_from(ip_address)
    if failures.count() < settings.SIGN_IN_FAILURES_PER_ADDRESS:
        return None
    oldest = failures.order_by("attempted_at").values_list("attempted_at", flat=True).first()
    assert oldest is not None
    return max(1, int((oldest + rules.SIGN_IN_ADDRESS_WINDOW - timezone.now()).total_seconds()) + 1)


def record_attempt(username: str, succeeded: bool, ip_address: str | None, stage: str = Stage.PASSWORD) -> None:
    """A success ends its own step's run of failures (a password does not end a run of wrong codes);
    nothing is deleted."""
    with transaction.atomic():  # the attempt and its audit trail entry together
        LoginAttempt.objects.create(username=username[:150], succeeded=succeeded, ip_address=ip_address, stage=stage)


def hash_recovery_code(code: str) -> str:
    """Codes carry 80 random bits, so one SHA-256 is enough; spaces, dashes and case do not matter."""
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """A person's set of one-time recovery codes, as a django-otp device so that a code verifies a
    session like any other factor. Only the codes' hashes are stored (django-otp's static tokens
    are kept in plain text, so they are not used)."""

    def verify_token(self, token: str) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        with transaction.atomic():
            code = self.codes.select_for_update().filter(code_hash=hash_recovery_code(token), used_at=None).first()
            if code is None:
                self.throttle_increment()
                return False
            code.used_at = timezone.now()
            code.save(update_fields=["used_at"])
        self.throttle_reset()
        return True

    def unused(self) -> int:
        return self.codes.filter(used_at=None).count()

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"Recovery code of {self.device.user} ({'used' if self.used_at else 'unused'})"


class Passkey(Device):
    """A passkey or security key (WebAuthn), an option beside the authenticator app. It verifies a
    session through the WebAuthn ceremony (accounts/passkeys.py), never through a typed token; the
    public key is stored, the private key never leaves the authenticator."""

    # Device comes untyped from django-otp, so the fields are annotated here.
    credential_id: models.CharField[str, str] = models.CharField(max_length=1400, unique=True)  # base64url
    public_key: models.TextField[str, str] = models.TextField()  # base64url COSE key
    sign_count: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(default=0)
    created_at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(default=timezone.now)
    last_used_at: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        null=True, blank=True
    )

    def verify_token(self, token: str) -> bool:
        return False


class FactorReset(models.Model):
    """An administrator removed someone's second factors (a lost phone or key): who, whose, when, why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="factor_resets")
    reset_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    devices_removed = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            # Nobody resets their own factor, held by the database too.
            models.CheckConstraint(condition=~models.Q(reset_by=F("user")), name="factor_reset_not_by_holder"),
        ]

    def __str__(self) -> str:
        return f"Second factor of {self.user} reset by {self.reset_by} at {self.at:%Y-%m-%d %H:%M}"


class RateWindow(models.Model):
    """A fixed-window counter shared by every web process (the database, not process memory)."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="unique_rate_window")]
        indexes = [models.Index(fields=["window_start"], name="rate_window_start")]

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} from {self.window_start:%H:%M}"


def _window_start(window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    return dt.datetime.fromtimestamp(int(timezone.now().timestamp()) // seconds * seconds, tz=dt.UTC)


def _wait(start: dt.datetime, window: dt.timedelta) -> int:
    return max(1, int((start + window - timezone.now()).total_seconds()) + 1)


def over_limit(key: str, window: dt.timedelta, limit: int) -> int | None:
    """Seconds to wait if `key` has already used up `limit` in the current window, else None (counts nothing)."""
    start = _window_start(window)
    hits = RateWindow.objects.filter(key=key, window_start=start).values_list("hits", flat=True).first() or 0
    return _wait(start, window) if hits >= limit else None


def hit(key: str, window: dt.timedelta, limit: int) -> int | None:
    """Count one use of `key` in the current window; seconds to wait if that went over `limit`, else None."""
    start = _window_start(window)
    if not RateWindow.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1):
        try:
            with transaction.atomic():
                RateWindow.objects.create(key=key, window_start=start, hits=1)
        except IntegrityError:  # another process opened the window first
            RateWindow.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1)
        RateWindow.objects.filter(window_start__lt=start - dt.timedelta(days=1)).delete()
    hits = RateWindow.objects.filter(key=key, window_start=start).values_list("hits", flat=True).first() or 0
    return _wait(start, window) if hits > limit else None

"""The second factor: who needs one, enrolling an authenticator app, recovery codes, verifying a
session, asking again before sensitive actions, and an administrator's reset of a lost factor."""

from __future__ import annotations

import datetime as dt
import secrets
from base64 import b32encode

import segno
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.organisations.access import memberships_of
from oversight.organisations.models import CASE_ROLES, Role

from . import rules
from .models import FactorReset, Passkey, RecoveryCode, RecoveryCodes, hash_recovery_code

AnyUser = AbstractBaseUser | AnonymousUser

# Who must use a second factor: everyone who can see a PPDA case (the roles that open cases), who
# takes a sign-off step on evidence (the liaison officer passes it, the HMICFRS lead signs it off),
# or who administers (an administrator's role, staff or superuser).
SECOND_FACTOR_ROLES = frozenset({*CASE_ROLES, Role.HMICFRS_LEAD, Role.LIAISON_OFFICER, Role.ADMINISTRATOR})

# Every kind of factor a person may hold (a reset removes them all).
FACTOR_MODELS: list[type[Device]] = [TOTPDevice, RecoveryCodes, Passkey]

VERIFIED_AT_SESSION_KEY = "oversight_factor_verified_at"
ISSUER = "Oversight"


def needs_second_factor(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return any(m.role in SECOND_FACTOR_ROLES for m in memberships_of(user))


def devices_of(user: AnyUser) -> list[Device]:
    """The person's confirmed factors: authenticator apps, recovery codes, passkeys."""
    return [device for model in FACTOR_MODELS for device in model.objects.filter(user_id=user.pk, confirmed=True)]


def has_factor(user: AnyUser) -> bool:
    """An authenticator app or a passkey (recovery codes alone are a fallback, not a factor to keep)."""
    return any(model.objects.filter(user_id=user.pk, confirmed=True).exists() for model in (TOTPDevice, Passkey))


# Enrolling an authenticator app -----------------------------------------------------------------


def start_totp(user: User) -> TOTPDevice:
    """An unconfirmed authenticator device (one at a time): it counts once a code from it is entered."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_totp(user: AnyUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, as authenticator apps ask for it when typed."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code: drawn here, no image sent anywhere else."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=4, title="QR code for your authenticator app"))


def confirm_totp(request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the pending device with a code from it; the session is verified and the ten recovery
    codes (returned once, stored hashed) replace any earlier ones."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            raise ValidationError("Start again: scan the new QR code", code="no_device")
        if not device.verify_token(_digits(code)):
            raise ValidationError("The code is not right. Enter the 6-digit code your app shows now", code="wrong")
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = issue_recovery_codes(user)
    mark_verified(request, device)
    return codes


def issue_recovery_codes(user: User) -> list[str]:
    """Ten new codes; the old set stops working. The codes are returned once and never stored."""
    with transaction.atomic():
        RecoveryCodes.objects.filter(user=user).delete()
        device = RecoveryCodes.objects.create(user=user, name="Recovery codes", confirmed=True)
        codes = [_new_code() for _ in range(rules.RECOVERY_CODE_COUNT)]
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=hash_recovery_code(c)) for c in codes)
    return codes


def _new_code() -> str:
    raw = b32encode(secrets.token_bytes(rules.RECOVERY_CODE_BYTES)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _digits(code: str) -> str:
    return "".join(code.split())


# Verifying a session ------------------------------------------------------------------------------


def verify(request: HttpRequest, user: User, code: str) -> Device | None:
    """The device that accepts the code (a TOTP code is used once; a recovery code is spent), or None."""
    code = _digits(code)
    if not code or len(code) > 64:
        return None
    for device in devices_of(user):
        if isinstance(device, TOTPDevice) != code.isdigit():
            continue  # six digits go to the app, anything else to the recovery codes
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                mark_verified(request, locked)
                return locked
    return None


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session is verified by `device` now: django-otp's session key, and when (for re-asking).
    The session gets a new key, as at the password: a key seen before the factor is worth nothing after."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = timezone.now().isoformat()


def verified_at(request: HttpRequest) -> dt.datetime | None:
    raw = request.session.get(VERIFIED_AT_SESSION_KEY)
    if not raw or DEVICE_ID_SESSION_KEY not in request.session:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None


def is_fresh(request: HttpRequest) -> bool:
    """Whether the second factor was entered within REVERIFY_AFTER (ASVS 4.0.3 V3.7.1)."""
    at = verified_at(request)
    return at is not None and timezone.now() - at <= rules.REVERIFY_AFTER


# An administrator's reset -------------------------------------------------------------------------


def is_factor_administrator(user: AnyUser) -> bool:
    """Staff, a superuser, or someone holding an administrator's role (approved under the two-person rule)."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return any(m.role == Role.ADMINISTRATOR for m in memberships_of(user))


def can_reset_factor(by: AnyUser, user: User) -> bool:
    """An administrator resets someone else's factor, never their own: a stolen administrator's
    password must not be able to remove the second factor that guards it."""
    return is_factor_administrator(by) and by.pk != user.pk


def reset_factors(user: User, by: User, reason: str) -> FactorReset:
    """Remove every factor the person has (they enrol again at their next sign-in), recorded with the
    reason and alerted to the PSD leads of each organisation the person belongs to."""
    from oversight.audit.models import AlertKind, raise_alert

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the second factor is being reset"})
    if not can_reset_factor(by, user):
        raise PermissionDenied("You cannot reset this person's second factor.")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        removed = _remove_devices(user)
        reset = FactorReset.objects.create(user=user, reset_by=by, reason=reason, devices_removed=removed)
        detail = f"{by} reset the second factor of {user}: {reason}"
        # The PSD leads of the person's organisations and of the administrator's are told.
        for organisation in {m.organisation for m in [*memberships_of(user), *memberships_of(by)]}:
            raise_alert(AlertKind.FACTOR_RESET, organisation, reset, by, detail)
    return reset


def _remove_devices(user: User) -> int:
    removed = 0
    for model in FACTOR_MODELS:
        found = model.objects.filter(user=user)
        removed += found.count()
        found.delete()
    return removed

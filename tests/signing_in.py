"""Signing a test client in with its second factor, for tests/conftest.py and the bench/ scripts."""

from __future__ import annotations

from typing import Any

from django.test.client import ClientMixin
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.factors import VERIFIED_AT_SESSION_KEY


def verify_test_client(client: ClientMixin, user: Any) -> None:
    """Give `user` a confirmed authenticator device (once) and leave the client's session as the
    factor's page leaves it after a right code (`accounts.factors.mark_verified`): the device and when."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test suite's authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT_SESSION_KEY] = timezone.now().isoformat()
    session.save()

"""`oversight second_factor_code <username>`: the code a demo person's authenticator app would show
now, so that a first-time visitor can try the demo without a phone. Refused in production."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Local demo only: print the current authenticator code of a person's newest app (set up or being set up)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("This would be a way round the second factor: it never runs in production.")
        device = TOTPDevice.objects.filter(user__username=username).order_by("confirmed", "-pk").first()
        if device is None:
            raise CommandError(f"'{username}' has no authenticator app: sign in as them to set one up first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")

"""`oversight issue_api_token <username> <name>`: issue an API token and print it once."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oversight.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a person. The token is printed once and never stored."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="The person who will hold the token")
        parser.add_argument("name", help="What the token is for, for example 'Power BI register report'")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Days until the token expires (default: never)"
        )

    def handle(self, *args: Any, username: str, name: str, expires_days: int | None, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user called '{username}'.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        token, raw = ApiToken.issue(user, name, expires_at)
        self.stdout.write(raw)
        until = f"until {token.expires_at:%-d %B %Y}" if token.expires_at else "until revoked"
        self.stderr.write(f"Token '{name}' for {username}, valid {until}. Store it now: it cannot be shown again.")

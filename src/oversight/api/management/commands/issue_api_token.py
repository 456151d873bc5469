"""`oversight issue_api_token <username> <name>`: issue an API token and print it once."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oversight.accounts.rules import TOKEN_DEFAULT_LIFETIME, TOKEN_MAX_LIFETIME
from oversight.api.models import ApiToken

MAX_DAYS = TOKEN_MAX_LIFETIME.days


class Command(BaseCommand):
    help = "Issue an API token for a person. The token is printed once and never stored."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="The person who will hold the token")
        parser.add_argument("name", help="What the token is for, for example 'Power BI register report'")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=TOKEN_DEFAULT_LIFETIME.days,
            help=f"Days until the token expires (default {TOKEN_DEFAULT_LIFETIME.days}, at most {MAX_DAYS})",
        )
        parser.add_argument("--read-only", action="store_true", help="The token may read but never change anything")

    def handle(self, *args: Any, username: str, name: str, expires_days: int, read_only: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user called '{username}'.")
        if not 1 <= expires_days <= MAX_DAYS:
            raise CommandError(f"--expires-days must be between 1 and {MAX_DAYS}.")
        token, raw = ApiToken.issue(user, name, timezone.now() + dt.timedelta(days=expires_days), read_only=read_only)
        self.stdout.write(raw)
        kind = "read-only" if token.read_only else "read and write"
        self.stderr.write(
            f"Token '{name}' for {username} ({kind}), valid until {token.expires_at:%-d %B %Y}. "
            "Store it now: it cannot be shown again."
        )

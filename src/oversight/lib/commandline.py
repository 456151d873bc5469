"""What the management commands share."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def day_option(value: str, option: str = "--today") -> dt.date:
    """A date given on the command line (YYYY-MM-DD); anything else stops the command with status 2."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option} must be a date written YYYY-MM-DD, not {value!r}", returncode=2) from error

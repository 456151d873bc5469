"""Background jobs of national returns, run by `oversight worker` (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from .reminders import send_reminders


@task()
def send_return_reminders(today: str) -> int:
    """Today's reminders for returns not yet submitted (`today` as YYYY-MM-DD); the number sent."""
    return send_reminders(dt.date.fromisoformat(today))

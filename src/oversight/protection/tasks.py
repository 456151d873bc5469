"""Background jobs of protective measures, run by `oversight worker` (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from .reminders import send_reminders


@task()
def send_worklist_reminders(now: str) -> int:
    """Email each recorder how many worklist items need them (`now` in ISO 8601); the number sent."""
    return send_reminders(dt.datetime.fromisoformat(now))

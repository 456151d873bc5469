"""Background jobs of notifications, run by `oversight db_worker` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from .alerts import notify_new_alerts
from .delivery import deliver


@task()
def send_email(email_id: int) -> str:
    """Send one email (or find it sent, not yet due, or taken by another worker); its status."""
    status = deliver(email_id)
    return str(status or "not due")


@task()
def notify_alerts() -> int:
    """Tell the PSD leads about alerts not yet told about; the number of notifications written."""
    return notify_new_alerts()

"""The silent alerts (audit.models.raise_alert), to the force's PSD leads at once.

An excluded person's attempt on a case raises an alert where anyone else's raises a refusal, in
the same time (cases/services.note_refused_attempt). Working out who to tell in that request would
make the alert path slower, so both paths queue the same job (`queue_alert_notices`, on the audit
signal sent by both), and the worker tells each PSD lead who may see the alert, once per alert.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from oversight.audit.models import Alert, AlertKind
from oversight.organisations.access import members_of
from oversight.organisations.models import Role

from .models import AlertNotice, NotificationKind
from .services import notify

# Break-glass access is told as something to review (cases/safeguards.break_glass), not twice.
TOLD_ELSEWHERE = frozenset({AlertKind.BREAK_GLASS})
BATCH = 500


def queue_alert_notices(**_: Any) -> None:
    """Queue the alerts job once the caller's transaction commits; the same work for a refusal."""
    from .tasks import notify_alerts

    transaction.on_commit(lambda: notify_alerts.enqueue())


def notify_new_alerts() -> int:
    """Notify each force's PSD leads of every alert not yet taken; the number of notifications."""
    told = 0
    waiting = Alert.objects.filter(notice__isnull=True).select_related("organisation").order_by("at")
    for alert in list(waiting[:BATCH]):
        told += _tell_leads(alert)
    return told


def _tell_leads(alert: Alert) -> int:
    with transaction.atomic():
        _, taken = AlertNotice.objects.get_or_create(alert=alert)
        if not taken or alert.kind in TOLD_ELSEWHERE:
            return 0
        leads = members_of(alert.organisation, Role.PSD_LEAD).exclude(pk=alert.actor_id)
        return sum(notify(lead, NotificationKind.ALERT, alert, key=f"alert:{alert.pk}") for lead in leads)

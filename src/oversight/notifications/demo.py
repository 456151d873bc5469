"""The notifications demo: what the demo's people are told on the day the demo is loaded.

The register's demo builds years of history through its services, which told people at each step;
those are marked read (their emails, when the worker comes to them, are cancelled as read), except
what someone still waits on: items returned to them and extensions to decide. Then the day's sweep
of due dates and the alerts job run, so the liaison officer, the owners and the PSD lead each find a
few unread notifications and a count in the header.
"""

from __future__ import annotations

from django.utils import timezone

from oversight.organisations.demo import Login

from . import sweep
from .models import Notification, NotificationKind

# The sweep's kinds: the register's demo already wrote notifications of its own steps.
SWEPT = [
    NotificationKind.DUE_SOON,
    NotificationKind.OVERDUE,
    NotificationKind.REVIEW_DUE,
    NotificationKind.REVIEW_OVERDUE,
]


def is_loaded() -> bool:
    return Notification.objects.filter(kind__in=SWEPT).exists()


STILL_WAITING = [NotificationKind.RETURNED, NotificationKind.EXTENSION_ASKED]


def load() -> None:
    Notification.objects.unread().exclude(kind__in=STILL_WAITING).update(read_at=timezone.now())
    sweep.run(timezone.localdate())


def logins() -> list[Login]:
    return []

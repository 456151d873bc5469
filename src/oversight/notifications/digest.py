"""The daily digest: one email per person with what arrived for them on digest kinds.

`send(day)` gathers every digest notification not yet emailed, created by the end of `day`, unread
and still visible to its recipient, into one email per person (unique per person and day, so a
second run sends nothing twice) and queues it. The lead's job scheduler calls it once a day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from .access import visible_notifications
from .delivery import digest_email
from .models import Channel, Notification


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def send(day: dt.date) -> int:
    """Queue the day's digests; the number of emails queued."""
    waiting = Notification.objects.unread().filter(
        channel=Channel.DIGEST, email__isnull=True, created_at__lt=_end_of(day)
    )
    by_person: dict[int, list[int]] = defaultdict(list)
    for recipient_id, pk in waiting.values_list("recipient_id", "pk"):
        by_person[recipient_id].append(pk)
    return sum(_send_to(recipient_id, ids, day) for recipient_id, ids in by_person.items())


def _send_to(recipient_id: int, ids: list[int], day: dt.date) -> bool:
    from .tasks import send_email

    person = User.objects.filter(pk=recipient_id, is_active=True).exclude(email="").first()
    if person is None:
        return False
    seen = list(visible_notifications(person, Notification.objects.filter(pk__in=ids)))
    if not seen:
        return False
    with transaction.atomic():
        email = digest_email(person.pk, day, seen)
        if email is None:
            return False
        transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return True

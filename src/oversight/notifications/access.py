"""Who sees which notification: its recipient, and only while they may see what it is about.

Every list, count and opening goes through `visible_notifications`: the target's own app is asked
again (targets.py), so a person removed from a case, or newly shut out of it, no longer sees its
notifications and the header count drops. Anyone else's notification is a 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from oversight.organisations.access import AnyUser

from .models import Notification, NotificationQuerySet
from .targets import target_for


def visible_notifications(user: AnyUser, among: NotificationQuerySet | None = None) -> NotificationQuerySet:
    """The person's own notifications (of `among`, if given) whose target they may see now."""
    if not user.is_authenticated:
        return Notification.objects.none()
    mine = (among if among is not None else Notification.objects.all()).filter(recipient_id=user.pk)
    by_type: dict[int, set[int]] = defaultdict(set)
    for type_id, target_id in mine.values_list("target_type_id", "target_id").distinct():
        by_type[type_id].add(target_id)
    seen = Q(pk__in=[])
    for type_id, ids in by_type.items():
        target = target_for(ContentType.objects.get_for_id(type_id))
        visible = target.visible(user, ids) if target else set()  # type: ignore[arg-type]
        if visible:
            seen |= Q(target_type_id=type_id, target_id__in=visible)
    return mine.filter(seen)


def unread_count(user: AnyUser) -> int:
    """For the header: only what the person may see now."""
    return visible_notifications(user, Notification.objects.unread()).count() if user.is_authenticated else 0

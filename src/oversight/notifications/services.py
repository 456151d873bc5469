"""Telling people: `notify` for every event, reading and preferences.

`notify` is called inside the caller's transaction: the notification row is written with the change
that caused it, and the email task is queued only once that commits (an undone change tells nobody).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from oversight.cases.access import LARGEST_ID
from oversight.cases.services import note_refused_attempt

from .access import visible_notifications
from .models import DEFAULT_CHANNEL, Channel, Notification, NotificationKind, Preference
from .targets import can_see, case_of, content_type_of, target_for


def channel_for(user: User, kind: str) -> Channel:
    chosen = Preference.objects.filter(user_id=user.pk, kind=kind).values_list("channel", flat=True).first()
    return Channel(chosen) if chosen else DEFAULT_CHANNEL


def notify(recipient: User, kind: NotificationKind, target: models.Model, *, key: str, title: str = "") -> bool:
    """Tell `recipient` about `target`, once per key; False when they were told already, or may not
    see the target (a locked-out person is never told about a case), or cannot sign in."""
    if not recipient.is_active or not can_see(recipient, target):
        return False
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=key[:200],
            defaults={
                "kind": kind,
                "title": (title or kind.label)[:200],
                "target_type": content_type_of(target),
                "target_id": target.pk,
                "case_id": case_of(target),
                "channel": channel_for(recipient, kind),
            },
        )
        if created and notification.channel == Channel.IMMEDIATE and recipient.email:
            _email_at_once(notification)
    return created


def _email_at_once(notification: Notification) -> None:
    from .delivery import immediate_email
    from .tasks import send_email

    email = immediate_email(notification)
    transaction.on_commit(lambda: send_email.enqueue(email.pk))


def mark_read(user: User, notification_id: int) -> Notification | None:
    """Mark one of the person's visible notifications read; None for any other id."""
    with transaction.atomic():
        found = visible_notifications(user).select_for_update().filter(pk=notification_id).first()
        if found is not None and found.read_at is None:
            found.read_at = timezone.now()
            found.save(update_fields=["read_at"])
    return found


def note_refusal(user: User, notification_id: int, route: str = "web") -> None:
    """A notification id the person may not open: recorded as a refused try at its case (an alert to the
    PSD lead if the case shuts them out), with the same lookups and one write whatever the id is."""
    about = Notification.objects.filter(pk=min(max(notification_id, 0), LARGEST_ID)).values_list("case_id", flat=True)
    note_refused_attempt(user, about.first() or 0, "a notification", route)


def mark_all_read(user: User) -> int:
    """Mark everything the person sees read; the number marked."""
    unread = visible_notifications(user, Notification.objects.unread())
    return Notification.objects.filter(pk__in=list(unread.values_list("pk", flat=True))).update(read_at=timezone.now())


def preferences(user: User) -> dict[str, Channel]:
    chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "channel"))
    return {kind.value: Channel(chosen.get(kind.value, DEFAULT_CHANNEL)) for kind in NotificationKind}


def set_preferences(user: User, choices: dict[str, str]) -> None:
    """Save the person's choice for each kind given (unknown kinds and channels are refused by the form)."""
    with transaction.atomic():
        for kind, channel in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=NotificationKind(kind), defaults={"channel": Channel(channel)}
            )


def target_url(notification: Notification) -> str:
    target = target_for(notification.target_type)
    return target.url(notification.target_id) if target else reverse("notifications:list")


def with_names(
    user: User, notifications: QuerySet[Notification] | list[Notification]
) -> list[tuple[Notification, str]]:
    """Each notification with what its target is called (all are visible: `visible_notifications`)."""
    rows = list(notifications)
    names: dict[tuple[int, int], str] = {}
    by_type: dict[int, set[int]] = {}
    for row in rows:
        by_type.setdefault(row.target_type_id, set()).add(row.target_id)
    for type_id, ids in by_type.items():
        target = target_for(ContentType.objects.get_for_id(type_id))
        if target:
            names.update({(type_id, pk): name for pk, name in target.names(ids).items()})
    return [(row, names.get((row.target_type_id, row.target_id), "")) for row in rows]

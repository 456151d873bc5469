"""Emails: what they say (never more than that something needs attention, and a link), sending
them through Django's mail backend, and trying again with backoff when the mail server is down.

An email is claimed (pending -> sending) in a short transaction, sent outside it (no lock is held
while a mail server is slow), then marked sent, or put back to pending with the next attempt's
time. Nothing is lost while the server is down; the pages never wait for it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import CASE_KINDS, Email, EmailStatus, Notification, NotificationKind
from .rules import CLAIM_EXPIRES, MAX_ATTEMPTS, retry_delay

logger = logging.getLogger(__name__)

CASE_WORDS = "A case needs your attention"
SIGN_OFF = (
    "Sign in to Oversight to see it. This email says no more than this, to keep what it is about safe.\n"
    "You can choose which emails you get, and how often, on your notification settings page."
)


def neutral_words(kind: str) -> str:
    """The only words about a notification an email may carry: every case kind reads the same."""
    return CASE_WORDS if kind in CASE_KINDS else NotificationKind(kind).label


def immediate_email(notification: Notification) -> Email:
    link = settings.SITE_URL + reverse("notifications:open", args=[notification.pk])
    words = neutral_words(notification.kind)
    email = Email.objects.create(
        recipient_id=notification.recipient_id,
        key=f"notification:{notification.pk}",
        subject=f"Oversight: {words}",
        body=f"{words}.\n\nOpen it: {link}\n\n{SIGN_OFF}\n",
    )
    notification.email = email
    notification.save(update_fields=["email"])
    return email


def digest_email(recipient_id: int, day: dt.date, notifications: list[Notification]) -> Email | None:
    """One email listing how many of each (neutral) kind wait; None if that day's digest exists."""
    counts: dict[str, int] = {}
    for notification in notifications:
        words = neutral_words(notification.kind)
        counts[words] = counts.get(words, 0) + 1
    lines = "\n".join(f"- {words}" + (f" ({count})" if count > 1 else "") for words, count in sorted(counts.items()))
    link = settings.SITE_URL + reverse("notifications:list")
    email, created = Email.objects.get_or_create(
        recipient_id=recipient_id,
        key=f"digest:{day.isoformat()}",
        defaults={
            "subject": f"Oversight: {len(notifications)} new for you on {day:%-d %B %Y}",
            "body": f"New in Oversight for you:\n{lines}\n\nSee them: {link}\n\n{SIGN_OFF}\n",
        },
    )
    if not created:
        return None
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(email=email)
    return email


def _claim(email_id: int, now: dt.datetime) -> Email | None:
    """Take the email for this worker, if it is due and no live worker has it."""
    stale = now - CLAIM_EXPIRES
    claimable = Q(status=EmailStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=EmailStatus.SENDING, claimed_at__lt=stale
    )
    with transaction.atomic():
        taken = Email.objects.filter(claimable, pk=email_id).update(status=EmailStatus.SENDING, claimed_at=now)
    return Email.objects.select_related("recipient").get(pk=email_id) if taken else None


def deliver(email_id: int, now: dt.datetime | None = None) -> EmailStatus | None:
    """Send one email if it is due; its status afterwards (None: not due, or another worker has it)."""
    now = now or timezone.now()
    email = _claim(email_id, now)
    if email is None:
        return None
    if not email.recipient.is_active or not email.recipient.email or _nothing_left_to_tell(email):
        Email.objects.filter(pk=email.pk).update(status=EmailStatus.CANCELLED, claimed_at=None)
        return EmailStatus.CANCELLED
    try:
        EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.recipient.email]).send()
    except Exception as error:
        return _failed(email, now, error)
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENT, sent_at=timezone.now(), claimed_at=None)
    return EmailStatus.SENT


def _nothing_left_to_tell(email: Email) -> bool:
    """Every notification the email is about was read, or its target can no longer be seen."""
    from .access import visible_notifications

    about = Notification.objects.filter(email=email)
    return not visible_notifications(email.recipient, about.unread()).exists()


def _failed(email: Email, now: dt.datetime, error: Exception) -> EmailStatus:
    attempts = email.attempts + 1
    status = EmailStatus.FAILED if attempts >= MAX_ATTEMPTS else EmailStatus.PENDING
    logger.warning("Email %s not sent (attempt %s): %s", email.pk, attempts, error)
    Email.objects.filter(pk=email.pk).update(
        status=status,
        attempts=attempts,
        next_attempt_at=now + retry_delay(attempts),
        claimed_at=None,
        last_error=f"{type(error).__name__}: {error}"[:500],
    )
    if status == EmailStatus.PENDING:
        _queue_retry(email.pk, now + retry_delay(attempts))
    return EmailStatus(status)


def _queue_retry(email_id: int, at: dt.datetime) -> None:
    from .tasks import send_email

    try:
        send_email.using(run_after=at).enqueue(email_id)
    except Exception:
        logger.warning("Could not queue a retry of email %s; the next retry sweep will", email_id)


def retry_due(now: dt.datetime | None = None) -> int:
    """Send every email whose next attempt is due (and any a dead worker left claimed): the catch-up
    for retries whose queued job was lost. The number sent."""
    now = now or timezone.now()
    due = Email.objects.filter(
        Q(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=now - CLAIM_EXPIRES)
    )
    return sum(deliver(pk, now) == EmailStatus.SENT for pk in list(due.values_list("pk", flat=True)))

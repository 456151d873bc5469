"""Emails of notifications: the mail server down (nothing lost, tried again, sent once), GOV.UK Notify
as a backend against a local server speaking its API, and the daily digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from oversight.notifications import delivery, digest
from oversight.notifications.models import Channel, Email, EmailStatus, Notification, NotificationKind, Preference
from oversight.notifications.rules import MAX_ATTEMPTS, retry_delay
from oversight.notifications.services import notify
from oversight.recommendations.models import TrackingRecord
from tests.mail_servers import closed_port, notify_api, smtp_server
from tests.personas import Personas

SMTP = "django.core.mail.backends.smtp.EmailBackend"
NOTIFY = "oversight.notifications.notify_backend.NotifyEmailBackend"
# The shape of a Notify key: a name, the service id and the secret (both UUIDs).
NOTIFY_KEY = "oversight_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"


def _returned(personas: Personas, tracking: TrackingRecord, key: str = "returned:1") -> Email:
    assert notify(personas.owner, NotificationKind.RETURNED, tracking, key=key)
    return Email.objects.get(notifications__key=key)


def test_mail_server_down_keeps_the_email_and_sends_it_once_when_back(
    settings: Any, personas: Personas, tracking: TrackingRecord
) -> None:
    port = closed_port()
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        SMTP,
        "127.0.0.1",
        port,
        2,
    )
    email = _returned(personas, tracking)
    now = timezone.now()
    assert delivery.deliver(email.pk, now) == EmailStatus.PENDING
    email.refresh_from_db()
    assert (email.attempts, email.status) == (1, EmailStatus.PENDING)
    assert email.next_attempt_at == now + retry_delay(1)
    assert "ConnectionRefusedError" in email.last_error
    # The page still works while the server is down, and shows the notification.
    client = Client()
    client.force_login(personas.owner)
    page = client.get("/notifications/")
    assert page.status_code == 200 and "An item was returned to you" in page.content.decode()
    assert delivery.retry_due(now) == 0  # not due yet: nothing tried
    with smtp_server(port) as box:
        later = now + retry_delay(1)
        assert delivery.retry_due(later) == 1
        assert delivery.retry_due(later) == 0
        assert delivery.deliver(email.pk, later) is None
    assert len(box.messages) == 1
    assert "An item was returned to you" in box.messages[0]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_an_email_is_given_up_after_the_last_attempt(
    settings: Any, personas: Personas, tracking: TrackingRecord
) -> None:
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        SMTP,
        "127.0.0.1",
        closed_port(),
        2,
    )
    email = _returned(personas, tracking)
    Email.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert delivery.deliver(email.pk) == EmailStatus.FAILED
    assert Notification.objects.filter(email=email).exists()  # still on the page


def test_a_claimed_email_is_not_sent_by_a_second_worker(personas: Personas, tracking: TrackingRecord) -> None:
    email = _returned(personas, tracking)
    now = timezone.now()
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=now)
    assert delivery.deliver(email.pk, now) is None
    assert mail.outbox == []
    assert delivery.deliver(email.pk, now + dt.timedelta(minutes=16)) == EmailStatus.SENT  # its worker died


def test_notify_backend_sends_through_notifys_api(settings: Any, personas: Personas, tracking: TrackingRecord) -> None:
    with notify_api() as api:
        settings.EMAIL_BACKEND, settings.NOTIFY_BASE_URL = NOTIFY, api.url
        settings.NOTIFY_API_KEY, settings.NOTIFY_TEMPLATE_ID = NOTIFY_KEY, "f33517ff-2a88-4f6e-b855-c550268ce08a"
        email = _returned(personas, tracking)
        assert delivery.deliver(email.pk) == EmailStatus.SENT
    [sent] = api.requests
    assert sent["email_address"] == personas.owner.email
    assert sent["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert sent["personalisation"]["subject"] == "Oversight: An item was returned to you with reasons"
    assert "/notifications/" in sent["personalisation"]["body"]
    assert tracking.item.reference not in sent["personalisation"]["body"]
    assert api.authorisations[0].startswith("Bearer ")  # the client's signed token


def test_notify_answering_5xx_leaves_the_email_to_try_again(
    settings: Any, personas: Personas, tracking: TrackingRecord
) -> None:
    with notify_api() as api:
        api.status = 500
        settings.EMAIL_BACKEND, settings.NOTIFY_BASE_URL = NOTIFY, api.url
        settings.NOTIFY_API_KEY, settings.NOTIFY_TEMPLATE_ID = NOTIFY_KEY, "f33517ff-2a88-4f6e-b855-c550268ce08a"
        email = _returned(personas, tracking)
        now = timezone.now()
        assert delivery.deliver(email.pk, now) == EmailStatus.PENDING
        assert api.requests == []
        api.status = 201
        assert delivery.retry_due(now + retry_delay(1)) == 1
    assert len(api.requests) == 1


def test_digest_kinds_wait_for_one_email_a_day(personas: Personas, tracking: TrackingRecord) -> None:
    Preference.objects.create(user=personas.owner, kind=NotificationKind.RETURNED, channel=Channel.DIGEST)
    Preference.objects.create(user=personas.owner, kind=NotificationKind.DUE_SOON, channel=Channel.DIGEST)
    assert notify(personas.owner, NotificationKind.RETURNED, tracking, key="a")
    assert notify(personas.owner, NotificationKind.RETURNED, tracking, key="b")
    assert notify(personas.owner, NotificationKind.DUE_SOON, tracking, key="c")
    assert not Email.objects.exists()  # nothing at once
    today = timezone.localdate()
    assert digest.send(today) == 1
    assert digest.send(today) == 0  # a second run sends nothing twice
    [email] = Email.objects.all()
    assert delivery.deliver(email.pk) == EmailStatus.SENT
    [sent] = mail.outbox
    assert "An item was returned to you with reasons (2)" in sent.body
    assert "An item's due date is coming up" in sent.body
    assert tracking.item.reference not in sent.body
    assert digest.send(today + dt.timedelta(days=1)) == 0  # all already in a digest


@pytest.mark.parametrize("channel", [Channel.PRODUCT])
def test_in_product_only_sends_nothing(personas: Personas, tracking: TrackingRecord, channel: Channel) -> None:
    Preference.objects.create(user=personas.owner, kind=NotificationKind.RETURNED, channel=channel)
    assert notify(personas.owner, NotificationKind.RETURNED, tracking, key="a")
    assert digest.send(timezone.localdate()) == 0
    assert not Email.objects.exists()

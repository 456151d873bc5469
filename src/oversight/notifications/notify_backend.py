"""GOV.UK Notify as a Django email backend (optional), through Notify's official Python client.

Set EMAIL_BACKEND=oversight.notifications.notify_backend.NotifyEmailBackend, NOTIFY_API_KEY and
NOTIFY_TEMPLATE_ID: an email template in Notify whose subject is ((subject)) and whose body is
((body)). Each message is one request per recipient. A refusal or a server error raises (unless
fail_silently), so the email stays pending and is tried again (notifications/delivery.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient

NOTIFY_API = "https://api.notifications.service.gov.uk"


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = getattr(settings, "NOTIFY_API_KEY", "")
        self.template_id = getattr(settings, "NOTIFY_TEMPLATE_ID", "")
        if not self.api_key or not self.template_id:
            raise ImproperlyConfigured("The Notify email backend needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID")
        self.base_url = getattr(settings, "NOTIFY_BASE_URL", "") or NOTIFY_API

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=20)
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    personalisation = {"subject": message.subject, "body": str(message.body)}
                    client.send_email_notification(address, self.template_id, personalisation=personalisation)
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent

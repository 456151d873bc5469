"""A daily job's message goes to each recipient once a day, however often the job runs that day.

The `Delivery` row and the sending are one transaction: a second run (another worker, a retry after a
kill) finds the row and sends nothing; a sending that fails (the mail server down) leaves no row, so the
retry sends it. The one case left is a worker killed after the mail server accepted a message and before
the row was committed, a few milliseconds: that recipient gets the message twice, never none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import Delivery


def deliver_once(job: str, day: dt.date, recipient: str, send: Callable[[], object]) -> bool:
    """Call `send` unless `job` already delivered to `recipient` on `day`; whether it was sent now."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Delivery.objects.create(job=job, day=day, recipient=recipient)
        except IntegrityError:
            return False
        send()
    return True

"""Reminders of the protective measures worklist: each person who records a force's measures is emailed
how many items need them (overdue hearings, past their end, ending within the week, breaches with no
response, victims not told), counted through their own access, so a locked measure never counts for
someone shut out of its case. The email carries a number and a link, never a name or a measure.

The daily sweep runs it each morning (`oversight.jobs`, "protection worklist reminders"); `oversight
protection remind` queues it by hand. Each person gets it once a day however often it runs: a
`Delivery` row per person and day, written with the email (`oversight.jobs.deliveries`). A day missed
while no worker ran is not made up: the worklist is what needs doing now, so only today's is sent.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from oversight.jobs.deliveries import deliver_once
from oversight.jobs.registry import daily
from oversight.organisations.models import Membership, OrganisationKind

from .access import RECORDING_ROLES
from .worklist import worklist

JOB = "protection worklist reminders"


def recorders() -> list[User]:
    """Everyone whose role records a force's measures, with an email address."""
    counting = Membership.objects.counting().filter(role__in=RECORDING_ROLES, organisation__kind=OrganisationKind.FORCE)
    users = User.objects.filter(is_active=True, pk__in=counting.values("user_id")).exclude(email="")
    return list(users.order_by("pk"))


def send_reminders(now: dt.datetime, day: dt.date | None = None) -> int:
    """Email each recorder with items on their worklist as of `now`, once on `day` (`now`'s day unless
    given); the number sent now."""
    day, link = day or timezone.localdate(now), settings.SITE_URL + reverse("protection:worklist")
    sent = 0
    for user in recorders():
        total = worklist(user, now=now).total
        if total and deliver_once(JOB, day, f"user:{user.pk}", partial(_email, user, total, link)):
            sent += 1
    return sent


def _email(user: User, total: int, link: str) -> None:
    items = f"{total} item{'s' if total != 1 else ''}"
    subject = f"Protective measures: {items} on your worklist"
    body = f"Your protective measures worklist has {items} to act on.\n\nOpen it in Oversight: {link}\n"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@daily(JOB, catch_up=False)
def send_daily_reminders(day: dt.date) -> int:
    """The sweep's entry: the worklist as it stands now, or at the end of `day` if that has passed."""
    end_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return send_reminders(min(timezone.now(), end_of_day), day)

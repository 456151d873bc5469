"""Reminders of the protective measures worklist: each person who records a force's measures is emailed
how many items need them (overdue hearings, past their end, ending within the week, breaches with no
response, victims not told), counted through their own access, so a locked measure never counts for
someone shut out of its case. The email carries a number and a link, never a name or a measure.

A scheduler runs `oversight protection remind` once a day; the worker sends the emails. Nothing is
stored: a second run on one day emails again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mass_mail
from django.urls import reverse

from oversight.organisations.models import Membership, OrganisationKind

from .access import RECORDING_ROLES
from .worklist import worklist


def recorders() -> list[User]:
    """Everyone whose role records a force's measures, with an email address."""
    counting = Membership.objects.counting().filter(role__in=RECORDING_ROLES, organisation__kind=OrganisationKind.FORCE)
    users = User.objects.filter(is_active=True, pk__in=counting.values("user_id")).exclude(email="")
    return list(users.order_by("pk"))


def send_reminders(now: dt.datetime) -> int:
    """Email each recorder with items on their worklist; the number of emails sent."""
    link = settings.SITE_URL + reverse("protection:worklist")
    messages = []
    for user in recorders():
        total = worklist(user, now=now).total
        if total:
            items = f"{total} item{'s' if total != 1 else ''}"
            subject = f"Protective measures: {items} on your worklist"
            body = f"Your protective measures worklist has {items} to act on.\n\nOpen it in Oversight: {link}\n"
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        send_mass_mail(messages)
    return len(messages)

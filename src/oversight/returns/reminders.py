"""Reminders about returns not yet submitted: one "due soon" in the week before the deadline, then
"overdue" the day after it and every week until it is submitted (`rules.py`).

Each reminder is a `Reminder` row (shown in the product) and an email to the people who answer for
the organisation. The email carries no answer content: only that a return is due, and a link.
A row is unique per return, kind and day, so running twice on one day sends nothing twice; the row
and the emails are one transaction, so a mail server that refuses them leaves no row, and the daily
sweep's retry (`oversight.jobs`, "returns reminders") sends them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from oversight.jobs.registry import daily
from oversight.organisations.access import members_of

from .access import ANSWERING_ROLES
from .models import Reminder, ReminderKind, Return
from .rules import OVERDUE_EVERY_DAYS, REMIND_DAYS_BEFORE


def reminder_due(record: Return, today: dt.date) -> ReminderKind | None:
    """Which reminder, if any, the return should get today, given those it already got."""
    days_left = (record.request.deadline - today).days
    sent = record.reminders.all()
    if 0 <= days_left <= REMIND_DAYS_BEFORE:
        return None if sent.filter(kind=ReminderKind.DUE_SOON).exists() else ReminderKind.DUE_SOON
    if days_left < 0:
        recent = today - dt.timedelta(days=OVERDUE_EVERY_DAYS - 1)
        return None if sent.filter(kind=ReminderKind.OVERDUE, on__gte=recent).exists() else ReminderKind.OVERDUE
    return None


def _email(record: Return, kind: ReminderKind, recipients: list[str]) -> tuple[str, str, str, list[str]]:
    request, link = record.request, settings.SITE_URL + reverse("returns:return", args=[record.pk])
    state = "is overdue" if kind == ReminderKind.OVERDUE else "is due soon"
    subject = f"A return {state}: {request.title}"
    body = (
        f"{request.body.name} asked {record.organisation.name} for a return, due on "
        f"{request.deadline:%-d %B %Y}. It has not been submitted yet.\n\nOpen it in Oversight: {link}\n"
    )
    return subject, body, settings.DEFAULT_FROM_EMAIL, recipients


def _recipients(record: Return) -> list[str]:
    role = ANSWERING_ROLES.get(record.organisation.kind)
    if role is None:
        return []
    people = members_of(record.organisation, role).exclude(email="")
    return sorted(people.values_list("email", flat=True))


@daily("returns reminders")
def send_reminders(today: dt.date) -> int:
    """Send today's reminders for every return awaiting an answer; the number sent."""
    sent = 0
    awaiting = Return.objects.awaiting_answer().select_related("request", "request__body", "organisation")
    for record in awaiting:
        kind = reminder_due(record, today)
        if kind is not None and _remind(record, kind, today):
            sent += 1
    return sent


def _remind(record: Return, kind: ReminderKind, today: dt.date) -> bool:
    """Write the reminder row and email, together; a row already there (a second run) sends nothing,
    and an email that fails takes the row back with it."""
    recipients = _recipients(record)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(return_record=record, kind=kind, on=today, recipients=len(recipients))
        except IntegrityError:
            return False
        if recipients:
            send_mass_mail([_email(record, kind, [address]) for address in recipients])
    return True

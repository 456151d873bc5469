"""The grants demo: one role waiting for a second person's approval.

The system administrator (`admin`, from the register's demo) has asked for the investigator Helen
Achebe (`wmp.investigator`, from the case demo) to become a PSD case handler in West Midlands
Police. Until the PSD lead (`psd.lead`) or another administrator approves it on the Roles page,
it counts nowhere; the PSD lead's alerts already show that it was asked for.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from oversight.organisations.demo import Login
from oversight.organisations.models import Organisation, Role

from . import services
from .models import Grant

REASON = "Joins professional standards on a six-month secondment from next month."


def is_loaded() -> bool:
    return Grant.objects.filter(reason=REASON).exists()


def load() -> None:
    admin = User.objects.filter(username="admin").first()
    investigator = User.objects.filter(username="wmp.investigator").first()
    wmp = Organisation.objects.filter(slug="west-midlands-police").first()
    if admin is None or investigator is None or wmp is None:
        return  # the register's or the case demo is not loaded: nothing to ask for
    request = services.GrantRequest(user=investigator, organisation=wmp, role=Role.PSD_HANDLER, reason=REASON)
    grant = services.ask(request, admin)
    asked_at = timezone.now() - dt.timedelta(days=2, hours=3)
    Grant.objects.filter(pk=grant.pk).update(granted_at=asked_at)
    # Its alert keeps the time it was raised: audit rows are never rewritten (audit/chain.py).


def logins() -> list[Login]:
    return []

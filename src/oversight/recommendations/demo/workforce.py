"""The register demo's West Midlands people on the force's workforce register, each in a unit, so
the owner list shows everyone with their role and unit. Loaded after the case demo, which
generates the register: each gets a headquarters unit of their own, so no one is connected to a
case's parties by this."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from oversight.organisations.demo import Login
from oversight.workforce.models import Person, PersonKind, Posting, Unit

from .people import WMP, _organisation

HEADQUARTERS = "Force headquarters"
# (login, rank or grade, officer or staff, unit, in post since)
PLACES = (
    ("wmp.liaison", "Manager", PersonKind.STAFF, "Force Performance and Assurance", dt.date(2019, 4, 1)),
    ("wmp.ppu", "Ch Supt", PersonKind.OFFICER, "Public Protection Unit", dt.date(2020, 9, 1)),
    ("wmp.contact", "Supt", PersonKind.OFFICER, "Force Contact", dt.date(2021, 1, 4)),
    ("wmp.cjs", "Head of Department", PersonKind.STAFF, "Criminal Justice Services", dt.date(2018, 6, 11)),
    ("wmp.local", "Ch Supt", PersonKind.OFFICER, "Local Policing Command", dt.date(2020, 3, 2)),
    ("wmp.psd", "Supt", PersonKind.OFFICER, "Professional Standards Assurance", dt.date(2022, 2, 7)),
)


def is_loaded() -> bool:
    return Person.objects.filter(user__username=PLACES[0][0]).exists()


@transaction.atomic
def load() -> None:
    force = _organisation(WMP)
    for number, (username, rank, kind, unit_name, since) in enumerate(PLACES, start=1):
        user = User.objects.get(username=username)
        unit, _ = Unit.objects.get_or_create(force=force, name=unit_name, area=HEADQUARTERS)
        person = Person.objects.create(
            force=force, staff_number=f"REG{number:03d}", name=user.get_full_name(), kind=kind, rank_or_grade=rank,
            role=unit_name, unit=unit, service_start=since - dt.timedelta(days=365 * 12), user=user,
        )  # fmt: skip
        Posting.objects.create(person=person, unit=unit, started_on=since)


def logins() -> list[Login]:
    return []  # the register demo prints these people's logins

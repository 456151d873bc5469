"""Protective measures around the PPDA case personas (tests/case_personas.py): one measure in West
Midlands Police against a member of the public, one restraining PC Hart, the subject of the PPDA case
(locked with the case), and one in Avon and Somerset; with the protection teams who record them.
Test modules define the `protection` fixture from `make_world` (with `pytest_plugins = ["tests.case_fixtures"]`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from oversight.cases.models import Case
from oversight.organisations.models import Organisation, Role
from oversight.protection.models import Measure, MeasureRule, MeasureStatus, MeasureType, UnusedPower
from tests.case_personas import CasePersonas, Workforce
from tests.factories import member


@dataclass
class ProtectionWorld:
    team: User  # West Midlands Police's protective measures team
    other_team: User  # Avon and Somerset's
    analyst: User  # a national analyst: counts only
    no_role: User
    public: Measure  # WMP, restrained person not in the register
    locked: Measure  # WMP, restraining the PPDA case's subject
    avon: Measure
    locked_power: UnusedPower  # a power not used against the subject


def made(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def new_measure(force: Organisation, kind: str, reference: str, by: User, **extra: object) -> Measure:
    measure_type = MeasureType.objects.get(kind=kind)
    at = extra.pop("made_at", made(dt.date(2026, 11, 20)))
    rule = MeasureRule.objects.filter(measure_type=measure_type).order_by("-applies_from").first()
    assert rule is not None
    return Measure.objects.create(
        force=force,
        measure_type=measure_type,
        rule=rule,
        reference=reference,
        recorded_by=by,
        made_at=at,
        status=MeasureStatus.IN_FORCE,
        **extra,
    )


def user(username: str, *roles: tuple[Organisation, Role]) -> User:
    person = User.objects.create_user(username, f"{username}@example.org")
    for organisation, role in roles:
        member(person, organisation, role)
    return person


def make_world(personas: CasePersonas, workforce: Workforce, case: Case) -> ProtectionWorld:
    wmp, avon = workforce.wmp, workforce.avon
    apcc = Organisation.objects.get(slug="apcc")
    team = user("wmp.protection", (wmp, Role.PROTECTION_TEAM))
    other_team = user("avon.protection", (avon, Role.PROTECTION_TEAM))
    public = new_measure(wmp, "dvpn", "WMP-DVPN-1", team, restrained_name="John Doe", authorised_by_rank="Supt")
    locked = new_measure(
        wmp, "dvpn", "WMP-DVPN-2", personas.psd_lead, restrained_name=workforce.subject.name,
        restrained_person=workforce.subject, case=case, authorised_by_rank="Supt",
    )  # fmt: skip
    power = UnusedPower.objects.create(
        force=wmp, incident_reference="20/1234/26", measure_type=MeasureType.objects.get(kind="dvpn"),
        decided_on=dt.date(2026, 11, 21), restrained_name=workforce.subject.name, restrained_person=workforce.subject,
        case=case, reason="The victim asked for no action", instead="Safeguarding referral",
        recorded_by=personas.psd_lead,
    )  # fmt: skip
    return ProtectionWorld(
        team=team,
        other_team=other_team,
        analyst=user("apcc.analyst", (apcc, Role.NATIONAL_ANALYST)),
        no_role=user("nobody"),
        public=public,
        locked=locked,
        avon=new_measure(
            avon, "dvpn", "AS-DVPN-1", other_team, restrained_name="Richard Roe", authorised_by_rank="Supt"
        ),
        locked_power=power,
    )

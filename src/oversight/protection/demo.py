"""The protective measures demo: West Midlands Police's protection team at work, and Greater Manchester's
DAPN/DAPO pilot.

West Midlands (`wmp.protection`): a DVPN, then its DVPO made for 28 days and served, the victim told; a
non-molestation order breached, the breach met with an arrest, a charge and a conviction; pre-charge bail
with conditions, the victim's views sought, returning within the week; a restraining order breached last
night with no response yet recorded; a stalking protection order not used, the victim not yet told (both
on the worklist) and a DVPN not used, the victim told. The PSD lead (`psd.lead`) recorded a DVPN against
PC Hart, the subject of the PPDA case: locked with his case, the protection team never sees it.
Greater Manchester (`gmp.protection`): a DAPN in the pilot, then its DAPO.

Every step goes through the services, so the rules check each measure as if people recorded them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from oversight.cases.models import Subject
from oversight.organisations.demo import PASSWORD, Login
from oversight.organisations.models import Membership, Organisation, Role

from . import services
from .models import Authority, ContactMethod, Measure, ReportedBy, Response, ToldAbout
from .rules import period_end

MARKER = "WMP/DVPN/0412"
TEAM = (
    ("wmp.protection", "Sian Morgan", "west-midlands-police"),
    ("gmp.protection", "Daniel Okoro", "greater-manchester-police"),
)


def is_loaded() -> bool:
    return Measure.objects.filter(reference=MARKER).exists()


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _team() -> dict[str, User]:
    hashed, found = make_password(PASSWORD), {}
    for username, name, slug in TEAM:
        first, last = name.split(" ", 1)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "password": hashed, "email": f"{username}@example.org"},
        )
        force = Organisation.objects.get(slug=slug)
        Membership.objects.get_or_create(
            user=user, organisation=force, role=Role.PROTECTION_TEAM, defaults={"approved_at": timezone.now()}
        )
        found[slug] = user
    return found


def load() -> None:
    today = timezone.localdate()
    team = _team()
    wmp = Organisation.objects.get(slug="west-midlands-police")
    _dvpn_then_dvpo(team["west-midlands-police"], wmp, today)
    _nmo_breached(team["west-midlands-police"], wmp, today)
    _bail(team["west-midlands-police"], wmp, today)
    _unanswered_breach(team["west-midlands-police"], wmp, today)
    _unused(team["west-midlands-police"], wmp, today)
    _locked(wmp, today)
    _pilot(team["greater-manchester-police"], Organisation.objects.get(slug="greater-manchester-police"))


def _dvpn_then_dvpo(by: User, wmp: Organisation, today: dt.date) -> None:
    given = today - dt.timedelta(days=6)
    notice = services.record_measure(by, services.MeasureDraft(
        force=wmp, kind="dvpn", reference=MARKER, restrained_name="Craig Whitehouse", made_at=_at(given, 23, 40),
        authorised_by_name="Supt Helen Grainger", authorised_by_rank="Supt", served_at=_at(given, 23, 55),
        hearing_at=_at(given + dt.timedelta(days=2), 10),
        protected=[services.ProtectedDraft("Leanne Whitehouse", "Wife"), services.ProtectedDraft("Mia Whitehouse", "Daughter", is_child=True, is_victim=False)],  # noqa: E501
        conditions=["Not to molest Leanne Whitehouse", "Not to enter 14 Brook Lane, Walsall"],
    ))  # fmt: skip
    made = given + dt.timedelta(days=2)
    order = services.record_measure(by, services.MeasureDraft(
        force=wmp, kind="dvpo", reference="WMP/DVPO/0198", restrained_name="Craig Whitehouse", made_at=_at(made, 11),
        authority=Authority.COURT, court="Walsall Magistrates' Court", ends_on=made + dt.timedelta(days=27),
        served_at=_at(made, 11, 30), notice=notice, protected=[services.ProtectedDraft("Leanne Whitehouse", "Wife")],
        conditions=["Not to molest Leanne Whitehouse", "Not to come within 100 metres of 14 Brook Lane, Walsall"],
    ))  # fmt: skip
    services.record_notification(order, by, services.Notification(ToldAbout.MADE, _at(made, 12), ContactMethod.PHONE))
    services.record_notification(
        order, by, services.Notification(ToldAbout.SERVED, _at(made, 12, 5), ContactMethod.PHONE)
    )


def _nmo_breached(by: User, wmp: Organisation, today: dt.date) -> None:
    made = today - dt.timedelta(days=90)
    order = services.record_measure(by, services.MeasureDraft(
        force=wmp, kind="nmo", reference="WMP/NMO/2291", restrained_name="Jason Rudd", made_at=_at(made, 14),
        authority=Authority.COURT, court="Family Court at Birmingham", ends_on=made + dt.timedelta(days=364),
        protected=[services.ProtectedDraft("Kerry Lane", "Former partner")],
        conditions=["Not to contact Kerry Lane by any means", "Not to go to Kerry Lane's workplace"],
    ))  # fmt: skip
    services.record_notification(order, by, services.Notification(ToldAbout.MADE, _at(made, 16), ContactMethod.LETTER))
    reported = _at(today - dt.timedelta(days=20), 21, 10)
    breach = services.report_breach(
        order, by, services.BreachReport(reported, ReportedBy.VICTIM, "Forty messages on social media in one evening")
    )
    breach = services.record_response(breach, by, breach.version, Response.ARREST, reported + dt.timedelta(hours=3))
    breach = services.record_charge(
        breach,
        by,
        breach.version,
        reported.date() + dt.timedelta(days=1),
        "Breach of a non-molestation order (Family Law Act 1996 s.42A)",
    )
    services.record_outcome(breach, by, breach.version, "conviction", today - dt.timedelta(days=3))


def _bail(by: User, wmp: Organisation, today: dt.date) -> None:
    arrested = today - dt.timedelta(days=86)
    bail_end = period_end(arrested + dt.timedelta(days=1), 3, "months")
    bail = services.record_measure(by, services.MeasureDraft(
        force=wmp, kind="pre_charge_bail", reference="WMP/BAIL/7710", restrained_name="Adam Price",
        made_at=_at(arrested, 22), arrested_on=arrested, authorised_by_name="Sgt Paul Dhillon",
        authorised_by_rank="Sgt", ends_on=bail_end,
        protected=[services.ProtectedDraft("Nicola Price", "Wife")],
        conditions=["Not to contact Nicola Price directly or indirectly", "To live and sleep at 3 Mill Street, Dudley"],
    ))  # fmt: skip
    views = services.Notification(
        ToldAbout.BAIL_VIEWS, _at(arrested, 21), ContactMethod.PHONE, "Wants no contact and the exclusion from Dudley"
    )
    services.record_notification(bail, by, views)


def _unanswered_breach(by: User, wmp: Organisation, today: dt.date) -> None:
    made = today - dt.timedelta(days=200)
    order = services.record_measure(by, services.MeasureDraft(
        force=wmp, kind="restraining_order", reference="WMP/RO/0057", restrained_name="Gary Fenton",
        made_at=_at(made, 15), authority=Authority.COURT, court="Wolverhampton Crown Court", until_further_order=True,
        protected=[services.ProtectedDraft("Joanne Fenton", "Former wife")],
        conditions=["Not to contact Joanne Fenton", "Not to enter Tettenhall"],
    ))  # fmt: skip
    reported = _at(today - dt.timedelta(days=1), 22, 30)
    services.report_breach(
        order, by, services.BreachReport(reported, ReportedBy.VICTIM, "Seen waiting outside her house")
    )


def _unused(by: User, wmp: Organisation, today: dt.date) -> None:
    services.record_unused_power(by, services.UnusedPowerDraft(
        force=wmp, incident_reference="20/88213/26", kind="spo", decided_on=today - dt.timedelta(days=4),
        restrained_name="Ryan Coles", reason="The officer judged the contact a dispute between neighbours",
        instead="Words of advice; referral to the community safety partnership",
    ))  # fmt: skip
    services.record_unused_power(by, services.UnusedPowerDraft(
        force=wmp, incident_reference="20/87102/26", kind="dvpn", decided_on=today - dt.timedelta(days=9),
        restrained_name="Lee Barton", reason="Charged and remanded in custody the same day",
        instead="Remand; safety planning with the IDVA", victim_told_at=_at(today - dt.timedelta(days=9), 17),
        victim_told_method=ContactMethod.ADVOCATE,
    ))  # fmt: skip


def _locked(wmp: Organisation, today: dt.date) -> None:
    """A DVPN against the PPDA case's subject (the case demo's PC Hart), recorded by the PSD lead."""
    lead = User.objects.filter(username="psd.lead").first()
    subject = Subject.objects.filter(case__force=wmp, person__name__icontains="Hart").select_related("person").first()
    if lead is None or subject is None:
        return  # the case demo is not loaded
    given = today - dt.timedelta(days=1)
    services.record_measure(lead, services.MeasureDraft(
        force=wmp, kind="dvpn", reference="WMP/DVPN/0419", restrained_name=subject.person.name,
        restrained_person=subject.person, made_at=_at(given, 20), authorised_by_name="Supt Ian Clarke",
        authorised_by_rank="Supt", served_at=_at(given, 20, 30),
        protected=[services.ProtectedDraft("The victim in the PPDA case", "Partner")],
        conditions=["Not to contact the victim", "Not to enter her address"],
    ))  # fmt: skip


def _pilot(by: User, gmp: Organisation) -> None:
    """A DAPN in Greater Manchester during the pilot, then the DAPO made at its hearing."""
    given = dt.date(2025, 2, 7)  # a Friday: Saturday counts, Sunday does not
    notice = services.record_measure(by, services.MeasureDraft(
        force=gmp, kind="dapn", reference="GMP/DAPN/0031", restrained_name="Stephen Hale", made_at=_at(given, 19),
        authorised_by_name="Insp Rachel Byrne", authorised_by_rank="Insp", served_at=_at(given, 19, 20),
        hearing_at=_at(dt.date(2025, 2, 10), 10), protected=[services.ProtectedDraft("Claire Hale", "Wife")],
        conditions=["Not to contact Claire Hale", "Not to enter 22 Bolton Road, Bury"],
    ))  # fmt: skip
    services.record_measure(by, services.MeasureDraft(
        force=gmp, kind="dapo", reference="GMP/DAPO/0012", restrained_name="Stephen Hale",
        made_at=_at(dt.date(2025, 2, 10), 12), authority=Authority.COURT, court="Manchester Magistrates' Court",
        ends_on=dt.date(2025, 8, 9), notice=notice, protected=[services.ProtectedDraft("Claire Hale", "Wife")],
        conditions=["Not to contact Claire Hale", "To attend a behaviour change programme"],
    ))  # fmt: skip


def logins() -> list[Login]:
    can = "Records protective measures, breaches and powers not used; the worklist (/protection/)"
    return [
        Login(
            "wmp.protection", "Protective measures team", "West Midlands Police", can + "; never sees PC Hart's DVPN"
        ),
        Login(
            "gmp.protection",
            "Protective measures team",
            "Greater Manchester Police",
            "The DAPN/DAPO pilot (/protection/)",
        ),
    ]

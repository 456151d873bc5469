"""Named people around one PPDA case in West Midlands Police, with the workforce that connects them.

The subject, PC Daniel Hart, serves in Response Team B, Walsall. Around him: a team-mate whose
posting overlaps his, his sergeant who line-manages him (and is line-managed by an inspector), his
partner who works in professional standards, and people with no connection. The case team is the
PSD handler who opens the case, an independent investigator, and an investigator from Avon and
Somerset. Some connected people hold roles that would otherwise let them in (a team place, PSD
lead, administrator) to show that the exclusion overrides every role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.contrib.auth.models import User

from oversight.cases.models import Arrival, Case, TeamMember, TeamRole
from oversight.cases.services import NewCase, open_case
from oversight.organisations.models import Organisation, Role
from oversight.workforce.models import (
    Association,
    AssociationKind,
    LineManagement,
    Person,
    PersonKind,
    Posting,
    Unit,
)
from tests.factories import member

D = dt.date
VICTIM_NAME = "Emma Clarke"
SUBJECT_NAME = "Daniel Hart"
SUBJECT_STAFF_NUMBER = "WM40117"


@dataclass
class CasePersonas:
    psd_handler: User
    psd_lead: User
    investigator: User
    subject: User
    subject_teammate: User
    subject_manager: User
    subject_partner: User
    unrelated_officer: User
    external_investigator: User
    other_force_psd: User
    administrator: User
    connected_administrator: User
    opcc_officer: User

    def everyone(self) -> dict[str, User]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def allowed(self) -> dict[str, User]:
        """Who sees the fixture case: its team and the force's PSD lead."""
        return {name: getattr(self, name) for name in ALLOWED}

    def refused(self) -> dict[str, User]:
        """Who must not learn the fixture case exists."""
        return {name: getattr(self, name) for name in REFUSED}

    def excluded(self) -> dict[str, User]:
        """The refused people the exclusion rule itself keeps out (the subject and those connected)."""
        return {name: getattr(self, name) for name in EXCLUDED}


ALLOWED = ("psd_handler", "psd_lead", "investigator", "external_investigator")
EXCLUDED = ("subject", "subject_teammate", "subject_manager", "subject_partner", "connected_administrator")
REFUSED = tuple(f.name for f in fields(CasePersonas) if f.name not in ALLOWED)


@dataclass
class Workforce:
    """The register rows the personas are built on."""

    wmp: Organisation
    avon: Organisation
    response_b: Unit
    psd_unit: Unit
    major_crime: Unit
    coventry: Unit
    subject: Person
    teammate: Person
    sergeant: Person
    inspector: Person
    partner: Person
    unrelated: Person
    investigator: Person
    handler: Person
    lead: Person
    connected_admin: Person
    external: Person
    other_psd: Person


def _user(username: str, first: str, last: str, *roles: tuple[Organisation, Role]) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", first_name=first, last_name=last)
    for organisation, role in roles:
        member(user, organisation, role)  # approved, as after the two-person rule
    return user


def _person(force: Organisation, number: str, name: str, rank: str, unit: Unit, **extra: object) -> Person:
    kind = PersonKind.STAFF if rank in ("Case Officer", "Analyst") else PersonKind.OFFICER
    return Person.objects.create(
        force=force, staff_number=number, name=name, kind=kind, rank_or_grade=rank, unit=unit, **extra
    )


def _post(person: Person, unit: Unit, start: dt.date, end: dt.date | None = None) -> None:
    Posting.objects.create(person=person, unit=unit, started_on=start, ended_on=end)


def make_workforce() -> Workforce:
    wmp = Organisation.objects.get(slug="west-midlands-police")
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    unit = Unit.objects.create
    response_b = unit(force=wmp, name="Response Team B", area="Walsall")
    psd_unit = unit(force=wmp, name="Professional Standards Department", area="Force headquarters")
    major_crime = unit(force=wmp, name="Major Crime Review Team", area="Force headquarters")
    coventry = unit(force=wmp, name="Neighbourhood Team", area="Coventry")
    walsall_sgts = unit(force=wmp, name="Response Sergeants", area="Walsall")
    avon_psd = unit(force=avon, name="Professional Standards Department", area="Portishead")
    avon_cid = unit(force=avon, name="Major Crime Investigation Team", area="Bristol")
    people = Workforce(
        wmp=wmp,
        avon=avon,
        response_b=response_b,
        psd_unit=psd_unit,
        major_crime=major_crime,
        coventry=coventry,
        subject=_person(wmp, SUBJECT_STAFF_NUMBER, SUBJECT_NAME, "PC", response_b, service_start=D(2012, 9, 3),
                        works_with_vulnerable=True),
        teammate=_person(wmp, "WM40233", "Liam Foster", "PC", response_b),
        sergeant=_person(wmp, "WM30012", "Amrit Khan", "Sgt", walsall_sgts),
        inspector=_person(wmp, "WM20003", "Ruth Okafor", "Insp", walsall_sgts),
        partner=_person(wmp, "WM51120", "Sophie Hart", "Case Officer", psd_unit),
        unrelated=_person(wmp, "WM47001", "Grace Adeyemi", "PC", coventry),
        investigator=_person(wmp, "WM35210", "Tom Beck", "DS", major_crime),
        handler=_person(wmp, "WM51007", "Nadia Iqbal", "Case Officer", psd_unit),
        lead=_person(wmp, "WM21001", "Mark Stevens", "Supt", psd_unit),
        connected_admin=_person(wmp, "WM60002", "Ian Webb", "Analyst", psd_unit),
        external=_person(avon, "AS10442", "Kate Morgan", "DI", avon_cid),
        other_psd=_person(avon, "AS20019", "Paul Reid", "Supt", avon_psd),
    )  # fmt: skip
    # Postings: the subject and the team-mate overlap in Response Team B from 2020.
    _post(people.subject, response_b, D(2019, 1, 7))
    _post(people.teammate, response_b, D(2020, 4, 1))
    _post(people.sergeant, walsall_sgts, D(2018, 6, 1))
    _post(people.inspector, walsall_sgts, D(2016, 1, 4))
    _post(people.partner, psd_unit, D(2021, 2, 1))
    _post(people.unrelated, coventry, D(2015, 5, 1))
    _post(people.investigator, major_crime, D(2014, 3, 3))
    _post(people.handler, psd_unit, D(2017, 10, 2))
    _post(people.lead, psd_unit, D(2019, 11, 4))
    # The administrator once served beside the subject: connected for five years after it ended.
    _post(people.connected_admin, response_b, D(2019, 2, 1), D(2022, 8, 31))
    _post(people.connected_admin, psd_unit, D(2022, 9, 1))
    _post(people.external, avon_cid, D(2013, 1, 1))
    _post(people.other_psd, avon_psd, D(2018, 1, 1))
    # Line management: inspector -> sergeant -> subject.
    LineManagement.objects.create(manager=people.sergeant, person=people.subject, started_on=D(2019, 1, 7))
    LineManagement.objects.create(manager=people.inspector, person=people.sergeant, started_on=D(2018, 6, 1))
    LineManagement.objects.create(manager=people.lead, person=people.handler, started_on=D(2019, 11, 4))
    Association.objects.create(
        person=people.subject, other=people.partner, kind=AssociationKind.PARTNER, declared_on=D(2021, 3, 15)
    )
    return people


def _link(person: Person, user: User) -> User:
    person.user = user
    person.save(update_fields=["user"])
    return user


def make_case_personas(workforce: Workforce) -> CasePersonas:
    w = workforce
    wmp, avon = w.wmp, w.avon
    pcc = wmp.governing_body_on()
    assert pcc is not None
    hmicfrs = Organisation.objects.get(slug="hmicfrs")
    return CasePersonas(
        psd_handler=_link(w.handler, _user("wmp.psd.handler", "Nadia", "Iqbal", (wmp, Role.PSD_HANDLER))),
        psd_lead=_link(w.lead, _user("wmp.psd.lead", "Mark", "Stevens", (wmp, Role.PSD_LEAD))),
        investigator=_link(w.investigator, _user("wmp.investigator", "Tom", "Beck", (wmp, Role.INVESTIGATOR))),
        subject=_link(w.subject, _user("wmp.hart", "Daniel", "Hart", (wmp, Role.INVESTIGATOR))),
        subject_teammate=_link(w.teammate, _user("wmp.foster", "Liam", "Foster", (wmp, Role.INVESTIGATOR))),
        subject_manager=_link(w.sergeant, _user("wmp.khan", "Amrit", "Khan", (wmp, Role.SPOC))),
        # The partner works in professional standards: exactly the risk the lock is for.
        subject_partner=_link(w.partner, _user("wmp.s.hart", "Sophie", "Hart", (wmp, Role.PSD_HANDLER))),
        unrelated_officer=_link(w.unrelated, _user("wmp.adeyemi", "Grace", "Adeyemi", (wmp, Role.INVESTIGATOR))),
        external_investigator=_link(w.external, _user("avon.morgan", "Kate", "Morgan", (avon, Role.INVESTIGATOR))),
        other_force_psd=_link(
            w.other_psd, _user("avon.psd.lead", "Paul", "Reid", (avon, Role.PSD_LEAD), (avon, Role.PSD_HANDLER))
        ),
        # A national administrator: no workforce register entry, so no role in a force would count.
        administrator=_user("sys.admin", "Ada", "Min", (hmicfrs, Role.ADMINISTRATOR)),
        # Administrator and PSD lead of the force, and a former team-mate of the subject: still excluded.
        connected_administrator=_link(
            w.connected_admin,
            _user("wmp.webb", "Ian", "Webb", (wmp, Role.ADMINISTRATOR), (wmp, Role.PSD_LEAD), (wmp, Role.PSD_HANDLER)),
        ),
        opcc_officer=_user("wm.opcc", "Priya", "Shah", (pcc, Role.OPCC_OFFICER)),
    )


def open_ppda_case(personas: CasePersonas, workforce: Workforce) -> Case:
    """A hotline report against PC Hart, with an independent investigator and an external one on the team."""
    case = open_case(
        NewCase(
            force=workforce.wmp,
            arrival=Arrival.HOTLINE,
            received_on=D(2024, 3, 4),
            summary="Report through the notification hotline of coercive control by a serving officer.",
            victim_name=VICTIM_NAME,
            subjects=[workforce.subject],
            allegations=["Controlling or coercive behaviour in an intimate relationship", "Misuse of police systems"],
        ),
        personas.psd_handler,
    )
    for user, role, organisation in (
        (personas.investigator, TeamRole.INVESTIGATOR, workforce.wmp),
        (personas.external_investigator, TeamRole.INVESTIGATOR, workforce.avon),
        # Put on the team before the register showed the connection: the exclusion still wins.
        (personas.subject_teammate, TeamRole.OVERSIGHT, workforce.wmp),
    ):
        TeamMember.objects.create(
            case=case, user=user, role=role, organisation=organisation, added_by=personas.psd_handler
        )
    return case

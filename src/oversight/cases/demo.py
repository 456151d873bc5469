"""The PPDA case demo: a synthetic West Midlands Police workforce, the people around PC Daniel Hart,
and cases in the states the issue's journeys need.

The workforces of West Midlands and Avon and Somerset come from the generator (about 1,200 and 500
people). Named people are then placed into generated units with postings and line management, so
the connection rules tell a story: PC Hart, in a generated response team, is line-managed by his
sergeant and sits beside a team-mate; his partner, police staff in the contact centre, is the
victim; the professional standards department, an investigator in another area, a senior single
point of contact, the appropriate authority and an investigator from Avon and Somerset are
connected to neither. Every case step goes through the services as its user would take it, and
is then dated back to when it plausibly happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from oversight.audit.chain import deferred_sealing
from oversight.audit.models import Alert
from oversight.lib.deadlines import add_months
from oversight.organisations.demo import PASSWORD, Login
from oversight.organisations.models import Membership, Organisation, Role
from oversight.victims import services as victims
from oversight.victims.models import (
    Channel,
    ContactEntry,
    ContactPreferences,
    MaracReferral,
    SupportKind,
    SupportReferral,
)
from oversight.workforce.generator import generate
from oversight.workforce.models import (
    Association,
    AssociationKind,
    LineManagement,
    Person,
    PersonKind,
    Posting,
    Unit,
)

from . import assignments, audits, decisions, safeguards, search, services
from .models import (
    Arrival,
    Case,
    CaseStatus,
    ConductAssessment,
    ConductOutcome,
    ConductStatus,
    CriminalStatus,
    Deployment,
    DeploymentDecision,
    DipSample,
    OwnershipDecision,
    RecordedAs,
    RecordingDecision,
    ReferralDecision,
    ReferralOutcome,
    Subject,
    TeamMember,
    TeamRole,
)

WMP, AVON = "west-midlands-police", "avon-and-somerset-police"
SCALE, SEED = 0.1, 2026  # about 1,200 people in West Midlands and 500 in Avon and Somerset: loads in seconds
MARKER_USERNAME = "psd.lead"
PSD_UNIT = "Professional Standards Department"
HART = "Daniel Hart"
VICTIM = "Kirsty Nolan"


# People: who logs in, as whom, and what they can do.


@dataclass(frozen=True)
class Named:
    key: str
    username: str
    name: str
    rank: str
    role: Role
    force: str
    label: str
    can: str
    job: str = ""


PEOPLE = (
    Named("handler", "psd.handler", "Owen Pritchard", "DS", Role.PSD_HANDLER, WMP, "PSD case handler",
          "Opened PC Hart's case from the hotline and the complaints; builds case teams (each assignment runs the "
          "independence check), records decisions, works with the victim, opens new cases", "Case handler"),
    Named("lead", "psd.lead", "Catherine Rowe", "Det Supt", Role.PSD_LEAD, WMP, "PSD lead",
          "Sees every West Midlands case it is not excluded from; gets the silent alerts; reviews break-glass and "
          "restrictions; reads the read log; runs the recommendation 1 audit; drew the dip sample",
          "Head of Professional Standards"),
    Named("aa", "wmp.aa", "Richard Osei", "Ch Supt", Role.PSD_HANDLER, WMP, "Appropriate authority",
          "Decision maker on PC Hart's case: recording, IOPC referral, conduct assessment, deployment of the subject",
          "Appropriate authority"),
    Named("investigator", "wmp.investigator", "Helen Achebe", "DC", Role.INVESTIGATOR, WMP, "Investigator",
          "A DC in another area: investigates the complaint open for 14 months; sees only the cases she is on",
          "Investigator"),
    Named("spoc", "wmp.spoc", "Angela Dunmore", "Ch Insp", Role.SPOC, WMP, "Single point of contact",
          "The victim's senior single point of contact on PC Hart's case: preferences, contact log, support and "
          "MARAC referrals, Victims' Code rights", "Command"),
    Named("avon", "avon.investigator", "Fiona Marsh", "DI", Role.INVESTIGATOR, AVON, "Investigator (other force)",
          "Investigates PC Hart's case for Avon and Somerset Police: sees that one case and nothing else of West "
          "Midlands Police's", "Investigator"),
    Named("teammate", "subject.teammate", "Leon Fraser", "PC", Role.PSD_HANDLER, WMP, "PSD handler (seconded)",
          "Sits in PC Hart's team: cannot see or find his case. Holds a PSD handler role, as if seconded, yet even "
          "break-glass says 'not found'; every attempt raises a silent alert to the PSD lead", "Response"),
    Named("sergeant", "subject.sergeant", "Marcus Webb", "Sgt", Role.INVESTIGATOR, WMP, "Investigator",
          "Line-manages PC Hart: cannot see or find his case whatever his role; trying raises a silent alert to "
          "the PSD lead", "Response Team leader"),
    Named("reviewer", "opcc.reviewer", "Joanne Whitfield", "", Role.OPCC_OFFICER, "governing-body", "OPCC officer",
          "Reviews the PPDA dip sample for the West Midlands PCC: masked summaries only, never the cases; records "
          "findings"),
)  # fmt: skip


def logins() -> list[Login]:
    """The case demo's logins, for `oversight load_demo` to print."""
    names = {WMP: "West Midlands Police", AVON: "Avon and Somerset Police", "governing-body": "West Midlands PCC"}
    return [Login(p.username, p.label, names[p.force], p.can) for p in PEOPLE]


# Dating: each step runs now and is then moved back to the moment it plausibly happened.

STAMPED: tuple[tuple[type[models.Model], str], ...] = (
    (Case, "created_at"),
    (Subject, "added_at"),
    (TeamMember, "added_at"),
    (RecordingDecision, "decided_at"),
    (ReferralDecision, "decided_at"),
    (ConductAssessment, "decided_at"),
    (DeploymentDecision, "decided_at"),
    (OwnershipDecision, "decided_at"),
    (ContactPreferences, "recorded_at"),
    (ContactEntry, "recorded_at"),
    (SupportReferral, "recorded_at"),
    (MaracReferral, "recorded_at"),
    (DipSample, "drawn_at"),
    (LogEntry, "timestamp"),
    (Alert, "at"),
)
T = TypeVar("T")


def _new_rows(model: type[models.Model]) -> Callable[[], models.QuerySet[Any]]:
    """The rows a block adds: after the last id for sequential ids, else those not there before (ids.py)."""
    manager = model._default_manager
    if isinstance(model._meta.pk, models.AutoField | models.BigAutoField):
        last = manager.aggregate(last=models.Max("pk"))["last"] or 0
        return lambda: manager.filter(pk__gt=last)
    before = set(manager.values_list("pk", flat=True))
    return lambda: manager.exclude(pk__in=before)


@contextmanager
def _dated(at: dt.datetime, by: User) -> Iterator[None]:
    """Rows written inside the block are dated `at` and the audit trail names `by`."""
    added = {model: _new_rows(model) for model, _ in STAMPED}
    with deferred_sealing():  # the audit trail chains them once dated
        with set_actor(by):
            yield
        for model, stamp in STAMPED:
            added[model]().update(**{stamp: at})


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, (day.toordinal() * 17) % 50)))


def _on(day: dt.date, by: User, step: Callable[[], T], hour: int = 10) -> T:
    with _dated(_at(day, hour), by):
        return step()


# The workforce


@dataclass
class Cast:
    wmp: Organisation
    avon: Organisation
    users: dict[str, User]
    people: dict[str, Person]


def _organisation(reference: str, wmp: Organisation) -> Organisation:
    if reference == "governing-body":
        body = wmp.governing_body_on()
        assert body is not None, "West Midlands Police has no governing body on record"
        return body
    return Organisation.objects.get(slug=reference)


def _generate(forces: list[Organisation], today: dt.date) -> None:
    """Generate the forces that have no register yet (a register generated earlier is used as it is)."""
    empty = [force for force in forces if not Person.objects.filter(force=force).exists()]
    if empty:
        generate(empty, scale=SCALE, seed=SEED, on=today)


def _current_manager(person: Person) -> Person | None:
    found = LineManagement.objects.filter(person=person, ended_on__isnull=True).select_related("manager").first()
    return found.manager if found else None


def _leader(unit: Unit) -> Person | None:
    return Person.objects.filter(unit=unit, role__endswith="leader").order_by("pk").first()


def _place(
    force: Organisation,
    name: str,
    rank: str,
    unit: Unit,
    since: dt.date,
    *,
    job: str,
    service_start: dt.date,
    kind: PersonKind = PersonKind.OFFICER,
) -> Person:
    """A named person with a current posting in `unit` since `since`."""
    number = Person.objects.filter(force=force, staff_number__startswith="DEMO").count() + 1
    person = Person.objects.create(
        force=force, staff_number=f"DEMO{number:03d}", name=name, kind=kind, rank_or_grade=rank, role=job,
        unit=unit, service_start=service_start,
    )  # fmt: skip
    Posting.objects.create(person=person, unit=unit, started_on=since)
    return person


def _manage(manager: Person | None, person: Person, since: dt.date) -> None:
    if manager is not None:
        LineManagement.objects.create(person=person, manager=manager, started_on=since)


def _unit(force: Organisation, name: str, *, area: str | None = None, not_area: str = "") -> Unit:
    units = Unit.objects.filter(force=force, name__startswith=name).order_by("area", "name")
    units = units.filter(area=area) if area is not None else units.exclude(area__in=["", not_area])
    found = units.first() or Unit.objects.filter(force=force, name__startswith=name).order_by("area", "name").first()
    assert found is not None, f"{force} has no unit named like {name}"
    return found


def _users(wmp: Organisation) -> dict[str, User]:
    hashed = make_password(PASSWORD)
    # Demo only: the roles are written as approved; a real one is asked for and approved by two people
    # (oversight.grants). Each login is linked to its register entry in _workforce.
    approved = timezone.now()
    users = {}
    for named in PEOPLE:
        first, last = named.name.split(" ", 1)
        user = User.objects.create(
            username=named.username, first_name=first, last_name=last, password=hashed,
            email=f"{named.username}@example.org",
        )  # fmt: skip
        Membership.objects.create(
            user=user, organisation=_organisation(named.force, wmp), role=named.role, approved_at=approved
        )
        users[named.key] = user
    return users


def _workforce(wmp: Organisation, avon: Organisation, users: dict[str, User], today: dt.date) -> dict[str, Person]:
    """The named people, placed into generated units with postings, line management and an association."""
    named = {p.key: p for p in PEOPLE}
    years = dt.timedelta(days=365)
    response = Unit.objects.filter(force=wmp, name="Response Team B").exclude(area="").order_by("area").first()
    assert response is not None, "The generated West Midlands workforce has no Response Team B"
    area = response.area
    psd, _ = Unit.objects.get_or_create(force=wmp, name=PSD_UNIT, area="")
    chief = Person.objects.filter(force=wmp, rank_or_grade="DCC").order_by("pk").first()
    team_leader = _leader(response)
    people: dict[str, Person] = {}

    def place(key: str, force: Organisation, unit: Unit, since: dt.date, service_start: dt.date) -> Person:
        who = named[key]
        person = _place(force, who.name, who.rank, unit, since, job=who.job, service_start=service_start)
        person.user = users[key]
        person.save(update_fields=["user"])
        people[key] = person
        return person

    sergeant = place("sergeant", wmp, response, today - 6 * years, service_start=today - 17 * years)
    _manage(_current_manager(team_leader) if team_leader else None, sergeant, today - 6 * years)
    hart = _place(wmp, HART, "PC", response, today - 4 * years, job="Response", service_start=today - 11 * years)
    _manage(sergeant, hart, today - 4 * years)
    teammate = place("teammate", wmp, response, today - 3 * years, service_start=today - 5 * years)
    _manage(sergeant, teammate, today - 3 * years)
    contact = _unit(wmp, "Contact Centre Team", area="")
    victim = _place(
        wmp, VICTIM, "Grade C", contact, today - 5 * years,
        kind=PersonKind.STAFF, job="Contact handler", service_start=today - 7 * years,
    )  # fmt: skip
    _manage(_leader(contact), victim, today - 5 * years)
    Association.objects.create(
        person=hart, other=victim, kind=AssociationKind.PARTNER, declared_on=today - 6 * years,
        note="Declared by PC Hart when they moved in together",
    )  # fmt: skip
    people.update(hart=hart, victim=victim)

    aa = place("aa", wmp, psd, today - 3 * years, service_start=today - 26 * years)
    _manage(chief, aa, today - 3 * years)
    lead = place("lead", wmp, psd, today - 4 * years, service_start=today - 22 * years)
    _manage(aa, lead, today - 3 * years)
    handler = place("handler", wmp, psd, today - 2 * years, service_start=today - 12 * years)
    _manage(lead, handler, today - 2 * years)
    cid = _unit(wmp, "CID Team", not_area=area)
    investigator = place("investigator", wmp, cid, today - 2 * years, service_start=today - 9 * years)
    _manage(_leader(cid), investigator, today - 2 * years)
    command = _unit(wmp, "Command Team", not_area=area)
    spoc = place("spoc", wmp, command, today - 3 * years, service_start=today - 21 * years)
    superintendent = Person.objects.filter(force=wmp, rank_or_grade="Supt", unit__area=command.area).first()
    _manage(superintendent, spoc, today - 3 * years)
    avon_cid = _unit(avon, "CID Team")
    avon_investigator = place("avon", avon, avon_cid, today - 4 * years, service_start=today - 16 * years)
    _manage(_leader(avon_cid), avon_investigator, today - 4 * years)
    return people


SUBJECT_TEAMS = ("Neighbourhood Team A", "Response Team C", "Roads Policing Team A", "Neighbourhood Team B",
                 "Response Team D")  # fmt: skip


def _public_subjects(wmp: Organisation, avoid: Unit | None) -> list[Person]:
    """Generated constables from different teams, for the cases other than PC Hart's."""
    chosen: list[Person] = []
    for team in SUBJECT_TEAMS:
        found = (
            Person.objects.filter(force=wmp, rank_or_grade="PC", unit__name=team, staff_number__regex=r"^\d+$")
            .exclude(unit=avoid)
            .order_by("unit__area", "staff_number")
            .first()
        )
        if found is None:
            others = Person.objects.filter(force=wmp, rank_or_grade="PC").exclude(pk__in=[p.pk for p in chosen])
            found = others.exclude(unit=avoid).order_by("staff_number").first()
        assert found is not None
        chosen.append(found)
    return chosen


# The cases


def _assign(case: Case, by: User, role: TeamRole, who: User, person: Person, day: dt.date) -> TeamMember:
    """Assign as the team page does: preview the check, confirm what was seen, then sign the declaration."""
    external = person.force_id != case.force_id
    assignment = assignments.Assignment(
        role=role,
        staff_number="" if external else person.staff_number,
        external_user=who if external else None,
    )
    check = _on(day, by, lambda: assignments.preview(case, by, assignment))
    confirmed = assignments.Assignment(
        role=role,
        staff_number=assignment.staff_number,
        external_user=assignment.external_user,
        confirmed=check.warned,
        seen=check.fingerprint,
    )
    member = _on(day, by, lambda: assignments.assign(case, by, confirmed), hour=11)
    if role in (TeamRole.INVESTIGATOR, TeamRole.SPOC, TeamRole.DECISION_MAKER):
        _on(day, who, lambda: assignments.sign_declaration(member, who), hour=15)
        TeamMember.objects.filter(pk=member.pk).update(declaration_signed_at=_at(day, 15))
    return member


def _open(cast: Cast, received: dt.date, arrival: Arrival, summary: str, victim: str, subject: Person,
          allegations: list[str], victim_person: Person | None = None) -> Case:  # fmt: skip
    handler = cast.users["handler"]
    new = services.NewCase(
        force=cast.wmp, arrival=arrival, received_on=received, summary=summary, victim_name=victim,
        subjects=[subject], allegations=allegations, victim_is_police_staff=victim_person is not None,
        victim_person=victim_person,
    )  # fmt: skip
    return _on(received, handler, lambda: services.open_case(new, handler), hour=9)


def _statuses(case: Case, by: User, day: dt.date, change: services.StatusChange) -> Case:
    case.refresh_from_db()
    return _on(day, by, lambda: services.change_statuses(case, by, change, case.version), hour=16)


def _hart_case(cast: Cast, today: dt.date) -> Case:
    """(a) The hotline report about PC Hart three weeks ago: investigated by Avon and Somerset."""
    users, people = cast.users, cast.people
    handler, lead, aa, spoc, avon = (users[k] for k in ("handler", "lead", "aa", "spoc", "avon"))
    received = today - dt.timedelta(days=21)

    def day(n: int) -> dt.date:
        return received + dt.timedelta(days=n)

    case = _open(
        cast, received, Arrival.HOTLINE,
        f"{VICTIM}, a contact handler, called the PPDA notification hotline. She says her partner, PC {HART}, "
        "has controlled her money and movements for two years, tracked her phone, and assaulted her at home "
        "twice this year. She believes he has looked her up on police systems.",
        VICTIM, people["hart"],
        ["Assault occasioning actual bodily harm at their home",
         "Controlling or coercive behaviour in an intimate relationship",
         "Misuse of police systems to monitor the victim"],
        victim_person=people["victim"],
    )  # fmt: skip
    _on(received, handler, lambda: decisions.record_recording(
        case, handler, RecordedAs.RECORDABLE_CONDUCT,
        "Reported through the hotline by a colleague who is the subject's partner: a recordable conduct matter "
        "with criminal allegations. No complaint has been made by a member of the public."), hour=12)  # fmt: skip
    _on(received, handler, lambda: decisions.record_referral(
        case, handler, ["serious_assault", "serious_corruption"], ReferralOutcome.REFERRED,
        "Alleged assault causing injury and use of police systems to monitor the victim: both mandatory "
        "referral criteria are met.", iopc_reference="2026/041187"), hour=14)  # fmt: skip
    choice = assignments.OwnershipChoice(
        ownership="external", external_force=cast.avon, victim_asked=True,
        reasons="The victim works in the force, knows many of its investigators and asked for another force to "
        "investigate; the subject has worked in Birmingham for eleven years. Avon and Somerset Police have "
        "agreed to investigate the criminal and conduct allegations.",
    )  # fmt: skip
    _on(day(1), lead, lambda: assignments.record_ownership(case, lead, choice))
    _assign(case, handler, TeamRole.SPOC, spoc, people["spoc"], day(1))
    _assign(case, handler, TeamRole.DECISION_MAKER, aa, people["aa"], day(1))
    _assign(case, handler, TeamRole.INVESTIGATOR, avon, people["avon"], day(2))
    subject = case.subjects.get()
    _on(day(2), aa, lambda: decisions.record_deployment(
        case, aa, subject, Deployment.RESTRICTED, day(30),
        "Removed from frontline response and from access to command and control and intelligence systems "
        "while the investigation runs; no contact with the contact centre. Review in four weeks.",
        today=day(2)), hour=16)  # fmt: skip
    _statuses(case, handler, day(2), services.StatusChange(
        CaseStatus.INVESTIGATION, CriminalStatus.INVESTIGATING, ConductStatus.INVESTIGATING))  # fmt: skip
    _victims_voice(case, spoc, received, day)
    _teammate_tries(case, users["teammate"], day(9))
    return case


def _teammate_tries(case: Case, teammate: User, day: dt.date) -> None:
    """PC Hart's team-mate looks for the case, as the lock expects someone will: he finds nothing,
    and the PSD lead's inbox gets two silent alerts."""
    surname = VICTIM.split()[-1]
    _on(day, teammate, lambda: list(search.search_cases(teammate, surname)), hour=22)
    # He is told "There is no case with that reference", as for any unknown reference.
    with _dated(_at(day, 23), teammate), suppress(ValidationError):
        safeguards.break_glass(case.reference, "Checking on a colleague", teammate)


def _victims_voice(case: Case, spoc: User, received: dt.date, day: Callable[[int], dt.date]) -> None:
    preferences = victims.PreferencesInput(
        channel=Channel.PHONE, contact_interval_days=7, safe_phone="07700 900461",
        safe_times="Weekdays 12:30 to 13:30, her lunch break, away from the contact centre floor",
        safe_days=["mon", "tue", "wed", "thu", "fri"], safe_email="kirsty.n.home@example.com",
        idva_name="Maya Osborne", idva_service="Black Country Women's Aid",
        note="Never her police email or desk phone: PC Hart knows the force's systems. No voicemail, no texts.",
    )  # fmt: skip
    _on(day(1), spoc, lambda: victims.record_preferences(case, preferences, spoc, 0), hour=13)
    calls = (
        (1, "Introduced myself as her single point of contact; explained the referral to the IOPC and that "
         "another force will investigate. Agreed weekly calls."),
        (8, "Weekly call: told her of the restriction on PC Hart's duties. She is staying with her sister."),
        (15, "Weekly call: she has met the Avon and Somerset investigator; no new concerns for her safety."),
    )  # fmt: skip
    for offset, summary in calls:
        call = partial(victims.record_contact, case, spoc, contacted_on=day(offset), channel=Channel.PHONE,
                       summary=summary, preferences_followed=True)  # fmt: skip
        _on(day(offset), spoc, call, hour=13)
    _on(day(2), spoc, lambda: victims.refer_to_support(
        case, spoc, service_name="Cranstoun Domestic Abuse Service, Worcestershire", kind=SupportKind.SPECIALIST_DA,
        out_of_area=True, referred_on=day(2),
        notes="Out of area at her request: she wants a service that does not work with West Midlands Police.",
    ))  # fmt: skip
    _on(day(3), spoc, lambda: victims.refer_to_marac(
        case, spoc, referred_on=day(3), closed_panel=True, meeting_on=day(17),
        outcome_notes="Closed panel held; safety plan agreed with the IDVA."))  # fmt: skip


def _other_cases(cast: Cast, today: dt.date) -> None:
    """(b) a complaint open 14 months; (c) a conduct matter closed 5 months ago; (d) three recent complaints."""
    handler, investigator = cast.users["handler"], cast.users["investigator"]
    b_subject, c_subject, *d_subjects = _public_subjects(cast.wmp, cast.people["hart"].unit)
    received = add_months(today, -14)
    long_open = _open(
        cast, received, Arrival.COMPLAINT,
        "A former partner complains that the officer sent threatening messages and turned up at her home "
        "after she ended the relationship.",
        "Stacey Morgan", b_subject,
        ["Harassment of a former partner", "Abuse of position to trace her new address"],
    )  # fmt: skip
    _on(received, handler, lambda: decisions.record_recording(
        long_open, handler, RecordedAs.COMPLAINT, "A complaint by a member of the public about an officer's conduct."),
        hour=12)  # fmt: skip
    _assign(long_open, handler, TeamRole.INVESTIGATOR, investigator, cast.people["investigator"], received)
    _statuses(long_open, handler, received + dt.timedelta(days=3), services.StatusChange(
        CaseStatus.INVESTIGATION, CriminalStatus.NO_FURTHER_ACTION, ConductStatus.INVESTIGATING))  # fmt: skip

    received = add_months(today, -11)
    closed_on = add_months(today, -5)
    closed = _open(
        cast, received, Arrival.CONDUCT_MATTER,
        "A colleague reported seeing the officer push his wife during an argument outside the station.",
        "Lisa Kowalski", c_subject, ["Common assault of his wife"],
    )  # fmt: skip
    _on(received, handler, lambda: decisions.record_recording(
        closed, handler, RecordedAs.CONDUCT, "Reported by a colleague: a conduct matter."), hour=12)  # fmt: skip
    subject = closed.subjects.get()
    _on(received, handler, lambda: decisions.record_referral(
        closed, handler, [], ReferralOutcome.NOT_REFERRED,
        "No mandatory referral criterion is met: no injury, and no abuse of position was alleged.",
    ), hour=14)  # fmt: skip
    _on(received, handler, lambda: decisions.record_deployment(
        closed, handler, subject, Deployment.NO_CHANGE, received + dt.timedelta(days=28),
        "The victim does not support action and the officer does not work with vulnerable victims; reviewed "
        "at four weeks.", today=received), hour=15)  # fmt: skip
    _on(closed_on, handler, lambda: decisions.record_conduct_assessment(
        closed, handler, subject, ConductOutcome.PRI,
        "CCTV shows a push without injury; assessed on its own evidence as practice requiring improvement.",
        relied_on_criminal=False), hour=11)  # fmt: skip
    _statuses(closed, handler, closed_on, services.StatusChange(
        CaseStatus.CLOSED, CriminalStatus.NO_FURTHER_ACTION, ConductStatus.CONCLUDED, closed_on=closed_on))  # fmt: skip

    complaints = (
        (9, "Amanda Reid", "Complaint that the officer checked police records to find where his ex-partner now lives."),
        (6, "Natalie Brooks", "Complaint that the officer told his partner she would lose custody of their children."),
        (3, "Gemma Shah", "Complaint that the officer damaged his partner's phone and car during an argument."),
    )
    for (months, victim, summary), subject_person in zip(complaints, d_subjects, strict=True):
        received = add_months(today, -months)
        case = _open(cast, received, Arrival.COMPLAINT, summary, victim, subject_person, [summary])
        record = partial(decisions.record_recording, case, handler, RecordedAs.COMPLAINT,
                         "A complaint by a member of the public about an officer's conduct.")  # fmt: skip
        _on(received + dt.timedelta(days=1), handler, record)


def _dip_sample(cast: Cast, today: dt.date) -> None:
    lead = cast.users["lead"]
    start = add_months(today, -12)
    day = today - dt.timedelta(days=2)
    _on(day, lead, lambda: audits.draw_dip_sample(cast.wmp, start, day, 2, SEED, lead))


# Loading


def is_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


@transaction.atomic
def load() -> None:
    """Create the whole case demo, or nothing if any step fails."""
    today = timezone.localdate()
    wmp, avon = Organisation.objects.get(slug=WMP), Organisation.objects.get(slug=AVON)
    _generate([wmp, avon], today)
    users = _users(wmp)
    cast = Cast(wmp, avon, users, _workforce(wmp, avon, users, today))
    _other_cases(cast, today)  # first: references follow the order cases arrived
    _hart_case(cast, today)
    _dip_sample(cast, today)

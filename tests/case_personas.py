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
from django.utils import timezone

from oversight.api.models import ApiToken
from oversight.audit.models import Alert
from oversight.cases import audits, decisions
from oversight.cases.audits import draw
from oversight.cases.models import (
    Arrival,
    BreakGlass,
    Case,
    CaseAudit,
    DipSample,
    Exclusion,
    RecordedAs,
    TeamMember,
    TeamRole,
)
from oversight.cases.services import NewCase, open_case, read_case
from oversight.grants import services as grants
from oversight.ingest.models import ReadingStatus, SourceDocument
from oversight.notifications.models import Notification, NotificationKind
from oversight.notifications.services import notify
from oversight.organisations.models import Organisation, Role
from oversight.victims import services as victims
from oversight.victims.models import RightStatus, RiskLevel, SupportKind
from oversight.victims.rules import RIGHT_NUMBERS
from oversight.workforce.models import (
    Association,
    AssociationKind,
    CaseInvolvement,
    ImportOutcome,
    ImportRun,
    LineManagement,
    Person,
    PersonKind,
    Posting,
    Unit,
)
from tests.case_routes import CASE_OWNED
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


# =================================================================================================
# Issue 6 lock tests: insiders around the case, and the case furnished with everything that hangs on
# it. Used by tests/test_cases_matrix.py and bench/sidechannel.py; kept apart from CasePersonas so
# that the other case tests keep their world as it is. (Owned by the lock tests: add other personas
# above this block.)
# =================================================================================================

OTHER_SUBJECT_NAME = "Colin Marsh"
OTHER_VICTIM_NAME = "Rosa Mendes"
PREVIOUS_CASE = "WMP-OP-HERON-2023"  # an earlier investigation the subject was a witness in
JOINT_CASE = "ASP-OP-KESTREL-2022"  # a joint operation with Avon and Somerset


@dataclass
class Insiders:
    """Each connected to PC Hart by one rule and holding a grant that would otherwise open the case;
    and a professional standards colleague with no connection, who may break the glass."""

    # Line management at depth two: the inspector above his sergeant; decision maker on the team.
    senior_manager: User
    # A shared previous case (PREVIOUS_CASE); investigator on the team.
    case_colleague: User
    # A system administrator of the force and of HMICFRS, his declared brother, who put himself on the team.
    excluded_admin: User
    # A PSD lead of the force (every case of the force is hers), in PREVIOUS_CASE with him.
    excluded_lead: User
    # An Avon and Somerset investigator on the team, in the joint operation JOINT_CASE with him.
    excluded_external: User
    # A PSD handler of the force, not on the team, working beside his partner (two steps: not excluded).
    psd_colleague: User

    def everyone(self) -> dict[str, User]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


INSIDERS_EXCLUDED = ("senior_manager", "case_colleague", "excluded_admin", "excluded_lead", "excluded_external")
MAY_BREAK_GLASS = ("psd_colleague",)  # refused the case, but allowed to open break-glass access to it
SEES_MASKED = ("opcc_officer",)  # refused the case, but reviews its masked dip-sample entry by design


DAY = dt.timedelta(days=1)


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def make_insiders(workforce: Workforce) -> Insiders:
    w = workforce
    wmp, avon = w.wmp, w.avon
    hmicfrs = Organisation.objects.get(slug="hmicfrs")
    unit = Unit.objects.create
    ppu = unit(force=wmp, name="Public Protection Unit", area="Dudley")
    it = unit(force=wmp, name="Information Services", area="Force headquarters")
    ccu = unit(force=wmp, name="Counter Corruption Unit", area="Force headquarters")
    joint = unit(force=avon, name="Joint Operations Team", area="Portishead")
    colleague = _person(wmp, "WM36120", "Owen Price", "DC", ppu)
    brother = _person(wmp, "WM61877", "Neil Hart", "Analyst", it)
    lead = _person(wmp, "WM20950", "Helen Carter", "Ch Supt", ccu)
    external = _person(avon, "AS30871", "Rhys Evans", "DS", joint)
    psd = _person(wmp, "WM51330", "Zara Ali", "Case Officer", w.psd_unit)
    _post(colleague, ppu, D(2017, 4, 3))
    _post(brother, it, D(2015, 9, 1))
    _post(lead, ccu, D(2016, 2, 1))
    _post(external, joint, D(2014, 6, 2))
    _post(psd, w.psd_unit, D(2020, 1, 6))
    Association.objects.create(person=w.subject, other=brother, kind=AssociationKind.FAMILY, declared_on=D(2020, 6, 1))
    # The earlier cases ended two and three years ago, whenever the tests run: well within the window.
    heron, kestrel = _years_ago(2), _years_ago(3)
    involved = CaseInvolvement.objects.create
    involved(person=w.subject, case_reference=PREVIOUS_CASE, role="witness", started_on=heron - 240 * DAY,
             ended_on=heron - 120 * DAY)  # fmt: skip
    involved(person=colleague, case_reference=PREVIOUS_CASE, role="investigator", started_on=heron - 240 * DAY,
             ended_on=heron)  # fmt: skip
    involved(person=lead, case_reference=PREVIOUS_CASE, role="senior investigating officer",
             started_on=heron - 260 * DAY, ended_on=heron + 30 * DAY)  # fmt: skip
    involved(person=w.subject, case_reference=JOINT_CASE, role="officer in the case", started_on=kestrel - 270 * DAY,
             ended_on=kestrel - 150 * DAY)  # fmt: skip
    involved(person=external, case_reference=JOINT_CASE, role="investigator", started_on=kestrel - 270 * DAY,
             ended_on=kestrel)  # fmt: skip
    return Insiders(
        senior_manager=_link(w.inspector, _user("wmp.okafor", "Ruth", "Okafor", (wmp, Role.INVESTIGATOR))),
        case_colleague=_link(colleague, _user("wmp.price", "Owen", "Price", (wmp, Role.INVESTIGATOR))),
        excluded_admin=_link(
            brother, _user("wmp.n.hart", "Neil", "Hart", (hmicfrs, Role.ADMINISTRATOR), (wmp, Role.ADMINISTRATOR))
        ),
        excluded_lead=_link(lead, _user("wmp.carter", "Helen", "Carter", (wmp, Role.PSD_LEAD))),
        excluded_external=_link(external, _user("avon.evans", "Rhys", "Evans", (avon, Role.INVESTIGATOR))),
        psd_colleague=_link(psd, _user("wmp.ali", "Zara", "Ali", (wmp, Role.PSD_HANDLER))),
    )


@dataclass
class Furnished:
    """The world around the case: `case` is None in the world where it was never opened."""

    case: Case | None
    other_case: Case  # a complaint against someone else, which the force's PSD staff may see
    audit: CaseAudit
    dip_sample: DipSample
    ids: dict[str, object]  # what a URL parameter names (tests/case_routes.py) -> its value here
    references: dict[str, str]  # case reference -> how it is written when pages are compared

    def missing_ids(self) -> dict[str, object]:
        """The same ids with the case and everything of it replaced by ids that exist nowhere."""
        return {key: MISSING_ID if key in CASE_OWNED else value for key, value in self.ids.items()}


MISSING_ID = 987_654


def _dip_seed() -> int:
    """A seed that draws the later of two cases first: the locked case gets "Case 1", the other "Case 2"."""
    return next(seed for seed in range(1000) if draw([0, 1], 5, seed)[0] == 1)  # type: ignore[list-item]


def furnish(personas: CasePersonas, insiders: Insiders, workforce: Workforce, *, with_case: bool = True) -> Furnished:
    """Another case; the fixture case (unless `with_case` is false) with a grant for each insider, a live
    break-glass opening by the subject's partner, victim records, decisions and an attempt alert; then
    an audit and a dip sample of the force drawn by its PSD lead (who is not excluded)."""
    w, handler = workforce, personas.psd_handler
    marsh = _person(w.wmp, "WM48812", OTHER_SUBJECT_NAME, "PC", w.coventry)
    other = open_case(
        NewCase(force=w.wmp, arrival=Arrival.COMPLAINT, received_on=D(2024, 5, 10), victim_name=OTHER_VICTIM_NAME,
                summary="A complaint of harassment by an officer off duty.", subjects=[marsh]),
        handler,
    )  # fmt: skip
    case = open_ppda_case(personas, workforce) if with_case else None
    ids: dict[str, object] = {"force": w.wmp.slug, "code_right": min(RIGHT_NUMBERS)}
    ids["register_person"] = w.unrelated.pk
    ids["source_document"] = SourceDocument.objects.create(
        file="documents/00/furnished", sha256="0" * 64, original_name="furnished.txt", size=1, kind="report",
        organisation=w.wmp, uploaded_by=personas.psd_lead, status=ReadingStatus.READ, read_at=timezone.now(),
    ).pk  # fmt: skip
    if case is not None:
        ids |= _furnish_case(case, personas, insiders, workforce)
    today = timezone.localdate()
    audit = audits.start_audit(w.wmp, today, personas.psd_lead)
    sample = audits.draw_dip_sample(w.wmp, D(2024, 1, 1), D(2024, 12, 31), 5, _dip_seed(), personas.psd_lead)
    ids |= {"audit": audit.pk, "dip_sample": sample.pk}
    ids["api_token"] = ApiToken.issue(personas.psd_lead, "furnished")[0].pk
    grant = grants.ask(
        grants.GrantRequest(user=personas.unrelated_officer, organisation=w.wmp, role=Role.SPOC, reason="Cover"),
        personas.psd_lead,
    )
    ids["grant"] = grant.pk

    ids["membership"] = personas.investigator.memberships.get(role=Role.INVESTIGATOR).pk
    if case is not None:
        ids["audit_entry"] = audit.entries.get(case=case).pk
        ids["dip_entry"] = sample.entries.get(case=case).pk
    references = {other.reference: "«other case»"} | ({case.reference: "«the case»"} if case else {})
    return Furnished(case, other, audit, sample, ids, references)


def _lifted_exclusion(case: Case, personas: CasePersonas, workforce: Workforce) -> Exclusion:
    """The sergeant's standing exclusion lifted by the handler (as if a lead), for the PSD lead to review; the
    register still connects him, so he stays shut out."""
    lifted = case.exclusions.get(person=workforce.sergeant)
    lifted.lifted_at, lifted.lifted_by, lifted.lift_reason = timezone.now(), personas.psd_handler, "Data error"
    lifted.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return lifted


def _held_import(case: Case, personas: CasePersonas, workforce: Workforce) -> ImportRun:
    """A workforce file held because it would remove the team-mate's connection to the subject."""
    return ImportRun.objects.create(
        force=workforce.wmp, user=personas.psd_handler, filename="held.csv", sha256="0" * 64, rows=2,
        outcome=ImportOutcome.HELD, summary="held", held_reasons=["Liam Foster would no longer be connected"],
        held_case_ids=[case.pk],
    )  # fmt: skip


def _furnish_case(case: Case, personas: CasePersonas, insiders: Insiders, workforce: Workforce) -> dict[str, object]:
    handler, now = personas.psd_handler, timezone.now()
    member = TeamMember.objects.create
    for user, role, organisation in (
        (insiders.senior_manager, TeamRole.DECISION_MAKER, workforce.wmp),
        (insiders.case_colleague, TeamRole.INVESTIGATOR, workforce.wmp),
        (insiders.excluded_admin, TeamRole.OVERSIGHT, workforce.wmp),
        (insiders.excluded_external, TeamRole.INVESTIGATOR, workforce.avon),
    ):
        member(case=case, user=user, role=role, organisation=organisation, added_by=handler)
    # Opened before the register showed her connection: live, yet the exclusion must win.
    opening = BreakGlass.objects.create(case=case, user=personas.subject_partner, reason="Urgent safeguarding check",
                                        opened_at=now, expires_at=now + dt.timedelta(hours=8))  # fmt: skip
    BreakGlass.objects.create(case=case, user=insiders.psd_colleague, reason="Checked a reference last week",
                              opened_at=now - dt.timedelta(days=7), expires_at=now - dt.timedelta(days=6))  # fmt: skip
    decisions.record_recording(
        case, handler, RecordedAs.COMPLAINT, "The victim's report is a complaint about an officer."
    )
    today = timezone.localdate()
    oic = victims.request_oic_change(case, handler, requested_on=today, victim_reason="She knows the officer's team.")
    referral = victims.refer_to_support(case, handler, service_name="Black Country Women's Aid", out_of_area=False,
                                        kind=SupportKind.IDVA, referred_on=today)  # fmt: skip
    marac = victims.refer_to_marac(case, handler, referred_on=today, closed_panel=True)
    victims.record_dash(case, handler, level=RiskLevel.HIGH, assessed_on=today)
    victims.set_right_status(case, handler, right=min(RIGHT_NUMBERS), status=RightStatus.MET, evidence="Leaflet given.",
                             status_on=today)  # fmt: skip
    read_case(personas.subject, case.pk, "case page")  # the subject's own attempt: an alert for the PSD lead
    alert = Alert.objects.filter(object_id=case.pk, actor=personas.subject).latest("at")
    notify(personas.psd_lead, NotificationKind.RESTRICTION_REVIEW, case, key="furnished")
    return {
        "case": case.pk,
        "team_member": case.team.get(user=personas.investigator).pk,
        "break_glass": opening.pk,
        "alert": alert.pk,
        "notification": Notification.objects.get(recipient=personas.psd_lead, key="furnished").pk,
        "oic_request": oic.pk,
        "support_referral": referral.pk,
        "marac_referral": marac.pk,
        "exclusion": case.exclusions.get(person=workforce.teammate).pk,
        "lifted_exclusion": _lifted_exclusion(case, personas, workforce).pk,
        "held_import": _held_import(case, personas, workforce).pk,
        **_protective_measures(personas, workforce),
    }


def _protective_measures(personas: CasePersonas, workforce: Workforce) -> dict[str, object]:
    """A DVPN restraining the subject, with a breach, and a power not used against him: locked with the case."""
    from oversight.protection import services as protection

    lead, now = personas.psd_lead, timezone.now()
    notice = protection.record_measure(
        lead,
        protection.MeasureDraft(
            force=workforce.wmp, kind="dvpn", reference="WMP-DVPN-77", restrained_name=SUBJECT_NAME,
            restrained_person=workforce.subject, made_at=now - dt.timedelta(hours=3), authorised_by_rank="Supt",
            protected=[protection.ProtectedDraft(VICTIM_NAME, "Partner")], conditions=["Not to contact the victim"],
        ),
    )  # fmt: skip
    breach = protection.report_breach(
        notice, lead, protection.BreachReport(now - dt.timedelta(hours=1), "victim", "He came to her house")
    )
    unused = protection.record_unused_power(
        lead,
        protection.UnusedPowerDraft(
            force=workforce.wmp, incident_reference="20/4711/24", kind="spo", decided_on=timezone.localdate(),
            reason="Not a pattern of stalking", instead="Safety planning", restrained_name=SUBJECT_NAME,
            restrained_person=workforce.subject,
        ),
    )  # fmt: skip
    return {"protective_measure": notice.pk, "protective_breach": breach.pk, "unused_power": unused.pk}


def make_second_handler(workforce: Workforce) -> User:
    """A PSD case handler in West Midlands Police who is not on the case's team."""
    user = User.objects.create_user("wmp.psd.second", first_name="Omar", last_name="Faruk")
    member(user, workforce.wmp, Role.PSD_HANDLER)
    # A case role counts only for a login linked to its register entry (oversight.grants).
    Person.objects.create(
        force=workforce.wmp, staff_number="WM51999", name="Omar Faruk", kind=PersonKind.STAFF, user=user
    )
    return user

"""Five years of PPDA cases per force, in proportion to its size, with subjects from its workforce.

Each case is what opening it and working it through the services leaves behind: a random id and a
reference with a random code (never a count), the victim (a member of the public, or police staff
from the register with the partnership declared), subjects and allegations, the case handler who
opened it, then the decision maker, an investigator (another force's in some cases, with the
ownership decision saying why) and the victim's single point of contact, each with the signed
independence declaration; recording, referral, ownership, deployment and conduct decisions with
reasons; reports on investigations open 12 months and every 6 after; yearly restriction reviews;
the victim's contact preferences and log, support and MARAC referrals. Statuses follow the case's
age. The standing exclusions are then recorded by the product's own `record_exclusions`, so the
subjects and everyone connected to them are shut out exactly as in life.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import OuterRef, Subquery

from oversight.cases.assignments import DECLARATION_TEXT
from oversight.cases.models import (
    Allegation,
    Arrival,
    Case,
    CaseStatus,
    ConductAssessment,
    ConductOutcome,
    ConductStatus,
    CriminalStatus,
    Deployment,
    DeploymentDecision,
    Exclusion,
    OpenCaseReport,
    Ownership,
    OwnershipDecision,
    RecordedAs,
    RecordingDecision,
    ReferralDecision,
    ReferralOutcome,
    RestrictionReview,
    Subject,
    TeamMember,
    TeamRole,
    Victim,
)
from oversight.cases.rules import FIRST_OPEN_REPORT_MONTHS, REPEAT_OPEN_REPORT_MONTHS, RESTRICTION_REVIEW_MONTHS
from oversight.cases.services import REFERENCE_ALPHABET, REFERENCE_LENGTH, record_exclusions
from oversight.ids import HIGHEST, LOWEST
from oversight.lib.deadlines import add_months
from oversight.organisations.models import Organisation
from oversight.victims.models import Channel, ContactEntry, ContactPreferences, MaracReferral, SupportKind
from oversight.victims.models import SupportReferral as Support
from oversight.workforce.generator import FIRST_NAMES, SURNAMES
from oversight.workforce.models import Association, AssociationKind, Person, PersonKind

from .people import PSD_UNIT, ForcePeople, Nation
from .plan import PPDA_YEARS, Plan
from .register import BATCH, moment
from .register import _Rows as Rows

SUMMARIES = (
    "The victim reported controlling and coercive behaviour by their partner, a serving {what}, over two years.",
    "A neighbour reported hearing an assault at the home of a serving {what} and their partner.",
    "The victim's IDVA reported threats and monitoring of the victim's phone by a serving {what}.",
    "A colleague reported that a serving {what} had used police systems to find their former partner's address.",
    "The victim reported harassment by a former partner, a serving {what}, after the relationship ended.",
)
ALLEGATIONS = (
    ("Controlling or coercive behaviour in an intimate or family relationship", True, True),
    ("Assault by beating", True, True),
    ("Assault occasioning actual bodily harm", True, True),
    ("Harassment", True, True),
    ("Unauthorised use of police systems to locate the victim", True, True),
    ("Failure to declare a relationship with a person of concern", False, True),
)
ARRIVALS = ((Arrival.COMPLAINT, 4), (Arrival.CONDUCT_MATTER, 3), (Arrival.HOTLINE, 2), (Arrival.THIRD_PARTY, 1))
SUPPORT = (
    ("Local domestic abuse service", SupportKind.IDVA, False),
    ("Out-of-area IDVA service", SupportKind.IDVA, True),
    ("Counselling service", SupportKind.COUNSELLING, False),
)


def _status(rng: random.Random, age: int) -> CaseStatus:
    """Younger cases are still being worked; most older ones have closed."""
    if age < 60:
        return rng.choice((CaseStatus.OPEN, CaseStatus.INVESTIGATION))
    if age < 365:
        return rng.choices(list(CaseStatus), weights=(1, 5, 2, 3))[0]
    return rng.choices(list(CaseStatus), weights=(0, 2, 1, 12))[0]


TRACKS: dict[CaseStatus, tuple[tuple[CriminalStatus, ...], tuple[ConductStatus, ...]]] = {
    CaseStatus.OPEN: ((CriminalStatus.NOT_STARTED, CriminalStatus.INVESTIGATING), (ConductStatus.NOT_ASSESSED,)),
    CaseStatus.INVESTIGATION: ((CriminalStatus.INVESTIGATING,), (ConductStatus.INVESTIGATING,)),
    CaseStatus.DECISION: ((CriminalStatus.NO_FURTHER_ACTION, CriminalStatus.CHARGED), (ConductStatus.ASSESSED,)),
    CaseStatus.CLOSED: (
        (CriminalStatus.NO_FURTHER_ACTION, CriminalStatus.CONVICTED, CriminalStatus.ACQUITTED),
        (ConductStatus.ASSESSED, ConductStatus.CONCLUDED),
    ),
}


class _ForceCases:
    def __init__(self, plan: Plan, nation: Nation, force: Organisation, helpers: dict[int, User]) -> None:
        self.plan, self.nation, self.force = plan, nation, force
        self.people: ForcePeople = nation.forces[force.pk]
        self.rng = plan.rng("cases", force.slug)
        self.rows, self.cases = Rows(), list[Case]()
        self.external_investigators = helpers
        # Register entries without a login (the personas are not made subjects), by when they joined.
        self.candidates = list(
            Person.objects.filter(force=force, user__isnull=True, service_start__isnull=False)
            .exclude(unit__name=PSD_UNIT)
            .order_by("service_start", "pk")
            .values_list("pk", "kind", "service_start", "name")
        )
        self.officers = [row for row in self.candidates if row[1] == PersonKind.OFFICER]
        self.joined: tuple[list[dt.date], list[dt.date]] = (
            [cast(dt.date, row[2]) for row in self.candidates],  # never None: filtered above
            [cast(dt.date, row[2]) for row in self.officers],
        )
        self.references: set[str] = set()

    def build(self, count: int) -> list[Case]:
        for _ in range(count):
            self._case()
        Case.objects.bulk_create(self.cases, batch_size=BATCH)
        self.rows.write()
        return self.cases

    def _case(self) -> None:
        rng, plan = self.rng, self.plan
        received = plan.days_ago(rng.randint(1, round(PPDA_YEARS * 365.25)))
        status = _status(rng, (plan.on - received).days)
        criminal, conduct = (rng.choice(options) for options in TRACKS[status])
        closed = None
        if status == CaseStatus.CLOSED:
            closed = min(received + dt.timedelta(days=rng.randint(45, 700)), plan.days_ago(1))
        subjects = self._subjects(received)
        what = "police officer" if subjects[0][1] == PersonKind.OFFICER else "member of police staff"
        handler = rng.choice(self.people.handlers)
        case = Case(
            id=LOWEST + rng.randrange(HIGHEST - LOWEST), reference=self._reference(received.year), force=self.force,
            arrival=rng.choices([a for a, _ in ARRIVALS], weights=[w for _, w in ARRIVALS])[0], received_on=received,
            summary=rng.choice(SUMMARIES).format(what=what), status=status, criminal_status=criminal,
            conduct_status=conduct, closed_on=closed, opened_by=handler, created_at=moment(received, rng),
            version=1 + rng.randint(2, 9),
        )  # fmt: skip
        case.full_clean(exclude=["id", "opened_by", "force"], validate_unique=False)
        self.cases.append(case)
        subject_rows = [Subject(case=case, person_id=pk, added_at=case.created_at) for pk, *_ in subjects]
        for row in subject_rows:
            self.rows.add(row)
        victim = self._victim(case, subjects[0])
        self._allegations(case, received)
        team = self._team(case, handler)
        self._decisions(case, subject_rows, team)
        self._reviews(case)
        self._victim_voice(case, victim, team[TeamRole.SPOC])

    def _reference(self, year: int) -> str:
        while True:
            code = "".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
            reference = f"PPDA-{year}-{code}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _serving(self, received: dt.date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Everyone, and the officers, who had joined by the day the case was received."""
        everyone = self.candidates[: bisect.bisect_right(self.joined[0], received)]
        return everyone, self.officers[: bisect.bisect_right(self.joined[1], received)] or everyone

    def _subjects(self, received: dt.date) -> list[tuple[Any, ...]]:
        everyone, officers = self._serving(received)
        pool = officers if self.rng.random() < 0.85 else everyone
        return self.rng.sample(pool, 2 if self.rng.random() < 0.08 and len(pool) > 1 else 1)

    def _victim(self, case: Case, subject: tuple[Any, ...]) -> Victim:
        rng = self.rng
        if rng.random() < 0.25:
            staff = [row for row in self._serving(case.received_on)[0][-500:] if row[0] != subject[0]]
            if staff:
                pk, _, started, name = rng.choice(staff)
                victim = Victim(case=case, name=name, is_police_staff=True, person_id=pk)
                self.rows.add(victim)
                declared = max(started, subject[2]) + dt.timedelta(days=rng.randint(30, 900))
                self.rows.add(Association(
                    person_id=subject[0], other_id=pk, kind=AssociationKind.PARTNER,
                    declared_on=min(declared, case.received_on), note="Declared partner",
                ))  # fmt: skip
                return victim
        victim = Victim(case=case, name=f"{rng.choice(FIRST_NAMES.split())} {rng.choice(SURNAMES.split())}")
        self.rows.add(victim)
        return victim

    def _allegations(self, case: Case, received: dt.date) -> None:
        for text, criminal, conduct in self.rng.sample(ALLEGATIONS, self.rng.randint(1, 3)):
            started = received - dt.timedelta(days=self.rng.randint(20, 700))
            self.rows.add(Allegation(
                case=case, description=text, criminal=criminal, conduct=conduct, occurred_from=started,
                occurred_to=received - dt.timedelta(days=self.rng.randint(0, 19)),
            ))  # fmt: skip

    def _team(self, case: Case, handler: User) -> dict[TeamRole, User]:
        """The handler from the start; the decision maker, investigator and SPOC within weeks, each declared."""
        psd, rng = self.people.psd, self.rng
        external = rng.random() < 0.1 and bool(self.external_investigators)
        investigator = psd["investigator"]
        if external:
            investigator = rng.choice(list(self.external_investigators.values()))
        team: dict[TeamRole, User] = {TeamRole.CASE_HANDLER: handler, TeamRole.DECISION_MAKER: psd["aa"],
                TeamRole.INVESTIGATOR: investigator, TeamRole.SPOC: psd["spoc"]}  # fmt: skip
        for n, (role, user) in enumerate(team.items()):
            added = case.created_at + dt.timedelta(days=2 * n, minutes=n)
            home = self._home(user) if role == TeamRole.INVESTIGATOR and external else self.force
            signed = added + dt.timedelta(hours=3) if role != TeamRole.CASE_HANDLER else None
            self.rows.add(TeamMember(
                case=case, user=user, role=role, organisation=home, added_by=handler, added_at=added,
                declaration_signed_at=signed, declaration_text=DECLARATION_TEXT if signed else "",
            ))  # fmt: skip
        self.rows.add(OwnershipDecision(
            case=case, decided_by=psd["aa"], decided_at=case.created_at + dt.timedelta(days=3),
            ownership=Ownership.EXTERNAL if external else Ownership.IN_FORCE,
            external_force=self._home(investigator) if external else None,
            victim_asked_for_external=external and rng.random() < 0.5,
            reasons="No investigator in force is independent of the subject's command." if external else
            "An investigator with no connection to any party is available in force.",
        ))  # fmt: skip
        return team

    def _home(self, user: User) -> Organisation:
        return next(p.force for p in self.nation.forces.values() if p.psd["investigator"].pk == user.pk)

    def _decisions(self, case: Case, subjects: list[Subject], team: dict[TeamRole, User]) -> None:
        rng, maker = self.rng, team[TeamRole.DECISION_MAKER]
        at = case.created_at + dt.timedelta(days=1)
        recorded = RecordedAs.COMPLAINT if case.arrival == Arrival.COMPLAINT else RecordedAs.RECORDABLE_CONDUCT
        self.rows.add(
            RecordingDecision(
                case=case,
                decided_by=maker,
                decided_at=at,
                recorded_as=recorded,
                reasons="An allegation of domestic abuse by a serving member of the force.",
            )
        )
        referred = rng.random() < 0.1
        self.rows.add(ReferralDecision(
            case=case, decided_by=maker, decided_at=at, outcome=ReferralOutcome.REFERRED if referred else
            ReferralOutcome.NOT_REFERRED, criteria_met=["serious_assault"] if referred else [],
            criteria_seen_on=case.received_on if referred else None,
            iopc_reference=f"IOPC-{case.received_on.year}-{rng.randint(1000, 9999)}" if referred else "",
            reasons="The allegation meets the serious assault criterion." if referred else
            "None of the mandatory referral criteria is met on the information now available.",
        ))  # fmt: skip
        for subject in subjects:
            self.rows.add(DeploymentDecision(
                case=case, subject=subject, decided_by=maker, decided_at=at,
                deployment=rng.choices(list(Deployment), weights=(2, 5, 1))[0],
                review_on=case.received_on + dt.timedelta(days=28), reasons="Risk to the victim and the public.",
            ))  # fmt: skip
            if case.conduct_status in (ConductStatus.ASSESSED, ConductStatus.CONCLUDED):
                self.rows.add(ConductAssessment(
                    case=case, subject=subject, decided_by=maker, decided_at=at + dt.timedelta(days=40),
                    outcome=rng.choices(list(ConductOutcome), weights=(4, 2, 3, 2))[0],
                    reasons="Assessed on the evidence of the conduct investigation.",
                ))  # fmt: skip
        self._open_reports(case, team[TeamRole.CASE_HANDLER])

    def _open_reports(self, case: Case, by: User) -> None:
        """Reg 13: investigations open 12 months are reported, then every 6 months."""
        open_until = case.closed_on or self.plan.on
        due = add_months(case.received_on, FIRST_OPEN_REPORT_MONTHS)
        while due < open_until:
            self.rows.add(OpenCaseReport(
                case=case, due_on=due, reported_on=due - dt.timedelta(days=self.rng.randint(0, 10)),
                reasons_still_open="Awaiting the charging decision.", next_steps="Review at the next report.",
                reported_by=by,
            ))  # fmt: skip
            due = add_months(due, REPEAT_OPEN_REPORT_MONTHS)

    def _reviews(self, case: Case) -> None:
        lead, day = self.people.psd["psd.lead"], add_months(case.received_on, RESTRICTION_REVIEW_MONTHS)
        while day < (case.closed_on or self.plan.on):
            self.rows.add(RestrictionReview(
                case=case, reviewed_by=lead, reviewed_on=day, finding="The restriction is still needed.",
                next_due_on=add_months(day, RESTRICTION_REVIEW_MONTHS),
            ))  # fmt: skip
            day = add_months(day, RESTRICTION_REVIEW_MONTHS)

    def _victim_voice(self, case: Case, victim: Victim, spoc: User) -> None:
        rng = self.rng
        preferences = ContactPreferences(
            victim=victim, number=1, channel=rng.choice((Channel.PHONE, Channel.EMAIL, Channel.IDVA)),
            safe_times="Weekdays after 6pm", contact_interval_days=rng.choice((7, 14, 28)),
            recorded_by=spoc, recorded_at=case.created_at + dt.timedelta(days=2),
        )  # fmt: skip
        self.rows.add(preferences)
        end = case.closed_on or self.plan.days_ago(1)
        day = case.received_on + dt.timedelta(days=3)
        while day <= end:
            self.rows.add(ContactEntry(
                case=case, contacted_on=day, by=spoc, channel=preferences.channel, preferences=preferences,
                summary="Update on the investigation given.", preferences_followed=True,
                recorded_at=moment(day, rng),
            ))  # fmt: skip
            day += dt.timedelta(days=preferences.contact_interval_days + rng.randint(-2, 10))
        if rng.random() < 0.5:
            name, kind, out = rng.choice(SUPPORT)
            self.rows.add(Support(case=case, service_name=name, kind=kind, out_of_area=out,
                                  referred_on=case.received_on + dt.timedelta(days=4), recorded_by=spoc,
                                  recorded_at=moment(case.received_on + dt.timedelta(days=4), rng)))  # fmt: skip
        if rng.random() < 0.15:
            self.rows.add(
                MaracReferral(
                    case=case,
                    referred_on=case.received_on + dt.timedelta(days=5),
                    closed_panel=True,
                    recorded_by=spoc,
                    recorded_at=moment(case.received_on + dt.timedelta(days=5), rng),
                )
            )


def build(plan: Plan, nation: Nation, advance: Callable[[int], None]) -> dict[str, int]:
    investigators = {p.force.pk: p.psd["investigator"] for p in nation.forces.values()}
    total = exclusions = 0
    for force in plan.forces:
        others = {pk: user for pk, user in investigators.items() if pk != force.pk}
        same_region = {pk: u for pk, u in others.items() if nation.forces[pk].force.region == force.region}
        cases = _ForceCases(plan, nation, force, same_region or others).build(plan.ppda_cases(force))
        exclusions += _exclusions([case.pk for case in cases])
        total += len(cases)
        advance(len(cases))
    return {"cases": total, "exclusions": exclusions}


def _exclusions(case_ids: list[int]) -> int:
    """The product's own rule writes them; each is dated when its case was opened."""
    added = record_exclusions(case_ids)
    opened = Case.objects.filter(pk=OuterRef("case_id")).values("created_at")[:1]
    Exclusion.objects.filter(case_id__in=case_ids).update(found_at=Subquery(opened))
    return added

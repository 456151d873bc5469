"""The case team: assigning provably independent people, their declarations, and investigation ownership.

Assigning an investigator, decision maker or single point of contact runs the independence check
(workforce/connections.py) of the candidate against every party to the case: a direct connection
blocks unless overridden with a recorded rationale (and never when it ties the candidate to a
subject: the lock on the case overrides every role); a connection within two steps warns and needs
explicit confirmation. The check reruns live (`recheck_team`) whenever the team page is read, so a
member who has become connected since assignment (a subject added later) is flagged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from oversight.audit.models import AlertKind, raise_alert
from oversight.concurrency import require
from oversight.lib.ranks import Rank, RankKind, rank_or_none
from oversight.organisations.access import members_of
from oversight.organisations.models import Organisation, OrganisationKind
from oversight.workforce.connections import IndependenceResult, check_independence, independent_candidates
from oversight.workforce.models import Person

from . import access
from .models import INDEPENDENT_ROLES, Case, Exclusion, Ownership, OwnershipDecision, TeamMember, TeamRole
from .rules import LONG_SERVICE_YEARS, senior_from
from .services import locked_case

DECLARATION_TEXT = (
    "I declare that I have no prior connection, professional or personal, with anyone involved in this "
    "case: the victim, the subject or subjects, or any witness known to me. I have not worked in the same "
    "team as, managed or been managed by, or had a personal relationship with any of them. If I become "
    "aware of any such connection I will tell the PSD lead at once and step back from the case."
)

# Ranks that count as investigators on the "Find independent investigators" list, besides a role or
# rank naming investigation ("Investigator", "Detective").
INVESTIGATOR_RANKS = ("DC", "DS")


# ----------------------------------------------------------------------------------------------
# Who is the candidate, and what does the check say


@dataclass(frozen=True)
class Candidate:
    """Someone about to join the team: a login, their workforce record if any, and the organisation they act for."""

    user: User
    person: Person | None
    organisation: Organisation

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.display_name
        return self.user.get_full_name() or self.user.username


@dataclass(frozen=True)
class Assignment:
    """What the assigner asked for: a role, and a person by staff number (this force) or an external user."""

    role: str
    staff_number: str = ""
    external_user: User | None = None
    override: bool = False
    rationale: str = ""
    confirmed: bool = False
    seen: str = ""  # the fingerprint of the check result the assigner confirmed


@dataclass(frozen=True)
class Check:
    """The independence check of a candidate: `result` is None when they have no workforce record to check."""

    candidate: Candidate
    result: IndependenceResult | None
    subject_links: int = 0  # direct links to a subject: the case is locked to them whatever happens
    standing_exclusion: bool = False  # shut out since earlier, even if the register no longer shows why

    @property
    def could_not_run(self) -> bool:
        return self.result is None

    @property
    def blocked(self) -> bool:
        return self.result is not None and self.result.blocked

    @property
    def warned(self) -> bool:
        return self.result is not None and not self.result.blocked and self.result.warned

    @property
    def independent(self) -> bool:
        return self.result is not None and not self.result.blocked and not self.result.warned

    @property
    def excluded(self) -> bool:
        return self.subject_links > 0 or self.standing_exclusion

    def lines(self) -> list[str]:
        if self.result is None:
            return [f"{self.candidate.name} has no record in a workforce register, so the check could not run."]
        return self.result.explain()

    @property
    def fingerprint(self) -> str:
        """Ties a confirmation to the result the assigner saw: a changed result must be seen again."""
        return hashlib.sha256("\n".join(self.lines()).encode()).hexdigest()[:16]


def external_force(case: Case) -> Organisation | None:
    """The force investigating, when the latest ownership decision gives the investigation to another force."""
    latest = case.ownership_decisions.order_by("-decided_at", "-pk").select_related("external_force").first()
    if latest is None or latest.ownership != Ownership.EXTERNAL:
        return None
    return latest.external_force


def external_users(case: Case) -> QuerySet[User]:
    """People of the external force who may be assigned (none unless the investigation is external)."""
    force = external_force(case)
    if force is None:
        return User.objects.none()
    return members_of(force).order_by("last_name")


def resolve_candidate(case: Case, assignment: Assignment) -> Candidate:
    """The person the assigner named, or a clear error. A staff number is looked up in the case's force."""
    if assignment.role not in TeamRole.values:
        raise ValidationError({"role": "Choose a role."})
    if bool(assignment.staff_number.strip()) == (assignment.external_user is not None):
        raise ValidationError("Give a staff number in this force, or choose a person from the investigating force.")
    if assignment.external_user is not None:
        force = external_force(case)
        if force is None or not external_users(case).filter(pk=assignment.external_user.pk).exists():
            raise ValidationError({"external_user": "Choose a person from the force investigating this case."})
        person = Person.objects.filter(user=assignment.external_user, force=force).first()
        return Candidate(assignment.external_user, person, force)
    number = assignment.staff_number.strip()
    person = Person.objects.filter(force=case.force, staff_number__iexact=number).select_related("user").first()
    if person is None:
        raise ValidationError({"staff_number": f"No one with staff number {number} in {case.force.name}."})
    if person.user is None:
        raise ValidationError(
            {"staff_number": f"{person.display_name} has no Oversight login yet. Ask an administrator to create one."}
        )
    return Candidate(person.user, person, case.force)


def check_candidate(case: Case, candidate: Candidate) -> Check:
    """Run the independence check of the candidate against the case's current parties.

    A standing exclusion (cases/models/exclusions.py) counts as a connection to a subject even when the
    register has since been changed to remove it: editing the register does not make someone independent."""
    person_id = candidate.person.pk if candidate.person else None
    standing = Exclusion.objects.standing().of(person_id, candidate.user.pk).filter(case=case).exists()
    if candidate.person is None:
        return Check(candidate, None, standing_exclusion=standing)
    result = check_independence(candidate.person.pk, case.party_ids())
    subjects = set(case.subject_ids())
    links = sum(1 for link in result.direct if link.other_id in subjects)
    return Check(candidate, result, links, standing_exclusion=standing)


def preview(case: Case, by: User, assignment: Assignment) -> Check:
    """The check the confirm page shows; nothing is written."""
    _require(access.can_manage_team(by, case))
    return check_candidate(case, resolve_candidate(case, assignment))


# ----------------------------------------------------------------------------------------------
# Changing the team


def _require(allowed: bool) -> None:
    require(allowed, "Not available")


def _enforce(check: Check, assignment: Assignment, independent_role: bool) -> str:
    """Apply the independence rules; returns the rationale to record (blank when none was needed)."""
    rationale = assignment.rationale.strip()
    if check.excluded:
        raise ValidationError(
            f"{check.candidate.name} is directly connected to a subject of this case, so the case is locked to "
            "them whatever their role. An override cannot lift the lock: choose someone else."
        )
    if not independent_role:
        return ""
    if assignment.seen and assignment.seen != check.fingerprint:
        raise ValidationError("The independence check has changed since you saw it. Read it again and confirm.")
    if check.could_not_run and not rationale:
        raise ValidationError(
            {"rationale": "The independence check could not run: give the rationale for assigning this person."}
        )
    if check.blocked:
        if not assignment.override:
            raise ValidationError(
                {"override": "This person is directly connected to a party. Tick override and give a rationale."}
            )
        if not rationale:
            raise ValidationError({"rationale": "Give the rationale for overriding the independence check."})
    if check.warned and not assignment.confirmed:
        raise ValidationError({"confirmed": "Confirm that you have read the connections within two steps."})
    return rationale if (check.blocked or check.could_not_run) else ""


def assign(case: Case, by: User, assignment: Assignment) -> TeamMember:
    """Add someone to the team after rerunning the independence check; an override alerts the PSD lead."""
    _require(access.can_manage_team(by, case))
    candidate = resolve_candidate(case, assignment)
    check = check_candidate(case, candidate)
    rationale = _enforce(check, assignment, assignment.role in INDEPENDENT_ROLES)
    with transaction.atomic():
        locked_case(case, None)  # serialise team changes on this case
        if TeamMember.objects.active().filter(case=case, user=candidate.user, role=assignment.role).exists():
            raise ValidationError(f"{candidate.name} is already on the team in that role.")
        member = TeamMember.objects.create(
            case=case,
            user=candidate.user,
            role=assignment.role,
            organisation=candidate.organisation,
            added_by=by,
            override_rationale=rationale,
        )
        if check.blocked:
            detail = f"{candidate.name} assigned as {member.get_role_display()} despite: " + "; ".join(check.lines())
            raise_alert(AlertKind.OVERRIDE, case.force, case, by, f"{detail}. Rationale: {rationale}")
    return member


def remove_member(case: Case, member_id: int, by: User) -> TeamMember:
    _require(access.can_manage_team(by, case))
    with transaction.atomic():
        locked_case(case, None)
        member = TeamMember.objects.filter(case=case, pk=member_id).first()
        if member is None or member.removed_at is not None:
            raise ValidationError("That person is no longer on the team.")
        member.removed_at = timezone.now()
        member.save(update_fields=["removed_at"])
    return member


def sign_declaration(member: TeamMember, by: User) -> TeamMember:
    """The assignee, and only they, signs the fixed declaration of no prior connection."""
    _require(access.can_sign_declaration(by, member))
    if member.declaration_signed_at is not None:
        raise ValidationError("You have already signed the declaration for this case.")
    member.declaration_text = DECLARATION_TEXT
    member.declaration_signed_at = timezone.now()
    member.save(update_fields=["declaration_text", "declaration_signed_at"])
    return member


# ----------------------------------------------------------------------------------------------
# The check, rerun


def _people_of(users: Sequence[int]) -> dict[int, Person]:
    return {p.user_id: p for p in Person.objects.filter(user_id__in=users) if p.user_id is not None}


def recheck_team(case: Case) -> list[tuple[TeamMember, IndependenceResult | None]]:
    """Every active member's independence check against the case's CURRENT parties (None: no workforce record)."""
    members = list(TeamMember.objects.active().filter(case=case).select_related("user", "organisation"))
    people = _people_of([m.user_id for m in members])
    ids = [people[m.user_id].pk for m in members if m.user_id in people]
    results = {r.candidate_id: r for r in independent_candidates(ids, case.party_ids())} if ids else {}
    return [(m, results[people[m.user_id].pk] if m.user_id in people else None) for m in members]


def newly_connected(member: TeamMember, result: IndependenceResult | None, subject_ids: Sequence[int]) -> bool:
    """A member now directly connected to a party without an override on record, or connected to a subject
    (then the lock hides the case from them whatever the override said)."""
    if result is None or not result.blocked:
        return False
    to_subject = any(link.other_id in subject_ids for link in result.direct)
    return to_subject or (member.role in INDEPENDENT_ROLES and not member.override_rationale)


# ----------------------------------------------------------------------------------------------
# Finding independent investigators, and when to look outside the force


def eligible_investigators(case: Case) -> QuerySet[Person]:
    """People in the case's force with an investigator's role or rank, the parties left out."""
    investigatorish = Q(role__icontains="investigator") | Q(role__icontains="detective")
    investigatorish |= Q(rank_or_grade__icontains="detective")
    investigatorish |= Q(rank_or_grade__in=INVESTIGATOR_RANKS)
    people = Person.objects.filter(investigatorish, force=case.force).exclude(pk__in=case.party_ids())
    return people.select_related("unit", "user").order_by("name", "pk")


@dataclass(frozen=True)
class CandidateList:
    independent: list[tuple[Person, IndependenceResult]]
    warned: list[tuple[Person, IndependenceResult]]
    blocked: list[tuple[Person, IndependenceResult]]

    @property
    def total(self) -> int:
        return len(self.independent) + len(self.warned) + len(self.blocked)


def candidates(case: Case) -> CandidateList:
    """The force's eligible investigators checked against the parties: independent first.

    Someone directly connected is listed with their direct connections only (as the team page shows a
    member directly connected): they are blocked whatever else, assigning them reruns the whole check
    on the confirm page, and against a senior party their connections within two steps would be most
    of the work and of the page (a chief constable is directly connected to every candidate).
    """
    people = list(eligible_investigators(case))
    ids = [p.pk for p in people]
    results = independent_candidates(ids, case.party_ids(), two_steps_when_direct=False) if people else []
    pairs = list(zip(people, results, strict=True))
    return CandidateList(
        independent=[(p, r) for p, r in pairs if not r.blocked and not r.warned],
        warned=[(p, r) for p, r in pairs if not r.blocked and r.warned],
        blocked=[(p, r) for p, r in pairs if r.blocked],
    )


def _service_years(start: dt.date, on: dt.date) -> int:
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def _seniority_reason(person: Person, senior: Rank) -> str | None:
    """Why the person's rank suggests another force: senior, or a rank the controlled list does not know."""
    rank = rank_or_none(person.rank_or_grade)
    if rank is None:
        text = person.rank_or_grade.strip()
        unknown = f"{person.display_name}'s rank or grade '{text}' is not recognised: check their seniority."
        return unknown if text else None
    if not rank.at_least(senior):
        return None
    who = "a senior officer" if rank.kind == RankKind.OFFICER else "senior police staff"
    return f"{person.display_name} is {who} ({rank.title})."


def _subject_reasons(case: Case, on: dt.date) -> list[str]:
    reasons = []
    senior = senior_from(case.force.slug)
    for subject in case.subjects.select_related("person"):
        person = subject.person
        if seniority := _seniority_reason(person, senior):
            reasons.append(seniority)
        if person.service_start and _service_years(person.service_start, on) >= LONG_SERVICE_YEARS:
            years = _service_years(person.service_start, on)
            reasons.append(f"{person.display_name} has served {years} years (threshold {LONG_SERVICE_YEARS}).")
    return reasons


def external_force_recommendation(case: Case, *, on: dt.date | None = None) -> list[str]:
    """Why another force should be considered for the investigation; empty when nothing suggests it."""
    on = on or timezone.localdate()
    reasons: list[str] = []
    found = candidates(case)
    if not found.independent:
        if found.total == 0:
            reasons.append(f"No eligible investigators were found in {case.force.name}'s workforce register.")
        else:
            reasons.append(
                f"None of the {found.total} eligible investigators in {case.force.name} is independent of the "
                f"parties: {len(found.blocked)} directly connected, {len(found.warned)} within two steps."
            )
    reasons += _subject_reasons(case, on)
    if case.ownership_decisions.filter(victim_asked_for_external=True).exists():
        reasons.append("The victim asked for the investigation to be carried out by another force.")
    return reasons


@dataclass(frozen=True)
class OwnershipChoice:
    ownership: str
    reasons: str
    external_force: Organisation | None = None
    victim_asked: bool = False


def record_ownership(case: Case, by: User, choice: OwnershipChoice) -> OwnershipDecision:
    """Who owns the investigation, with its rationale; an external force must be another force."""
    _require(access.can_manage_team(by, case))
    errors: dict[str, str] = {}
    if choice.ownership not in Ownership.values:
        errors["ownership"] = "Choose who will investigate."
    if not choice.reasons.strip():
        errors["reasons"] = "Give the rationale for this decision."
    if choice.ownership == Ownership.EXTERNAL:
        force = choice.external_force
        if force is None or force.kind != OrganisationKind.FORCE or force.pk == case.force_id:
            errors["external_force"] = "Choose the other force that will investigate."
    if errors:
        raise ValidationError(errors)
    return OwnershipDecision.objects.create(
        case=case,
        decided_by=by,
        reasons=choice.reasons.strip(),
        ownership=choice.ownership,
        external_force=choice.external_force if choice.ownership == Ownership.EXTERNAL else None,
        victim_asked_for_external=choice.victim_asked,
    )


# ----------------------------------------------------------------------------------------------
# The team page's rows


@dataclass(frozen=True)
class MemberStatus:
    """One member with their live independence status, in the words the team page uses."""

    member: TeamMember
    result: IndependenceResult | None
    flagged: bool

    @property
    def label(self) -> str:
        if self.result is None:
            return "Not checked"
        if self.result.blocked:
            return "Directly connected"
        return "Connected within two steps" if self.result.warned else "Independent"

    @property
    def explanations(self) -> list[str]:
        if self.result is None:
            return ["No workforce record, so the check could not run."]
        if self.result.blocked:
            return [link.sentence for link in self.result.direct]
        return self.result.explain() if self.result.warned else []

    @property
    def summary(self) -> str:
        """For example "Directly connected: ... — overridden: <rationale>"."""
        if self.label == "Independent":
            return "Independent"
        text = f"{self.label}: " + "; ".join(self.explanations)
        if self.member.override_rationale:
            text += f" — overridden: {self.member.override_rationale}"
        elif self.result is not None and self.result.blocked:
            text += " — not overridden"
        return text


def team_overview(case: Case) -> list[MemberStatus]:
    """The active team with the independence check rerun against the current parties."""
    subjects = case.subject_ids()
    return [MemberStatus(m, r, newly_connected(m, r, subjects)) for m, r in recheck_team(case)]

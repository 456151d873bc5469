"""Need to know: every access decision about PPDA cases, in one place.

A case is visible to its active team, to the PSD lead of its force, and to anyone with live
break-glass access. Above all of that sits the exclusion: the subjects and everyone directly
connected to them (workforce/connections.py) never see the case, whatever role they hold,
administrators included. Everything that reveals a case (lists, search, counts, exports, the API,
alerts) goes through `visible_cases` or `can_view_case`; a refused person gets 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from oversight.audit.models import Alert, AlertQuerySet
from oversight.organisations.access import AnyUser, memberships_of, organisation_ids_with_role
from oversight.organisations.models import Organisation, Role
from oversight.workforce.connections import excluded_people
from oversight.workforce.models import Person

from .models import (
    INDEPENDENT_ROLES,
    AuditStatus,
    Case,
    CaseAudit,
    CaseAuditEntry,
    CaseQuerySet,
    DipSample,
    DipSampleEntry,
    Subject,
    TeamMember,
    TeamRole,
)

_PERSON = "_oversight_workforce_person"
_EXCLUDED = "_oversight_excluded_people"


def workforce_person(user: AnyUser) -> Person | None:
    """The workforce register entry of the signed-in person, if they have one (cached per request)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _PERSON):
        setattr(user, _PERSON, Person.objects.filter(user_id=user.pk).first())
    person: Person | None = getattr(user, _PERSON)
    return person


def people_this_user_is(user: AnyUser) -> set[int]:
    """The person, and everyone directly connected to them: a case with any of them as a subject is
    locked to this user. Connection is symmetric, so this is the same as asking whether the user is
    a subject or connected to one."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, _EXCLUDED):
        person = workforce_person(user)
        setattr(user, _EXCLUDED, excluded_people([person.pk]) if person else set())
    found: set[int] = getattr(user, _EXCLUDED)
    return found


def excluded_case_ids(user: AnyUser) -> set[int]:
    people = people_this_user_is(user)
    if not people:
        return set()
    return set(_excluded_cases(people))


def _excluded_cases(people: set[int]) -> QuerySet[Subject, int]:
    """The ids of cases with any of these people as a subject, as a subquery (no query of its own)."""
    return Subject.objects.filter(person_id__in=people).values_list("case_id", flat=True)


def is_excluded(user: AnyUser, case: Case) -> bool:
    """Read from the case's subjects, which read_case prefetches: no query per check on a case page.
    Subjects are only written when a case is opened, so the prefetched list is the whole list."""
    people = people_this_user_is(user)
    return bool(people) and any(subject.person_id in people for subject in case.subjects.all())


def _grant_filter(user: AnyUser) -> Q:
    now = timezone.now()
    return (
        Q(team__user_id=user.pk, team__removed_at__isnull=True)
        | Q(force_id__in=organisation_ids_with_role(user, Role.PSD_LEAD))
        | Q(break_glass__user_id=user.pk, break_glass__expires_at__gt=now, break_glass__revoked_at__isnull=True)
    )


def visible_cases(user: AnyUser) -> CaseQuerySet:
    """Every case this person may know exists; the only way views, search, exports and the API list cases."""
    if not user.is_authenticated:
        return Case.objects.none()
    granted = Case.objects.filter(pk__in=Case.objects.filter(_grant_filter(user)).values("pk"))
    people = people_this_user_is(user)
    return granted.exclude(pk__in=_excluded_cases(people)) if people else granted


def can_view_case(user: AnyUser, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def team_roles(user: AnyUser, case: Case) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(TeamMember.objects.active().filter(case=case, user_id=user.pk).values_list("role", flat=True))


def is_psd_lead_for(user: AnyUser, case: Case) -> bool:
    return any(m.role == Role.PSD_LEAD and m.organisation_id == case.force_id for m in memberships_of(user))


def _acts_on(user: AnyUser, case: Case, *roles: TeamRole) -> bool:
    if is_excluded(user, case):
        return False
    return is_psd_lead_for(user, case) or bool(team_roles(user, case) & set(roles))


def can_manage_team(user: AnyUser, case: Case) -> bool:
    """Assign investigators, decision makers and SPOCs; record ownership decisions."""
    return _acts_on(user, case, TeamRole.CASE_HANDLER)


def can_edit_case(user: AnyUser, case: Case) -> bool:
    return _acts_on(user, case, TeamRole.CASE_HANDLER, TeamRole.INVESTIGATOR, TeamRole.DECISION_MAKER)


def can_record_decision(user: AnyUser, case: Case) -> bool:
    """Recording, referral, conduct and deployment decisions: the appropriate authority."""
    return _acts_on(user, case, TeamRole.DECISION_MAKER, TeamRole.CASE_HANDLER)


def can_work_with_victim(user: AnyUser, case: Case) -> bool:
    """Contact preferences, the contact log, support referrals, Victims' Code rights."""
    return _acts_on(user, case, TeamRole.SPOC, TeamRole.CASE_HANDLER, TeamRole.INVESTIGATOR)


def can_sign_declaration(user: AnyUser, member: TeamMember) -> bool:
    return member.user_id == user.pk and member.removed_at is None and member.role in INDEPENDENT_ROLES


def can_open_cases(user: AnyUser) -> bool:
    return bool(organisation_ids_with_role(user, Role.PSD_HANDLER, Role.PSD_LEAD))


def can_break_glass(user: AnyUser, case: Case) -> bool:
    """PSD staff of the case's force who are not excluded may open break-glass access."""
    in_psd = any(
        m.role in (Role.PSD_HANDLER, Role.PSD_LEAD) and m.organisation_id == case.force_id for m in memberships_of(user)
    )
    return in_psd and not is_excluded(user, case)


def can_review_break_glass(user: AnyUser, case: Case, opened_by_id: int) -> bool:
    return is_psd_lead_for(user, case) and user.pk != opened_by_id and not is_excluded(user, case)


def can_review_restriction(user: AnyUser, case: Case) -> bool:
    return is_psd_lead_for(user, case) and not is_excluded(user, case)


def can_see_alerts(user: AnyUser) -> bool:
    return bool(organisation_ids_with_role(user, Role.PSD_LEAD))


def can_run_audit(user: AnyUser) -> bool:
    """The recommendation 1 audit of a force's cases: its PSD lead."""
    return bool(organisation_ids_with_role(user, Role.PSD_LEAD))


def can_read_log(user: AnyUser, case: Case) -> bool:
    """Who read the case, when: for the PSD lead of its force."""
    return is_psd_lead_for(user, case) and not is_excluded(user, case)


def psd_forces(user: AnyUser) -> list[Organisation]:
    """The forces whose professional standards department this person works in: where they may open cases."""
    ids = organisation_ids_with_role(user, Role.PSD_HANDLER, Role.PSD_LEAD)
    return sorted({m.organisation for m in memberships_of(user) if m.organisation_id in ids}, key=lambda org: org.name)


def has_cases_section(user: AnyUser) -> bool:
    """Show "Cases" in the navigation? Cheap for most people: the connection graph is read only for
    someone whose only way in is a team place or break-glass access."""
    if not user.is_authenticated:
        return False
    if can_open_cases(user):
        return True
    granted = Case.objects.filter(_grant_filter(user))
    if granted.exists() and visible_cases(user).exists():
        return True
    return visible_dip_samples(user).exists()  # the governing body's reviewers see masked samples only


def can_see_safeguards(user: AnyUser, case: Case) -> bool:
    """The break-glass accesses and restriction reviews of a case: its PSD lead and case handlers."""
    return can_manage_team(user, case)


def visible_alerts(user: AnyUser) -> AlertQuerySet:
    """Alerts to this PSD lead's forces, less any about a case they are excluded from (it would reveal the case)."""
    from django.contrib.contenttypes.models import ContentType

    forces = organisation_ids_with_role(user, Role.PSD_LEAD)
    if not forces:
        return Alert.objects.none()
    alerts = Alert.objects.filter(organisation_id__in=forces)
    people = people_this_user_is(user)
    if not people:
        return alerts
    case_type = ContentType.objects.get_for_model(Case)
    return alerts.exclude(content_type=case_type, object_id__in=_excluded_cases(people))


# Audits and dip samples: the force's PSD lead runs them; the governing body's OPCC officers review
# dip samples (masked, never the cases). Every list of entries is filtered through the exclusion.


def audit_force_ids(user: AnyUser) -> set[int]:
    """Forces whose recommendation 1 audit and dip samples this person runs: as their PSD lead."""
    return organisation_ids_with_role(user, Role.PSD_LEAD)


def can_audit_force(user: AnyUser, force_id: int) -> bool:
    return force_id in audit_force_ids(user)


def visible_audits(user: AnyUser) -> QuerySet[CaseAudit]:
    return CaseAudit.objects.filter(force_id__in=audit_force_ids(user))


def visible_audit_entries(user: AnyUser, audit: CaseAudit) -> QuerySet[CaseAuditEntry]:
    """An audit's entries limited to cases this person may see: a lead excluded from a case never sees its row."""
    return audit.entries.filter(case__in=visible_cases(user).values("pk"))


def can_edit_audit(user: AnyUser, audit: CaseAudit) -> bool:
    return audit.status == AuditStatus.DRAFT and can_audit_force(user, audit.force_id)


def reviewing_body_ids(user: AnyUser) -> set[int]:
    return organisation_ids_with_role(user, Role.OPCC_OFFICER)


def visible_dip_samples(user: AnyUser) -> QuerySet[DipSample]:
    return DipSample.objects.filter(
        Q(force_id__in=audit_force_ids(user)) | Q(reviewing_body_id__in=reviewing_body_ids(user))
    )


def can_review_dip_sample(user: AnyUser, sample: DipSample) -> bool:
    return sample.reviewing_body_id in reviewing_body_ids(user)


def visible_dip_entries(user: AnyUser, sample: DipSample) -> QuerySet[DipSampleEntry]:
    """Reviewers see every entry (masked) except any they are excluded from; a lead sees the cases they may see."""
    entries = sample.entries.exclude(case_id__in=excluded_case_ids(user))
    if can_review_dip_sample(user, sample):
        return entries
    return entries.filter(case__in=visible_cases(user).values("pk"))


def section_links(user: AnyUser) -> dict[str, bool]:
    """Which of the case section's pages this person has: drives the section's sub-navigation."""
    psd_lead = can_see_alerts(user)
    return {
        "cases": has_cases_section(user),
        "alerts": psd_lead,
        "audits": can_run_audit(user),
        "dips": psd_lead or visible_dip_samples(user).exists(),
        "break_glass": can_open_cases(user),
    }

"""Need to know: every access decision about PPDA cases, in one place.

A case is visible to its active team, to the PSD lead of its force, and to anyone with live
break-glass access. Above all of that sits the exclusion: the subjects and everyone directly
connected to them (workforce/connections.py) never see the case, whatever role they hold,
administrators included. Everything that reveals a case (lists, search, counts, exports, the API,
alerts) goes through `visible_cases` or `can_view_case`; a refused person gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from oversight.audit.models import Alert, AlertQuerySet
from oversight.lib.idlists import gather, gathered, id_list, index_hint, rows_of
from oversight.organisations.access import AnyUser, memberships_of, organisation_ids_with_role
from oversight.organisations.models import Organisation, Role
from oversight.workforce.connections import connected_among
from oversight.workforce.models import ImportOutcome, ImportRun, Person

from .models import (
    INDEPENDENT_ROLES,
    AuditStatus,
    Case,
    CaseAudit,
    CaseAuditEntry,
    CaseQuerySet,
    DipSample,
    DipSampleEntry,
    Exclusion,
    Subject,
    TeamMember,
    TeamRole,
)

_PERSON = "_oversight_workforce_person"
_VERDICTS = "_oversight_exclusion_verdicts"
NOBODY = 0  # no register entry (and no case) has this id
LARGEST_ID = 2**63 - 1  # the databases' largest integer key


def workforce_person(user: AnyUser) -> Person | None:
    """The workforce register entry of the signed-in person, if they have one (cached per request)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _PERSON):
        setattr(user, _PERSON, Person.objects.filter(user_id=user.pk).first())
    person: Person | None = getattr(user, _PERSON)
    return person


def _verdicts(user: AnyUser) -> dict[int, bool]:
    """Case id -> excluded?, worked out once per request for each case asked about."""
    if not hasattr(user, _VERDICTS):
        setattr(user, _VERDICTS, {})
    verdicts: dict[int, bool] = getattr(user, _VERDICTS)
    return verdicts


def excluded_among(user: AnyUser, case_ids: Iterable[int]) -> set[int]:
    """Which of these cases shut this person out.

    Two grounds, either enough: a standing exclusion recorded for their register entry or their login
    (sticky: a later register change does not lift it), or a connection to a subject in the register
    as it is now (catches a connection made since the last refresh). Connection is symmetric, so
    asking from the person's side gives the same answer as from the subjects'.
    """
    if not user.is_authenticated:
        return set()
    verdicts = _verdicts(user)
    case_ids = [pk if 0 < pk <= LARGEST_ID else NOBODY for pk in case_ids]  # no row has an id out of range
    unknown = set(case_ids) - verdicts.keys()
    if unknown:
        found = _find_excluded(user, unknown)
        verdicts.update({pk: pk in found for pk in unknown})
    return {pk for pk in case_ids if verdicts[pk]}


def _find_excluded(user: AnyUser, case_ids: set[int]) -> set[int]:
    person = workforce_person(user)
    return excluded_from(person.pk if person else None, user.pk, case_ids)


def excluded_from(person_id: int | None, user_id: int | None, case_ids: set[int]) -> set[int]:
    """Of these cases, those that shut out this register entry or login.

    The standing exclusions are read first (one seek on the person's own rows), then the register as it
    is now is asked about the subjects of the cases left, and only those. A senior officer is directly
    connected to every subject below them, but each of those cases was given a standing exclusion for
    them when it was opened and again whenever the force's register was imported: their live check
    asks about the few cases left, as a constable's does, instead of finding every subject below them
    again (thousands of rows for a chief constable). The answer is the same either way, as the union
    of the two grounds; a case the standing rows miss (a connection made since) is still found live.

    The same three queries run whatever the answer, against nobody when nothing is left to ask, so
    the time a refusal takes does not tell a standing exclusion from a live one or from no case.
    """
    standing = _standing(person_id, user_id, case_ids)
    subjects = _subjects_of(case_ids - standing or {NOBODY})
    # With no subjects (an id that does not exist) the same queries still run, against nobody, so the
    # time taken does not tell a real case from an unknown one.
    targets = {pk for _, pk in subjects} or {NOBODY}
    connected = connected_among(person_id, targets) if person_id else set()
    return standing | {case for case, pk in subjects if pk in connected}


def _standing(person_id: int | None, user_id: int | None, case_ids: set[int]) -> set[int]:
    """Of these cases, those with a standing exclusion of this register entry or login, as one value.

    Each half is read through its own index, keyed on the person (exclusion_person_case) or the login
    (exclusion_user_case) and then the case: a seek for each case asked about, never the exclusions of
    a case's other people (every officer of a force, for a case against its chief constable) nor the
    person's exclusions from other cases. Both indexes hold whether the exclusion was lifted, so the
    answer comes from them alone: a senior officer's thousands of standing rows are not read again
    from the table. SQLite is told the index, as the register's queries are."""
    table = _table(Exclusion)
    wanted, param = id_list("e.case_id", sorted(case_ids))
    halves = [
        f"SELECT e.case_id FROM {table} e{index_hint(index)} WHERE e.{column} = %s AND {wanted} AND e.lifted_at IS NULL"  # noqa: S608
        for column, index in (("person_id", "exclusion_person_case"), ("user_id", "exclusion_user_case"))
    ]
    sql = f"SELECT {gather('x.case_id')} FROM ({halves[0]} UNION {halves[1]}) x"  # noqa: S608 (our names)
    ((found,),) = _fetch(sql, [person_id, param, user_id, param])
    return gathered(found)


def _subjects_of(case_ids: set[int]) -> list[tuple[Any, ...]]:
    """(case, person) for each subject of these cases, a seek in the subjects' (case, person) index for
    each case: PostgreSQL compares with = ANY; SQLite reads the cases first (CROSS JOIN keeps that
    order, whatever its statistics say)."""
    table, ids = _table(Subject), sorted(case_ids)
    if connection.vendor == "postgresql":
        wanted, param = id_list("sub.case_id", ids)
        return _fetch(f"SELECT sub.case_id, sub.person_id FROM {table} sub WHERE {wanted}", [param])  # noqa: S608
    cases, param = rows_of(ids)
    sql = f"SELECT sub.case_id, sub.person_id FROM {cases} CROSS JOIN {table} sub WHERE sub.case_id = s.value"  # noqa: S608
    return _fetch(sql, [param])


def _table(model: type[Model]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def shut_out_now(user: AnyUser, case_id: int) -> bool:
    """Is this person shut out of the case, worked out afresh (never from the request's cache)?

    For refusals: the same queries run whether the case exists, is locked to the person or shuts them
    out, so the time a refusal takes does not depend on which (bench/sidechannel.py measures it)."""
    case_id = case_id if 0 < case_id <= LARGEST_ID else NOBODY
    return user.is_authenticated and case_id in _find_excluded(user, {case_id})


def excluded_case_ids(user: AnyUser, among: Iterable[int] | None = None) -> set[int]:
    """The cases (of those given, or of those the person is granted) that this person is shut out of."""
    if among is None:
        among = Case.objects.filter(pk__in=_granted(user)).values_list("pk", flat=True)
    return excluded_among(user, list(among))


def is_excluded(user: AnyUser, case: Case) -> bool:
    return bool(excluded_among(user, [case.pk]))


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
    granted = Case.objects.filter(pk__in=_granted(user))
    shut = excluded_case_ids(user)
    return granted.exclude(pk__in=shut) if shut else granted


def _granted(user: AnyUser) -> QuerySet[Case, int]:
    """The ids of cases some grant opens to this person, before the exclusion (a subquery)."""
    return Case.objects.filter(_grant_filter(user)).values_list("pk", flat=True)


def can_view_case(user: AnyUser, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def team_roles(user: AnyUser, case: Case) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(TeamMember.objects.active().filter(case=case, user_id=user.pk).values_list("role", flat=True))


def is_psd_lead_for(user: AnyUser, case: Case) -> bool:
    return is_psd_lead_for_force(user, case.force_id)


def is_psd_lead_for_force(user: AnyUser, force_id: int) -> bool:
    return any(m.role == Role.PSD_LEAD and m.organisation_id == force_id for m in memberships_of(user))


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


def can_lift_exclusion(user: AnyUser, exclusion: Exclusion) -> bool:
    """A PSD lead of the case's force who is not excluded from it, and is not the person excluded."""
    case = exclusion.case
    return (
        exclusion.lifted_at is None
        and is_psd_lead_for(user, case)
        and exclusion.user_id != user.pk
        and not is_excluded(user, case)
    )


def can_review_exclusion_lift(user: AnyUser, exclusion: Exclusion) -> bool:
    """A second PSD lead reviews a lifted exclusion: not the lead who lifted it, nor the person concerned."""
    return (
        exclusion.lifted_at is not None
        and exclusion.reviewed_at is None
        and exclusion.lifted_by_id != user.pk
        and exclusion.user_id != user.pk
        and is_psd_lead_for(user, exclusion.case)
        and not is_excluded(user, exclusion.case)
    )


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
    case_type = ContentType.objects.get_for_model(Case)
    about = alerts.filter(content_type=case_type).values_list("object_id", flat=True).distinct()
    shut = excluded_among(user, list(about))
    return alerts.exclude(content_type=case_type, object_id__in=shut) if shut else alerts


# Audits and dip samples: the force's PSD lead runs them; the governing body's OPCC officers review
# dip samples (masked, never the cases). Every list of entries is filtered through the exclusion.


def audit_force_ids(user: AnyUser) -> set[int]:
    """Forces whose recommendation 1 audit and dip samples this person runs: as their PSD lead."""
    return organisation_ids_with_role(user, Role.PSD_LEAD)


def can_audit_force(user: AnyUser, force_id: int) -> bool:
    return force_id in audit_force_ids(user)


def visible_audits(user: AnyUser) -> QuerySet[CaseAudit]:
    """The audits of the lead's forces (each read through visible_audit_entries), less any companion audit
    holding a case they are shut out of: a companion exists only because of such cases (audits.start_audit)."""
    audits = CaseAudit.objects.filter(force_id__in=audit_force_ids(user))
    companions = CaseAuditEntry.objects.filter(audit__in=audits, audit__handed_from__isnull=False)
    shut = excluded_among(user, list(companions.values_list("case_id", flat=True).distinct()))
    return audits.exclude(handed_from__isnull=False, entries__case_id__in=shut) if shut else audits


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
    shut = excluded_among(user, sample.entries.values_list("case_id", flat=True))
    entries = sample.entries.exclude(case_id__in=shut)
    if can_review_dip_sample(user, sample):
        return entries
    return entries.filter(case__in=visible_cases(user).values("pk"))


def numbered_dip_entries(user: AnyUser, sample: DipSample) -> list[tuple[str, DipSampleEntry]]:
    """The entries this person may see, labelled "Case 1", "Case 2"... in draw order for this reader alone,
    so no gap in the numbering shows where a case hidden from them was drawn."""
    entries = visible_dip_entries(user, sample).select_related("reviewed_by", "case").order_by("position")
    return [(f"Case {number}", entry) for number, entry in enumerate(entries, start=1)]


# Workforce files held because they would remove a connection a live case rests on (cases/holds.py)


def can_decide_held_import(user: AnyUser, run: ImportRun) -> bool:
    """A PSD lead of the force, not the importer, excluded from none of the cases the file touches."""
    return (
        run.outcome == ImportOutcome.HELD
        and run.user_id != user.pk
        and is_psd_lead_for_force(user, run.force_id)
        and not excluded_among(user, run.held_case_ids)
    )


def visible_held_imports(user: AnyUser) -> list[ImportRun]:
    """The held files this person may decide on; any other is invisible to them."""
    forces = organisation_ids_with_role(user, Role.PSD_LEAD)
    runs = ImportRun.objects.filter(outcome=ImportOutcome.HELD, force_id__in=forces).select_related("force", "user")
    return [run for run in runs if can_decide_held_import(user, run)]


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

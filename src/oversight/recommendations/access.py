"""Every access decision for the register: pure functions and QuerySet scoping.

Reports and their items are published documents, readable by every signed-in user. Tracking
records, evidence, responses and committee papers belong to organisations: a person outside
them gets 404 (views call `get_object_or_404` on the scoped QuerySets below), never 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from oversight.organisations.access import (
    AnyUser,
    covered_force_ids,
    members_of,
    memberships_of,
    organisation_ids_with_role,
)
from oversight.organisations.models import GoverningBodyTerm, Organisation, Role

from .models import (
    Committee,
    EvidenceVersion,
    ExtensionDecision,
    ExtensionRequest,
    GoverningBodyResponse,
    GoverningBodyResponseQuerySet,
    Report,
    ReportQuerySet,
    ResponseStatus,
    SignoffStage,
    TrackingRecord,
    TrackingRecordQuerySet,
    TrackingStatus,
)

# Roles that see their own organisation's register.
REGISTER_ROLES = (Role.LIAISON_OFFICER, Role.OWNER, Role.COMMITTEE_MEMBER, Role.OPCC_OFFICER)
# Roles in a governing body that see the register of the forces it governs.
GOVERNING_ROLES = (Role.OPCC_OFFICER, Role.COMMITTEE_MEMBER)


def _governed_force_ids(body_ids: set[int], on: dt.date | None = None) -> set[int]:
    if not body_ids:
        return set()
    on = on or dt.date.today()
    terms = GoverningBodyTerm.objects.filter(body_id__in=body_ids, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    return set(terms.values_list("force_id", flat=True))


def register_organisation_ids(user: AnyUser) -> set[int]:
    """Organisations whose register the user may read."""
    own = organisation_ids_with_role(user, *REGISTER_ROLES)
    governed = _governed_force_ids(organisation_ids_with_role(user, *GOVERNING_ROLES))
    return own | governed | covered_force_ids(user, Role.HMICFRS_LEAD)


def visible_tracking_records(user: AnyUser) -> TrackingRecordQuerySet:
    return TrackingRecord.objects.filter(organisation_id__in=register_organisation_ids(user))


def submitted_to_liaison(user: AnyUser) -> TrackingRecordQuerySet:
    """Items owners have submitted for sign-off, waiting for this liaison officer's check."""
    liaison_for = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    return TrackingRecord.objects.filter(organisation_id__in=liaison_for, signoff=SignoffStage.SUBMITTED)


def returned_to(user: AnyUser) -> TrackingRecordQuerySet:
    """Items returned with reasons to this owner (or, with no owner, to the force's liaison officer)."""
    if not user.is_authenticated:
        return TrackingRecord.objects.none()
    liaison_for = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    mine = Q(owner_id=user.pk) | Q(owner__isnull=True, organisation_id__in=liaison_for)
    return TrackingRecord.objects.filter(mine, signoff=SignoffStage.RETURNED)


def extensions_to_decide(user: AnyUser) -> QuerySet[ExtensionRequest]:
    """Extension requests awaiting this liaison officer's decision."""
    liaison_for = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    return ExtensionRequest.objects.filter(
        tracking__organisation_id__in=liaison_for, decision=ExtensionDecision.PENDING
    )


def reviews_due(user: AnyUser, by: dt.date) -> TrackingRecordQuerySet:
    """Open items whose quarterly review this liaison officer owes by `by` (overdue included)."""
    liaison_for = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    return TrackingRecord.objects.open().filter(organisation_id__in=liaison_for, next_review_on__lte=by)


def responses_to_write(user: AnyUser) -> GoverningBodyResponseQuerySet:
    """Draft 56-day responses this person writes a part of."""
    bodies = organisation_ids_with_role(user, Role.OPCC_OFFICER)
    forces = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    return GoverningBodyResponse.objects.filter(
        Q(body_id__in=bodies) | Q(force_id__in=forces), status=ResponseStatus.DRAFT
    )


def with_hmicfrs_lead(user: AnyUser) -> TrackingRecordQuerySet:
    """Items passed to HMICFRS for the forces this lead covers."""
    forces = covered_force_ids(user, Role.HMICFRS_LEAD)
    return TrackingRecord.objects.filter(organisation_id__in=forces, signoff=SignoffStage.WITH_HMICFRS)


def visible_evidence_versions(user: AnyUser) -> QuerySet[EvidenceVersion]:
    """Evidence files of the records the user may see: downloads are scoped through here."""
    return EvidenceVersion.objects.filter(evidence__tracking__in=visible_tracking_records(user))


def owner_candidates(organisation: Organisation) -> QuerySet[User]:
    """Who may be made the owner of an organisation's record: people with a role in it."""
    return members_of(organisation).order_by("first_name", "last_name", "username")


def visible_reports(user: AnyUser) -> ReportQuerySet:
    """Published reports: anyone signed in may read them."""
    return Report.objects.all() if user.is_authenticated else Report.objects.none()


def _holds(user: AnyUser, role: Role, organisation_id: int) -> bool:
    return any(m.role == role and m.organisation_id == organisation_id for m in memberships_of(user))


def is_liaison_for(user: AnyUser, tracking: TrackingRecord) -> bool:
    return _holds(user, Role.LIAISON_OFFICER, tracking.organisation_id)


def is_owner_of(user: AnyUser, tracking: TrackingRecord) -> bool:
    return user.is_authenticated and tracking.owner_id == user.pk


def is_hmicfrs_lead_for(user: AnyUser, tracking: TrackingRecord) -> bool:
    return tracking.organisation_id in covered_force_ids(user, Role.HMICFRS_LEAD)


def can_edit_tracking(user: AnyUser, tracking: TrackingRecord) -> bool:
    """Owner, portfolio and review date: the liaison officer keeps the register."""
    return is_liaison_for(user, tracking)


def can_correct_due_date(user: AnyUser, tracking: TrackingRecord) -> bool:
    """A wrongly entered due date is corrected by the liaison officer, in the extension history."""
    return is_liaison_for(user, tracking)


def can_contribute(user: AnyUser, tracking: TrackingRecord) -> bool:
    """Post progress updates, add evidence, ask for an extension, submit for sign-off."""
    if tracking.status == TrackingStatus.CLOSED:
        return False
    return is_owner_of(user, tracking) or is_liaison_for(user, tracking)


def can_record_hmicfrs_status(user: AnyUser, tracking: TrackingRecord) -> bool:
    return is_hmicfrs_lead_for(user, tracking)


def can_decide_extension(user: AnyUser, tracking: TrackingRecord) -> bool:
    return is_liaison_for(user, tracking)


def can_override_rag(user: AnyUser, tracking: TrackingRecord) -> bool:
    return is_liaison_for(user, tracking)


def can_record_review(user: AnyUser, tracking: TrackingRecord) -> bool:
    return is_liaison_for(user, tracking)


def can_change_work_status(user: AnyUser, tracking: TrackingRecord) -> bool:
    """Open, in progress, evidence gathering: only while the item is not awaiting sign-off."""
    working = (SignoffStage.NOT_SUBMITTED, SignoffStage.RETURNED)
    return can_contribute(user, tracking) and tracking.signoff in working


@dataclass(frozen=True)
class TrackingPermissions:
    """What a person who can see a record may do on its page; each flag shows or hides a button."""

    contribute: bool
    change_status: bool
    edit: bool
    correct_due_date: bool
    override_rag: bool
    record_review: bool
    record_hmicfrs_status: bool
    decide_extension: bool

    @property
    def any_change(self) -> bool:
        return any(vars(self).values())


def tracking_permissions(user: AnyUser, tracking: TrackingRecord) -> TrackingPermissions:
    return TrackingPermissions(
        contribute=can_contribute(user, tracking),
        change_status=can_change_work_status(user, tracking),
        edit=can_edit_tracking(user, tracking),
        correct_due_date=can_correct_due_date(user, tracking),
        override_rag=can_override_rag(user, tracking),
        record_review=can_record_review(user, tracking),
        record_hmicfrs_status=can_record_hmicfrs_status(user, tracking),
        decide_extension=can_decide_extension(user, tracking),
    )


def can_manage_reports(user: AnyUser) -> bool:
    """Add reports and their items: a liaison officer, an HMICFRS lead or a national analyst."""
    return bool(organisation_ids_with_role(user, Role.LIAISON_OFFICER, Role.HMICFRS_LEAD, Role.NATIONAL_ANALYST))


# 56-day responses


def _response_reader_filter(user: AnyUser) -> Q:
    bodies = organisation_ids_with_role(user, *GOVERNING_ROLES)
    forces = organisation_ids_with_role(user, Role.LIAISON_OFFICER, Role.COMMITTEE_MEMBER)
    return (
        Q(body_id__in=bodies)
        | Q(force_id__in=forces)
        | Q(force_id__in=covered_force_ids(user, Role.HMICFRS_LEAD))
        | Q(status=ResponseStatus.PUBLISHED, force_id__in=register_organisation_ids(user))
    )


def visible_responses(user: AnyUser) -> GoverningBodyResponseQuerySet:
    if not user.is_authenticated:
        return GoverningBodyResponse.objects.none()
    return GoverningBodyResponse.objects.filter(_response_reader_filter(user))


def can_write_body_response(user: AnyUser, response: GoverningBodyResponse) -> bool:
    return response.status == ResponseStatus.DRAFT and _holds(user, Role.OPCC_OFFICER, response.body_id)


def can_write_chief_constable_comments(user: AnyUser, response: GoverningBodyResponse) -> bool:
    return response.status == ResponseStatus.DRAFT and _holds(user, Role.LIAISON_OFFICER, response.force_id)


def can_publish_response(user: AnyUser, response: GoverningBodyResponse) -> bool:
    return can_write_body_response(user, response)


def can_start_response(user: AnyUser, force: Organisation) -> bool:
    body = force.governing_body_on()
    return body is not None and _holds(user, Role.OPCC_OFFICER, body.pk)


# Committee papers


# Who reads a committee's papers (README, access in the register): its members, the liaison
# officers who write the paper, and the officers of the governing body whose committee it is.
# Any other role in the same body (an administrator, a PSD handler, an investigator) reads nothing.
PAPER_ROLES_IN_BODY = (Role.COMMITTEE_MEMBER, Role.LIAISON_OFFICER, Role.OPCC_OFFICER)
PAPER_ROLES_IN_FORCE = (Role.COMMITTEE_MEMBER, Role.LIAISON_OFFICER)


def visible_committees(user: AnyUser) -> QuerySet[Committee]:
    """Committees whose papers the person reads; everyone else gets 404 for them."""
    if not user.is_authenticated:
        return Committee.objects.none()
    bodies = organisation_ids_with_role(user, *PAPER_ROLES_IN_BODY)
    forces = organisation_ids_with_role(user, *PAPER_ROLES_IN_FORCE)
    return Committee.objects.filter(Q(organisation_id__in=bodies) | Q(forces__in=forces)).distinct()


def can_manage_committee(user: AnyUser, committee: Committee) -> bool:
    return _holds(user, Role.LIAISON_OFFICER, committee.organisation_id) or any(
        _holds(user, Role.LIAISON_OFFICER, force_id) for force_id in committee.forces.values_list("pk", flat=True)
    )


def forthcoming_inspection_forces(user: AnyUser) -> QuerySet[Organisation]:
    """Forces for which the person may record a forthcoming inspection: those they are liaison officer for."""
    liaison_for = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    return Organisation.objects.forces().filter(pk__in=liaison_for).order_by("name")


def can_record_forthcoming_inspection(user: AnyUser, force: Organisation) -> bool:
    return _holds(user, Role.LIAISON_OFFICER, force.pk)


def can_record_response_actions(user: AnyUser, response: GoverningBodyResponse) -> bool:
    """Record the steps a draft response commits to, as read from its document: the governing body's
    officers who write it, and the force's liaison officer who keeps the register. A published
    response is what the body put its name to: publishing is irreversible, so its steps are too."""
    if response.status != ResponseStatus.DRAFT:
        return False
    return _holds(user, Role.OPCC_OFFICER, response.body_id) or _holds(user, Role.LIAISON_OFFICER, response.force_id)

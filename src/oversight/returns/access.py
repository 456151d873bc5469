"""Who may see and act on national returns: pure functions, and the QuerySets every page, endpoint
and export of this app is scoped by.

A request belongs to the national body that sends it: that body's national analysts see and manage
it and every return made to it. An organisation asked sees and answers only its own return, through
the people who answer for it: a governing body's OPCC officers, a force's liaison officer. Nobody
else learns that a request or a return exists (404, never 403).
"""

from __future__ import annotations

from django.db.models import Q

from oversight.organisations.access import AnyUser, memberships_of
from oversight.organisations.models import OrganisationKind, Role

from .models import Return, ReturnQuerySet, ReturnRequest, ReturnRequestQuerySet

# Who answers for an organisation of each kind.
ANSWERING_ROLES: dict[str, Role] = {
    OrganisationKind.GOVERNING_BODY: Role.OPCC_OFFICER,
    OrganisationKind.FORCE: Role.LIAISON_OFFICER,
}


def requesting_body_ids(user: AnyUser) -> set[int]:
    """National bodies in which the person is a national analyst: the bodies whose requests they manage."""
    return {
        m.organisation_id
        for m in memberships_of(user)
        if m.role == Role.NATIONAL_ANALYST and m.organisation.kind == OrganisationKind.NATIONAL
    }


def answering_organisation_ids(user: AnyUser) -> set[int]:
    """Organisations the person answers returns for: OPCC officers for a governing body, a liaison
    officer for a force."""
    return {m.organisation_id for m in memberships_of(user) if ANSWERING_ROLES.get(m.organisation.kind) == m.role}


def visible_requests(user: AnyUser) -> ReturnRequestQuerySet:
    """Requests the person manages: those of their national bodies. An organisation asked sees its
    return, not the request with everyone else's."""
    return ReturnRequest.objects.from_bodies(requesting_body_ids(user))


def visible_returns(user: AnyUser) -> ReturnQuerySet:
    """Returns the person may read: every return to their body's requests, and their own organisations'."""
    bodies, answering = requesting_body_ids(user), answering_organisation_ids(user)
    if not bodies and not answering:
        return Return.objects.none()
    return Return.objects.filter(Q(request__body_id__in=bodies) | Q(organisation_id__in=answering))


def can_create_requests(user: AnyUser) -> bool:
    return bool(requesting_body_ids(user))


def can_use_returns(user: AnyUser) -> bool:
    """Whether to show "Returns" in the navigation: the person has a request or a return to see."""
    return can_create_requests(user) or visible_returns(user).exists()


def can_manage_request(user: AnyUser, request: ReturnRequest) -> bool:
    """Change a draft, send it, follow its returns and return one for clarification."""
    return request.body_id in requesting_body_ids(user)


def can_view_return(user: AnyUser, record: Return) -> bool:
    return can_manage_request(user, record.request) or can_answer_return(user, record)


def can_answer_return(user: AnyUser, record: Return) -> bool:
    """Write, pre-fill, submit and resubmit the organisation's return."""
    return record.organisation_id in answering_organisation_ids(user)


def can_return_for_clarification(user: AnyUser, record: Return) -> bool:
    return can_manage_request(user, record.request)

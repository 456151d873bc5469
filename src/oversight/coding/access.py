"""Who may code a request's returns: pure functions, and the QuerySets every page and endpoint of
this app is scoped by.

Coding belongs to the body that asked: only the national analysts of the requesting body define its
themes, code passages of its returns, and see and decide the system's suggestions. The organisations
that answered do not see how their words were coded, and nobody else learns that a request exists
(404, never 403).
"""

from __future__ import annotations

from django.db.models import QuerySet

from oversight.organisations.access import AnyUser
from oversight.returns.access import requesting_body_ids
from oversight.returns.models import ReturnRequest, ReturnRequestQuerySet

from .models import Coding, Suggestion, SuggestionQuerySet, Theme


def codable_requests(user: AnyUser) -> ReturnRequestQuerySet:
    """Requests whose returns the person codes: those of the national bodies they are an analyst in."""
    return ReturnRequest.objects.from_bodies(requesting_body_ids(user))


def can_code_request(user: AnyUser, request: ReturnRequest) -> bool:
    """Code passages of the request's submitted answers and remove one's own codings."""
    return request.body_id in requesting_body_ids(user)


def can_define_themes(user: AnyUser, request: ReturnRequest) -> bool:
    """Add, edit, merge and delete the request's themes."""
    return can_code_request(user, request)


def can_see_suggestions(user: AnyUser, request: ReturnRequest) -> bool:
    """See the system's suggestions, run it again, and accept or reject them."""
    return can_code_request(user, request)


def visible_themes(user: AnyUser) -> QuerySet[Theme]:
    return Theme.objects.filter(request__body_id__in=requesting_body_ids(user))


def visible_codings(user: AnyUser) -> QuerySet[Coding]:
    return Coding.objects.filter(theme__request__body_id__in=requesting_body_ids(user))


def visible_suggestions(user: AnyUser) -> SuggestionQuerySet:
    return Suggestion.objects.filter(request__body_id__in=requesting_body_ids(user))


def can_edit_report(user: AnyUser, request: ReturnRequest) -> bool:
    """See, draft, edit and export the request's summary report: it quotes the coding, so it is the
    coders' alone until they publish it outside the system."""
    return can_code_request(user, request)

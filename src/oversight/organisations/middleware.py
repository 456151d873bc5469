"""Sets request.organisation: the organisation the person is acting for, kept in the session."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .access import organisations_of

SESSION_KEY = "organisation_id"


class CurrentOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        organisations = organisations_of(request.user)
        chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        current = next((org for org in organisations if org.pk == chosen), None)
        request.organisation = current or (organisations[0] if organisations else None)  # type: ignore[attr-defined]
        request.organisations = organisations  # type: ignore[attr-defined]
        return self.get_response(request)

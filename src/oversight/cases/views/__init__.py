"""The PPDA case pages, one module per area; each module lists its own URL patterns."""

from __future__ import annotations

from django.http import Http404

from oversight.request import AuthedRequest

from .. import services
from ..models import Case


def case_or_404(request: AuthedRequest, pk: int, what: str) -> Case:
    """The case if this person may see it, its read logged; else 404 (an excluded person's try alerts silently)."""
    case = services.read_case(request.user, pk, what)
    if case is None:
        raise Http404("Not found")
    return case


def allowed(permitted: bool) -> None:
    """A person who may see the case but not do this gets the same 404 as for a case that does not exist."""
    if not permitted:
        raise Http404("Not found")

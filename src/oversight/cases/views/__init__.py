"""The PPDA case pages, one module per area; each module lists its own URL patterns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


@contextmanager
def refusals_alert(request: AuthedRequest, case_of: Callable[[], int | None], what: str) -> Iterator[None]:
    """Inside the block, a 404 about something of a case is answered as before, and then treated as an attempt
    on the case itself: the PSD lead is alerted if the person is shut out of it, else the refusal is recorded."""
    try:
        yield
    except Http404:
        services.note_refused_attempt(request.user, case_of() or 0, what)
        raise


def allowed(permitted: bool) -> None:
    """A person who may see the case but not do this gets the same 404 as for a case that does not exist."""
    if not permitted:
        raise Http404("Not found")

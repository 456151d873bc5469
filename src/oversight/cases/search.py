"""Finding PPDA cases by reference, victim name, or subject name or staff number.

Only cases the person may see are ever returned. When an excluded person's search matches the victim
or a subject of a case locked to them, they are shown exactly what anyone else outside the case sees
(nothing of it) and the force's PSD lead is alerted silently (issue 3, "Cases and locking").
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q

from oversight.audit.models import AlertKind, raise_alert, record_refusal

from . import access
from .models import Case, CaseQuerySet
from .services import who

MIN_TERM_LENGTH = 2  # a single letter matches half the register and finds nothing useful


def clean_term(term: str | None) -> str:
    return " ".join((term or "").split())[:100]


def _matches(term: str) -> Q:
    """Every field search looks at: the reference, and the victim's and subjects' names and staff numbers."""
    return (
        Q(reference__icontains=term)
        | Q(victim__name__icontains=term)
        | Q(victim__person__name__icontains=term)
        | Q(victim__person__staff_number__iexact=term)
        | Q(subjects__person__name__icontains=term)
        | Q(subjects__person__staff_number__iexact=term)
    )


def search_cases(user: User, term: str | None) -> CaseQuerySet:
    """The visible cases whose reference, victim or subject matches; alerts on matches locked to this person."""
    term = clean_term(term)
    if len(term) < MIN_TERM_LENGTH:
        return access.visible_cases(user).none()
    matched = set(Case.objects.filter(_matches(term)).values_list("pk", flat=True))
    visible = access.visible_cases(user).filter(pk__in=matched)
    _alert_excluded_matches(user, term, matched - set(visible.values_list("pk", flat=True)))
    return visible


def _alert_excluded_matches(user: User, term: str, hidden: set[int]) -> None:
    """A match the person may not see alerts its PSD lead when the person is shut out of that case.

    Otherwise one refusal record is written, so a search costs the same work whether or not it touched
    a locked case."""
    locked = {pk for pk in hidden or {0} if access.shut_out_now(user, pk)}
    if not locked:
        record_refusal(user, Case, 0, "search matched no case shut to them")
        return
    for case in Case.objects.filter(pk__in=locked).select_related("force"):
        matches = f"which matches case {case.reference} (its reference, victim or subject)"
        detail = f"{who(user)} searched for '{term}', {matches}."
        raise_alert(AlertKind.EXCLUDED_SEARCHED, case.force, case, user, detail)

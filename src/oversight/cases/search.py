"""Finding PPDA cases by reference, victim name, or subject name or staff number.

Only cases the person may see are ever returned. When an excluded person's search matches the victim
or a subject of a case locked to them, they are shown exactly what anyone else outside the case sees
(nothing of it) and the force's PSD lead is alerted silently (issue 3, "Cases and locking").
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q

from oversight.audit.models import AlertKind, raise_alert

from . import access
from .models import Case, CaseQuerySet

MIN_TERM_LENGTH = 2  # a single letter matches half the register and finds nothing useful


def clean_term(term: str | None) -> str:
    return " ".join((term or "").split())[:100]


def _party_matches(term: str) -> Q:
    return (
        Q(victim__name__icontains=term)
        | Q(subjects__person__name__icontains=term)
        | Q(subjects__person__staff_number__iexact=term)
    )


def search_cases(user: User, term: str | None) -> CaseQuerySet:
    """The visible cases whose reference, victim or subject matches; alerts on excluded matches."""
    term = clean_term(term)
    if len(term) < MIN_TERM_LENGTH:
        return access.visible_cases(user).none()
    _alert_excluded_matches(user, term)
    matched = Case.objects.filter(Q(reference__icontains=term) | _party_matches(term)).values("pk")
    return access.visible_cases(user).filter(pk__in=matched)


def _alert_excluded_matches(user: User, term: str) -> None:
    locked = access.excluded_case_ids(user)
    if not locked:
        return
    who = user.get_full_name() or user.get_username()
    for case in Case.objects.filter(pk__in=locked).filter(_party_matches(term)).select_related("force").distinct():
        detail = f"{who} searched for '{term}', which matches the victim or a subject of case {case.reference}."
        raise_alert(AlertKind.EXCLUDED_SEARCHED, case.force, case, user, detail)

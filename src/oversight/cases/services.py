"""State changes of PPDA cases: each a guarded function that checks access, locks, and records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from oversight.audit.models import AlertKind, log_read, raise_alert
from oversight.concurrency import bump_version, lock_for_change
from oversight.organisations.access import has_role
from oversight.organisations.models import Organisation, Role
from oversight.workforce.connections import connected_to_any
from oversight.workforce.models import Person

from . import access
from .models import (
    Allegation,
    Arrival,
    Case,
    CaseStatus,
    ConductStatus,
    CriminalStatus,
    Subject,
    TeamMember,
    TeamRole,
    Victim,
)


def locked_case(case: Case, expected_version: int | None) -> Case:
    """The case locked for update; refuses a change made on a stale copy. Call inside atomic()."""
    return lock_for_change(Case, case.pk, expected_version, noun="case")


def bump(case: Case, *fields: str) -> None:
    bump_version(case, *fields)


@dataclass
class NewCase:
    """What is known when a report arrives: from the hotline, a complaint, a conduct matter or a third party."""

    force: Organisation
    arrival: Arrival
    received_on: dt.date
    summary: str
    victim_name: str
    subjects: Sequence[Person]
    allegations: Sequence[str] = field(default_factory=list)
    victim_is_police_staff: bool = False
    victim_person: Person | None = None


def _check_new_case(new: NewCase, by: User) -> None:
    if not has_role(by, Role.PSD_HANDLER, new.force) and not has_role(by, Role.PSD_LEAD, new.force):
        raise PermissionDenied("Only the force's professional standards department records PPDA cases.")
    errors: dict[str, str] = {}
    if not new.subjects:
        errors["subjects"] = "Choose at least one subject from the workforce register."
    elif any(person.force_id != new.force.pk for person in new.subjects):
        errors["subjects"] = "Subjects must be in this force's workforce register."
    if new.received_on > timezone.localdate():
        errors["received_on"] = "The date received cannot be in the future."
    if not new.summary.strip():
        errors["summary"] = "Enter what was reported."
    if not new.victim_name.strip():
        errors["victim_name"] = "Enter the victim's name."
    if errors:
        raise ValidationError(errors)
    me = access.workforce_person(by)
    if me is not None and connected_to_any(me.pk, [person.pk for person in new.subjects]):
        # The person recording is the subject or connected to them: they must not hold the case.
        raise ValidationError(
            "You are connected to a subject of this report, so you cannot record it. "
            "Pass it to another member of professional standards or to the PSD lead."
        )


def _next_reference(force: Organisation, year: int) -> str:
    prefix = f"PPDA-{year}-"
    taken = Case.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


def open_case(new: NewCase, by: User) -> Case:
    """Record a new PPDA case; the person recording it joins the team as case handler."""
    _check_new_case(new, by)
    with transaction.atomic():
        # Serialise reference numbering per year on both SQLite and PostgreSQL.
        list(Case.objects.select_for_update().filter(reference__startswith=f"PPDA-{new.received_on.year}-"))
        case = Case.objects.create(
            reference=_next_reference(new.force, new.received_on.year),
            force=new.force,
            arrival=new.arrival,
            received_on=new.received_on,
            summary=new.summary.strip(),
            opened_by=by,
        )
        Victim.objects.create(
            case=case,
            name=new.victim_name.strip(),
            is_police_staff=new.victim_is_police_staff,
            person=new.victim_person if new.victim_is_police_staff else None,
        )
        Subject.objects.bulk_create([Subject(case=case, person=person) for person in new.subjects])
        Allegation.objects.bulk_create(
            [Allegation(case=case, description=text.strip()) for text in new.allegations if text.strip()]
        )
        TeamMember.objects.create(case=case, user=by, role=TeamRole.CASE_HANDLER, organisation=new.force, added_by=by)
    return case


# ----------------------------------------------------------------------------------------------
# Reading a case: the read is logged; an excluded person's attempt alerts the PSD lead silently.


def read_case(user: User, pk: int, what: str, route: str = "web") -> Case | None:
    """The case with its parties if this person may see it, with the read logged in the same request.

    None for anyone else, exactly as for a case that does not exist; when the person is excluded
    from the case, the force's PSD lead is alerted without the person being told.
    """
    case = (
        access.visible_cases(user)
        .select_related("force", "victim", "victim__person", "opened_by")
        .prefetch_related(
            Prefetch("subjects", Subject.objects.select_related("person__unit").order_by("person__name")),
            "allegations",
            Prefetch("team", TeamMember.objects.active().select_related("user", "organisation")),
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        note_refused_attempt(user, pk, what, route)
        return None
    log_read(user, case, what, route)
    return case


def note_refused_attempt(user: User, pk: int, what: str, route: str = "web") -> None:
    """Alert the PSD lead if this person, refused a case, is excluded from it (a subject or connected)."""
    if pk not in access.excluded_case_ids(user):
        return
    case = Case.objects.select_related("force").get(pk=pk)
    detail = f"{_who(user)} tried to open {what} of case {case.reference} ({route}) and was shown 'not found'."
    raise_alert(AlertKind.EXCLUDED_OPENED, case.force, case, user, detail)


def _who(user: User) -> str:
    return user.get_full_name() or user.get_username()


# ----------------------------------------------------------------------------------------------
# Statuses: the case as a whole, and the criminal and conduct tracks, kept apart.


@dataclass(frozen=True)
class StatusChange:
    status: CaseStatus
    criminal_status: CriminalStatus
    conduct_status: ConductStatus
    closed_on: dt.date | None = None


def _check_statuses(case: Case, change: StatusChange) -> dict[str, str]:
    errors: dict[str, str] = {}
    if change.status != CaseStatus.CLOSED:
        return errors
    if change.closed_on is None:
        errors["closed_on"] = "Enter the date the case was closed."
    elif change.closed_on > timezone.localdate():
        errors["closed_on"] = "The date closed cannot be in the future."
    elif change.closed_on < case.received_on:
        errors["closed_on"] = f"The date closed cannot be before the case was received ({case.received_on:%-d %B %Y})."
    return errors


def change_statuses(case: Case, by: User, change: StatusChange, version: int) -> Case:
    """Set the case status and the two tracks' statuses; refused if someone saved the case since `version`."""
    if not access.can_edit_case(by, case):
        raise PermissionDenied("Only the case team may change the case's statuses.")
    if errors := _check_statuses(case, change):
        raise ValidationError(errors)
    closed_on = change.closed_on if change.status == CaseStatus.CLOSED else None
    with transaction.atomic():
        locked = locked_case(case, version)
        locked.status, locked.criminal_status = change.status, change.criminal_status
        locked.conduct_status, locked.closed_on = change.conduct_status, closed_on
        bump(locked, "status", "criminal_status", "conduct_status", "closed_on")
    return locked

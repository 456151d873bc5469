"""State changes of PPDA cases: each a guarded function that checks access, locks, and records."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from oversight.audit.models import AlertKind, log_read, raise_alert, record_refusal
from oversight.concurrency import bump_version, lock_for_change
from oversight.organisations.access import has_role
from oversight.organisations.models import Organisation, Role
from oversight.workforce.connections import connected_to_any, excluded_people
from oversight.workforce.models import Person

from . import access
from .models import (
    Allegation,
    Arrival,
    Case,
    CaseStatus,
    ConductStatus,
    CriminalStatus,
    Exclusion,
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


# References carry no sequence: a number counted per year would tell anyone who opens a case how
# many others exist. Six characters from 31 unambiguous ones give about 887 million per year; a
# clash is retried (the unique constraint decides, so two people opening cases at once never
# share one, and a deleted case's reference is never handed out again by counting).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6
REFERENCE_TRIES = 8


def new_reference(year: int) -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"PPDA-{year}-{code}"


def _create_case(new: NewCase, by: User) -> Case:
    for _ in range(REFERENCE_TRIES):
        try:
            with transaction.atomic():  # a savepoint: a clash rolls back only this attempt
                return Case.objects.create(
                    reference=new_reference(new.received_on.year),
                    force=new.force,
                    arrival=new.arrival,
                    received_on=new.received_on,
                    summary=new.summary.strip(),
                    opened_by=by,
                )
        except IntegrityError:
            continue
    raise IntegrityError("Could not find a free case reference.")


def open_case(new: NewCase, by: User) -> Case:
    """Record a new PPDA case; the person recording it joins the team as case handler."""
    _check_new_case(new, by)
    with transaction.atomic():
        case = _create_case(new, by)
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
        record_exclusions([case.pk])
    return case


def record_exclusions(case_ids: Iterable[int]) -> int:
    """Write a standing exclusion for every subject and everyone now directly connected to one.

    Adds, never removes: a connection that has since gone from the register leaves its exclusion
    standing until a PSD lead lifts it (safeguards.lift_exclusion). Returns how many were added.
    """
    added = 0
    for case in Case.objects.filter(pk__in=list(case_ids)).prefetch_related("subjects"):
        subjects = {subject.person_id for subject in case.subjects.all()}
        known = set(case.exclusions.values_list("person_id", flat=True))
        fresh = excluded_people(subjects) - known
        logins = dict(Person.objects.filter(pk__in=fresh).values_list("pk", "user_id"))
        Exclusion.objects.bulk_create(
            [
                Exclusion(case=case, person_id=pk, user_id=logins.get(pk), why=_why_excluded(pk, subjects))
                for pk in sorted(fresh)
            ],
            ignore_conflicts=True,
        )
        added += len(fresh)
    return added


def _why_excluded(person_id: int, subjects: set[int]) -> str:
    return "A subject of the case" if person_id in subjects else "Directly connected to a subject when found"


def on_register_changed(sender: object, force: Organisation, **kwargs: object) -> None:
    refresh_live_exclusions(force)


def refresh_live_exclusions(force: Organisation) -> int:
    """After the force's register changed: exclusions for every live case that may involve its people."""
    involved = Exclusion.objects.filter(person__force=force).values("case_id")
    live = Case.objects.live().filter(Q(force=force) | Q(pk__in=involved)).values_list("pk", flat=True)
    return record_exclusions(live)


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
    """Record the refusal; if this person is excluded from the case, alert its PSD lead instead.

    The same lookups and one write happen whether the case exists, is locked to the person, or shuts
    them out, so the time taken says nothing about which.
    """
    case = Case.objects.select_related("force").filter(pk=min(max(pk, 0), access.LARGEST_ID)).first()
    shut = access.shut_out_now(user, pk)  # afresh either way: no cache makes one answer quicker
    if case is not None and shut:
        detail = f"{who(user)} tried to open {what} of case {case.reference} ({route}) and was shown 'not found'."
        raise_alert(AlertKind.EXCLUDED_OPENED, case.force, case, user, detail)
    else:
        record_refusal(user, Case, pk, what, route)


def who(user: User) -> str:
    """How alerts and trails name a person."""
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

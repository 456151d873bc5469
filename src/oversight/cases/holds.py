"""Register changes held for approval: a workforce import that would remove a connection that a live
case's restriction rests on is not written until a second PSD lead approves it.

Why: the person who wants a case opened to them may be the one editing the register (a lead importing
a new version of a subject's row without the association, say). The standing exclusions already stay
put (models/exclusions.py); holding the change also keeps the register, and so every independence
check read from it, as it was until someone who is not shut out of the case agrees.

The importer is told only that the file is held (workforce/services.py names no case); the approver
is a PSD lead of the force who did not import it and is excluded from none of the cases concerned.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.concurrency import require
from oversight.organisations.models import Organisation
from oversight.workforce.connections import excluded_people
from oversight.workforce.importer import import_workforce
from oversight.workforce.models import ImportOutcome, ImportRun, Person
from oversight.workforce.services import describe_counts
from oversight.workforce.signals import Hold

from . import access, services
from .models import Case, Exclusion


def _watched_cases(force: Organisation) -> dict[int, set[int]]:
    """Live cases that may involve the force's people, with their subjects."""
    involved = Exclusion.objects.filter(person__force=force).values("case_id")
    live = Case.objects.live().filter(Q(force=force) | Q(pk__in=involved)).prefetch_related("subjects")
    return {case.pk: {subject.person_id for subject in case.subjects.all()} for case in live}


def on_register_changing(sender: object, force: Organisation, **kwargs: object) -> Callable[[], list[Hold]]:
    """Before a write: who is connected to each live case's subjects. After: who no longer is."""
    cases = _watched_cases(force)
    before = {pk: excluded_people(subjects) for pk, subjects in cases.items()}

    def removed() -> list[Hold]:
        lost = {pk: before[pk] - excluded_people(subjects) for pk, subjects in cases.items()}
        everyone = set().union(*lost.values())
        names = dict(Person.objects.filter(pk__in=everyone).values_list("pk", "name")) if everyone else {}
        return [
            (f"{names.get(person, 'Someone')} would no longer be connected to a subject", pk)
            for pk, people in lost.items()
            for person in sorted(people)
        ]

    return removed


def held_or_none(user: User, run_id: int) -> ImportRun | None:
    """The held file if this person may decide on it; else None, with the refusal recorded, and an alert to
    the PSD lead about each of its cases the person is shut out of (the same as reaching for the case)."""
    run = next((run for run in access.visible_held_imports(user) if run.pk == run_id), None)
    if run is not None:
        return run
    found = ImportRun.objects.filter(pk=min(run_id, access.LARGEST_ID), outcome=ImportOutcome.HELD).first()
    # Each case the file touches is treated as an attempt on it (an alert if the person is shut out, a
    # refusal record if not); an unknown id as an attempt on no case, with the same work.
    for case_id in found.held_case_ids if found else [0]:
        services.note_refused_attempt(user, case_id, "a held register change about the case")
    return None


def approve(run: ImportRun, by: User, note: str) -> ImportRun:
    """Write the held file as approved; refused if the register has since changed so that it no longer fits."""
    return _decide(run, by, note, approve=True)


def refuse(run: ImportRun, by: User, note: str) -> ImportRun:
    return _decide(run, by, note, approve=False)


def _decide(run: ImportRun, by: User, note: str, *, approve: bool) -> ImportRun:
    require(access.can_decide_held_import(by, run))
    if not note.strip():
        raise ValidationError({"note": "Give the reason for your decision."})
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().select_related("force").get(pk=run.pk)
        require(access.can_decide_held_import(by, locked))  # again, inside the lock
        if approve:
            locked.outcome, locked.summary = ImportOutcome.IMPORTED, _write_approved(locked, by)
        else:
            locked.outcome = ImportOutcome.NOT_APPROVED
        locked.decided_by, locked.decided_at, locked.decision_note = by, timezone.now(), note.strip()
        locked.save(update_fields=["outcome", "summary", "decided_by", "decided_at", "decision_note"])
    return locked


def _write_approved(run: ImportRun, by: User) -> str:
    own = Person.objects.filter(user_id=by.pk, force=run.force).values_list("staff_number", flat=True).first()
    with run.held_file.open("r") as text:
        report = import_workforce(run.force, text, own_staff_number=own, approved=True)
    if not report.ok:
        raise ValidationError(f"The file no longer fits the register: {report.errors[0]}. Nothing was written.")
    return describe_counts(report.counts, report.new_people)

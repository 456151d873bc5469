"""Erasing records past retention, each through one guarded function that keeps the trail verifiable.

An erasure deletes the record, the rows that hang off it, and the change-trail entries
(django-auditlog) that hold their content; for every audit row it deletes it first appends an
erasure entry to the chain (audit/chain.py `erase`), so `oversight audit verify` still passes and the
trail says that the row existed and was deleted, by whom and why, never what it held. Reads of the
record, refusals and alerts about it stay: they hold who did what and when, not the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone

from oversight.accounts.models import LoginAttempt
from oversight.audit.chain import SOURCE_OF_LABEL, erase
from oversight.cases.models import Exclusion, TeamMember
from oversight.ingest.models import SourceDocument
from oversight.workforce import chains
from oversight.workforce.models import Person

from . import access
from .rules import RecordType

REASON_LIMIT = 2000
BATCH = 500


def _who(user: User) -> str:
    return f"{user.get_username()} (user {user.pk})"


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for deleting it"})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": f"The reason for deleting it must be {REASON_LIMIT} characters or fewer"})
    return reason


def erase_case(case_id: int, by: User, reason: str, today: dt.date | None = None) -> None:
    """Delete a closed case past retention, with its parties, decisions and victim's record."""
    why = _reason(reason)
    with transaction.atomic():
        case = access.cases_due(by, today or timezone.localdate()).select_for_update().filter(pk=case_id).first()
        if case is None:
            raise PermissionDenied("Not available")
        _erase_with_trail(case, by, why)


def erase_measure(measure_id: int, by: User, reason: str, today: dt.date | None = None) -> None:
    """Delete an ended protective measure past retention, with its breaches, events and what the victim was told."""
    why = _reason(reason)
    with transaction.atomic():
        measure = access.measures_due(by, today or timezone.localdate()).select_for_update().filter(pk=measure_id)
        found = measure.first()
        if found is None:
            raise PermissionDenied("Not available")
        _erase_with_trail(found, by, why)


LEAVER_STILL_NAMED = (
    "This entry cannot be deleted while a record still held names the person: a case (as subject or victim), "
    "an exclusion from one, a protective measure, or a case team through their login, which must also be closed. "
    "That record's own retention period comes first."
)


def erase_leaver(person_id: int, by: User, reason: str, today: dt.date | None = None) -> None:
    """Delete the register entry of someone who left past retention, with their postings, line management,
    associations and case involvements, and refresh the line-management closure of everyone below them.

    Refused, with nothing written, while any record still held names them (the PROTECT keys of cases,
    exclusions and measures, and their login's case teams): erasing them must never lift an exclusion."""
    why = _reason(reason)
    with transaction.atomic():
        # Locked first, then judged due: the judgement reads postings an import may be rewriting.
        found = Person.objects.select_for_update().filter(pk=person_id).first()
        if found is None or not access.leavers_due(by, today or timezone.localdate()).filter(pk=person_id).exists():
            raise PermissionDenied("Not available")
        if _login_still_counts(found):
            raise ValidationError(LEAVER_STILL_NAMED)
        # One refresh at the end, of the people they managed and so of everyone below them (a cascade
        # deletes their periods one by one, each signalling its own refresh).
        with chains.deferred() as touched:
            try:
                _erase_with_trail(found, by, why)
            except ValidationError as error:
                raise ValidationError(LEAVER_STILL_NAMED) from error
            touched.discard(found.pk)


def _login_still_counts(person: Person) -> bool:
    """A login linked to the entry that is still active, or named by a case team or an exclusion: the
    lock reads the register through it."""
    user = person.user
    if user is None:
        return False
    return bool(
        user.is_active
        or TeamMember.objects.filter(user_id=user.pk).exists()
        or Exclusion.objects.filter(user_id=user.pk).exists()
    )


def erase_document(document_id: int, by: User, reason: str, today: dt.date | None = None) -> None:
    """Delete a document read in past retention: its stored file, clean text and proposals. Items
    confirmed from it stay in the register with their own text; only the link to the passage goes.
    The file is removed once the deletion commits (a rollback keeps both), and only when no other
    document stores the same bytes (files are kept under their hash)."""
    why = _reason(reason)
    with transaction.atomic():
        due = access.documents_due(by, today or timezone.localdate()).select_for_update(of=("self",))
        document = due.filter(pk=document_id).first()
        if document is None:
            raise PermissionDenied("Not available")
        name, storage = document.file.name, document.file.storage
        _erase_with_trail(document, by, why)
        if name and not SourceDocument.objects.filter(file=name).exists():
            transaction.on_commit(lambda: storage.delete(name))


def erase_read_notifications(today: dt.date) -> int:
    """Delete notifications read before their retention period ended (the daily job): they are not audit
    rows and point at records that keep their own history, so nothing is appended to the trail."""
    from oversight.notifications.models import Notification

    cutoff = access.kept_until(RecordType.READ_NOTIFICATION, today)
    deleted, _ = Notification.objects.filter(read_at__date__lte=cutoff).delete()
    return deleted


def erase_sign_ins(by: User, reason: str, today: dt.date | None = None) -> int:
    """Delete every sign-in attempt past retention; each keeps its erasure entry in the trail."""
    why = _reason(reason)
    if not access.can_erase_sign_ins(by):
        raise PermissionDenied("Not available")
    cutoff = access.kept_until(RecordType.SIGN_IN, today or timezone.localdate())
    due = LoginAttempt.objects.filter(attempted_at__date__lte=cutoff).order_by("pk")
    erased = 0
    while ids := list(due.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            for pk in ids:
                erase("accounts.loginattempt", pk, _who(by), why)
            LoginAttempt.objects.filter(pk__in=ids).delete()
        erased += len(ids)
    return erased


def _erase_with_trail(record: Model, by: User, why: str) -> None:
    collector = Collector(using=router.db_for_write(type(record)))
    try:
        collector.collect([record])
    except (ProtectedError, RestrictedError) as error:
        kept_by = sorted({obj._meta.verbose_name for obj in error.args[1]})
        raise ValidationError(f"It cannot be deleted: {', '.join(kept_by)} still keep it.") from error
    doomed = _doomed(collector)
    for model, ids in doomed.items():
        _erase_change_trail(model, ids, by, why)
        if (label := model._meta.label_lower) in SOURCE_OF_LABEL:
            for pk in ids:
                erase(label, pk, _who(by), why)
    erase(record._meta.label_lower, record.pk, _who(by), why)
    with disable_auditlog():
        collector.delete()


def _doomed(collector: Collector) -> dict[type[Model], list[int]]:
    doomed: dict[type[Model], list[int]] = {}
    for model, instances in collector.data.items():
        doomed.setdefault(model, []).extend(obj.pk for obj in instances)
    for queryset in collector.fast_deletes:
        doomed.setdefault(queryset.model, []).extend(queryset.values_list("pk", flat=True))
    return doomed


def _erase_change_trail(model: type[Model], ids: Iterable[int], by: User, why: str) -> None:
    """The change-trail entries of these rows hold their content: they go, each with its erasure entry."""
    kind = ContentType.objects.get_for_model(model)
    id_list = list(ids)
    for start in range(0, len(id_list), BATCH):
        entries = LogEntry.objects.filter(content_type=kind, object_id__in=id_list[start : start + BATCH])
        entry_ids = list(entries.values_list("pk", flat=True))
        for pk in entry_ids:
            erase("auditlog.logentry", pk, _who(by), why)
        LogEntry.objects.filter(pk__in=entry_ids).delete()

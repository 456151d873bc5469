"""Who reviews and erases what has passed its retention period, and who answers subject access requests.

- Closed PPDA cases: a PSD lead of the case's force, and only cases the cases app lets them see
  (`cases.access.visible_cases`): a lead excluded from a case never sees it listed or counted here.
- Ended protective measures: the force's recorders (its protection team and PSD), and only measures
  the protection app lets them see (`protection.access.visible_measures`): a measure locked with a
  case is never listed or counted for someone shut out of that case.
- Entries of the workforce register of people who left the force: those who administer that
  force's register (`workforce.access`: its administrators and PSD leads).
- Documents read in: those who may review that document's reading (`ingest.access`).
- Sign-in attempts, and subject access exports: system administrators (there is no separate data
  protection officer role yet; the administrator acts for the DPO).
Anyone else gets the 404 of a page that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from oversight.cases.access import visible_cases
from oversight.cases.models import Case, CaseQuerySet, CaseStatus
from oversight.ingest import access as ingest_access
from oversight.ingest.models import DocumentKind, ReadingStatus, SourceDocument, SourceDocumentQuerySet
from oversight.lib.deadlines import add_months
from oversight.organisations.access import AnyUser, is_administrator, organisation_ids_with_role
from oversight.organisations.models import Role
from oversight.protection.access import recording_force_ids, visible_measures
from oversight.protection.models import Measure, MeasureQuerySet, MeasureStatus
from oversight.recommendations import access as register_access
from oversight.workforce import access as workforce_access
from oversight.workforce.models import LineManagement, Person, Posting

from .rules import RecordType, rule_for


def kept_until(record_type: RecordType, today: dt.date) -> dt.date:
    """Records counted from this day or earlier have passed their retention period."""
    return add_months(today, -rule_for(record_type).months)


def _lead_forces(user: AnyUser) -> set[int]:
    return organisation_ids_with_role(user, Role.PSD_LEAD)


def leads_cases(user: AnyUser) -> bool:
    return bool(_lead_forces(user))


def due_on(case: Case) -> dt.date | None:
    """The first day a closed case may be deleted; None while it is open."""
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        return None
    return add_months(case.closed_on, rule_for(RecordType.CLOSED_CASE).months)


def can_review_retention(user: AnyUser) -> bool:
    return (
        is_administrator(user)
        or bool(_lead_forces(user))
        or bool(recording_force_ids(user))
        or keeps_registers(user)
        or reviews_documents(user)
    )


def records_measures(user: AnyUser) -> bool:
    return bool(recording_force_ids(user))


def measure_due_on(measure: Measure) -> dt.date | None:
    """The first day an ended measure may be deleted; None while it has not ended."""
    if measure.status != MeasureStatus.ENDED or measure.ended_on is None:
        return None
    return add_months(measure.ended_on, rule_for(RecordType.ENDED_MEASURE).months)


def measures_due(user: AnyUser, today: dt.date) -> MeasureQuerySet:
    """Ended measures past retention that this person records and may see: through the protection lock."""
    forces = recording_force_ids(user)
    if not forces:
        return visible_measures(user).none()
    cutoff = kept_until(RecordType.ENDED_MEASURE, today)
    return visible_measures(user).filter(force_id__in=forces, status=MeasureStatus.ENDED, ended_on__lte=cutoff)


def cases_due(user: AnyUser, today: dt.date) -> CaseQuerySet:
    """Closed cases past retention that this person may see and erase: through the case lock."""
    forces = _lead_forces(user)
    if not forces:
        return Case.objects.none()
    cutoff = kept_until(RecordType.CLOSED_CASE, today)
    return visible_cases(user).filter(force_id__in=forces, status=CaseStatus.CLOSED, closed_on__lte=cutoff)


def can_erase_sign_ins(user: AnyUser) -> bool:
    return is_administrator(user)


def can_export_subject_access(user: AnyUser) -> bool:
    return is_administrator(user)


def keeps_registers(user: AnyUser) -> bool:
    return workforce_access.can_manage_any_register(user)


def left_on(person: Person) -> dt.date | None:
    """The day someone left the force: the end of their last posting, once none is open (the register
    records leaving no other way); None while they serve or have no posting."""
    postings = Posting.objects.filter(person=person)
    if not postings.exists() or postings.filter(ended_on__isnull=True).exists():
        return None
    return postings.aggregate(last=Max("ended_on"))["last"]


def leaver_due_on(person: Person) -> dt.date | None:
    """The first day a leaver's entry may be deleted: counted from their leaving or from the end of
    their last line-management period, whichever is later; None while they serve or one is open."""
    left = left_on(person)
    periods = LineManagement.objects.filter(Q(person=person) | Q(manager=person))
    if left is None or periods.filter(ended_on__isnull=True).exists():
        return None
    last = max(left, periods.aggregate(last=Max("ended_on"))["last"] or left)
    return add_months(last, rule_for(RecordType.LEAVER).months)


def _last_posting_end() -> Subquery:
    return Subquery(Posting.objects.filter(person=OuterRef("pk")).order_by("-ended_on").values("ended_on")[:1])


def leavers_due(user: AnyUser, today: dt.date) -> QuerySet[Person]:
    """Leavers past retention in the registers this person administers, with the day they left
    (`left_on`): no posting open, and none ended after the cut-off. A line-management period on either
    side still open or ended after the cut-off keeps the entry too (the register's periods disagree
    with its postings, and a chain through them may still count)."""
    forces = list(workforce_access.manageable_forces(user).values_list("pk", flat=True))
    cutoff = kept_until(RecordType.LEAVER, today)
    recent_posting = Posting.objects.filter(person=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=cutoff)
    )
    recent_line = LineManagement.objects.filter(Q(person=OuterRef("pk")) | Q(manager=OuterRef("pk"))).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=cutoff)
    )
    return (
        Person.objects.filter(force_id__in=forces)
        .filter(Exists(Posting.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(recent_posting))
        .exclude(Exists(recent_line))
        .annotate(left_on=_last_posting_end())
    )


def reviews_documents(user: AnyUser) -> bool:
    return bool(ingest_access.document_organisation_ids(user))


def _reviewable_documents(user: AnyUser) -> SourceDocumentQuerySet:
    """Documents whose reading this person may review (ingest.access.can_review_document, as a QuerySet)."""
    responses = Q(kind=DocumentKind.RESPONSE, organisation_id__in=ingest_access.document_organisation_ids(user))
    if not register_access.can_manage_reports(user):
        return ingest_access.visible_documents(user).filter(responses)
    reports = ingest_access.document_organisation_ids(user, DocumentKind.REPORT)
    return ingest_access.visible_documents(user).filter(
        responses | Q(kind__in=(DocumentKind.REPORT, DocumentKind.REGISTER), organisation_id__in=reports)
    )


FINISHED = (ReadingStatus.READ, ReadingStatus.FAILED)
# A document's retention counts from its confirmation, else from when its reading finished (a failed
# reading has no read_at: it last moved when it failed).
COUNTED_FROM = ("confirmed_at", "read_at", "progress_at", "uploaded_at")


def document_counted_from(document: SourceDocument) -> dt.date | None:
    """The day a document's retention counts from; None while it is still being read."""
    if document.status not in FINISHED:
        return None
    return timezone.localdate(next(when for name in COUNTED_FROM if (when := getattr(document, name)) is not None))


def document_due_on(document: SourceDocument) -> dt.date | None:
    """The first day a document read in may be deleted; None while it is still being read."""
    start = document_counted_from(document)
    return add_months(start, rule_for(RecordType.SOURCE_DOCUMENT).months) if start else None


def documents_due(user: AnyUser, today: dt.date) -> SourceDocumentQuerySet:
    """Documents past retention whose reading this person may review, with `counted_from`."""
    cutoff = kept_until(RecordType.SOURCE_DOCUMENT, today)
    return (
        _reviewable_documents(user)
        .filter(status__in=FINISHED)
        .annotate(counted_from=Coalesce(*COUNTED_FROM))
        .filter(counted_from__date__lte=cutoff)
    )

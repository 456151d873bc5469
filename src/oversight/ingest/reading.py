"""Reading one stored document: the job the worker runs (and `oversight ingest` runs in the foreground).

The clean text and every proposal are written together or not at all; a file that cannot be read
leaves the document marked failed with a reason in words for the person, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from oversight.lib import documents
from oversight.lib.documents import CleanDocument, DocumentError

from .models import Decision, Proposal, ReadingStatus, SourceDocument
from .proposing import comparable, extract

logger = logging.getLogger(__name__)

# The reading's progress is written every few pages: often enough for the bar, without a write a page.
PROGRESS_EVERY = 5

UNEXPECTED_FAILURE = (
    "Something went wrong while reading this document. Nothing from it has been added. "
    "Try uploading it again; if it fails again, save it as PDF or plain text and upload that."
)

Progress = Callable[[int, int], None]


def start_reading(document_id: int) -> SourceDocument | None:
    """Mark the document as being read; None if it is not waiting (already read, or being read)."""
    with transaction.atomic():
        document = SourceDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status not in (ReadingStatus.QUEUED, ReadingStatus.FAILED):
            return None
        document.status, document.failure_reason = ReadingStatus.READING, ""
        document.pages_done = document.pages_total = 0
        document.attempt, document.progress_at = document.attempt + 1, timezone.now()
        fields = ["status", "failure_reason", "pages_done", "pages_total", "attempt", "progress_at"]
        document.save(update_fields=fields)
    return document


def _this_reading(document: SourceDocument) -> QuerySet[SourceDocument]:
    """The document, only while this reading is still the latest one."""
    return SourceDocument.objects.filter(pk=document.pk, attempt=document.attempt)


def read_and_propose(document_id: int, progress: Progress | None = None) -> SourceDocument | None:
    """Read the stored file, run the rules for its kind, and keep the proposals; never raises."""
    document = start_reading(document_id)
    if document is None:
        return None
    try:
        clean = _read(document, progress)
        proposals = extract(document, clean.text)
        _finish(document, clean, proposals)
    except DocumentError as error:
        _fail(document, str(error))
    except Exception:
        logger.exception("Reading document %s failed", document_id)
        _fail(document, UNEXPECTED_FAILURE)
    document.refresh_from_db()
    return document


def _read(document: SourceDocument, progress: Progress | None) -> CleanDocument:
    def on_progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            _this_reading(document).update(pages_done=done, pages_total=total, progress_at=timezone.now())
        if progress is not None:
            progress(done, total)

    with document.file.open("rb") as stored:
        data = stored.read(settings.INGEST_MAX_BYTES + 1)
    return documents.read_document(
        data, document.original_name, max_bytes=settings.INGEST_MAX_BYTES, progress=on_progress
    )


def _finish(document: SourceDocument, clean: CleanDocument, proposals: list[Proposal]) -> None:
    with transaction.atomic():
        locked = _this_reading(document).select_for_update().first()
        if locked is None:
            return  # given up for stalled and read again meanwhile: the newer reading wins
        locked.text, locked.page_starts, locked.format = clean.text, list(clean.page_starts), clean.format.value
        locked.status, locked.read_at = ReadingStatus.READ, timezone.now()
        locked.pages_done = locked.pages_total = clean.pages
        locked.save()
        write_proposals(locked, without_confirmed(locked, proposals))


def _fail(document: SourceDocument, reason: str) -> None:
    _this_reading(document).update(status=ReadingStatus.FAILED, failure_reason=reason)


def without_confirmed(document: SourceDocument, proposals: list[Proposal]) -> list[Proposal]:
    """Drop what was already confirmed from the same file for the same report or response, so
    reading a file again proposes only what is new."""
    earlier = Proposal.objects.filter(
        decision=Decision.CONFIRMED,
        document__sha256=document.sha256,
        document__report=document.report,
        document__response=document.response,
    ).exclude(document=document)
    seen = {(kind, comparable(text)) for kind, text in earlier.values_list("kind", "text")}
    kept = [p for p in proposals if (p.kind, comparable(p.text)) not in seen]
    for proposal in kept:  # a cause of concern already confirmed is no longer in this list to link to
        if proposal.cause_of_concern is not None and proposal.cause_of_concern not in kept:
            proposal.cause_of_concern = None
    return kept


def write_proposals(document: SourceDocument, proposals: list[Proposal]) -> None:
    """Save the proposals in order, then link each recommendation to its cause of concern."""
    links = [(proposal, proposal.cause_of_concern) for proposal in proposals]
    for position, proposal in enumerate(proposals):
        proposal.document, proposal.position, proposal.cause_of_concern = document, position, None
        proposal.save()
    for proposal, cause in links:
        if cause is not None:
            proposal.cause_of_concern = cause
            proposal.save(update_fields=["cause_of_concern"])

"""Documents in, as guarded changes: store a file and queue its reading; correct, merge, split or
drop a proposal; confirm the rest into the register in one transaction.

Every review change locks the document and refuses a stale page (`oversight.concurrency`), so two
people reviewing the same document never silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from oversight.concurrency import bump_version, lock_for_change, require
from oversight.lib.deadlines import DeadlineKind, DeadlinePhraseError, due_date_from_phrase
from oversight.lib.documents import DocumentError, check_upload
from oversight.lib.screening import FileRefused, kept_name, screen_file
from oversight.organisations.models import Organisation
from oversight.recommendations import services as register_services
from oversight.recommendations import sourcing
from oversight.recommendations.models import Addressee, GoverningBodyResponse, Item, ItemKind, Report

from . import access
from .models import Decision, DocumentKind, Proposal, ProposalKind, ReadingStatus, SourceDocument
from .proposing import history_dates


def check_file(name: str, size: int, head: bytes) -> None:
    """Refuse a file of the wrong type or size, or whose first bytes do not match its type."""
    try:
        check_upload(name, size, head, settings.INGEST_MAX_BYTES)
    except DocumentError as error:
        raise ValidationError({"file": str(error)}) from error


def check_content(name: str, file: File[Any]) -> None:
    """Refuse a file whose content is hostile (lib/screening.py): before anything is stored, not when it is read."""
    try:
        screen_file(name, file)
    except FileRefused as error:
        raise ValidationError({"file": str(error)}) from error


def sanitised_name(name: str) -> str:
    """The file's own name without any folder, control characters or excess length."""
    return kept_name(name, "document")


def _sha256(file: File[Any]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _target(
    by: User, kind: str, report: Report | None, response: GoverningBodyResponse | None
) -> tuple[Report | None, GoverningBodyResponse | None]:
    if kind == DocumentKind.RESPONSE:
        if response is None:
            raise ValidationError({"response": "Select the response this document is"})
        require(access.response_choices(by).filter(pk=response.pk).exists())
        return response.report, response
    if report is None:
        raise ValidationError({"report": "Select the report, or add a new one"})
    return report, None


def store_document(
    by: User,
    file: File[Any],
    *,
    kind: str,
    organisation: Organisation,
    report: Report | None = None,
    response: GoverningBodyResponse | None = None,
    new_report: dict[str, Any] | None = None,
    queue: bool = True,
) -> SourceDocument:
    """Keep the file with its SHA-256 and queue its reading (`queue=False`: the caller reads it).
    `new_report` (title, kind, published_on): the report is added with the document, or neither is."""
    require(access.can_upload_document(by, organisation, kind))
    name = sanitised_name(file.name or "document")
    file.seek(0)
    check_file(name, file.size or 0, file.read(8))
    check_content(name, file)
    with transaction.atomic():
        if new_report is not None and kind != DocumentKind.RESPONSE:
            report = _add_report(by, organisation, new_report)
        report, response = _target(by, kind, report, response)
        published = (response.published_on if response else None) or (report.published_on if report else None)
        document = SourceDocument(
            sha256=_sha256(file), original_name=name, size=file.size or 0, kind=kind, organisation=organisation,
            report=report, response=response, published_on=published, uploaded_by=by,
        )  # fmt: skip
        document.file.save(document.sha256, file, save=False)
        document.save()
        if queue:
            _queue(document)
    return document


def _add_report(by: User, organisation: Organisation, fields: dict[str, Any]) -> Report:
    """A report read in by a force covers that force; one read in by a national body covers all forces."""
    if organisation.is_force:
        return register_services.add_report(by, forces=[organisation], **fields)
    return register_services.add_report(by, covers_all_forces=True, **fields)


def _queue(document: SourceDocument) -> None:
    # Enqueued in the same transaction: the database backend's job row is written with the document.
    from .tasks import read_source_document

    read_source_document.enqueue(document.pk)


def read_again(document: SourceDocument, by: User) -> SourceDocument:
    """Queue a failed or stalled document for another reading (after a worker restart, or a fixed reader)."""
    with transaction.atomic():
        locked = SourceDocument.objects.select_for_update().get(pk=document.pk)
        require(access.can_review_document(by, locked))
        if not (locked.is_failed or locked.is_stalled()):
            raise ValidationError(
                "Only a document that could not be read, or whose reading stopped, can be read again."
            )
        locked.status, locked.failure_reason = ReadingStatus.QUEUED, ""
        locked.save(update_fields=["status", "failure_reason"])
        _queue(locked)
    return locked


# Review


def _open_for_review(document: SourceDocument, by: User, version: int | None) -> SourceDocument:
    locked = lock_for_change(SourceDocument, document.pk, version, noun="document")
    require(access.can_review_document(by, locked))
    if locked.status != ReadingStatus.READ:
        raise ValidationError("This document has not been read yet.")
    if locked.confirmed_at is not None:
        raise ValidationError("This document's proposals have already been confirmed.")
    return locked


def _pending(document: SourceDocument, proposal_id: int) -> Proposal:
    proposal = document.proposals.select_for_update().filter(pk=proposal_id).first()
    if proposal is None or not proposal.is_pending:
        raise ValidationError("That proposal has already been decided.")
    return proposal


def _deadline_fields(phrase: str, due_on: dt.date | None, urgent: bool, published: dt.date | None) -> dict[str, Any]:
    """Due date and urgency from the phrase when a rule reads it; otherwise the date the person gave."""
    if urgent:
        return {"deadline_phrase": phrase, "due_on": None, "urgent": True, "deadline_understood": True}
    try:
        deadline = due_date_from_phrase(phrase, published or timezone.localdate())
    except DeadlinePhraseError:
        return {"deadline_phrase": phrase, "due_on": due_on, "urgent": False, "deadline_understood": False}
    immediately = deadline.kind == DeadlineKind.IMMEDIATELY
    return {"deadline_phrase": phrase, "due_on": deadline.due, "urgent": immediately, "deadline_understood": True}


EDITABLE = {"item_kind", "reference", "text", "addressees", "deadline_phrase", "due_on", "urgent"}
EDITABLE_ACTION = {"text", "action_status", "answers_item"}


def edit_proposal(proposal: Proposal, by: User, version: int | None, **changes: Any) -> Proposal:
    """Correct a proposal before deciding; the due date is worked out again from the phrase."""
    allowed = EDITABLE_ACTION if proposal.kind == ProposalKind.ACTION else EDITABLE
    if unknown := set(changes) - allowed:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here")
    if "text" in changes and not str(changes["text"]).strip():
        raise ValidationError({"text": "Enter the text"})
    with transaction.atomic():
        document = _open_for_review(proposal.document, by, version)
        locked = _pending(document, proposal.pk)
        if "deadline_phrase" in changes:
            changes |= _deadline_fields(
                changes["deadline_phrase"], changes.get("due_on"), changes.get("urgent", False), document.published_on
            )
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        locked.save()
        bump_version(document)
    return locked


def drop_proposal(proposal: Proposal, by: User, version: int | None) -> Proposal:
    """Leave a proposal out of the register (it stays on the document, marked dropped)."""
    with transaction.atomic():
        document = _open_for_review(proposal.document, by, version)
        locked = _pending(document, proposal.pk)
        locked.decision, locked.decided_by, locked.decided_at = Decision.DROPPED, by, timezone.now()
        locked.save(update_fields=["decision", "decided_by", "decided_at"])
        bump_version(document)
    return locked


def merge_with_next(proposal: Proposal, by: User, version: int | None) -> Proposal:
    """Join a proposal and the next one still to review into one (their texts and passages)."""
    with transaction.atomic():
        document = _open_for_review(proposal.document, by, version)
        first = _pending(document, proposal.pk)
        second = document.proposals.pending().filter(position__gt=first.position).order_by("position").first()
        if second is None:
            raise ValidationError("There is no later proposal to merge this one with.")
        first.text = f"{first.text.rstrip()}\n\n{second.text.lstrip()}"
        first.span_start, first.span_end = (
            min(first.span_start, second.span_start),
            max(first.span_end, second.span_end),
        )
        first.addressees = list(dict.fromkeys([*first.addressees, *second.addressees]))
        first.history = [*first.history, *second.history]
        first.save()
        second.under_it.update(cause_of_concern=first)
        second.delete()
        bump_version(document)
    return first


def split_proposal(proposal: Proposal, by: User, version: int | None, before: str) -> Proposal:
    """Cut a proposal in two where `before` begins in its text; returns the new second part."""
    with transaction.atomic():
        document = _open_for_review(proposal.document, by, version)
        first = _pending(document, proposal.pk)
        at = first.text.find(before.strip(), 1) if before.strip() else -1
        if at <= 0:
            raise ValidationError({"before": "Enter words from the text where the second part begins"})
        cut = _span_cut(first, before.strip(), at)
        document.proposals.filter(position__gt=first.position).update(position=F("position") + 1)
        second = Proposal.objects.get(pk=first.pk)
        second.pk = None
        second.text, second.reference, second.position = first.text[at:].strip(), "", first.position + 1
        second.span_start = cut
        second.save()
        first.text, first.span_end = first.text[:at].strip(), cut
        first.save()
        bump_version(document)
    return second


def _span_cut(proposal: Proposal, words: str, at: int) -> int:
    """Where in the clean text the second part begins: the words' place in the passage, or the same
    share of the passage as of the proposal's text when the text was edited."""
    found = proposal.passage.find(words)
    if found > 0:
        return proposal.span_start + found
    share = at / max(len(proposal.text), 1)
    return proposal.span_start + round((proposal.span_end - proposal.span_start) * share)


# Confirming


def confirm_document(document: SourceDocument, by: User, version: int | None) -> list[Proposal]:
    """Hand every proposal still to review to the register, all in one transaction: nothing is
    created unless everything is."""
    with transaction.atomic():
        locked = _open_for_review(document, by, version)
        pending = list(locked.proposals.pending().select_related("answers_item").order_by("position"))
        if not pending:
            raise ValidationError("There is nothing left to confirm: every proposal has been dropped.")
        _check_complete(pending)
        created: dict[int, Item] = {}
        # Causes of concern first, so the recommendations under them can link to what was created.
        for proposal in sorted(pending, key=lambda p: p.item_kind != ItemKind.CAUSE_OF_CONCERN):
            _create(locked, proposal, by, created)
            proposal.decision, proposal.decided_by, proposal.decided_at = Decision.CONFIRMED, by, timezone.now()
            proposal.save()
        locked.confirmed_at = timezone.now()
        bump_version(locked, "confirmed_at")
    return pending


def _check_complete(pending: list[Proposal]) -> None:
    problems = [
        f"We could not work out a date from '{p.deadline_phrase}': enter the due date or a phrase we can read "
        f"({p.reference or p.text[:60]})"
        for p in pending
        if p.needs_due_date
    ]
    problems += [
        f"Choose the recommendation this action answers ({p.text[:60]})"
        for p in pending
        if p.kind == ProposalKind.ACTION and p.answers_item_id is None
    ]
    if problems:
        raise ValidationError(problems)


def _create(document: SourceDocument, proposal: Proposal, by: User, created: dict[int, Item]) -> None:
    if proposal.kind == ProposalKind.ACTION:
        assert document.response is not None and proposal.answers_item is not None
        proposal.response_action = sourcing.add_response_step(
            document.response, proposal.answers_item, by, proposal.text
        )
        return
    assert document.report is not None
    cause = created.get(proposal.cause_of_concern_id or 0)
    proposal.item = _existing_item(document.report, proposal) or _new_item(document.report, proposal, by, cause)
    created[proposal.pk] = proposal.item
    if proposal.kind == ProposalKind.REGISTER_ENTRY:
        sourcing.mirror_hmicfrs_history(proposal.item, document.organisation, by, history_dates(proposal.history))


def _existing_item(report: Report, proposal: Proposal) -> Item | None:
    """A register entry updates the report's item with its reference, if the register has it."""
    if proposal.kind != ProposalKind.REGISTER_ENTRY or not proposal.reference:
        return None
    return report.items.filter(reference=proposal.reference).first()


def _new_item(report: Report, proposal: Proposal, by: User, cause: Item | None) -> Item:
    return sourcing.create_item_from_source(
        report, by, kind=proposal.item_kind or ItemKind.RECOMMENDATION, text=proposal.text,
        reference=proposal.reference, addressees=[a for a in proposal.addressees if a in Addressee.values],
        deadline_phrase=proposal.deadline_phrase, due_on=proposal.due_on, urgent=proposal.urgent,
        cause_of_concern=cause if proposal.item_kind == ItemKind.RECOMMENDATION else None,
    )  # fmt: skip

"""Register records made from a document a person has reviewed (`ingest`): items, the steps of a
56-day response, and the inspectorate's status history. Each is guarded like the register's own
changes and runs inside the caller's transaction, so a document is confirmed whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from oversight.concurrency import bump_version, lock_for_change, require
from oversight.lib.deadlines import DeadlineKind, DeadlinePhraseError, due_date_from_phrase
from oversight.organisations.models import Organisation

from . import access
from .models import (
    GoverningBodyResponse,
    HmicfrsStatus,
    HmicfrsStatusEntry,
    Item,
    Report,
    ResponseAction,
    TrackingRecord,
)
from .services import open_tracking_records


def _deadline(report: Report, phrase: str, due_on: dt.date | None, urgent: bool) -> tuple[str, dt.date | None]:
    """(deadline kind, due date): from the phrase when a rule reads it, else the date the person gave."""
    if urgent:
        return DeadlineKind.IMMEDIATELY.value, None
    try:
        deadline = due_date_from_phrase(phrase, report.published_on)
    except DeadlinePhraseError as error:
        if due_on is None:
            raise ValidationError(
                {
                    "deadline_phrase": f"We could not work out a date from '{phrase}': enter the due date "
                    "or a phrase we can read"
                }
            ) from error
        return DeadlineKind.BY.value, due_on
    return deadline.kind.value, deadline.due


def create_item_from_source(
    report: Report,
    by: User,
    *,
    kind: str,
    text: str,
    reference: str = "",
    addressees: Sequence[str] = (),
    deadline_phrase: str = "",
    due_on: dt.date | None = None,
    urgent: bool = False,
    cause_of_concern: Item | None = None,
) -> Item:
    """An item as read from a document and confirmed by a person, with its tracking records."""
    require(access.can_manage_reports(by))
    deadline_kind, due = _deadline(report, deadline_phrase, due_on, urgent)
    item = Item(
        report=report, kind=kind, reference=reference, text=text.strip(), addressees=list(addressees),
        deadline_phrase=deadline_phrase, deadline_kind=deadline_kind, due_on=due,
        mandatory=report.mandatory_by_default, cause_of_concern=cause_of_concern,
    )  # fmt: skip
    item.full_clean()
    with transaction.atomic():
        item.save()
        open_tracking_records(item)
    return item


def add_response_step(response: GoverningBodyResponse, item: Item, by: User, text: str) -> ResponseAction:
    """Add a step the response commits to (or reports done) under the recommendation it answers."""
    if item.report_id != response.report_id:
        raise ValidationError({"answers_item": "The recommendation must be one of the report's."})
    with transaction.atomic():
        locked = lock_for_change(GoverningBodyResponse, response.pk, None, noun="response")
        require(access.can_record_response_actions(by, locked))
        action, _ = ResponseAction.objects.select_for_update().get_or_create(response=locked, item=item)
        action.steps = "\n\n".join(part for part in (action.steps.strip(), text.strip()) if part)
        action.save(update_fields=["steps"])
        bump_version(locked)
    return action


def mirror_hmicfrs_history(
    item: Item, organisation: Organisation, by: User, entries: Sequence[tuple[dt.date, str, str]]
) -> TrackingRecord | None:
    """The inspectorate's dated statuses for an item, as its public register shows them, kept beside
    the organisation's own status (the latest becomes the record's HMICFRS status)."""
    require(access.can_manage_reports(by))
    unknown = [status for _, status, _ in entries if status not in HmicfrsStatus.values or not status]
    if unknown:
        raise ValidationError(f"Unknown inspectorate statuses: {', '.join(unknown)}")
    tracking = item.tracking_records.filter(organisation=organisation).first()
    if tracking is None or not entries:
        return tracking
    with transaction.atomic():
        locked = lock_for_change(TrackingRecord, tracking.pk, None)
        for on, status, comment in sorted(entries):
            HmicfrsStatusEntry.objects.create(
                tracking=locked, status=status, comment=comment.strip(), recorded_on=on, recorded_by=by
            )
        locked.hmicfrs_status = max(entries)[1]
        bump_version(locked, "hmicfrs_status")
    return locked

"""Counts for the home page, from the records the person may see, each linking to the register filtered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.http import urlencode

from oversight.lib.rag import Rag
from oversight.organisations.access import AnyUser

from . import access
from .filters import OVERDUE_DUE, OVERDUE_REVIEW
from .models import RETURNS, SignoffStage, TrackingRecord, TrackingRecordQuerySet, TrackingStatus, Transition

# The liaison officer sees reviews coming up in the next fortnight, as well as those overdue.
REVIEWS_AHEAD_DAYS = 14


@dataclass(frozen=True)
class Entry:
    """One piece of work in a queue: what it is, where to do it, and why it is there."""

    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Queue:
    title: str
    entries: list[Entry]


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    url: str
    rag: str = ""


def _register_url(**params: str | int) -> str:
    return f"{reverse('recommendations:register')}?{urlencode(params)}"


def _yours(user: AnyUser, owned: int) -> list[Count]:
    counts = []
    if owned:
        counts.append(Count("Open items you own", owned, _register_url(owner=str(user.pk), open=1)))
    if submitted := access.submitted_to_liaison(user).count():
        counts.append(Count("Submitted to you for checking", submitted, _register_url(signoff=SignoffStage.SUBMITTED)))
    if with_lead := access.with_hmicfrs_lead(user).count():
        counts.append(
            Count("With HMICFRS for your sign-off", with_lead, _register_url(signoff=SignoffStage.WITH_HMICFRS))
        )
    return counts


def _tracking_url(record: TrackingRecord, anchor: str = "") -> str:
    return reverse("recommendations:tracking", args=[record.pk]) + anchor


def _label(record: TrackingRecord) -> str:
    return f"{record.item}: {record.organisation.name}"


def _returned(user: AnyUser) -> Queue:
    """Each item returned to the person, with the step that returned it (prefetched: one query for all)."""
    steps = Transition.objects.filter(action__in=RETURNS).select_related("by").order_by("-at", "-pk")
    records = access.returned_to(user).select_related("item__report", "organisation").order_by("pk")
    entries = []
    for record in records.prefetch_related(Prefetch("transitions", steps)):
        returned = next(iter(record.transitions.all()), None)  # only the returns were prefetched, latest first
        reason = f"{returned.get_action_display()}: {returned.reason}" if returned else ""
        entries.append(Entry(_label(record), _tracking_url(record), reason))
    return Queue("Returned to you", entries)


def _extensions(user: AnyUser) -> Queue:
    requests = access.extensions_to_decide(user).select_related("tracking__item__report", "tracking__organisation")
    return Queue("Extension requests awaiting your decision", [
        Entry(_label(request.tracking),
              reverse("recommendations:tracking_extension_decide", args=[request.tracking_id, request.pk]),
              f"Asked for {request.requested_due_on:%-d %B %Y}: {request.reason}")
        for request in requests.order_by("requested_at", "pk")
    ])  # fmt: skip


def _reviews(user: AnyUser, today: dt.date) -> Queue:
    records = access.reviews_due(user, today + dt.timedelta(days=REVIEWS_AHEAD_DAYS))
    return Queue("Quarterly reviews due", [
        Entry(_label(record), reverse("recommendations:tracking_review", args=[record.pk]),
              f"{'Overdue since' if record.next_review_on < today else 'Due'} {record.next_review_on:%-d %B %Y}")
        for record in records.select_related("item__report", "organisation").order_by("next_review_on", "pk")
        if record.next_review_on is not None
    ])  # fmt: skip


def _responses(user: AnyUser, today: dt.date) -> Queue:
    responses = access.responses_to_write(user).select_related("report", "force").order_by("due_on", "pk")
    return Queue("56-day responses due", [
        Entry(f"{response.report.title}: {response.force.name}",
              reverse("recommendations:response", args=[response.pk]),
              f"{'Overdue since' if response.is_overdue(today) else 'Due'} {response.due_on:%-d %B %Y}")
        for response in responses
    ])  # fmt: skip


def work_queues(user: AnyUser, today: dt.date | None = None) -> list[Queue]:
    """The person's own work, each queue only when it has something in it."""
    today = today or dt.date.today()
    queues = [_returned(user), _extensions(user), _reviews(user, today), _responses(user, today)]
    return [queue for queue in queues if queue.entries]


def _counts(records: TrackingRecordQuerySet, user: AnyUser, today: dt.date) -> dict[str, int]:
    """Open items by RAG, flag and owner, counted by the database in one query (with_rag)."""
    mine = Q(owner_id=user.pk)
    return (
        records.open()
        .with_rag(today)
        .aggregate(
            open=models.Count("pk"),
            **{rag.value: models.Count("pk", filter=Q(rag_value=rag.value)) for rag in Rag},
            overdue=models.Count("pk", filter=Q(overdue_flag=True)),
            review_overdue=models.Count("pk", filter=Q(review_overdue_flag=True)),
            pending=models.Count("pk", filter=Q(status=TrackingStatus.PENDING_SIGNOFF)),
            owned=models.Count("pk", filter=mine),
        )
    )


def register_summary(user: AnyUser, today: dt.date | None = None) -> dict[str, object]:
    """Empty for someone with no register; otherwise open items by RAG, flags and their own work."""
    records = access.visible_tracking_records(user)
    if not user.is_authenticated or not records.exists():
        return {}
    today = today or dt.date.today()
    counts = _counts(records, user, today)
    return {
        "open": Count("Open items", counts["open"], _register_url(open=1)),
        "rag": [
            Count(rag.value.title(), counts[rag.value], _register_url(open=1, rag=rag.value), rag.value) for rag in Rag
        ],
        "flags": [
            Count("Past their due date", counts["overdue"], _register_url(overdue=OVERDUE_DUE)),
            Count("Quarterly review overdue", counts["review_overdue"], _register_url(overdue=OVERDUE_REVIEW)),
            Count("Pending sign-off", counts["pending"], _register_url(status=TrackingStatus.PENDING_SIGNOFF)),
        ],
        "yours": _yours(user, counts["owned"]),
        "queues": work_queues(user, today),
    }

"""Counts for the home page, from the records the person may see, each linking to the register filtered."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from oversight.lib.rag import Rag
from oversight.organisations.access import AnyUser

from . import access
from .filters import OVERDUE_DUE, OVERDUE_REVIEW, Row
from .models import SignoffStage, TrackingStatus


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


def register_summary(user: AnyUser, today: dt.date | None = None) -> dict[str, object]:
    """Empty for someone with no register; otherwise open items by RAG, flags and their own work."""
    records = access.visible_tracking_records(user)
    if not user.is_authenticated or not records.exists():
        return {}
    today = today or dt.date.today()
    rows = [Row.of(record, today) for record in records.open().with_related()]
    by_rag = Counter(row.rag for row in rows)
    return {
        "open": Count("Open items", len(rows), _register_url(open=1)),
        "rag": [Count(rag.value.title(), by_rag[rag], _register_url(open=1, rag=rag.value), rag.value) for rag in Rag],
        "flags": [
            Count("Past their due date", sum(row.overdue for row in rows), _register_url(overdue=OVERDUE_DUE)),
            Count(
                "Quarterly review overdue",
                sum(row.review_overdue for row in rows),
                _register_url(overdue=OVERDUE_REVIEW),
            ),
            Count(
                "Pending sign-off",
                sum(row.record.status == TrackingStatus.PENDING_SIGNOFF for row in rows),
                _register_url(status=TrackingStatus.PENDING_SIGNOFF),
            ),
        ],
        "yours": _yours(user, sum(row.record.owner_id == user.pk for row in rows)),
    }

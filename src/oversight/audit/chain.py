"""The tamper-evident trail: one hash chain over every audit row, appended as each row is written.

Why one chain in its own table rather than hash columns on each audit table: one sequence is one
walk to verify (a gap, an insertion or an edit anywhere is found in order, and the first broken
row is named), the audit tables of other apps and of django-auditlog stay as they are, and an
erasure (retention) is an entry like any other.

Each entry records the source row (model label and id) and the SHA-256 of its canonical content:
the fields listed below, frozen, so a column added to a model later does not change old hashes.
`hash = SHA-256(prev_hash || canonical entry)`. The entry is appended by a post_save receiver in
the transaction that writes the row (inside a caller's `atomic`; a row written in autocommit mode
commits a moment before its entry, and a crash between the two leaves a row the verification names
as not in the trail). Appends are serialised so that two writers never fork the chain: on
PostgreSQL by a transaction-level advisory lock taken before the head is read, on SQLite by its
single writer (transactions begin IMMEDIATE, settings.py); `seq` is the primary key, so a writer
that read a stale head fails rather than forks. The price is that audited transactions queue for
the head, each for the rest of its transaction.

The chain is not keyed: someone who can write to the database can rewrite it from a point
onwards and recompute every hash. Recording the head outside the system (administrators' page,
`oversight audit head`) and checking it later (`oversight audit verify --head SEQ:HASH`) is what
catches that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from .models import TrailEntry, TrailKind

GENESIS = "0" * 64
# Any constant: the key of the PostgreSQL advisory lock held while the head is read and extended.
HEAD_LOCK_KEY = 0x0A0D17


@dataclass(frozen=True)
class Source:
    """An audited model, the kind of its entries and the fields its hash covers (never edited)."""

    label: str
    kind: TrailKind
    fields: tuple[str, ...]

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


_TRANSITION = ("id", "by_id", "at", "reason")
_LOCKED_RECORD = ("id", "user_id", "content_type_id", "object_id", "what", "route", "at")
SOURCES: tuple[Source, ...] = (
    Source(
        "auditlog.logentry",
        TrailKind.CHANGE,
        (
            "id",
            "content_type_id",
            "object_pk",
            "object_id",
            "object_repr",
            "serialized_data",
            "action",
            "changes_text",
            "changes",
            "actor_id",
            "cid",
            "remote_addr",
            "remote_port",
            "timestamp",
            "additional_data",
            "actor_email",
        ),
    ),
    Source("audit.readlog", TrailKind.READ, _LOCKED_RECORD),
    Source("audit.refusal", TrailKind.REFUSAL, _LOCKED_RECORD),
    Source(
        "audit.alert",
        TrailKind.ALERT,
        ("id", "kind", "organisation_id", "content_type_id", "object_id", "actor_id", "detail", "at"),
    ),
    Source(
        "accounts.loginattempt",
        TrailKind.SIGN_IN,
        ("id", "username", "succeeded", "attempted_at", "ip_address", "stage"),
    ),
    Source(
        "recommendations.transition",
        TrailKind.TRANSITION,
        (*_TRANSITION, "tracking_id", "action", "from_status", "to_status", "from_signoff", "to_signoff"),
    ),
    Source("recommendations.ragchange", TrailKind.TRANSITION, (*_TRANSITION, "tracking_id", "from_rag", "to_rag")),
    Source(
        "recommendations.ownerchange",
        TrailKind.TRANSITION,
        (*_TRANSITION, "tracking_id", "from_owner_id", "to_owner_id", "from_portfolio", "to_portfolio"),
    ),
    Source(
        "recommendations.responsetransition",
        TrailKind.TRANSITION,
        (*_TRANSITION, "response_id", "from_status", "to_status"),
    ),
    Source("returns.requesttransition", TrailKind.TRANSITION, (*_TRANSITION, "request_id", "from_status", "to_status")),
    Source(
        "returns.returntransition",
        TrailKind.TRANSITION,
        (*_TRANSITION, "return_record_id", "from_status", "to_status"),
    ),
    Source(
        "protection.measureevent",
        TrailKind.TRANSITION,
        (*_TRANSITION, "measure_id", "kind", "occurred_at", "from_status", "to_status"),
    ),
)
# An alert's acknowledgement is the one change an audit row takes (once, from empty): its own entry.
ACKNOWLEDGEMENT = Source("audit.alert", TrailKind.ALERT_ACKNOWLEDGED, ("id", "acknowledged_by_id", "acknowledged_at"))
# The tables PostgreSQL refuses UPDATE and DELETE on (migration 0008). Transition rows are left out:
# they belong to their records and go with them (a cascade); the chain still names any that vanish
# without an erasure entry.
PROTECTED_TABLES = ("auditlog_logentry", "audit_readlog", "audit_refusal", "audit_alert", "accounts_loginattempt")

SOURCE_OF_LABEL = {source.label: source for source in SOURCES}
# Rows written inside `deferred_sealing`, waiting to be chained as they stand when it ends.
_waiting: ContextVar[list[tuple[Source, int]] | None] = ContextVar("trail_waiting", default=None)


def source_for(kind: str, label: str) -> Source | None:
    """The source an entry of this kind and label was hashed from (None for an erasure)."""
    if kind == TrailKind.ALERT_ACKNOWLEDGED:
        return ACKNOWLEDGEMENT
    return SOURCE_OF_LABEL.get(label) if kind != TrailKind.ERASURE else None


def _plain(value: Any) -> Any:
    """A value as the same JSON on SQLite and PostgreSQL (and after a backup moves between them)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def canonical(values: Any) -> bytes:
    return json.dumps(values, default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(source: Source, row: tuple[Any, ...]) -> str:
    """SHA-256 of a source row's listed fields, named, in a stable form."""
    named = {field: _plain(value) for field, value in zip(source.fields, row, strict=True)}
    return hashlib.sha256(canonical([source.label, named])).hexdigest()


def entry_hash(entry: TrailEntry) -> str:
    payload = [entry.seq, entry.kind, entry.source, entry.source_id, entry.content_hash, entry.at, entry.detail]
    return hashlib.sha256(entry.prev_hash.encode() + canonical(payload)).hexdigest()


def row_of(source: Source, pk: int) -> tuple[Any, ...] | None:
    """The row's listed fields as the database holds them now (what verification reads too)."""
    return source.model._base_manager.filter(pk=pk).values_list(*source.fields).first()


def _lock_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HEAD_LOCK_KEY])


def append(kind: TrailKind, label: str, source_id: int, content: str, detail: str = "") -> TrailEntry:
    """Extend the chain by one entry, serialised against every other writer."""
    with transaction.atomic():
        _lock_head()
        head = TrailEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
        entry = TrailEntry(
            seq=seq,
            kind=kind,
            source=label,
            source_id=source_id,
            content_hash=content,
            at=timezone.now(),
            detail=detail,
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


def seal(source: Source, pk: int) -> TrailEntry:
    """Append the entry of one source row, hashed as it stands in the database."""
    row = row_of(source, pk)
    if row is None:
        raise LookupError(f"{source.label} {pk} is not in the database")
    return append(source.kind, source.label, pk, content_hash(source, row))


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs: Any) -> None:
    if raw:
        return  # fixtures and restores bring their own trail entries
    label = sender._meta.label_lower
    if created:
        source = SOURCE_OF_LABEL[label]
    elif label == ACKNOWLEDGEMENT.label and getattr(instance, "acknowledged_at", None) is not None:
        source = ACKNOWLEDGEMENT
    else:
        return
    if (waiting := _waiting.get()) is not None:
        waiting.append((source, instance.pk))
    elif created:
        seal(source, instance.pk)  # a new row: nothing names it yet
    else:
        _seal_once(source, instance.pk)


def _seal_once(source: Source, pk: int) -> None:
    """Chain a row, unless it is chained already (an alert saved again once acknowledged)."""
    if not TrailEntry.objects.filter(kind=source.kind, source=source.label, source_id=pk).exists():
        seal(source, pk)


@contextmanager
def deferred_sealing() -> Iterator[None]:
    """Rows written inside are chained when the block ends, as they stand then.

    For the demo, which writes its history now and then dates it back: a row not yet chained may
    still be changed (the PostgreSQL trigger allows it, migration 0008); once chained, never. A
    block that raises chains nothing: its rows are named by `oversight audit verify` if they stay.
    """
    if _waiting.get() is not None:
        yield  # an outer block chains them
        return
    waiting: list[tuple[Source, int]] = []
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    for source, pk in waiting:
        if row_of(source, pk) is not None:
            _seal_once(source, pk)


def connect() -> None:
    """Called once from AuditConfig.ready: every audited model's rows are chained as they are written."""
    for source in SOURCES:
        post_save.connect(_on_save, sender=source.model, dispatch_uid=f"trail:{source.label}")


def erase(label: str, source_id: int, by_text: str, reason: str) -> TrailEntry:
    """Record that a row existed and was deleted, by whom and why: never what it held."""
    detail = f"{label} {source_id} existed and was deleted by {by_text}, because: {reason}"
    return append(TrailKind.ERASURE, label, source_id, hashlib.sha256(detail.encode()).hexdigest(), detail)


def head() -> TrailEntry | None:
    return TrailEntry.objects.order_by("-seq").first()

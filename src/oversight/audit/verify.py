"""Walking the trail: the first broken row and why, reading a batch of entries at a time.

In order of `seq`, each entry must come next (no gap), follow the entry before it (`prev_hash`),
hash to its own `hash`, and its source row must still hash to its `content_hash` (or have been
deleted with an erasure entry after it). Then every audited row must have its entry, so a row put
in behind Oversight's back is named too. Memory holds one batch of entries and their rows.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Subquery

from .chain import ACKNOWLEDGEMENT, GENESIS, SOURCES, Source, content_hash, entry_hash, head, source_for
from .models import TrailEntry, TrailKind, Verification, VerificationOutcome

BATCH = 2000
# How long a row written in autocommit mode may wait for its entry (chain.py) before it counts as missing.
SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class Break:
    """The first broken row: the entry (when there is one), the source row, and what is wrong."""

    seq: int | None
    source: str
    source_id: int | None
    reason: str

    def __str__(self) -> str:
        row = f"{self.source} {self.source_id}" if self.source_id is not None else self.source
        where = f"trail entry {self.seq} ({row})" if self.seq is not None else row
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Outcome:
    entries: int
    head_seq: int | None
    head_hash: str
    broken: Break | None


def verify_trail(expected_head: tuple[int, str] | None = None, batch: int = BATCH) -> Outcome:
    """Walk the whole chain, then look for audited rows without an entry."""
    walked, broken = _walk(batch)
    broken = broken or _check_expected_head(expected_head) or _still_unchained()
    last = head()
    return Outcome(
        entries=walked, head_seq=last.seq if last else None, head_hash=last.hash if last else "", broken=broken
    )


def record(outcome: Outcome, by: User | None = None) -> Verification:
    """Keep the result for the administrators' page."""
    return Verification.objects.create(
        outcome=VerificationOutcome.BROKEN if outcome.broken else VerificationOutcome.WHOLE,
        entries=outcome.entries,
        head_seq=outcome.head_seq,
        head_hash=outcome.head_hash,
        first_broken=str(outcome.broken or ""),
        by=by,
    )


def _walk(batch: int) -> tuple[int, Break | None]:
    expected, prev_hash, walked = 1, GENESIS, 0
    while True:
        entries = list(TrailEntry.objects.filter(seq__gte=expected).order_by("seq")[:batch])
        if not entries:
            return walked, None
        hashes = _current_hashes(entries)
        for entry in entries:
            broken = _check_link(entry, expected, prev_hash) or _check_content(entry, hashes)
            if broken:
                return walked, broken
            expected, prev_hash, walked = entry.seq + 1, entry.hash, walked + 1


def _check_link(entry: TrailEntry, expected: int, prev_hash: str) -> Break | None:
    if entry.seq != expected:
        return Break(expected, "trail", None, f"missing: the trail goes from entry {expected - 1} to {entry.seq}")
    if entry.prev_hash != prev_hash:
        reason = "does not follow the entry before it (an entry was put in, or the one before was changed)"
        return Break(entry.seq, entry.source, entry.source_id, reason)
    if entry_hash(entry) != entry.hash:
        return Break(entry.seq, entry.source, entry.source_id, "the trail entry was changed after it was written")
    return None


def _check_content(entry: TrailEntry, hashes: dict[tuple[str, str, int], str]) -> Break | None:
    source = source_for(entry.kind, entry.source)
    if source is None:
        if entry.kind == TrailKind.ERASURE:
            return None
        return Break(entry.seq, entry.source, entry.source_id, "names a kind of row the trail does not know")
    current = hashes.get((entry.kind, entry.source, entry.source_id))
    if current is None:
        if _erased_after(entry):
            return None
        return Break(entry.seq, entry.source, entry.source_id, "the row was deleted (no erasure entry records it)")
    if current != entry.content_hash:
        return Break(entry.seq, entry.source, entry.source_id, "the row was changed after it was written")
    return None


def _current_hashes(entries: Iterable[TrailEntry]) -> dict[tuple[str, str, int], str]:
    """The content hash of every source row the batch names, as the rows stand now: one query a source."""
    wanted: dict[Source, set[int]] = defaultdict(set)
    for entry in entries:
        if (source := source_for(entry.kind, entry.source)) is not None:
            wanted[source].add(entry.source_id)
    hashes: dict[tuple[str, str, int], str] = {}
    for source, ids in wanted.items():
        rows = source.model._base_manager.filter(pk__in=ids).values_list(*source.fields)
        if source is ACKNOWLEDGEMENT:
            rows = rows.filter(acknowledged_at__isnull=False)
        for row in rows.iterator(chunk_size=BATCH):
            hashes[(source.kind, source.label, row[0])] = content_hash(source, row)
    return hashes


def _erased_after(entry: TrailEntry) -> bool:
    label = entry.source
    erasures = TrailEntry.objects.filter(kind=TrailKind.ERASURE, source=label, source_id=entry.source_id)
    return erasures.filter(seq__gt=entry.seq).exists()


def _check_expected_head(expected: tuple[int, str] | None) -> Break | None:
    if expected is None:
        return None
    seq, recorded = expected
    entry = TrailEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if entry is None:
        return Break(seq, "trail", None, "the head recorded outside the system is no longer in the trail")
    if entry != recorded:
        return Break(seq, "trail", None, "differs from the head recorded outside the system: the trail was rewritten")
    return None


def _still_unchained() -> Break | None:
    """A row written outside a transaction commits a moment before its entry: look again once."""
    if _first_unchained() is None:
        return None
    time.sleep(SETTLE_SECONDS)
    return _first_unchained()


def _first_unchained() -> Break | None:
    """An audited row with no entry: written behind Oversight's back (or lost in a crash, see chain.py)."""
    for source in SOURCES:
        chained = TrailEntry.objects.filter(kind=source.kind, source=source.label).values("source_id")
        row = source.model._base_manager.exclude(pk__in=Subquery(chained)).order_by("pk").values_list("pk").first()
        if row is not None:
            return Break(None, source.label, row[0], "is not in the trail (put in outside Oversight)")
    acknowledged = TrailEntry.objects.filter(kind=TrailKind.ALERT_ACKNOWLEDGED).values("source_id")
    alerts = ACKNOWLEDGEMENT.model._base_manager.filter(acknowledged_at__isnull=False)
    row = alerts.exclude(pk__in=Subquery(acknowledged)).order_by("pk").values_list("pk").first()
    if row is not None:
        return Break(None, ACKNOWLEDGEMENT.label, row[0], "was marked acknowledged outside Oversight")
    return None

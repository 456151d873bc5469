"""The change trail of a record and the records that hang off it, newest first.

Each app's history view checks access to the record first, then asks for its trail here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q


@dataclass(frozen=True)
class HistoryEntry:
    at: Any
    actor: str
    action: str
    subject: str
    changes: list[tuple[str, str, str]]


def _changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    return [(field, str(old), str(new)) for field, (old, new) in (entry.changes_dict or {}).items()]


def history_for(*groups: tuple[type[Model], list[int]]) -> list[HistoryEntry]:
    """Change log entries for the given (model, ids) groups, merged and newest first."""
    query = Q()
    for model, ids in groups:
        if ids:
            query |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    if not query:
        return []
    entries = LogEntry.objects.filter(query).select_related("actor", "content_type").order_by("-timestamp", "-pk")
    return [
        HistoryEntry(
            at=entry.timestamp,
            actor=(entry.actor.get_full_name() or entry.actor.get_username()) if entry.actor else "System",
            action=entry.get_action_display(),
            subject=f"{entry.content_type.name}: {entry.object_repr}",
            changes=_changes(entry),
        )
        for entry in entries[:500]
    ]

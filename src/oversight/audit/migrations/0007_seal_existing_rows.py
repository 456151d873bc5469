"""Chain the audit rows written before the trail existed, source by source in id order."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

from oversight.audit.chain import ACKNOWLEDGEMENT, GENESIS, SOURCES, content_hash, entry_hash

BATCH = 2000


def seal_existing(apps: Any, schema_editor: Any) -> None:
    trail_entry = apps.get_model("audit", "TrailEntry")
    if trail_entry.objects.exists():
        return
    seq, prev_hash, now = 0, GENESIS, timezone.now()
    for source in (*SOURCES, ACKNOWLEDGEMENT):
        rows = apps.get_model(source.label)._base_manager.order_by("pk")
        if source is ACKNOWLEDGEMENT:
            rows = rows.filter(acknowledged_at__isnull=False)
        batch = []
        for row in rows.values_list(*source.fields).iterator(chunk_size=BATCH):
            seq += 1
            entry = trail_entry(
                seq=seq,
                kind=source.kind,
                source=source.label,
                source_id=row[0],
                content_hash=content_hash(source, row),
                at=now,
                detail="",
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = entry_hash(entry)
            batch.append(entry)
            if len(batch) == BATCH:
                trail_entry.objects.bulk_create(batch)
                batch = []
        trail_entry.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_trail"),
        ("auditlog", "0017_add_actor_email"),
        ("accounts", "0002_second_factor_and_limits"),
        ("recommendations", "0007_rag_and_owner_history"),
        ("returns", "0002_request_closed"),
        ("protection", "0004_import_mapping"),
    ]

    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]

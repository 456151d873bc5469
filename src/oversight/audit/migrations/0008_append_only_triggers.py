"""On PostgreSQL the audit tables refuse UPDATE and DELETE of a chained row, whoever asks.

The rule the trigger holds, per row, against the trail (audit/chain.py):
- a row already in the trail is never changed, with one exception: an alert's acknowledgement,
  once, from empty, touching nothing else (it is then chained as an entry of its own);
- a row already in the trail is deleted only after an erasure entry naming it was appended (the
  retention app's guarded erasure does both in one transaction);
- a row not yet in the trail may be changed (the demo writes history now and dates it back,
  `chain.deferred_sealing`), and trail entries themselves are never changed or deleted.
TRUNCATE (the test suite's flush) is not a row operation and is not refused. SQLite has no such
guard: there the chain alone finds the change. Someone who may drop a trigger is caught by the
chain and by the head recorded outside the system.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

REFUSE = """
CREATE OR REPLACE FUNCTION oversight_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    label text := TG_ARGV[0];
BEGIN
    IF TG_TABLE_NAME <> 'audit_trailentry' THEN
        IF NOT EXISTS (SELECT 1 FROM audit_trailentry WHERE source = label AND source_id = OLD.id) THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' AND EXISTS (
            SELECT 1 FROM audit_trailentry WHERE source = label AND source_id = OLD.id AND kind = 'erasure'
        ) THEN
            RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_alert' THEN
            -- Nested: only an alert row has these columns.
            IF OLD.acknowledged_at IS NULL AND NEW.acknowledged_at IS NOT NULL AND NEW.acknowledged_by_id IS NOT NULL
               AND (NEW.id, NEW.kind, NEW.organisation_id, NEW.content_type_id, NEW.object_id, NEW.actor_id,
                    NEW.detail, NEW.at)
                   IS NOT DISTINCT FROM
                   (OLD.id, OLD.kind, OLD.organisation_id, OLD.content_type_id, OLD.object_id, OLD.actor_id,
                    OLD.detail, OLD.at)
            THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of a row of % refused', TG_OP, TG_TABLE_NAME;
END;
$$;
"""
# The audited tables and their labels in the trail (audit/chain.py PROTECTED_TABLES), and the trail.
TABLES = {
    "auditlog_logentry": "auditlog.logentry",
    "audit_readlog": "audit.readlog",
    "audit_refusal": "audit.refusal",
    "audit_alert": "audit.alert",
    "accounts_loginattempt": "accounts.loginattempt",
    "audit_trailentry": "audit.trailentry",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REFUSE)  # no parameters: its % are PL/pgSQL's
        for table, label in TABLES.items():
            cursor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION oversight_append_only('{label}')"
            )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS oversight_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_seal_existing_rows")]

    operations = [migrations.RunPython(create, drop)]

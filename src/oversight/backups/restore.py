"""Restoring a backup into an empty installation, all or nothing.

Before anything is written the whole archive is read once: the manifest's format version and
migration heads must be this code's (and applied to the target), and every part must have the
size, SHA-256 and row count the manifest gives it; the target must be empty. Then, in one
transaction, the rows go in with their own primary keys, exactly as stored (no save(), so no
signal, no audit entry and no `auto_now` touches them), the stored files are written and read back
against their hashes. Any failure rolls the rows back and removes the files written, so the
installation is left as it was.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

from .archive import (
    MANIFEST,
    Manifest,
    Refused,
    expected_parts,
    measure,
    migration_heads,
    read_manifest,
    unapplied_heads,
)

# What `oversight migrate` itself writes into a new installation: content types and permissions
# (after every migration), the reference organisations with their governing bodies' terms
# (organisations 0002) and the protective measures' statutory rules (protection 0002). A restore
# replaces them with the snapshot's own, so every id the snapshot's rows point to (content types
# above all, in the audit trail) is the one it had.
# tests/test_backups.py fails if a migration starts writing rows of another model.
MIGRATION_SEEDED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "organisations.organisation",
        "organisations.governingbodyterm",
        "protection.measuretype",
        "protection.measurerule",
        "protection.rulearea",
        "protection.extensionstep",
    }
)
ROWS_PER_INSERT = 500


class RestoreFailed(Exception):
    """Something went wrong while writing; everything written has been undone."""


def restore_backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    manifest = verify_archive(path, using)
    check_installation_is_empty(manifest, using)
    written: list[str] = []
    try:
        with transaction.atomic(using=using):
            _clear_seeded(using)
            with _members(path) as members:
                next(members)  # the manifest, read already
                _load(members, manifest, written, using)
            _reset_sequences(using)
            connections[using].check_constraints()
            _verify_files(manifest)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    finally:
        ContentType.objects.clear_cache()
    return manifest


@contextmanager
def _members(path: Path) -> Iterator[Iterator[tuple[tarfile.TarInfo, io.BufferedReader]]]:
    """The archive's members in order, each with its content; a damaged archive is a refusal."""
    try:
        with tarfile.open(path, mode="r|gz") as tar:

            def each() -> Iterator[tuple[tarfile.TarInfo, io.BufferedReader]]:
                for member in tar:
                    content = tar.extractfile(member) if member.isfile() else None
                    if content is None:
                        raise Refused(f"The archive holds {member.name!r}, which is not a file.")
                    yield member, content  # type: ignore[misc]

            yield each()
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise Refused(f"{path} is not a complete backup archive: it is damaged or truncated ({error}).") from error
    except FileNotFoundError as error:
        raise Refused(f"There is no file at {path}.") from error


def verify_archive(path: Path, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Read the whole archive and check it against its manifest and this installation's code."""
    with _members(path) as members:
        first = next(members, None)
        if first is None or first[0].name != MANIFEST:
            raise Refused("This is not an Oversight backup: it does not start with a manifest.")
        manifest = read_manifest(first[1])
        _check_heads(manifest, using)
        expected = expected_parts(manifest)
        seen: set[str] = set()
        for member, content in members:
            if member.name not in expected or member.name in seen:
                raise Refused(f"The archive holds {member.name!r}, which its manifest does not list.")
            _check_part(member.name, content, expected[member.name])
            seen.add(member.name)
    if missing := sorted(set(expected) - seen):
        raise Refused(f"The archive is incomplete: {len(missing)} parts are missing, the first {missing[0]!r}.")
    return manifest


def _check_heads(manifest: Manifest, using: str) -> None:
    ours = migration_heads(using)
    if manifest["migration_heads"] != ours:
        theirs = set(manifest["migration_heads"])
        differ = sorted(theirs.symmetric_difference(ours))
        raise Refused(
            "This backup was made by another version of Oversight (its migrations differ: "
            f"{', '.join(differ[:5])}). Restore it with the version that made it, then upgrade."
        )
    if unapplied := unapplied_heads(using):
        raise Refused(f"This installation is not migrated ({', '.join(unapplied[:5])}): run `oversight migrate` first.")


def _check_part(name: str, content: io.BufferedReader, expected: tuple[str, int, int | None]) -> None:
    sha256, size, lines = measure(content)
    want_sha256, want_size, want_rows = expected
    if (sha256, size) != (want_sha256, want_size):
        raise Refused(f"The part {name!r} does not match its SHA-256 in the manifest: the archive was altered.")
    if want_rows is not None and lines != want_rows:
        raise Refused(f"The part {name!r} holds {lines} rows where the manifest says {want_rows}.")


def check_installation_is_empty(manifest: Manifest, using: str = DEFAULT_DB_ALIAS) -> None:
    """Nothing but what `migrate` writes, and no stored file the archive would overwrite differently."""
    holding = [
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in MIGRATION_SEEDED
        and model._base_manager.using(using).exists()
    ]
    if holding:
        raise Refused(
            f"This installation is not empty (it holds {', '.join(holding[:5])} rows): a backup is restored "
            "only into a new installation, created with `oversight migrate` and nothing else."
        )
    for file in manifest["files"]:
        if default_storage.exists(file["name"]):
            with default_storage.open(file["name"], "rb") as handle:
                if measure(handle)[0] != file["sha256"]:
                    raise Refused(f"The file store already holds a different {file['name']!r}.")


def _clear_seeded(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for label in sorted(MIGRATION_SEEDED):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(apps.get_model(label)._meta.db_table)}")  # noqa: S608 (a table name from the app registry)


def _load(
    members: Iterator[tuple[tarfile.TarInfo, io.BufferedReader]], manifest: Manifest, written: list[str], using: str
) -> None:
    models = {part["part"]: part for part in manifest["models"]}
    files = {file["part"]: file["name"] for file in manifest["files"]}
    for member, content in members:
        if member.name in models:
            part = models[member.name]
            loaded = _load_rows(apps.get_model(part["model"]), content, using)
            if loaded != part["count"]:
                raise RestoreFailed(f"{part['model']}: {loaded} rows loaded where the manifest says {part['count']}")
        else:
            _write_file(files[member.name], content, written)


def _load_rows(model: type[Model], content: io.BufferedReader, using: str) -> int:
    """Insert the rows as stored, in batches: raw, so nothing recomputes a value on the way in."""
    fields = model._meta.local_concrete_fields
    manager = model._base_manager.using(using)
    batch: list[Model] = []
    loaded = 0
    # Lines split on b"\n" only: JSON escapes it inside values (str.splitlines would also split on U+2028).
    for deserialised in serializers.deserialize("jsonl", iter(content)):
        if type(deserialised.object) is not model:
            raise RestoreFailed(f"A {deserialised.object._meta.label} row is in the part of {model._meta.label}")
        batch.append(deserialised.object)
        if len(batch) == ROWS_PER_INSERT:
            loaded += _insert(manager, batch, fields, using)
            batch = []
    return loaded + _insert(manager, batch, fields, using)


def _insert(manager: object, rows: list[Model], fields: object, using: str) -> int:
    size = max(1, connections[using].ops.bulk_batch_size(fields, rows))
    for start in range(0, len(rows), size):
        manager._insert(rows[start : start + size], fields=fields, using=using, raw=True)  # type: ignore[attr-defined]
    return len(rows)


def _write_file(name: str, content: io.BufferedReader, written: list[str]) -> None:
    if default_storage.exists(name):
        return  # the same content, checked before anything was written
    stored = default_storage.save(name, File(content, name=name))
    written.append(stored)
    if stored != name:
        raise RestoreFailed(f"The file store kept {name!r} as {stored!r}")


def _verify_files(manifest: Manifest) -> None:
    for file in manifest["files"]:
        with default_storage.open(file["name"], "rb") as handle:
            if measure(handle)[0] != file["sha256"]:
                raise RestoreFailed(f"{file['name']!r} does not read back with its SHA-256")


def _reset_sequences(using: str) -> None:
    """PostgreSQL's id sequences start after the restored ids (SQLite needs nothing)."""
    connection = connections[using]
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)

"""Writing a backup: every row of every model and every stored file they name, as of one moment.

The rows are read inside one read-only transaction (REPEATABLE READ on PostgreSQL, one read
transaction on SQLite, which in WAL mode lets the web process and workers keep writing), model by
model through a server-side iterator, each model's rows streamed to a JSON Lines file in a private
working folder, so memory does not grow with the database. Stored files are content-addressed and
never rewritten, so the files named by the rows read are the files of that moment; each is hashed
before the archive is written and hashed again as it goes in, and a file that changed in between
fails the backup.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import IO

from django.core import serializers
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.utils import timezone

from .archive import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    ExactJSONEncoder,
    FilePart,
    Manifest,
    ModelPart,
    data_part_name,
    file_fields,
    file_part_name,
    measure,
    migration_heads,
    models_to_copy,
    safe_storage_name,
)

ROWS_PER_FETCH = 2000


class BackupFailed(Exception):
    """The installation changed under the backup, or a part could not be written."""


@contextmanager
def consistent_read(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every query inside sees the database as of one moment, and none of them can write."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Already inside a transaction (a test's): its own view is the consistent one.
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        # Django would open an IMMEDIATE (writing) transaction and hold writers off for the whole
        # backup; a deferred one only reads, and WAL keeps its snapshot while others commit.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")


def write_backup(out: IO[bytes], workdir: Path, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write the archive to `out` (a file or a pipe), using `workdir` (private) for the row files."""
    with consistent_read(using):
        parts, names = _dump_rows(workdir, using)
        files, missing = _hash_files(names)
        manifest = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            created_at=timezone.now().isoformat(),
            database_vendor=connections[using].vendor,
            migration_heads=migration_heads(using),
            models=parts,
            files=files,
            missing_files=missing,
        )
    _write_tar(out, workdir, manifest)
    return manifest


def _dump_rows(workdir: Path, using: str) -> tuple[list[ModelPart], set[str]]:
    parts: list[ModelPart] = []
    names: set[str] = set()
    for position, model in enumerate(models_to_copy(), start=1):
        path = workdir / f"{position:04d}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            count = _serialise(model, handle, names, using)
        with path.open("rb") as handle:
            sha256, size, _ = measure(handle)
        label = model._meta.label_lower
        parts.append(
            ModelPart(model=label, part=data_part_name(position, label), count=count, size=size, sha256=sha256)
        )
    return parts, names


def _serialise(model: type[Model], handle: IO[str], names: set[str], using: str) -> int:
    """One model's rows, in primary-key order, with the names of the files they point to."""
    fields = [field.name for field in model._meta.local_concrete_fields if not field.primary_key]
    with_files = file_fields(model)
    count = 0

    def rows() -> Iterator[Model]:
        nonlocal count
        for row in model._base_manager.using(using).order_by("pk").iterator(chunk_size=ROWS_PER_FETCH):
            count += 1
            names.update(name for field in with_files if (name := getattr(row, field.attname).name))
            yield row

    # Many-to-many tables are models of their own here, so only each table's own columns are written.
    serializers.serialize("jsonl", rows(), stream=handle, fields=fields, cls=ExactJSONEncoder)
    return count


def _hash_files(names: set[str]) -> tuple[list[FilePart], list[str]]:
    files: list[FilePart] = []
    missing: list[str] = []
    for name in sorted(names):
        safe_storage_name(name)
        if not default_storage.exists(name):
            missing.append(name)
            continue
        with default_storage.open(name, "rb") as handle:
            sha256, size, _ = measure(handle)
        files.append(FilePart(name=name, part=file_part_name(name), size=size, sha256=sha256))
    return files, missing


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


class _HashingReader:
    """Reads a stored file into the archive and hashes exactly what went in."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def _write_tar(out: IO[bytes], workdir: Path, manifest: Manifest) -> None:
    encoded = _manifest_bytes(manifest)
    with tarfile.open(fileobj=out, mode="w|gz") as tar:
        tar.addfile(_member(MANIFEST, len(encoded)), BytesIO(encoded))
        for position, part in enumerate(manifest["models"], start=1):
            with (workdir / f"{position:04d}.jsonl").open("rb") as handle:
                tar.addfile(_member(part["part"], part["size"]), handle)
        for file in manifest["files"]:
            with default_storage.open(file["name"], "rb") as handle:
                reader = _HashingReader(handle)
                try:
                    tar.addfile(_member(file["part"], file["size"]), reader)
                except OSError as error:
                    raise BackupFailed(f"The stored file {file['name']} changed during the backup") from error
            if reader.digest.hexdigest() != file["sha256"]:
                raise BackupFailed(f"The stored file {file['name']} changed during the backup")


def _manifest_bytes(manifest: Manifest) -> bytes:
    return json.dumps(manifest, indent=1, sort_keys=True).encode()

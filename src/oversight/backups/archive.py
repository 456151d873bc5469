"""The backup archive: what is in it, and what a restore checks before it believes any of it.

One gzip-compressed tar file. Its first member is `manifest.json`: the format and its version, when
it was made, the database it came from, the migration heads of the code that made it, and for
every part (one JSON Lines file of rows per model, one member per stored file) its size, SHA-256
and, for rows, their count. The rows are Django's "jsonl" serialisation, so a snapshot taken from
SQLite loads into PostgreSQL and back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import PurePosixPath
from typing import IO, Any, TypedDict

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.models import FileField, Model

FORMAT = "oversight-backup"
# Raise when the layout or the meaning of a part changes; a restore refuses any other version.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024

# Sessions are sign-in credentials of the moment, not records: a restored installation signs
# everyone out rather than honouring cookies issued by another one.
LEFT_OUT = {"sessions.session"}


class Refused(Exception):
    """The archive, or the installation it is meant for, fails a check: nothing has been written."""


class ModelPart(TypedDict):
    model: str
    part: str
    count: int
    size: int
    sha256: str


class FilePart(TypedDict):
    name: str
    part: str
    size: int
    sha256: str


class Manifest(TypedDict):
    format: str
    format_version: int
    created_at: str
    database_vendor: str
    migration_heads: list[str]
    models: list[ModelPart]
    files: list[FilePart]
    missing_files: list[str]


def models_to_copy() -> list[type[Model]]:
    """Every table the installation owns, found from the app registry so a new app is included
    without naming it here: many-to-many tables as models of their own, proxies and unmanaged
    models left out (their rows are another model's)."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in LEFT_OUT
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def file_fields(model: type[Model]) -> list[FileField]:
    return [field for field in model._meta.local_concrete_fields if isinstance(field, FileField)]


def migration_heads(using: str) -> list[str]:
    """The latest migration of each app in the code, as "app.name", sorted."""
    graph = MigrationLoader(connections[using], ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.leaf_nodes())


def unapplied_heads(using: str) -> list[str]:
    """The code's heads the database has not applied: a restore needs a fully migrated target."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return sorted(
        f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if (app, name) not in loader.applied_migrations
    )


def data_part_name(position: int, label: str) -> str:
    return f"data/{position:04d}-{label}.jsonl"


def file_part_name(name: str) -> str:
    return f"files/{safe_storage_name(name)}"


def safe_storage_name(name: str) -> str:
    """A stored file's name as the archive may carry it: relative, without "..", never empty."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or "\x00" in name:
        raise Refused(f"The archive names a file outside the file store: {name!r}")
    return str(path)


def measure(stream: IO[bytes]) -> tuple[str, int, int]:
    """A part's SHA-256, its size in bytes and its number of lines (rows, in a JSON Lines part)."""
    digest, size, lines = hashlib.sha256(), 0, 0
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes and times to milliseconds; a backup keeps every microsecond,
    so the audit trail and every timestamp come back exactly as they were."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def read_manifest(stream: IO[bytes]) -> Manifest:
    """Parse and check the manifest's own shape and version; the parts are checked against it later."""
    try:
        manifest = json.loads(stream.read())
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused("The archive's manifest is not readable JSON: the file is damaged.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Refused("This is not an Oversight backup (its manifest names no Oversight format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise Refused(
            f"This backup is in format version {manifest.get('format_version')!r}; this version of "
            f"Oversight reads version {FORMAT_VERSION} only."
        )
    for key in ("migration_heads", "models", "files"):
        if not isinstance(manifest.get(key), list):
            raise Refused(f"The archive's manifest has no list of {key}: the file is damaged.")
    return manifest  # type: ignore[return-value]


def expected_parts(manifest: Manifest) -> dict[str, tuple[str, int, int | None]]:
    """Every part the manifest promises: member name -> (SHA-256, size, rows or None for a file)."""
    parts: dict[str, tuple[str, int, int | None]] = {}
    try:
        for model in manifest["models"]:
            parts[model["part"]] = (model["sha256"], model["size"], model["count"])
        for file in manifest["files"]:
            if file["part"] != file_part_name(file["name"]):
                raise Refused(f"The archive's manifest misplaces the file {file['name']!r}.")
            parts[file["part"]] = (file["sha256"], file["size"], None)
    except (KeyError, TypeError) as error:
        raise Refused("The archive's manifest lacks a part's name, size or hash: the file is damaged.") from error
    return parts

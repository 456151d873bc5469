"""Backups: a snapshot of a real installation comes back row for row and byte for byte, and a bad
archive or a used installation is refused with nothing written.

The source installation is built as an operator would, in other processes: `oversight migrate`,
`load_demo` (the register with its evidence files, cases, victims, grants, returns), a document
read in with `oversight ingest`, a queued job, then `oversight backup`. With DATABASE_URL set it is
a fresh PostgreSQL database beside the test database; otherwise a SQLite file of its own. The
restore goes into the test database, a new installation (migrated, nothing else).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from oversight.audit.verify import verify_trail
from oversight.backups.archive import MANIFEST
from oversight.backups.restore import check_installation_is_empty

ROOT = Path(__file__).resolve().parent.parent
# Kept apart from the comparison: when each installation ran its own migrations, and sign-ins.
NOT_COMPARED = {"django_migrations", "django_session"}
TITLE = "Findings\u2028on “vetting” — ✓ 2022/23"  # a line separator JSON keeps, quotes, a dash


def rows_by_table(cursor: Any) -> dict[str, list[str]]:
    """Every row of every model's table as the database returns it, in a stable order."""
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    found: dict[str, list[str]] = {}
    for table in sorted(tables - NOT_COMPARED):
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the database itself)
        found[table] = sorted(repr(row) for row in cursor.fetchall())
    return found


def dump(out: str) -> None:
    """Run in the source installation's process: its rows, written as JSON for the test to compare."""
    with connection.cursor() as cursor:
        Path(out).write_text(json.dumps(rows_by_table(cursor)))


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("source")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "OVERSIGHT_ENV", "OVERSIGHT_MEDIA_ROOT"}}
    env |= {"DJANGO_SETTINGS_MODULE": "oversight.settings", "OVERSIGHT_DATA_DIR": str(home), "PYTHONPATH": str(ROOT)}
    database = _fresh_postgres_database(env)

    def run(*args: str) -> str:
        result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    oversight = [sys.executable, "-m", "oversight.cli"]
    run(*oversight, "migrate", "-v0")
    run(*oversight, "load_demo")
    run(
        *oversight, "ingest", str(ROOT / "tests/data/wmp-jac-hmicfrs-update-2022-09.md"), "--kind", "report",
        "--organisation", "west-midlands-police", "--by", "wmp.liaison", "--new-report-title", TITLE,
        "--published", "2022-09-29", "--report-kind", "peel",
    )  # fmt: skip
    run(sys.executable, "-c", _QUEUE_A_JOB)
    run(*oversight, "audit", "verify")  # the demo's trail is whole (exit 1 otherwise)
    head = run(*oversight, "audit", "head").split()[0]
    archive = home / "oversight.tar.gz"
    run(*oversight, "backup", str(archive))
    dump = f"import django; django.setup(); from tests.test_backups import dump; dump({str(home / 'rows.json')!r})"
    run(sys.executable, "-c", dump)
    rows = json.loads((home / "rows.json").read_text())
    yield {"archive": archive, "rows": rows, "files": _hashes(home / "media"), "head": head}
    if database:
        _drop_postgres_database(database)


_QUEUE_A_JOB = (
    "import django; django.setup()\n"
    "from oversight.ingest.models import SourceDocument\n"
    "from oversight.ingest.tasks import read_source_document\n"
    "read_source_document.enqueue(SourceDocument.objects.latest('pk').pk)\n"
)


def _fresh_postgres_database(env: dict[str, str]) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    return name


def _drop_postgres_database(name: str) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _state() -> tuple[dict[str, int], dict[str, str]]:
    """What a refusal must leave as it was: every table's row count and every stored file."""
    counts = {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}
    media = Path(settings.MEDIA_ROOT)
    return counts, _hashes(media) if media.exists() else {}


def _restore(archive: Path) -> None:
    call_command("restore", str(archive), stdout=io.StringIO())


def _rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of the archive with members changed (or dropped, when `change` gives None)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source:
            content = change(member.name, source.extractfile(member).read())  # type: ignore[union-attr]
            if content is not None:
                member.size = len(content)
                target.addfile(member, io.BytesIO(content))
    return out


def _manifest_changed(**changes: Any) -> Callable[[str, bytes], bytes | None]:
    def change(name: str, content: bytes) -> bytes:
        return json.dumps(json.loads(content) | changes).encode() if name == MANIFEST else content

    return change


@pytest.fixture(autouse=True)
def _sequences_follow_the_rows(django_db_blocker: Any) -> Iterator[None]:
    """A restore sets PostgreSQL's id sequences to the restored ids, and a sequence is not rolled back
    with the test's transaction: set them again from the rows the rollback left, or the next test in
    this worker takes an id that is already there. Set up before `db`, so this runs after its rollback."""
    yield
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with django_db_blocker.unblock(), connection.cursor() as cursor:
            models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


# The restore ------------------------------------------------------------------------------------


def test_restore_brings_back_every_row_and_every_file_as_it_was(source: dict[str, Any], db: None) -> None:
    _restore(source["archive"])

    with connection.cursor() as cursor:
        restored = rows_by_table(cursor)
    assert restored.keys() == source["rows"].keys()
    differing = [table for table in restored if restored[table] != source["rows"][table]]
    assert differing == [], f"rows differ in {differing}"
    assert sum(len(rows) for rows in restored.values()) > 30000
    for label in ("auditlog.logentry", "django_tasks_database.dbtaskresult", "ingest.sourcedocument", "cases.case"):
        assert restored[apps.get_model(label)._meta.db_table], f"the source had no {label} rows to compare"
    assert _hashes(Path(settings.MEDIA_ROOT)) == source["files"]
    assert any(name.startswith("documents/") for name in source["files"])
    assert sum(name.startswith("evidence/") for name in source["files"]) >= 5

    # And they read as the models they were.
    from oversight.recommendations.models import EvidenceVersion, Report

    assert Report.objects.filter(title=TITLE).exists()
    for version in EvidenceVersion.objects.all():
        with version.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == version.sha256
    # The tamper-evident trail restored with them verifies, up to the head the source printed.
    seq, recorded = source["head"].split(":")
    assert verify_trail(expected_head=(int(seq), recorded)).broken is None
    # New rows after a restore take ids after the restored ones (PostgreSQL's sequences reset).
    user = User.objects.create(username="after.restore")
    assert user.pk > max(User.objects.exclude(pk=user.pk).values_list("pk", flat=True))


def test_the_archive_is_readable_by_its_owner_only_and_never_overwritten(source: dict[str, Any], db: None) -> None:
    assert source["archive"].stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(source["archive"]))


def test_a_new_installation_counts_as_empty(db: None) -> None:
    check_installation_is_empty({"files": []})  # type: ignore[typeddict-item]


def test_a_backup_made_here_restores_its_own_files(tmp_path: Path, db: None) -> None:
    """In this process too: the evidence file a row names goes into the archive with its hash."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("evidence/ab/abc", ContentFile(b"evidence"))
    from oversight.recommendations.models import EvidenceVersion

    assert not EvidenceVersion.objects.exists()
    call_command("backup", str(tmp_path / "here.tar.gz"), stdout=io.StringIO())
    with tarfile.open(tmp_path / "here.tar.gz", "r:gz") as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    # Only files that rows name are in a backup: an orphan in the store is not.
    assert name not in [file["name"] for file in manifest["files"]]
    assert manifest["format_version"] == 1 and manifest["database_vendor"] == connection.vendor


# Refusals: exit status 2, the installation as it was ----------------------------------------------


def _truncated(archive: Path, out: Path) -> Path:
    out.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return out


def _tampered_rows(archive: Path, out: Path) -> Path:
    def change(name: str, content: bytes) -> bytes:
        return (
            content.replace(b"West Midlands", b"West Midlandz", 1) if "organisations.organisation" in name else content
        )

    return _rewrite(archive, out, change)


def _tampered_file(archive: Path, out: Path) -> Path:
    def change(name: str, content: bytes) -> bytes:
        return content + b" " if name.startswith("files/evidence/") else content

    return _rewrite(archive, out, change)


def _missing_file(archive: Path, out: Path) -> Path:
    return _rewrite(archive, out, lambda name, content: None if name.startswith("files/documents/") else content)


def _next_version(archive: Path, out: Path) -> Path:
    return _rewrite(archive, out, _manifest_changed(format_version=2))


def _other_heads(archive: Path, out: Path) -> Path:
    return _rewrite(archive, out, _manifest_changed(migration_heads=["cases.0099_from_the_future"]))


def _not_a_backup(archive: Path, out: Path) -> Path:
    with tarfile.open(out, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    return out


def _a_file_escaping_the_store(archive: Path, out: Path) -> Path:
    def change(name: str, content: bytes) -> bytes:
        if name != MANIFEST:
            return content
        manifest = json.loads(content)
        manifest["files"][0]["name"] = "../../etc/cron.d/x"
        return json.dumps(manifest).encode()

    return _rewrite(archive, out, change)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_truncated, "damaged or truncated"),
        (_tampered_rows, "does not match its SHA-256"),
        (_tampered_file, "does not match its SHA-256"),
        (_missing_file, "incomplete"),
        (_next_version, "format version 2"),
        (_other_heads, "another version of Oversight"),
        (_not_a_backup, "not an Oversight backup"),
        (_a_file_escaping_the_store, "outside the file store"),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_is_written(
    source: dict[str, Any], db: None, tmp_path: Path, make: Callable[[Path, Path], Path], says: str
) -> None:
    bad = make(source["archive"], tmp_path / "bad.tar.gz")
    before = _state()
    with pytest.raises(CommandError, match=says) as refused:
        _restore(bad)
    assert refused.value.returncode == 2
    assert "Nothing was written" in str(refused.value)
    assert _state() == before


def test_a_used_installation_is_refused(source: dict[str, Any], db: None) -> None:
    User.objects.create(username="already.here")
    before = _state()
    with pytest.raises(CommandError, match="not empty") as refused:
        _restore(source["archive"])
    assert refused.value.returncode == 2
    assert _state() == before


def test_a_different_file_already_in_the_store_is_refused(source: dict[str, Any], db: None) -> None:
    name = next(name for name in source["files"] if name.startswith("evidence/"))
    (Path(settings.MEDIA_ROOT) / name).parent.mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / name).write_bytes(b"something else")
    before = _state()
    with pytest.raises(CommandError, match="already holds a different") as refused:
        _restore(source["archive"])
    assert refused.value.returncode == 2
    assert _state() == before


def test_the_restore_command_exits_with_status_2_on_a_truncated_archive(source: dict[str, Any], tmp_path: Path) -> None:
    """As an operator sees it: the process's own exit status and message."""
    bad = _truncated(source["archive"], tmp_path / "bad.tar.gz")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "OVERSIGHT_ENV"}}
    env |= {"DJANGO_SETTINGS_MODULE": "oversight.settings", "OVERSIGHT_DATA_DIR": str(tmp_path / "fresh")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "oversight.cli", "restore", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Refused:" in result.stderr and "Nothing was written" in result.stderr

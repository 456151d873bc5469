"""The import's work for the pages, the API and the command: check an upload, run an import and record
it, keep a file waiting for its column mapping, save a force's mapping, export an error report.

Each entry point checks access again (`access.can_record_in_force`): the views and the API look the
force up through `access.importing_forces` first, so anyone else has had a 404 before getting here.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from oversight.lib.cells import safe_cell
from oversight.lib.screening import kept_name
from oversight.organisations.models import Organisation

from . import access
from .import_files import SpreadsheetFile, check_spreadsheet_upload
from .importer import ImportReport, RowError, import_measures
from .models import ImportMapping, ImportOutcome, ImportRun

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
KEPT_ERRORS = 500  # of a refused file's errors, kept with its run for the result page and the download


def max_bytes() -> int:
    """The largest file accepted; settings.PROTECTION_IMPORT_MAX_BYTES (from the environment) overrides it."""
    return int(getattr(settings, "PROTECTION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class Upload:
    """A file that passed the upload checks: its name as given (no folder), SHA-256 and bytes (seekable)."""

    filename: str
    sha256: str
    file: IO[bytes]


def checked_upload(upload: UploadedFile) -> Upload:
    """The upload's type, size and first bytes checked, then the whole file (a workbook's zip, a CSV's encoding):
    FileRefused if not, before any run is recorded. Its SHA-256 is read in chunks."""
    name = kept_name(upload.name or "")
    upload.seek(0)
    head = upload.read(8)
    check_spreadsheet_upload(name, upload.size or 0, head, max_bytes())
    SpreadsheetFile(name, upload.file).prepare()  # type: ignore[arg-type]
    sha256 = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha256.update(chunk)
    return Upload(name, sha256.hexdigest(), upload.file)  # type: ignore[arg-type]


def local_upload(path: Path) -> Upload:
    """A file on disk, for the command: the same checks as an upload."""
    name = kept_name(path.name)
    with path.open("rb") as file:
        check_spreadsheet_upload(name, path.stat().st_size, file.read(8), max_bytes())
        SpreadsheetFile(name, file).prepare()
        file.seek(0)
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    return Upload(name, sha256, path.open("rb"))


def _require(by: User, force: Organisation) -> None:
    if not access.can_record_in_force(by, force.pk):
        raise PermissionDenied("You cannot import measures into this force.")


def run_import(
    force: Organisation, by: User, upload: Upload, *, dry_run: bool = False
) -> tuple[ImportRun, ImportReport]:
    """Import the file (all or nothing), or keep it for its mapping; record the run either way."""
    _require(by, force)
    mapping = ImportMapping.objects.filter(force=force).first()
    source = SpreadsheetFile(upload.filename, upload.file)
    report = import_measures(
        force,
        by,
        source,
        saved_columns=mapping.columns if mapping else None,
        saved_codes=mapping.values if mapping else None,
        dry_run=dry_run,
    )
    run = ImportRun(force=force, user=by, filename=upload.filename, sha256=upload.sha256)
    _record(run, report)
    if report.needs_mapping:
        upload.file.seek(0)
        run.pending_file.save(f"{upload.sha256}{Path(upload.filename).suffix.lower()}", File(upload.file), save=False)
    run.save()
    return run, report


def _record(run: ImportRun, report: ImportReport) -> None:
    run.rows, run.error_count, run.counts = report.rows, report.error_count, report.counts()
    run.errors = [vars(error) for error in report.errors[:KEPT_ERRORS]]
    if report.needs_mapping:
        run.outcome, run.summary = ImportOutcome.NEEDS_MAPPING, "The file's columns are to be matched to ours"
    elif not report.ok:
        run.outcome = ImportOutcome.REFUSED
        plural = "s" if report.error_count != 1 else ""
        run.summary = f"{report.error_count:,} error{plural}; the first: {report.errors[0]}"
    else:
        run.outcome = ImportOutcome.CHECKED if report.dry_run else ImportOutcome.IMPORTED
        run.summary = describe_counts(run.counts)


def describe_counts(counts: dict[str, dict[str, int]]) -> str:
    """ "Measures: 3 created, 1 updated, 0 unchanged. Breaches: ...": what an import did."""
    parts = []
    for noun, tally in counts.items():
        parts.append(f"{noun.capitalize()}: " + ", ".join(f"{count:,} {what}" for what, count in tally.items()))
    return ". ".join(parts)


def save_mapping(force: Organisation, by: User, columns: dict[str, str], codes: dict[str, dict[str, str]]) -> None:
    """The force's mapping, replaced: later imports of files with these headings use it."""
    _require(by, force)
    ImportMapping.objects.update_or_create(
        force=force, defaults={"columns": columns, "values": codes, "updated_by": by, "updated_at": timezone.now()}
    )


def import_pending(run: ImportRun, by: User, *, dry_run: bool = False) -> tuple[ImportRun, ImportReport]:
    """Import the file a run kept while its mapping was made; the file is let go unless still unmatched."""
    _require(by, run.force)
    with run.pending_file.open("rb") as file:
        upload = Upload(run.filename, run.sha256, file)
        new_run, report = run_import(run.force, by, upload, dry_run=dry_run)
    if not report.needs_mapping:
        with transaction.atomic():
            run.pending_file.delete(save=False)
            run.save(update_fields=["pending_file"])
    return new_run, report


def recent_runs(force: Organisation, limit: int = 25) -> list[ImportRun]:
    return list(ImportRun.objects.filter(force=force).select_related("user")[:limit])


def errors_of(run: ImportRun) -> list[RowError]:
    return [RowError(**error) for error in run.errors]


def errors_csv(run: ImportRun) -> str:
    """The run's error report as CSV, every cell escaped so a spreadsheet never runs it as a formula."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["Row", "Column", "Value", "Reason"])
    for error in errors_of(run):
        writer.writerow([error.row, *(safe_cell(text) for text in (error.column, error.value, error.reason))])
    return buffer.getvalue()


def report_json(report: ImportReport, run: ImportRun | None = None) -> dict[str, Any]:
    """The report as the API returns it."""
    return {
        "run_id": run.pk if run else None,
        "outcome": run.outcome if run else "",
        "dry_run": report.dry_run,
        "rows": report.rows,
        "ok": report.ok,
        "needs_mapping": report.needs_mapping,
        "headings": report.headings,
        "counts": report.counts(),
        "error_count": report.error_count,
        "errors": [vars(error) for error in report.errors],
    }


def pending_headings(run: ImportRun) -> list[str]:
    """The headings of the file a run keeps for its mapping (its first row)."""
    with run.pending_file.open("rb") as file:
        first = next(SpreadsheetFile(run.filename, file).rows(), (1, []))[1]
    return [heading.strip() for heading in first if heading.strip()]


def saved_mapping(force: Organisation) -> ImportMapping | None:
    return ImportMapping.objects.filter(force=force).first()

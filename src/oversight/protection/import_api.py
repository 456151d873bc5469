"""`POST /api/v1/protection/imports`: the bulk import through the API, returning the same report as the
pages (counts, or the row-numbered errors with nothing written). A force is looked up in the caller's
`access.importing_forces`: anyone else gets the 404 a missing force gets."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from oversight.organisations.models import Organisation
from oversight.recommendations.schemas import ErrorOut

from . import access, import_services
from .import_files import FileRefused

router = Router(tags=["protection"])


class RowErrorOut(Schema):
    row: int = Field(description="The row of the file, the header being row 1")
    column: str = Field(description="The file's heading of the column, or empty for the whole row or file")
    value: str = Field(description="The value as read, cut short")
    reason: str


class TallyOut(Schema):
    created: int
    updated: int
    unchanged: int


class ImportReportOut(Schema):
    run_id: int | None = Field(None, description="The import's record in the force's history")
    outcome: str = Field(description="imported, checked (a dry run), refused, or needs_mapping")
    dry_run: bool
    rows: int = Field(description="Data rows read")
    ok: bool
    needs_mapping: bool = Field(description="The headings are not known: match them once on the mapping page")
    headings: list[str] = Field(description="The file's headings, when they need matching")
    counts: dict[str, TallyOut] = Field(description="measures and breaches: created, updated, unchanged")
    error_count: int
    errors: list[RowErrorOut] = Field(description="The first errors, by row")


def _force(request: HttpRequest, slug: str) -> Organisation:
    forces = access.importing_forces(request.user)
    found = forces.filter(slug=slug).first() if slug else (forces.first() if forces.count() == 1 else None)
    if found is None:
        raise Http404("No such force")
    return found


@router.post(
    "",
    response={200: ImportReportOut, 400: ImportReportOut, 422: ImportReportOut, 401: ErrorOut, 404: ErrorOut},
    summary="Import a CSV or XLSX file of protective measures and breaches",
)
def import_file(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    force: Form[str] = "",
) -> Status:
    """Every row is checked against the statutory rules; nothing is written unless every row passes
    (400 with the errors otherwise). `dry_run` checks and counts, writing nothing. `force` is the force's
    slug, needed only by someone who imports into more than one. A file whose headings are neither ours
    nor the force's saved mapping answers 422 with its headings: match them once on the import page."""
    organisation = _force(request, force)
    try:
        upload = import_services.checked_upload(file)
    except FileRefused as refused:
        errors = [{"row": 1, "column": "", "value": "", "reason": str(refused)}]
        return Status(400, {**_empty(dry_run), "error_count": 1, "errors": errors})
    run, report = import_services.run_import(organisation, request.user, upload, dry_run=dry_run)  # type: ignore[arg-type]
    status = 422 if report.needs_mapping else 200 if report.ok else 400
    return Status(status, import_services.report_json(report, run))


def _empty(dry_run: bool) -> dict[str, Any]:
    return {"run_id": None, "outcome": "refused", "dry_run": dry_run, "rows": 0, "ok": False,
            "needs_mapping": False, "headings": [], "counts": {}}  # fmt: skip

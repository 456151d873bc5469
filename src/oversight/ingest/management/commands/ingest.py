"""`oversight ingest PATH --kind report|response|register (--report ID | --new-report-title ... --published
YYYY-MM-DD --report-kind peel | --response ID) --organisation SLUG --by USERNAME`.

Stores the document as an upload would and reads it here and now (a progress bar on stderr), so it
is ready for review on the web. A file that cannot be read: its reason on stderr and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from oversight.ingest import reading, services
from oversight.ingest.models import DocumentKind, ReadingStatus
from oversight.organisations.models import Organisation
from oversight.recommendations.models import GoverningBodyResponse, Report, ReportKind

BAR_WIDTH = 30


def progress_bar(done: int, total: int) -> None:
    """Pages read so far, drawn over itself on stderr."""
    filled = BAR_WIDTH * done // total if total else 0
    sys.stderr.write(f"\rReading [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} pages")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Command(BaseCommand):
    help = "Store a document and read it into proposals ready for review on the web."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", required=True, choices=DocumentKind.values)
        parser.add_argument("--organisation", required=True, help="The slug of the organisation it belongs to")
        parser.add_argument("--by", required=True, help="The username of the person reading it in")
        parser.add_argument("--report", type=int, help="The id of the report (report and register kinds)")
        parser.add_argument("--response", type=int, help="The id of the 56-day response (response kind)")
        parser.add_argument("--new-report-title", help="Add a new report with this title instead of --report")
        parser.add_argument("--published", type=dt.date.fromisoformat, help="The new report's publication date")
        parser.add_argument("--report-kind", choices=ReportKind.values, help="The new report's kind")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            self._fail(f"No file at {path}")
        by = self._one(User.objects.filter(username=options["by"], is_active=True), f"No user {options['by']}")
        organisation = self._one(Organisation.objects.filter(slug=options["organisation"]), "No such organisation")
        with path.open("rb") as handle:
            try:
                document = services.store_document(
                    by, File(handle, name=path.name), kind=options["kind"], organisation=organisation,
                    queue=False, **self._target(options),
                )  # fmt: skip
            except PermissionDenied:
                self._fail(f"{by.username} may not read documents in for {organisation.name}.")
            except ValidationError as error:
                self._fail(" ".join(error.messages))
        read = reading.read_and_propose(document.pk, progress=progress_bar if options["verbosity"] else None)
        if read is None or read.status != ReadingStatus.READ:
            self._fail(read.failure_reason if read else "The document is already being read.")
        count = read.proposals.count()
        review = reverse("ingest:review", args=[read.pk])
        self.stdout.write(
            f"Read {read.original_name}: {count} proposal{'s' if count != 1 else ''} to review at {review}"
        )

    def _target(self, options: dict[str, Any]) -> dict[str, Any]:
        if options["kind"] == DocumentKind.RESPONSE:
            return {"response": GoverningBodyResponse.objects.filter(pk=options["response"] or 0).first()}
        if options["new_report_title"]:
            if not options["published"] or not options["report_kind"]:
                self._fail("A new report needs --published YYYY-MM-DD and --report-kind.")
            fields = {"title": options["new_report_title"], "kind": options["report_kind"]}
            return {"new_report": fields | {"published_on": options["published"]}}
        return {"report": Report.objects.filter(pk=options["report"] or 0).first()}

    def _one(self, queryset: Any, message: str) -> Any:
        found = queryset.first()
        if found is None:
            self._fail(message)
        return found

    def _fail(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=2)

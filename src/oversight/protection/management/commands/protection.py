"""`oversight protection import --force SLUG FILE [--dry-run] [--user USERNAME]`: bulk-import a CSV or XLSX
file of protective measures and breaches (columns: `oversight.protection.importer`). Nothing is written
on any error; bad input prints the row-numbered report and exits with status 2.

`oversight protection remind`: queue today's worklist reminders by hand (the daily sweep sends them each
morning, `oversight.jobs`); each person gets them once a day however often this runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.protection import import_services
from oversight.protection.import_files import FileRefused
from oversight.protection.tasks import send_worklist_reminders


class Command(BaseCommand):
    help = (
        "Protective measures: `import` reads a force system's export of measures and breaches; `remind` queues an "
        "email to each recorder with items on their worklist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        run = actions.add_parser("import", help="Import a CSV or XLSX file; nothing is written on any error")
        run.add_argument("--force", required=True, help="The force's slug, for example west-midlands-police")
        run.add_argument("--dry-run", action="store_true", help="Check and count every row; write nothing")
        run.add_argument(
            "--user", default=None, help="Who records the measures: a member of the force's protection team or PSD"
        )
        run.add_argument("file", type=Path)
        actions.add_parser("remind", help="Queue the worklist reminders")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            result = send_worklist_reminders.enqueue(timezone.now().isoformat())
            self.stdout.write(f"Worklist reminders queued (job {result.id}).")
            return
        force = Organisation.objects.forces().filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with slug '{options['force']}'.", returncode=2)
        by = _user(options["user"])
        try:
            upload = import_services.local_upload(options["file"])
        except (OSError, FileRefused) as error:
            raise CommandError(f"Cannot import {options['file']}: {error}", returncode=2) from error
        try:
            with upload.file:
                run, report = import_services.run_import(force, by, upload, dry_run=options["dry_run"])
        except PermissionDenied as refused:
            raise CommandError(f"{by.username} cannot import into {force}: {refused}", returncode=2) from refused
        if report.needs_mapping:
            raise CommandError(
                f"The headings are not known ({', '.join(report.headings)}): match them once on the import page "
                f"(run {run.pk}).",
                returncode=2,
            )
        if not report.ok:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{report.error_count:,} errors; nothing was imported.", returncode=2)
        done = "Checked (nothing written)" if report.dry_run else "Imported"
        self.stdout.write(f"{done} into {force}: {import_services.describe_counts(run.counts)}.")


def _user(username: str | None) -> User:
    found = (
        User.objects.filter(username=username, is_active=True).first()
        if username
        else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )
    if found is None:
        raise CommandError("Give --user: the person who records the measures.", returncode=2)
    return found

"""`oversight import_workforce <force-slug> <csv>`: import a workforce register; nothing is written on any error.

The columns are described in `oversight.workforce.importer`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oversight.organisations.models import Organisation
from oversight.workforce.importer import import_workforce


class Command(BaseCommand):
    help = "Import a force's workforce (units, people, postings, line management, associations, cases) from CSV."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("force", help="The force's slug, for example west-midlands-police")
        parser.add_argument("csv", type=Path, help="The CSV file (UTF-8, header row, a 'record' column)")

    def handle(self, *args: Any, force: str, csv: Path, **options: Any) -> None:
        organisation = Organisation.objects.forces().filter(slug=force).first()
        if organisation is None:
            raise CommandError(f"No force with slug '{force}'.")
        try:
            with csv.open(encoding="utf-8-sig", newline="") as file:
                report = import_workforce(organisation, file)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {csv}: {error}") from error
        if not report.ok:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{len(report.errors)} errors; nothing was imported.")
        done = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in report.counts.items())
        self.stdout.write(f"Imported into {organisation}: {done}.")

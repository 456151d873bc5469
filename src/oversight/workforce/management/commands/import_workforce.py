"""`oversight import_workforce <force-slug> <csv>`: import a workforce register; nothing is written on any error
(the reason on stderr, exit status 2).

The columns are described in `oversight.workforce.importer`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from oversight.organisations.models import Organisation
from oversight.workforce.forms import checked_csv
from oversight.workforce.importer import import_workforce


class Command(BaseCommand):
    help = "Import a force's workforce (units, people, postings, line management, associations, cases) from CSV."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("force", help="The force's slug, for example west-midlands-police")
        parser.add_argument("csv", type=Path, help="The CSV file (UTF-8, header row, a 'record' column)")

    def handle(self, *args: Any, force: str, csv: Path, **options: Any) -> None:
        organisation = Organisation.objects.forces().filter(slug=force).first()
        if organisation is None:
            raise CommandError(f"No force with slug '{force}'.", returncode=2)
        try:
            with csv.open("rb") as file:
                # The web form's checks (type, size, text), before a byte is parsed.
                upload = checked_csv(csv.name, csv.stat().st_size, file)
                with upload.open_text() as text:
                    report = import_workforce(organisation, text)
        except ValidationError as refused:
            raise CommandError(f"Cannot import {csv.name}: {' '.join(refused.messages)}.", returncode=2) from refused
        except OSError as error:
            raise CommandError(f"Cannot read {csv}: {error}", returncode=2) from error
        if not report.ok:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{len(report.errors)} errors; nothing was imported.", returncode=2)
        done = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in report.counts.items())
        self.stdout.write(f"Imported into {organisation}: {done}.")

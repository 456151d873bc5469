"""`oversight restore PATH` (or `-` for standard input): a backup back into an empty installation.

Everything is checked before anything is written (README, "Backups"); a refusal exits with status
2 and leaves the installation as it was. From standard input the archive is first kept in a
private temporary file beside the data, since it is read twice (checked, then loaded).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from oversight.backups.archive import Refused
from oversight.backups.restore import RestoreFailed, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `oversight backup` into a new, migrated, empty installation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", help="The archive to restore, or - for standard input")

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        if archive != "-":
            self._restore(Path(archive))
            return
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.DATA_DIR, prefix=".oversight-restore-") as spool:
            shutil.copyfileobj(sys.stdin.buffer, spool)
            spool.flush()
            self._restore(Path(spool.name))

    def _restore(self, path: Path) -> None:
        try:
            manifest = restore_backup(path)
        except Refused as refusal:
            raise CommandError(f"Refused: {refusal} Nothing was written.", returncode=2) from refusal
        except RestoreFailed as error:
            raise CommandError(f"The restore failed and was undone: {error}.") from error
        rows = sum(part["count"] for part in manifest["models"])
        self.stdout.write(
            f"Restored {rows} rows and {len(manifest['files'])} files (every SHA-256 checked) from the backup "
            f"made on {manifest['created_at']} ({manifest['database_vendor']})."
        )

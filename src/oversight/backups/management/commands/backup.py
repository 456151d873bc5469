"""`oversight backup PATH` (or `-` for standard output): one consistent snapshot of the installation.

The archive holds every row and every stored file, victims' details and allegations included: it
is written readable by its owner only (0600), first under a `.partial` name and renamed when
complete, so a file with the final name is always a whole backup. Store it encrypted (README,
"Backups"), for example `oversight backup - | age -r KEY > oversight.tar.gz.age`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from oversight.backups.archive import Manifest
from oversight.backups.snapshot import BackupFailed, write_backup


class Command(BaseCommand):
    help = "Write one consistent snapshot (database rows and stored files) to an archive file, or - for stdout."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", help="The file to write (never overwritten), or - for standard output")

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        if archive == "-":
            manifest = self._write(sys.stdout.buffer, Path(settings.DATA_DIR))
            self._report(manifest, "standard output", self.stderr.write)
            return
        path = Path(archive)
        if path.exists():
            raise CommandError(f"{path} exists already: a backup never overwrites a file.")
        partial = path.with_name(path.name + ".partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(f"Cannot write {partial}: {error.strerror}.") from error
        try:
            with os.fdopen(descriptor, "wb") as out:
                manifest = self._write(out, path.parent)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        self._report(manifest, str(path), self.stdout.write)

    def _write(self, out: IO[bytes], workdir_parent: Path) -> Manifest:
        workdir_parent.mkdir(parents=True, exist_ok=True)
        # The rows wait here, beside the archive and readable by this user only, until they go in.
        with tempfile.TemporaryDirectory(dir=workdir_parent, prefix=".oversight-backup-") as workdir:
            try:
                return write_backup(out, Path(workdir))
            except BackupFailed as error:
                raise CommandError(f"{error}; no backup was written. Run it again.") from error

    def _report(self, manifest: Manifest, where: str, write: Any) -> None:
        rows = sum(part["count"] for part in manifest["models"])
        size = sum(file["size"] for file in manifest["files"])
        write(
            f"Backed up {rows} rows of {len(manifest['models'])} tables and {len(manifest['files'])} files "
            f"({size / 1e6:.1f} MB) to {where}."
        )
        for name in manifest["missing_files"]:
            self.stderr.write(
                f"Warning: {name} is named by a row but missing from the file store; it is not in the backup."
            )

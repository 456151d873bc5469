"""`python -m bench.workforce_import`: the peak memory of a valid workforce import at two file sizes.

Writes a valid register file of N people (each with a person row, a posting, a line manager and a
declared association, in UNITS units whatever N, so that every kind of write and the line-management
closure are exercised) to a temporary file, as Django keeps an upload over its in-memory limit, and
imports it into an empty register in its own SQLite database (var/bench-workforce.sqlite3 unless
--database is given) with tracemalloc on. It prints the peak of Python's allocations above what was
allocated before each phase: checking the file (every row, then across rows and against the
register) and writing it (the batches, the line-management closure and the hold checks, in one
transaction); and the import's peak per MB of file. Not a test: it takes minutes, and the figures
depend on the machine and the Python version.
"""

from __future__ import annotations

import argparse
import csv
import logging
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.django_env import PROJECT_DIR, start

DEFAULT_DATABASE = f"sqlite:///{PROJECT_DIR / 'var' / 'bench-workforce.sqlite3'}"
TEAM_SIZE = 10  # each tenth person line-manages the next nine
UNITS = 200


def _rows(people: int) -> list[dict[str, str]]:
    """One force's register: units, then people with a posting, a manager and an association each."""
    rows = [{"record": "unit", "unit": f"Team {unit}", "area": "Walsall"} for unit in range(UNITS)]
    for n in range(people):
        number, team = f"B{n:07d}", {"unit": f"Team {n // TEAM_SIZE % UNITS}", "area": "Walsall"}
        rank = "Sgt" if n % TEAM_SIZE == 0 else "PC"
        rows.append({"record": "person", "staff_number": number, "name": f"Person number {n}", "kind": "officer",
                     "rank_or_grade": rank, "role": "Response officer", "service_start": "2010-01-01",
                     "works_with_vulnerable": "no"})  # fmt: skip
        rows.append({"record": "posting", "staff_number": number, "started_on": "2015-01-01", **team})
        if n % TEAM_SIZE:
            manager = f"B{n - n % TEAM_SIZE:07d}"
            rows.append({"record": "line_management", "staff_number": number, "manager_staff_number": manager,
                         "started_on": "2015-01-01"})  # fmt: skip
        if n + 1 < people:
            rows.append({"record": "association", "staff_number": number, "other_staff_number": f"B{n + 1:07d}",
                         "association_kind": "friendship", "declared_on": "2020-01-01",
                         "note": "Trained together at the college in the same intake"})  # fmt: skip
    return rows


def write_file(people: int, into: Path) -> int:
    from oversight.workforce.services import COLUMNS

    with into.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(_rows(people))
    return into.stat().st_size


def _phase_peaks(peaks: dict[str, float]) -> Callable[[], None]:
    """Measure the importer's two phases on their own: each starts a new peak. Returns the undo."""
    from oversight.workforce import importer

    originals: dict[str, Callable[..., Any]] = {"check": importer._checked, "write": importer._write_all_or_nothing}

    def measured(name: str, phase: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            try:
                return phase(*args)
            finally:
                peaks[name] = (tracemalloc.get_traced_memory()[1] - before) / 2**20

        return run

    importer._checked = measured("check", originals["check"])
    importer._write_all_or_nothing = measured("write", originals["write"])

    def undo() -> None:
        importer._checked = originals["check"]
        importer._write_all_or_nothing = originals["write"]

    return undo


def measure(people: int, folder: Path) -> dict[str, float]:
    """Import a file of `people` into an empty register, measuring each phase's peak."""
    from oversight.organisations.models import Organisation
    from oversight.workforce.importer import import_workforce
    from oversight.workforce.models import Person, Unit

    force = Organisation.objects.get(slug="west-midlands-police")
    Person.objects.filter(force=force).delete()
    Unit.objects.filter(force=force).delete()
    path = folder / f"workforce-{people}.csv"
    size = write_file(people, path)
    peaks: dict[str, float] = {}
    undo = _phase_peaks(peaks)
    with path.open("r", encoding="utf-8-sig", newline="") as text:
        tracemalloc.start()
        started = time.perf_counter()
        try:
            report = import_workforce(force, text)
        finally:
            tracemalloc.stop()
            undo()
    assert report.ok and not report.held, report.errors[:3]
    assert Person.objects.filter(force=force).count() == people
    return {"rows": report.rows, "file_mb": size / 2**20, **peaks, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--people", default="10000,40000", help="the sizes, in people, comma-separated")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    start(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"{'people':>8} {'rows':>8} {'file MB':>8} {'check MB':>9} {'write MB':>9} {'peak/file':>9} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for people in (int(size) for size in args.people.split(",")):
            r = measure(people, Path(folder))
            ratio = max(r["check"], r["write"]) / r["file_mb"]
            print(f"{people:>8,} {r['rows']:>8,.0f} {r['file_mb']:>8.1f} {r['check']:>9.1f} {r['write']:>9.1f} "
                  f"{ratio:>9.2f} {r['seconds']:>8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

"""`python -m bench.protection_import`: a 100,000-row import of protective measures and breaches, in rows per
second for the check and for the write, with the importing process's peak memory.

Generates, from a fixed seed, one file of ROWS rows (about four measures to each breach; DVPNs, DVPOs,
non-molestation and restraining orders, stalking protection orders and pre-charge bail, each valid
under its rule) as CSV and as XLSX, under var/bench-protection/. Each format is imported into an empty
set of measures on the database of DATABASE_URL (default var/bench-protection.sqlite3, or --database)
in a subprocess of its own doing nothing else, so its peak resident memory (ru_maxrss) is the import's
and not the generator's; the CSV is then imported again, which must create nothing. Prints a table and
writes bench/protection_import.json (one entry per database engine). Not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.django_env import PROJECT_DIR, start, vendor

DEFAULT_DATABASE = f"sqlite:///{PROJECT_DIR / 'var' / 'bench-protection.sqlite3'}"
FOLDER = PROJECT_DIR / "var" / "bench-protection"
RESULTS = Path(__file__).with_name("protection_import.json")
ROWS = 100_000
SEED = 11
FORCE = "west-midlands-police"
HEADER = ["record", "reference", "measure_type", "restrained_name", "authorised_by_name", "authorised_by_rank",
          "court", "arrested_on", "made_at", "served_at", "hearing_at", "ends_on", "until_further_order",
          "reported_at", "reported_by", "description", "response", "arrest_at", "outcome"]  # fmt: skip
FIRST_DAY = dt.date(2025, 1, 1)
DAYS = 600  # measures made over these days from FIRST_DAY (all in the past)


def _measure(n: int, pick: random.Random) -> dict[str, str]:
    day = FIRST_DAY + dt.timedelta(days=pick.randrange(DAYS))
    made = dt.datetime.combine(day, dt.time(pick.randrange(8, 20), pick.choice((0, 15, 30, 45))))
    base = {"record": "measure", "reference": f"M{n:07d}", "restrained_name": f"Restrained person {n}",
            "made_at": made.strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    kind = pick.choice(("dvpn", "dvpo", "nmo", "restraining_order", "spo", "pre_charge_bail"))
    court = {"court": "Birmingham Magistrates' Court"}
    if kind == "dvpn":
        return {**base, "measure_type": "DVPN", "authorised_by_name": "A Superintendent",
                "authorised_by_rank": "Supt", "served_at": (made + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                "hearing_at": (made + dt.timedelta(hours=30)).strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    if kind == "dvpo":
        ends = day + dt.timedelta(days=pick.randrange(13, 28))
        return {**base, **court, "measure_type": "DVPO", "ends_on": ends.isoformat()}
    if kind == "spo":
        return {**base, **court, "measure_type": "SPO", "until_further_order": "yes"}
    if kind == "pre_charge_bail":
        ends = day + dt.timedelta(days=pick.randrange(20, 80))
        return {**base, "measure_type": "bail", "authorised_by_rank": "Sgt",
                "arrested_on": (day - dt.timedelta(days=1)).isoformat(), "ends_on": ends.isoformat()}  # fmt: skip
    code = "NMO" if kind == "nmo" else "RO"
    return {**base, **court, "measure_type": code, "until_further_order": "yes"}


def _breach(measure: dict[str, str], pick: random.Random) -> dict[str, str]:
    made = dt.datetime.strptime(measure["made_at"], "%Y-%m-%d %H:%M")
    reported = made + dt.timedelta(hours=pick.randrange(2, 20))
    return {"record": "breach", "reference": measure["reference"], "measure_type": measure["measure_type"],
            "reported_at": reported.strftime("%Y-%m-%d %H:%M"), "reported_by": "victim",
            "description": "Came to the victim's address", "response": "arrest",
            "arrest_at": (reported + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            "outcome": "pending"}  # fmt: skip


def generate(rows: int, seed: int = SEED) -> Iterator[list[str]]:
    """The same rows for the same seed: a measure, and for one in four a breach of it after it."""
    pick = random.Random(seed)
    made = n = 0
    while made < rows:
        measure = _measure(n, pick)
        n += 1
        yield [measure.get(name, "") for name in HEADER]
        made += 1
        if made < rows and n % 4 == 0:
            breach = _breach(measure, pick)
            yield [breach.get(name, "") for name in HEADER]
            made += 1


def write_files(rows: int) -> dict[str, Path]:
    import openpyxl

    FOLDER.mkdir(parents=True, exist_ok=True)
    paths = {"csv": FOLDER / f"measures-{rows}.csv", "xlsx": FOLDER / f"measures-{rows}.xlsx"}
    with paths["csv"].open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(generate(rows))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for values in generate(rows):
        sheet.append([value or None for value in values])
    book.save(paths["xlsx"])
    return paths


# --- the child: one import, measured --------------------------------------------------------------


def _timed(phases: dict[str, float]) -> Callable[[], None]:
    """Time the importer's check and write phases; returns the undo."""
    from oversight.protection import importer

    originals: dict[str, Callable[..., Any]] = {"check": importer._check, "write": importer._write_all_or_nothing}

    def measured(name: str, phase: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return phase(*args)
            finally:
                phases[name] = time.perf_counter() - started

        return run

    importer._check = measured("check", originals["check"])
    importer._write_all_or_nothing = measured("write", originals["write"])

    def undo() -> None:
        importer._check = originals["check"]
        importer._write_all_or_nothing = originals["write"]

    return undo


def _importer_user() -> Any:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from oversight.organisations.models import Membership, Organisation, Role

    force = Organisation.objects.get(slug=FORCE)
    user, _ = User.objects.get_or_create(username="bench.protection")
    Membership.objects.get_or_create(
        user=user, organisation=force, role=Role.PROTECTION_TEAM, defaults={"approved_at": timezone.now()}
    )
    return force, user


def child(path: Path, empty: bool) -> dict[str, Any]:
    from oversight.protection.import_files import SpreadsheetFile
    from oversight.protection.importer import import_measures
    from oversight.protection.models import Breach, Measure

    force, user = _importer_user()
    if empty:  # without loading the records (a delete through the ORM would set the peak, not the import)
        Breach.objects.filter(measure__force=force)._raw_delete(Breach.objects.db)
        Measure.objects.filter(force=force)._raw_delete(Measure.objects.db)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    phases: dict[str, float] = {}
    undo = _timed(phases)
    with path.open("rb") as file:
        report = import_measures(force, user, SpreadsheetFile(path.name, file))
    undo()
    assert report.ok, report.errors[:3]
    return {"rows": report.rows, "check_seconds": phases["check"], "write_seconds": phases["write"],
            "counts": report.counts(), "rss_before_mb": before,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def measure_in_subprocess(path: Path, database: str, empty: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.protection_import", "--child", str(path), "--database", database]
    if not empty:
        command.append("--again")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=PROJECT_DIR)  # noqa: S603
    if done.returncode:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    start(args.database)
    if args.child:
        print(json.dumps(child(args.child, empty=not args.again)))
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    paths = write_files(args.rows)
    generated = time.perf_counter() - started
    results = {
        "csv": measure_in_subprocess(paths["csv"], args.database, empty=True),
        "xlsx": measure_in_subprocess(paths["xlsx"], args.database, empty=True),
        "csv again": measure_in_subprocess(paths["csv"], args.database, empty=False),
    }
    assert results["csv again"]["counts"]["measures"]["created"] == 0
    _print(results, paths)
    _save(results, paths, args.rows, generated)


def _print(results: dict[str, dict[str, Any]], paths: dict[str, Path]) -> None:
    print(f"{'file':<10} {'MB':>6} {'rows':>8} {'check rows/s':>13} {'write rows/s':>13} {'peak RSS MB':>12} "
          f"{'created':>8} {'unchanged':>10}")  # fmt: skip
    for name, r in results.items():
        size = paths[name.split()[0]].stat().st_size / 2**20
        created = sum(tally["created"] for tally in r["counts"].values())
        unchanged = sum(tally["unchanged"] for tally in r["counts"].values())
        check, write = r["rows"] / r["check_seconds"], r["rows"] / r["write_seconds"]
        print(f"{name:<10} {size:>6.1f} {r['rows']:>8,} {check:>13,.0f} {write:>13,.0f} {r['peak_rss_mb']:>12.0f} "
              f"{created:>8,} {unchanged:>10,}")  # fmt: skip


def _save(results: dict[str, dict[str, Any]], paths: dict[str, Path], rows: int, generated: float) -> None:
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[vendor()] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": os.getloadavg(),
        "rows": rows,
        "seed": SEED,
        "generate_seconds": round(generated, 1),
        "files_mb": {name: round(path.stat().st_size / 2**20, 1) for name, path in paths.items()},
        "runs": {
            name: {
                **r,
                "check_rows_per_second": round(r["rows"] / r["check_seconds"]),
                "write_rows_per_second": round(r["rows"] / r["write_seconds"]),
            }
            for name, r in results.items()
        },
    }
    RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()

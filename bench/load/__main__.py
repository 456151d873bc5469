"""`python -m bench.load`: a bounded load test of the production server on PostgreSQL, with /healthz beside.

Creates the database when missing, migrates it, and when it holds no one yet generates the data
(`oversight generate --seed N --scale X` when that command exists, else the demo with
`oversight generate-workforce --scale X` for the forces the demo leaves without a register). Then
chooses personas (bench/load/plan.py), starts gunicorn with the production settings, runs locust
headless (--users, --minutes, a spawn rate of --spawn a second, a think time of --think seconds)
while a thread polls /healthz and /readyz once a second, and prints per page the requests,
failures, p50, p95, p99 and max beside /healthz, with the load average at the start and the end;
writes bench/load/results.json. Exits 1 on any failed request.

`--restart-db-at S` stops the PostgreSQL cluster of the database S seconds into the run and starts
it again `--down-for` (10) seconds later (bench/load/faults.py): the table then shows the failures
before, while the database was down and after it was back; the run passes when nothing failed
before it or once it is back, /healthz answered throughout, and every saved write is whole. Only on
a cluster of its own: see the README's "Benchmark".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.db import connections

from bench.django_env import PROJECT_DIR, start
from bench.load import faults, report
from bench.load.plan import choose
from bench.load.server import BIN, Poller, gunicorn

RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/oversight_load"
Answer = tuple[float, int, float]  # a poller's answer: Unix time, status, milliseconds
RECOVERY_SECONDS = 5  # after /readyz answers again, old connections are given this long to be replaced


def main() -> None:
    args = _arguments()
    if os.environ.get("OVERSIGHT_ENV") == "production":
        raise SystemExit("The load test sets passwords of its personas: never run it on a production database.")
    _create_database(args.database)
    if args.restart_db_at is not None:
        faults.cluster_of(args.database)  # before anything long: that there is a local cluster to restart
        faults.refuse_if_shared(args.database)
    _oversight(args.database, "migrate", "--no-input")
    start(args.database)
    generated = _generate_if_empty(args)
    plan = choose(args.per_kind, args.seed, secrets.token_urlsafe(16))
    _print_plan(plan)
    results = _run(args, plan) | {"generated_now": generated}
    print(report.table(results["rows"]))
    _print_summary(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    sys.exit(0 if results["passed"] else 1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--spawn", type=float, default=5.0, help="users started a second")
    parser.add_argument("--think", default="3,8", help="seconds between a user's pages: least,most")
    parser.add_argument("--scale", type=float, default=1.0, help="passed to the data generation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=5, help="users of each persona, each of another organisation")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads a worker (above 1: gunicorn's gthread workers)")
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--restart-db-at", type=float, help="restart the database's cluster this many seconds in")
    parser.add_argument("--down-for", type=float, default=10.0, help="seconds the database stays down then")
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        parser.error("--database must be a PostgreSQL URL: the load test measures the production set-up")
    return args


def _create_database(database: str) -> None:
    import psycopg

    url = urlparse(database)
    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')  # the name comes from the operator's own URL


def _oversight(database: str, *command: str) -> None:
    """One `oversight` command on the database, with the local settings (the demo refuses production)."""
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "oversight.settings"}
    env.pop("OVERSIGHT_ENV", None)
    subprocess.run([str(BIN / "oversight"), *command], env=env, check=True, cwd=PROJECT_DIR)  # noqa: S603


def _generate_if_empty(args: argparse.Namespace) -> str | None:
    from django.contrib.auth.models import User
    from django.core.management import get_commands

    if User.objects.exists():
        return None
    scale = f"{args.scale:g}"
    if "generate" in get_commands():
        _oversight(args.database, "generate", "--seed", str(args.seed), "--scale", scale)
        return f"oversight generate --seed {args.seed} --scale {scale}"
    _oversight(args.database, "load_demo")
    forces = _forces_without_register()
    if forces:
        _oversight(args.database, "generate-workforce", "--scale", scale, "--seed", str(args.seed), "--forces", forces)
    return f"oversight load_demo; oversight generate-workforce --scale {scale} (other forces)"


def _forces_without_register() -> str:
    from oversight.organisations.models import Organisation
    from oversight.workforce.models import Person

    with_people = set(Person.objects.values_list("force_id", flat=True).distinct())
    forces = Organisation.objects.forces().order_by("slug")
    return ",".join(force.slug for force in forces if force.pk not in with_people)


def _print_plan(plan: dict[str, Any]) -> None:
    kinds: dict[str, int] = {}
    for persona in plan["personas"]:
        kinds[persona["kind"]] = kinds.get(persona["kind"], 0) + 1
    print("Personas: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()), flush=True)
    missing = {"liaison", "psd_handler", "pcc", "national"} - set(kinds)
    if missing:
        print(f"No user holds the role of: {', '.join(sorted(missing))}", flush=True)


def _run(args: argparse.Namespace, plan: dict[str, Any]) -> dict[str, Any]:
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="load-", dir=PROJECT_DIR / "var"))
    plan_file, writes_file = work / "plan.json", work / "writes.json"
    plan_file.write_text(json.dumps(plan))
    plan_file.chmod(0o600)
    load_at_start = os.getloadavg()
    log = work / "gunicorn.log"
    with gunicorn(args.database, work, args.workers, args.threads, log, plan["urls"]["sign_in"]) as url:
        port = int(urlparse(url).port or 0)
        health, ready = Poller(port, "/healthz"), Poller(port, "/readyz")
        began = time.time()
        restart = _schedule_restart(args)
        outcome = _locust(args, url, work, plan_file, writes_file)
        health_answers, ready_answers = health.stop(), ready.stop()
        restarted = restart.result() if restart else None
    plan_file.unlink()
    connections.close_all()  # this process's connection may not have outlived a restart of the database
    rows = report.pages(work / "locust_stats.csv")
    rows.insert(len(rows) - 1, report.polled("/healthz (poller)", health_answers))
    writes = json.loads(writes_file.read_text()) if writes_file.exists() else {"saved": [], "failed": []}
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": _safe(args.database),
        "data": _counts(),
        "users": args.users,
        "minutes": args.minutes,
        "think_seconds": args.think,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "locust_exit": outcome,
        "healthz_failed_at_seconds": [round(at - began, 1) for at, status, _ in health_answers if status != 200],
        "rows": rows,
        "writes": faults.check_writes(writes["saved"], writes["failed"]),
        "indexes": faults.check_indexes(),
        "work_dir": str(work),
    }
    if restarted:
        history = work / "locust_stats_history.csv"
        results["restart"] = _restart_summary(restarted, ready_answers, health_answers, history)
    results["passed"] = _passed(results)
    return results


def _locust(args: argparse.Namespace, url: str, work: Path, plan_file: Path, writes_file: Path) -> int:
    seconds = int(args.minutes * 60)
    command = [
        str(BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
        "-u", str(args.users), "-r", str(args.spawn), "-t", f"{seconds}s", "--host", url,
        "--csv", str(work / "locust"), "--csv-full-history", "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "OVERSIGHT_LOAD_PLAN": str(plan_file), "OVERSIGHT_LOAD_WRITES": str(writes_file),
           "OVERSIGHT_LOAD_THINK": args.think}  # fmt: skip
    with (work / "locust.log").open("w") as log:
        try:
            done = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 120)  # noqa: S603
        except subprocess.TimeoutExpired:
            return -1
    return done.returncode


class _Restart:
    """The restart, run in a thread at its time; result() waits for it."""

    def __init__(self, cluster: faults.Cluster, at: float, down_for: float) -> None:
        self.cluster, self.down_for = cluster, down_for
        self.times: dict[str, float] = {}
        self._thread = threading.Timer(at, self._go)
        self._thread.start()

    def _go(self) -> None:
        self.times = faults.restart(self.cluster, self.down_for)

    def result(self) -> dict[str, Any]:
        self._thread.join(timeout=180)
        return {"cluster": f"{self.cluster.version}/{self.cluster.name}", **self.times}


def _schedule_restart(args: argparse.Namespace) -> _Restart | None:
    if args.restart_db_at is None:
        return None
    return _Restart(faults.cluster_of(args.database), args.restart_db_at, args.down_for)


def _restart_summary(
    restart: dict[str, Any], ready: list[Answer], health: list[Answer], history: Path
) -> dict[str, Any]:
    """The window /readyz answered anything but 200, locust's failures before, in and after it, and
    /healthz's failures in it (liveness does not ask the database, so it must not fail then)."""
    if "began" not in restart:
        return {**restart, "error": "the restart did not run"}
    down = [at for at, status, _ in ready if status != 200 and at >= restart["began"] - 1]
    back = next((at for at, status, _ in ready if status == 200 and at > restart["returned"]), None)
    down_from = min(down, default=restart["began"])
    settled = (back or restart["returned"]) + RECOVERY_SECONDS
    in_window = [status for at, status, _ in health if down_from <= at <= settled]
    return {
        **restart,
        "readyz_down_seconds": round((back or restart["returned"]) - down_from, 1),
        "healthz_while_down": {"requests": len(in_window), "failures": sum(s != 200 for s in in_window)},
        "before": report.failures_between(history, 0, restart["began"]),
        "while_down": report.failures_between(history, restart["began"], settled),
        "after": report.failures_between(history, settled, time.time()),
    }


def _passed(results: dict[str, Any]) -> bool:
    checks = results["writes"]["ok"] and results["indexes"]["ok"] is not False
    health = next(row for row in results["rows"] if row["page"].startswith("/healthz"))
    if "restart" in results:
        # Pages may fail while the database is down, and nowhere else; /healthz not even then.
        restart = results["restart"]
        after, before = restart.get("after", {"requests": 0, "failures": 1}), restart.get("before", {"failures": 1})
        live = restart.get("healthz_while_down", {"failures": 1})["failures"] == 0
        return bool(checks and live and before["failures"] == 0 and after["failures"] == 0 and after["requests"] > 0)
    total = results["rows"][-1]
    return bool(checks and total["failures"] == 0 and health["failures"] == 0 and results["locust_exit"] == 0)


def _counts() -> dict[str, int]:
    from django.contrib.auth.models import User

    from oversight.cases.models import Case
    from oversight.recommendations.models import CommitteeMeeting, TrackingRecord
    from oversight.workforce.models import Person

    models = {"users": User, "tracking_records": TrackingRecord, "cases": Case, "workforce": Person,
              "committee_meetings": CommitteeMeeting}  # fmt: skip
    return {name: model._default_manager.count() for name, model in models.items()}


def _safe(database: str) -> str:
    """The URL without a password."""
    url = urlparse(database)
    host = f"{url.hostname}:{url.port}" if url.port else str(url.hostname)
    return url._replace(netloc=f"{url.username}@{host}" if url.username else host).geturl()


def _print_summary(results: dict[str, Any]) -> None:
    start_load, end_load = results["load_average_at_start"], results["load_average_at_end"]
    print(f"Data: {results['data']}")
    print(f"{results['users']} users for {results['minutes']} min, think {results['think_seconds']} s, "
          f"{results['gunicorn_workers']} gunicorn workers of {results['gunicorn_threads']} thread(s) "
          f"on {results['cores']} cores")  # fmt: skip
    print(f"Load average at start {start_load}, at end {end_load}")
    print(f"Writes: {results['writes']}; indexes (amcheck): {results['indexes']}")
    if results["healthz_failed_at_seconds"]:
        print(f"/healthz unanswered (5 s) at {results['healthz_failed_at_seconds']} s into the run")
    if "restart" in results:
        print(f"Restart: {results['restart']}")
    print("PASSED" if results["passed"] else "FAILED", f"(logs in {results['work_dir']})")


if __name__ == "__main__":
    main()

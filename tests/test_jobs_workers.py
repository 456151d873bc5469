"""Two workers at once: two sweeps in threads with their own connections, two real `db_worker` processes
on a batch of tasks, and two real `oversight worker` processes sweeping the same owed days. Each task
and each (job, day) runs once.

On PostgreSQL the threads and processes use the test database itself. On SQLite the test database lives in this
process's memory, where no other process can open it: it is copied to a file (SQLite's backup API) for
the workers (and the threads), and copied back afterwards to be checked, so the workers still share
one database file with its locks, as `make run`'s do."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oversight.jobs.models import DailyRun, RunStatus
from oversight.jobs.sweep import run_sweep, sweep_day
from oversight.jobs.tasks import sweep_daily_jobs
from tests.jobs_daily import JOB_NAMES
from tests.jobs_fixtures import TODAY, Recorder, done
from tests.jobs_tasks import record_number

pytest_plugins = ["tests.jobs_fixtures"]
ROOT = Path(__file__).resolve().parent.parent
OWED_DAYS = 5


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_run_each_job_and_day_once(jobs: Callable[..., Recorder], tmp_path: Path) -> None:
    recorders = {name: jobs(name) for name in ("job a", "job b", "job c")}
    for name, recorder in recorders.items():
        recorder.pause = 0.02  # the other sweep tries the same day meanwhile
        done(name, TODAY - dt.timedelta(days=OWED_DAYS))
    start, errors = threading.Barrier(2), []
    url = _database_for_workers(tmp_path)

    def sweep(worker: str) -> None:
        try:
            _open_in_this_thread(url)
            start.wait()
            run_sweep(TODAY, worker=worker)
        except Exception as error:  # reported below: an exception in a thread is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep, args=(f"worker-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _after_workers(tmp_path)
    assert errors == []
    owed = [TODAY - dt.timedelta(days=n) for n in range(OWED_DAYS - 1, -1, -1)]
    for recorder in recorders.values():
        assert recorder.days == owed  # each day once, in order
    runs = DailyRun.objects.exclude(day=TODAY - dt.timedelta(days=OWED_DAYS))
    assert set(runs.values_list("status", flat=True)) == {RunStatus.DONE}
    assert set(runs.values_list("attempts", flat=True)) == {1}


def _database_for_workers(tmp_path: Path) -> str:
    """The DATABASE_URL of this test's database, as another process opens it."""
    if connection.vendor == "postgresql":
        return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "workers.sqlite3") as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{tmp_path / 'workers.sqlite3'}"


def _open_in_this_thread(url: str) -> None:
    """On SQLite, point this thread's connection at the file copy: the in-memory test database is
    shared between threads through SQLite's shared cache, whose table locks fail at once instead of
    waiting, unlike a database file (the product's SQLite) with its busy timeout."""
    if connection.vendor == "sqlite":
        connection.settings_dict = {**connection.settings_dict, "NAME": url.removeprefix("sqlite:///")}


def _after_workers(tmp_path: Path) -> None:
    if connection.vendor == "sqlite":
        with sqlite3.connect(tmp_path / "workers.sqlite3") as copy:
            copy.backup(connection.connection)


def _run_two(command: list[str], url: str, log: Path, settings_module: str = "oversight.settings") -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": str(ROOT),
        "JOBS_TEST_LOG": str(log),
    }
    log.touch()
    workers = [
        subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "-m", "django", *command, "--worker-id", f"test-worker-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err[-3000:]


def _lines(log: Path) -> list[list[str]]:
    return [line.split("|") for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.django_db(transaction=True)
def test_two_db_worker_processes_run_each_task_of_a_batch_once(tmp_path: Path) -> None:
    log = tmp_path / "tasks.log"
    results = [record_number.enqueue(str(log), number) for number in range(20)]
    url = _database_for_workers(tmp_path)
    _run_two(["db_worker", "--batch", "--no-startup-delay", "--no-reload"], url, log)
    _after_workers(tmp_path)

    lines = _lines(log)
    assert sorted(int(number) for number, _ in lines) == list(range(20))  # each once
    assert len({pid for _, pid in lines}) == 2  # both workers took tasks
    rows = DBTaskResult.objects.filter(pk__in=[result.id for result in results])
    assert [row.status for row in rows] == ["SUCCESSFUL"] * 20
    assert all(len(row.worker_ids) == 1 for row in rows)


@pytest.mark.django_db(transaction=True)
def test_two_oversight_worker_processes_sweep_each_job_and_day_once(tmp_path: Path) -> None:
    """Both workers take a queued sweep; the sweeps share the owed days between them."""
    log = tmp_path / "jobs.log"
    today = sweep_day(timezone.now())
    for name in JOB_NAMES:
        done(name, today - dt.timedelta(days=OWED_DAYS))
    sweep_daily_jobs.enqueue()
    sweep_daily_jobs.enqueue()
    url = _database_for_workers(tmp_path)
    _run_two(["worker", "--batch", "--no-startup-delay", "--no-reload"], url, log, "tests.jobs_settings")
    _after_workers(tmp_path)

    lines = _lines(log)
    runs = Counter((name, day) for name, day, _ in lines)
    owed = {(name, (today - dt.timedelta(days=n)).isoformat()) for name in JOB_NAMES for n in range(OWED_DAYS)}
    assert set(runs) == owed and set(runs.values()) == {1}  # every owed (job, day) once
    assert len({pid for _, _, pid in lines}) == 2  # both workers swept
    fresh = DailyRun.objects.filter(day__gt=today - dt.timedelta(days=OWED_DAYS))
    assert fresh.count() == len(owed) and set(fresh.values_list("status", flat=True)) == {RunStatus.DONE}

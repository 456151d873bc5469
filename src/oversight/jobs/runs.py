"""Every change of a daily run's status, each in one guarded function: claim, finish, fail, run again.

A claim is made on the earliest unfinished day of a job, inside a transaction that locks that row:
`select_for_update(skip_locked=True)` on PostgreSQL (a second worker skips the row another is claiming,
and finds it running when it looks again), and on SQLite the transaction itself (settings open every
SQLite transaction IMMEDIATE, which takes the database's write lock before the row is read). A claim
carries a token and a lease: a run whose worker was killed stays "running" until its lease expires,
then the next sweep claims it again (the job's work is idempotent for a day, so nothing is done twice).
A worker finishing after its claim passed to another changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
import uuid
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from oversight.concurrency import require

from . import access, rules
from .models import DailyRun, RunStatus, RunTransition
from .registry import DailyJob

logger = logging.getLogger(__name__)
OVERSIGHT_DIR = Path(__file__).resolve().parent.parent
LOST_WORKER = "The worker running it stopped before it finished (its lease expired)"


def worker_id() -> str:
    """This process, for people reading who ran what: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def error_summary(error: BaseException) -> str:
    """The exception's type and the innermost frame of Oversight's own code it passed through. Never
    the message: a database or mail error's message can quote a row's values or an address."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if Path(frame.filename).resolve().is_relative_to(OVERSIGHT_DIR)]
    where = ""
    if ours or frames:
        frame = (ours or frames)[-1]
        path = Path(frame.filename).resolve()
        shown = path.relative_to(OVERSIGHT_DIR.parent) if ours else Path(path.name)
        where = f" in {shown}:{frame.lineno} ({frame.name})"
    return f"{type(error).__qualname__}{where}"[:300]


def _move(
    run: DailyRun, to: RunStatus, now: dt.datetime, *, worker: str = "", by: User | None = None, note: str = ""
) -> None:
    RunTransition.objects.create(
        run=run, from_status=run.status, to_status=to, at=now, attempt=run.attempts, worker=worker, by=by, note=note
    )
    run.status = to


def _lock_head(job: str, today: dt.date) -> DailyRun | None:
    """The job's earliest unfinished day up to `today`, locked; None if there is none or another
    worker holds its lock this instant (it is claiming it)."""
    head = DailyRun.objects.filter(job=job, day__lte=today).unfinished().order_by("day").values_list("pk", flat=True)
    pk = head.first()
    if pk is None:
        return None
    return DailyRun.objects.select_for_update(skip_locked=True).filter(pk=pk).first()


def claim_next(job: DailyJob, today: dt.date, worker: str, now: dt.datetime) -> DailyRun | None:
    """Claim the job's earliest unfinished day up to `today` if it may run now. Days are run in order:
    while the earliest waits for a retry or runs elsewhere, later days wait too."""
    while True:
        with transaction.atomic():
            run = _lock_head(job.name, today)
            if run is None or not run.is_runnable(now):
                return None
            if _settle_without_running(run, job, today, now, worker):
                continue
            note = "claimed"
            if run.status == RunStatus.RUNNING:
                run.last_error, note = LOST_WORKER, f"claimed again: {LOST_WORKER}"
            run.attempts += 1
            _move(run, RunStatus.RUNNING, now, worker=worker, note=note)
            run.claim, run.claimed_by = uuid.uuid4(), worker
            run.started_at, run.lease_expires_at, run.next_attempt_at = now, now + rules.LEASE, None
            run.save()
            return run


def _settle_without_running(run: DailyRun, job: DailyJob, today: dt.date, now: dt.datetime, worker: str) -> bool:
    """A missed day of a today-only job is skipped; a run whose worker was lost on its last attempt
    has failed. Either way it is finished without running; True if so."""
    if not job.catch_up and run.day < today:
        _move(run, RunStatus.SKIPPED, now, worker=worker, note="a missed day of a job that runs for today only")
    elif run.status == RunStatus.RUNNING and run.attempts >= rules.MAX_ATTEMPTS:
        run.last_error = LOST_WORKER
        _move(run, RunStatus.FAILED, now, worker=worker, note=LOST_WORKER)
        logger.error("Daily job %r for %s failed after %d attempts", run.job, run.day, run.attempts)
    else:
        return False
    run.finished_at, run.claim, run.lease_expires_at = now, None, None
    run.save()
    return True


def _lock_claimed(run: DailyRun) -> DailyRun | None:
    """The run locked, if this claim still holds it; None when its lease expired and another worker
    claimed it meanwhile (whose outcome then counts)."""
    current = DailyRun.objects.select_for_update().get(pk=run.pk)
    if current.status != RunStatus.RUNNING or current.claim != run.claim:
        logger.warning("Daily job %r for %s ended after its claim passed to another worker", run.job, run.day)
        return None
    return current


def finish(run: DailyRun, result: int, now: dt.datetime) -> None:
    """The claimed run did its work: done, with what the job returned."""
    with transaction.atomic():
        current = _lock_claimed(run)
        if current is None:
            return
        _move(current, RunStatus.DONE, now, worker=current.claimed_by, note=f"returned {result}")
        current.result, current.finished_at = result, now
        current.claim, current.lease_expires_at = None, None
        current.save()


def fail(run: DailyRun, error: BaseException, now: dt.datetime) -> RunStatus | None:
    """The claimed run raised: tried again after a wait, or failed for good after MAX_ATTEMPTS."""
    summary = error_summary(error)
    with transaction.atomic():
        current = _lock_claimed(run)
        if current is None:
            return None
        current.last_error = summary
        if current.attempts >= rules.MAX_ATTEMPTS:
            _move(current, RunStatus.FAILED, now, worker=current.claimed_by, note=summary)
            current.finished_at = now
            logger.error("Daily job %r for %s failed after %d attempts", run.job, run.day, current.attempts)
        else:
            _move(current, RunStatus.RETRYING, now, worker=current.claimed_by, note=summary)
            current.next_attempt_at = now + rules.backoff(current.attempts)
        current.claim, current.lease_expires_at = None, None
        current.save()
        return RunStatus(current.status)


def run_again(pk: int, by: User, now: dt.datetime) -> DailyRun:
    """An administrator asks for a failed run to be tried again: it waits for the next sweep, which is
    queued at once, with its attempts counted afresh."""
    from .tasks import sweep_daily_jobs

    with transaction.atomic():
        run = DailyRun.objects.select_for_update().get(pk=pk)
        require(access.can_view_jobs(by))
        if not access.can_run_again(by, run):
            raise ValidationError(f"This run is {run.get_status_display().lower()}, not failed: it need not run again.")
        _move(run, RunStatus.PENDING, now, by=by, note="run again")
        run.attempts, run.next_attempt_at, run.finished_at = 0, None, None
        run.save()
        transaction.on_commit(sweep_daily_jobs.enqueue)
    return run

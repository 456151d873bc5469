"""The daily sweep: for every registered job, the days it owes up to today, each run once.

`plan` writes a waiting `DailyRun` for each day a job owes: from the day after its latest run (today for
a job never run) up to today, no further back than `rules.CATCH_UP_DAYS`. Inserting is idempotent (the
row is unique per job and day), so two sweeps planning at once write each row once. Then, job by job,
`runs.claim_next` claims the earliest runnable day, the job runs, and its outcome is recorded; a job
whose day fails stops there for this sweep (its later days wait, so days run in order), the others go
on. Two sweeps at once, in two workers or a worker and `oversight jobs sweep`, share the days between
them and never run one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from . import rules
from .models import DailyRun, RunStatus
from .registry import DailyJob, jobs
from .runs import claim_next, error_summary, fail, finish, worker_id

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    done: list[tuple[str, dt.date, int]] = field(default_factory=list)
    failed: list[tuple[str, dt.date, RunStatus | None, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"done": len(self.done), "failed": len(self.failed)}


def sweep_day(now: dt.datetime | None = None) -> dt.date:
    """The day the sweep works up to: today from `rules.DAILY_HOUR` local time, yesterday before it."""
    local = timezone.localtime(now)
    return local.date() if local.hour >= rules.DAILY_HOUR else local.date() - dt.timedelta(days=1)


def owed_days(job: DailyJob, last: dt.date | None, today: dt.date) -> list[dt.date]:
    """The days after `last` (the job's latest run) up to `today` that it has not been planned for."""
    earliest = today - dt.timedelta(days=rules.CATCH_UP_DAYS - 1) if job.catch_up else today
    first = today if last is None else last + dt.timedelta(days=1)
    if first < earliest:
        logger.warning(
            "Daily job %r: the days from %s to %s are outside the catch-up window and will not run",
            job.name, first, earliest - dt.timedelta(days=1),
        )  # fmt: skip
        first = earliest
    return [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]


def plan(today: dt.date) -> int:
    """Write a waiting run for each day each job owes up to `today`; how many days were owed."""
    latest = dict(DailyRun.objects.values_list("job").annotate(last=Max("day")).order_by())
    rows = [DailyRun(job=job.name, day=day) for job in jobs() for day in owed_days(job, latest.get(job.name), today)]
    DailyRun.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def run_sweep(today: dt.date, worker: str | None = None) -> SweepReport:
    """Plan, then run every claimable (job, day) up to `today` in this process."""
    worker = worker or worker_id()
    plan(today)
    report = SweepReport()
    for job in jobs():
        _run_days(job, today, worker, report)
    return report


def _run_days(job: DailyJob, today: dt.date, worker: str, report: SweepReport) -> None:
    while (run := claim_next(job, today, worker, timezone.now())) is not None:
        try:
            result = job.run(run.day)
        except Exception as error:
            summary = error_summary(error)
            logger.warning(
                "Daily job %r for %s raised %s (attempt %d)", job.name, run.day, summary, run.attempts, exc_info=True
            )
            report.failed.append((job.name, run.day, fail(run, error, timezone.now()), summary))
            return
        finish(run, result, timezone.now())
        report.done.append((job.name, run.day, result))


def sweep_due(now: dt.datetime) -> bool:
    """Whether a sweep has work: a job owes a day, or a run may run now (waiting, retry due, lost)."""
    names = [job.name for job in jobs()]
    if not names:
        return False
    today = sweep_day(now)
    latest = dict(DailyRun.objects.filter(job__in=names).values_list("job").annotate(last=Max("day")).order_by())
    if any(latest.get(name) is None or latest[name] < today for name in names):
        return True
    return DailyRun.objects.filter(job__in=names, day__lte=today).runnable(now).exists()

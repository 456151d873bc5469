"""Where the daily jobs stand, for the jobs page and /readyz.

/readyz says how many runs failed for good, when a run last finished, and whether that is so long ago
that the sweep looks stopped. Reported, never a reason to be unready: a web process serves pages
whatever the workers do, and a load balancer should not take it away for that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from . import rules
from .models import UNFINISHED, DailyRun, DailyRunQuerySet, RunStatus
from .registry import jobs


def jobs_health(now: dt.datetime) -> dict[str, object]:
    figures = DailyRun.objects.aggregate(failed=Count("pk", filter=Q(status=RunStatus.FAILED)), last=Max("finished_at"))
    last: dt.datetime | None = figures["last"]
    return {
        "failed": figures["failed"],
        "last_finished": last.isoformat() if last else None,
        "stale": last is None or now - last > rules.STALE_AFTER,
    }


@dataclass(frozen=True)
class JobLine:
    name: str
    catch_up: bool
    last_done: dt.date | None
    unfinished: int
    failed: int


def job_lines() -> list[JobLine]:
    """Each registered job with its latest day done and its runs unfinished and failed."""
    rows = DailyRun.objects.values("job").annotate(
        last_done=Max("day", filter=Q(status=RunStatus.DONE)),
        unfinished=Count("pk", filter=Q(status__in=UNFINISHED)),
        failed=Count("pk", filter=Q(status=RunStatus.FAILED)),
    )
    by_job = {row["job"]: row for row in rows.order_by()}
    return [
        JobLine(
            job.name,
            job.catch_up,
            by_job.get(job.name, {}).get("last_done"),
            by_job.get(job.name, {}).get("unfinished", 0),
            by_job.get(job.name, {}).get("failed", 0),
        )
        for job in jobs()
    ]


def recent_runs(now: dt.datetime, days: int = rules.CATCH_UP_DAYS) -> DailyRunQuerySet:
    """Runs of the last `days` days and every run that failed for good, latest first."""
    since = timezone.localdate(now) - dt.timedelta(days=days)
    return DailyRun.objects.filter(Q(day__gte=since) | Q(status=RunStatus.FAILED)).order_by("-day", "job")

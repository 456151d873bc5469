"""The sweep as a background job: queued by each worker when one is due (`worker.py`) and by "run again"."""

from __future__ import annotations

from django_tasks import task

from .sweep import run_sweep, sweep_day


@task()
def sweep_daily_jobs() -> dict[str, int]:
    """Run every daily job's owed and due days up to the sweep's day; how many were done and failed."""
    return run_sweep(sweep_day()).counts()

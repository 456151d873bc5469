"""The registry of daily jobs: `@daily("returns reminders")` on `def f(day: datetime.date) -> int`.

A daily job does one day's work and returns how much it did (for example, emails sent). The sweep runs it
once for each day, catching up days missed while no worker ran, so its work must be idempotent for a day:
run again for the same day (after a worker was killed mid-run), it does nothing twice (a unique row per
day and recipient, `deliveries.py`). A job whose missed days are worth nothing later (a count of what is
on a worklist now) says `catch_up=False`: only the sweep's own day runs, and missed days are skipped.

The modules that register jobs are listed in `settings.DAILY_JOB_MODULES` and imported when Django starts,
so every process (web, worker, command) knows the same jobs. A job is known by its name: renaming one
starts its history again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

JobFunction = Callable[[dt.date], int]
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class DailyJob:
    name: str
    func: JobFunction
    catch_up: bool = True

    @property
    def path(self) -> str:
        name = getattr(self.func, "__qualname__", type(self.func).__qualname__)
        return f"{self.func.__module__}.{name}"

    def run(self, day: dt.date) -> int:
        return int(self.func(day))


_REGISTRY: dict[str, DailyJob] = {}


def daily(name: str, *, catch_up: bool = True) -> Callable[[JobFunction], JobFunction]:
    """Register `func` as the daily job `name`; the function is returned unchanged."""
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ImproperlyConfigured(f"A daily job's name is 1 to {NAME_MAX_LENGTH} characters: {name!r}")

    def register(func: JobFunction) -> JobFunction:
        job = DailyJob(name, func, catch_up)
        existing = _REGISTRY.get(name)
        if existing is not None and existing.path != job.path:
            raise ImproperlyConfigured(f"Two daily jobs are named {name!r}: {existing.path} and {job.path}")
        _REGISTRY[name] = job
        return func

    return register


def load() -> None:
    """Import the modules that register daily jobs (settings.DAILY_JOB_MODULES)."""
    for module in getattr(settings, "DAILY_JOB_MODULES", []):
        import_module(module)


def jobs() -> list[DailyJob]:
    """Every registered job, by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def find(name: str) -> DailyJob | None:
    return _REGISTRY.get(name)

"""How the sweep is started with no extra server: each worker (`oversight worker`) looks once at start
and then every `rules.TICK_SECONDS` whether a sweep is due (a new day has begun, a retry's wait is over,
a run's worker was lost) and, if no sweep is already waiting in the queue, queues one. Whichever worker
is free runs it. Any number of workers may look at once: at worst two sweeps are queued, and they share
the days between them (`runs.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .sweep import sweep_due
from .tasks import sweep_daily_jobs

logger = logging.getLogger(__name__)


def sweep_waiting() -> bool:
    """A sweep is queued and not yet taken by a worker."""
    return DBTaskResult.objects.ready().filter(task_path=sweep_daily_jobs.module_path).exists()


def tick(now: dt.datetime | None = None) -> bool:
    """Queue a sweep if one is due and none waits; whether one was queued."""
    if not sweep_due(now or timezone.now()) or sweep_waiting():
        return False
    sweep_daily_jobs.enqueue()
    return True


class Ticker(threading.Thread):
    """Ticks beside the worker's own loop, in a thread of its own with its own database connection,
    closed after each look so that an idle worker holds one connection, not two."""

    def __init__(self, seconds: float) -> None:
        super().__init__(name="daily-jobs-ticker", daemon=True)
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.seconds):
            try:
                tick()
            except DatabaseError as error:
                # The type only: a database error's message can quote a row's values.
                logger.warning("Could not look whether a daily sweep is due (%s)", type(error).__name__)
            finally:
                connections.close_all()

"""Fixtures for the daily jobs' tests: a registry of the test's own jobs, and a job that records its days."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from oversight.jobs import registry
from oversight.jobs.models import DailyRun, RunStatus

TODAY = dt.date(2026, 11, 20)


@dataclass
class Recorder:
    """A job's function that records each day it ran (and may fail on chosen days)."""

    days: list[dt.date] = field(default_factory=list)
    failing: set[dt.date] = field(default_factory=set)
    pause: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, day: dt.date) -> int:
        with self.lock:
            self.days.append(day)
        time.sleep(self.pause)
        if day in self.failing:
            raise RuntimeError("Mail for Jane Victim at 1 Secret Road could not be sent")
        return len(self.days)


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Recorder]:
    """Registers jobs for this test only: `jobs("name")` returns the recorder it runs."""
    monkeypatch.setattr(registry, "_REGISTRY", {})

    def register(name: str, *, catch_up: bool = True) -> Recorder:
        recorder = Recorder()
        registry.daily(name, catch_up=catch_up)(recorder)
        return recorder

    return register


def mail_server_down(settings: object) -> None:
    """Point Django's SMTP backend at a local port nothing listens on: every send is refused."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port  # type: ignore[attr-defined]


def mail_server_up(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


def done(job: str, day: dt.date) -> DailyRun:
    """A day the job finished before the test begins."""
    return DailyRun.objects.create(job=job, day=day, status=RunStatus.DONE, attempts=1)


def statuses(job: str) -> list[tuple[dt.date, str]]:
    return list(DailyRun.objects.filter(job=job).order_by("day").values_list("day", "status"))

"""Daily jobs for the worker-process tests (tests/test_jobs_workers.py): each run appends a line to the
file named by JOBS_TEST_LOG, so a (job, day) run twice shows as two lines. Registered when a worker
process starts with tests.jobs_settings."""

from __future__ import annotations

import datetime as dt
import os

from oversight.jobs.registry import daily
from tests.jobs_tasks import append_line, until_two_workers

JOB_NAMES = ("test job a", "test job b", "test job c")


def _record(name: str, day: dt.date) -> int:
    append_line(os.environ["JOBS_TEST_LOG"], f"{name}|{day.isoformat()}")
    until_two_workers(os.environ["JOBS_TEST_LOG"])
    return 1


for _name in JOB_NAMES:
    daily(_name)(lambda day, name=_name: _record(name, day))

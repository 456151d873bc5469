"""A background task for the worker-process tests (tests/test_jobs_workers.py): it appends its number
and the worker's process id to a file, so a task run twice shows as two lines.

`until_two_workers` holds each worker's first piece of work until the other worker has taken one too,
so the two processes certainly work at the same time (or the test fails after a while, saying so)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

WAIT_FOR_THE_OTHER_SECONDS = 30


def append_line(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as log:
        log.write(f"{line}|{os.getpid()}\n")


def until_two_workers(path: str) -> None:
    give_up = time.monotonic() + WAIT_FOR_THE_OTHER_SECONDS
    while time.monotonic() < give_up:
        if len({line.rsplit("|", 1)[1] for line in Path(path).read_text(encoding="utf-8").splitlines()}) >= 2:
            return
        time.sleep(0.05)


@task()
def record_number(path: str, number: int) -> int:
    append_line(path, str(number))
    until_two_workers(path)
    return number

"""The notifications' daily jobs, run once a day by the worker's sweep (`oversight.jobs`).

Jobs run in the order of their names: what is due first, so the day's digest carries it; then the
digests; then any email whose retry is due (a catch-up for retries whose queued job was lost).
"""

from __future__ import annotations

import datetime as dt

from oversight.jobs.registry import daily

from . import delivery, digest, sweep


@daily("notifications, 1: what is due")
def what_is_due(day: dt.date) -> int:
    return sweep.run(day)


@daily("notifications, 2: digests")
def digests(day: dt.date) -> int:
    return digest.send(day)


@daily("notifications, 3: retries", catch_up=False)
def retries(day: dt.date) -> int:
    return delivery.retry_due()

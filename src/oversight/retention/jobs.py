"""Retention's daily job, run by the worker's sweep (`oversight.jobs`): read notifications past their period."""

from __future__ import annotations

import datetime as dt

from oversight.jobs.registry import daily

from .services import erase_read_notifications


@daily("retention: read notifications")
def read_notifications(day: dt.date) -> int:
    return erase_read_notifications(day)

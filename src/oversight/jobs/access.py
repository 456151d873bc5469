"""Who sees the daily jobs and runs a failed one again: ALL such decisions are made here.

Only a system administrator (an approved administrator's role anywhere, counted like any other role, or
a superuser made on the command line) and only while their login is active. The page names jobs, days,
attempts and an exception's type, never a record, but it is an operator's tool: anyone else gets the
404 a missing page gets.
"""

from __future__ import annotations

from oversight.organisations.access import AnyUser, is_administrator

from .models import DailyRun, RunStatus


def can_view_jobs(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and is_administrator(user)


def can_run_again(user: AnyUser, run: DailyRun) -> bool:
    """Only a run that failed for good: a waiting or retrying one will run anyway."""
    return can_view_jobs(user) and run.status == RunStatus.FAILED

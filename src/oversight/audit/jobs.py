"""The trail's daily check, run by the worker's sweep (`oversight.jobs`): the chain walked once a day.

A broken chain fails the day's run, so administrators see it among the failed jobs (and in `/readyz`)
as well as on the trail's page, where the result is kept with the first broken row.
"""

from __future__ import annotations

import datetime as dt

from oversight.jobs.registry import daily

from .verify import record, verify_trail


class TrailBrokenError(Exception):
    """The trail does not verify: see the administrators' trail page for the first broken row."""


@daily("audit trail verification", catch_up=False)
def verify_daily(day: dt.date) -> int:
    outcome = verify_trail()
    record(outcome)
    if outcome.broken is not None:
        raise TrailBrokenError("The audit trail does not verify; its page names the first broken row.")
    return outcome.entries

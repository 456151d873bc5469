"""The numbers the daily jobs run by, each with its reason. Operational choices, not law: change them
here (tests override them with monkeypatch)."""

from __future__ import annotations

import datetime as dt

# A missed day is run when the worker comes back, up to this many days back (today included). Two weeks
# covers a worker down over a holiday fortnight; beyond that a reminder would describe a past so old that
# a person should decide what to send, so older days are left out (and logged).
CATCH_UP_DAYS = 14

# A run claimed this long ago and not finished is taken to have lost its worker (killed, machine gone)
# and is claimed again. The daily jobs take seconds; half an hour leaves room for a slow mail server.
LEASE = dt.timedelta(minutes=30)

# A failing run is tried this many times in all, then marked failed and shown to administrators.
MAX_ATTEMPTS = 4

# The waits before the second, third and fourth attempts: long enough for a mail server or database
# restart to finish, short enough that a day's reminders still go out in the morning.
BACKOFF = (dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))

# The sweep for a day starts at this hour, local time (settings.TIME_ZONE): reminders arrive at the start
# of the working day rather than at midnight. Before it, the sweep works up to yesterday.
DAILY_HOUR = 6

# How often each worker looks whether a sweep is due (a new day, a retry whose wait is over, a run whose
# worker was lost). One cheap query a minute per worker.
TICK_SECONDS = 60

# /readyz reports the sweep as stale when no daily run has finished for this long: a day plus two hours'
# slack, so one missed morning shows before the next one is missed too.
STALE_AFTER = dt.timedelta(hours=26)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt (the last wait repeats if MAX_ATTEMPTS grows)."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]

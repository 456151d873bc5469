"""When people are told: the periods and thresholds of notifications, each with its source.

Numbers that come from law or policy stay where they are defined (the 56 days in
recommendations/rules.py, the case report periods in cases/rules.py); this module holds only how
far ahead people are warned, and how an email that could not be sent is tried again.
"""

from __future__ import annotations

import datetime as dt

# The governing body's response to an HMICFRS report on its force is due within 56 days
# (s.55(5A) Police Act 1996; recommendations/rules.RESPONSE_DAYS). Its writers are told when it is
# due in 14, 7 and 1 days (issue 12): two weeks to draft, a week to agree, a day to publish.
RESPONSE_REMINDER_DAYS = (14, 7, 1)

# A tracking record's due date and its quarterly review (REVIEW_INTERVAL_MONTHS, brief section 4):
# "coming" means within these many days; "passed" is told once, the day after.
DUE_DATE_SOON_DAYS = 14
REVIEW_SOON_DAYS = 7

# A case's restriction is reviewed every 12 months (cases/rules.RESTRICTION_REVIEW_MONTHS): its
# PSD lead is told this many days before. The reports on open investigations (12 months, then every
# 6: cases/rules.OPEN_REPORT_SOURCE) use the warning the case pages use (REPORT_DUE_SOON_DAYS).
RESTRICTION_REVIEW_SOON_DAYS = 14

# An email that could not be sent (the mail server down, Notify answering 5xx) is tried again after
# 1, 2, 4, 8... minutes, capped at 6 hours, and given up (marked failed, still on the page) after
# this many attempts: about four days, long enough to ride out a weekend's outage.
MAX_ATTEMPTS = 24
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)

# An email claimed by a worker that died mid-send is offered again after this long (it may, rarely,
# be sent twice: better than never).
CLAIM_EXPIRES = dt.timedelta(minutes=15)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)

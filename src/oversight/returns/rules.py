"""The reminder schedule of national returns, in one place.

No statute sets these: they follow the APCC's practice of a reminder in the week before a
return is due and chasing weekly after it is late (brief, section 11). Change them here.
"""

from __future__ import annotations

# A "due soon" reminder is sent once, on the first run within this many days before the deadline.
REMIND_DAYS_BEFORE = 7
# An "overdue" reminder is sent the day after the deadline, then again after this many days.
OVERDUE_EVERY_DAYS = 7
# The largest number of further questions a request may add to the standard ones.
MAX_QUESTIONS = 30

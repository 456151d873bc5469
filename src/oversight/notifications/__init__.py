"""Notifications: one place that decides who is told what, in the product and by email.

An event (an item returned to its owner, an alert about a locked case) or the daily sweep of due
dates calls `services.notify(recipient, kind, target, key=..., title=...)`. It writes one
`Notification` row per recipient and key, only when the recipient may see the target now (the
target's own app decides, `targets.py`), and, if the person wants that kind at once, one pending
`Email` sent by a background task that retries with backoff. Digest kinds wait for `digest.send(day)`.
Lists, the header count and opening a notification ask the target's app again, so someone removed
from a case since sees nothing and the count drops. An email never says more than that something
needs attention, with a link: no case reference, name, force text or allegation.
"""

"""Who may see the trail's head and the verification results: system administrators only.

The head holds no record's content: a sequence number (how many audit rows exist in all), a hash
and a time. Everyone else gets the 404 of a page that does not exist.
"""

from __future__ import annotations

from oversight.organisations.access import AnyUser, is_administrator


def can_see_trail_head(user: AnyUser) -> bool:
    """An administrator records the head outside the system; nobody else needs it."""
    return bool(getattr(user, "is_authenticated", False)) and is_administrator(user)

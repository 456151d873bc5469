"""The unread count in the header: only notifications whose target the person may see now."""

from __future__ import annotations

from django.http import HttpRequest

from .access import unread_count


def notification_count(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}

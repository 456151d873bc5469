"""The notifications API: your notifications (all or unread), the unread count, marking read.

Scoped like the pages (access.visible_notifications): only the caller's own, only while they may
see what each is about; any other id is 404 {"detail": "Not found"}.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from oversight.recommendations.api import Pagination

from . import services
from .access import unread_count, visible_notifications
from .models import Notification, NotificationKind, NotificationQuerySet

router = Router(tags=["notifications"])


class NotificationErrorOut(Schema):
    detail: str


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    title: str = Field(description="Neutral words: what kind of thing needs attention")
    url: str = Field(description="The page it is about (on this site)")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return services.target_url(obj)


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("", response=list[NotificationOut], summary="Your notifications, newest first")
@paginate(Pagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> NotificationQuerySet:
    """Only yours, and only those about something you may see now; `unread=true` for unread only."""
    among = Notification.objects.unread() if unread else None
    return visible_notifications(_user(request), among).select_related("target_type")


@router.get("/count", response=CountOut, summary="How many unread notifications you have")
def count(request: HttpRequest) -> dict[str, int]:
    return {"unread": unread_count(_user(request))}


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, 401: NotificationErrorOut, 404: NotificationErrorOut},
    summary="Mark one read",
)
def read(request: HttpRequest, notification_id: int) -> Notification:
    found = services.mark_read(_user(request), notification_id)
    if found is None:
        services.note_refusal(_user(request), notification_id, "api")
        raise Http404
    return found


@router.post("/read-all", response=MarkedOut, summary="Mark all your notifications read")
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.mark_all_read(_user(request))}

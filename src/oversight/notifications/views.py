"""Notification pages: the list (all or unread), opening one, marking read, and the settings page.

Every page reads through access.visible_notifications: another person's notification, or one whose
target the person may no longer see, is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from oversight.request import AuthedRequest

from . import services
from .access import visible_notifications
from .forms import PreferencesForm
from .models import Notification

app_name = "notifications"
PAGE_SIZE = 100


@never_cache
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    among = Notification.objects.unread() if unread_only else None
    shown = visible_notifications(request.user, among).select_related("target_type")[:PAGE_SIZE]
    rows = services.with_names(request.user, shown)
    return render(request, "notifications/list.html", {"rows": rows, "unread_only": unread_only})


@never_cache
def open_notification(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go to what it is about; 404 unless the person may see that now."""
    found = services.mark_read(request.user, notification_id)
    if found is None:
        services.note_refusal(request.user, notification_id)
        raise Http404
    return redirect(services.target_url(found))


@require_POST
def mark_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    if services.mark_read(request.user, notification_id) is None:
        services.note_refusal(request.user, notification_id)
        raise Http404
    return redirect(_back(request))


@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    marked = services.mark_all_read(request.user)
    messages.success(request, f"{marked} notification{'' if marked == 1 else 's'} marked as read.")
    return redirect(_back(request))


def _back(request: AuthedRequest) -> str:
    listing = reverse("notifications:list")
    return f"{listing}?show=unread" if request.POST.get("show") == "unread" else listing


@never_cache
def preferences(request: AuthedRequest) -> HttpResponse:
    current = services.preferences(request.user)
    if request.method != "POST":
        form = PreferencesForm(current=current)
        return render(request, "notifications/preferences.html", {"form": form})
    form = PreferencesForm(request.POST, current=current)
    if not form.is_valid():
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    services.set_preferences(request.user, form.cleaned_data)
    messages.success(request, "Your notification settings are saved.")
    return redirect("notifications:preferences")


urlpatterns = [
    path("", notification_list, name="list"),
    path("settings/", preferences, name="preferences"),
    path("read-all/", mark_all_read, name="read_all"),
    path("<int:notification_id>/", open_notification, name="open"),
    path("<int:notification_id>/read/", mark_read, name="read"),
]

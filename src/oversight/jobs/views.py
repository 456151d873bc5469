"""The daily jobs page for system administrators (`access.can_view_jobs`): each job's latest day done,
the runs that failed for good with their error's type and place, a "Run again" button, and the recent
runs. Anyone else gets the 404 a missing page gets, for both the page and the button."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from oversight.request import AuthedRequest

from . import access, runs
from .health import job_lines, jobs_health, recent_runs
from .models import DailyRun, RunStatus

app_name = "jobs"


def _administrator_only(request: AuthedRequest) -> None:
    if not access.can_view_jobs(request.user):
        raise Http404("Not found")


def overview(request: AuthedRequest, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    _administrator_only(request)
    now = timezone.now()
    context = {
        "jobs": job_lines(),
        "health": jobs_health(now),
        "failed": recent_runs(now).failed(),
        "recent": recent_runs(now).exclude(status=RunStatus.FAILED)[:100],
        "errors": errors or [],
    }
    return render(request, "jobs/overview.html", context, status=status)


def run_again(request: AuthedRequest, pk: int) -> HttpResponse:
    _administrator_only(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run = get_object_or_404(DailyRun, pk=pk)
    try:
        runs.run_again(run.pk, request.user, timezone.now())
    except PermissionDenied as refused:
        raise Http404("Not found") from refused
    except ValidationError as error:
        return overview(request, errors=error.messages, status=400)
    messages.success(request, f"{run.job} for {run.day:%-d %B %Y} will run again: a worker takes it within a minute.")
    return redirect("jobs:overview")


urlpatterns = [
    path("", overview, name="overview"),
    path("runs/<int:pk>/run-again/", run_again, name="run_again"),
]

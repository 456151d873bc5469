"""The home page, the health checks and the error pages."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oversight.cases.summary import case_summary
from oversight.jobs.health import jobs_health
from oversight.recommendations.summary import register_summary
from oversight.request import AuthedRequest
from oversight.victims.services import overdue_contacts


def home(request: AuthedRequest) -> HttpResponse:
    cases = case_summary(request.user)
    context = {
        "register": register_summary(request.user),
        "cases": cases,
        "contact_overdue": len(overdue_contacts(request.user, timezone.localdate())) if cases else 0,
    }
    return render(request, "home.html", context)


logger = logging.getLogger(__name__)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, without login: the process answers. It asks nothing of the database, so a database
    restart makes processes unready (`readyz`) rather than getting them killed and restarted."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, without login, for load balancers: the database answers and the task queue's
    table can be read (how many jobs wait, how many failed); 503 otherwise. The daily jobs' failed
    runs and a stale sweep are reported too, but do not make a web process unready."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = DBTaskResult.objects.aggregate(
            waiting=Count("pk", filter=Q(status=TaskResultStatus.READY)),
            failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        )
        jobs = jobs_health(timezone.now())
    except DatabaseError as error:
        # The error's type only: a database error's message can quote a row's values.
        logger.warning("Not ready: the database or the task queue is unreachable (%s)", type(error).__name__)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "queue": queue, "jobs": jobs})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The same page whether the record does not exist or the person may not see it.
    return render(request, "404.html", status=404)

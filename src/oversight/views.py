"""The home page, the health check and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from oversight.cases.summary import case_summary
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


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answers without login, for load balancers: is the process up and the database reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The same page whether the record does not exist or the person may not see it.
    return render(request, "404.html", status=404)

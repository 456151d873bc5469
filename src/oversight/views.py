"""The home page, the health check and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from oversight.recommendations.summary import register_summary


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"register": register_summary(request.user)})


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

"""The administrators' page of the tamper-evident trail: its head and the last verification."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from oversight.request import AuthedRequest

from . import access
from .chain import head
from .models import Verification


@require_GET
def trail(request: AuthedRequest) -> HttpResponse:
    if not access.can_see_trail_head(request.user):
        raise Http404("Not found")
    context = {"head": head(), "verification": Verification.objects.select_related("by").first()}
    return render(request, "audit/trail.html", context)


app_name = "audit"
urlpatterns = [path("trail/", trail, name="trail")]

"""Workforce files held because they would remove a connection a live case rests on (cases/holds.py).

Only a PSD lead who may decide on a held file sees it; for anyone else it does not exist (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from .. import access, holds
from ..team_forms import HeldDecisionForm
from . import allowed
from .team import case_url


def held_imports(request: AuthedRequest) -> HttpResponse:
    allowed(access.can_see_alerts(request.user))
    return render(request, "cases/held_list.html", {"runs": access.visible_held_imports(request.user)})


@require_http_methods(["GET", "POST"])
def held_import(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = holds.held_or_none(request.user, run_id)
    if run is None:
        raise Http404("Not found")
    form = HeldDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = holds.approve if form.cleaned_data["decision"] == "approve" else holds.refuse
        try:
            done = decide(run, request.user, form.cleaned_data["note"] or "")
        except PermissionDenied as denied:
            raise Http404("Not found") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{done.filename}: {done.get_outcome_display().lower()}.")
            return redirect("cases:held_imports")
    cases = [(case, case_url(case)) for case in access.visible_cases(request.user).filter(pk__in=run.held_case_ids)]
    context = {"run": run, "form": form, "cases": cases}
    return render(request, "cases/held_detail.html", context, status=400 if form.is_bound else 200)


urlpatterns: list[URLPattern] = [
    path("held-register-changes/", held_imports, name="held_imports"),
    path("held-register-changes/<int:run_id>/", held_import, name="held_import"),
]

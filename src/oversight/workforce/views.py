"""Workforce pages: the forces a person may manage, a force's register and its import, the template CSV.

Every force is looked up through `access.manageable_forces`, so anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from oversight.organisations.models import Organisation
from oversight.request import AuthedRequest

from . import access, services
from .forms import ImportForm
from .importer import RowError
from .models import ImportOutcome

# The most row errors listed on the page; the rest are counted.
VISIBLE_ERRORS = 200


def _force(request: AuthedRequest, slug: str) -> Organisation:
    return get_object_or_404(access.manageable_forces(request.user), slug=slug)


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    forces = list(access.manageable_forces(request.user))
    if not forces:
        raise Http404("No workforce register to manage")
    return render(request, "workforce/index.html", {"forces": forces})


@require_http_methods(["GET", "POST"])
def register(request: AuthedRequest, slug: str) -> HttpResponse:
    force = _force(request, slug)
    if request.method != "POST":
        return _page(request, force, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, force, form, status=400)
    result = services.import_register(force, request.user, form.cleaned_data["file"])
    if not result.ok:
        count = len(result.errors)
        form.add_error("file", f"The file has {count} error{'s' if count != 1 else ''}: nothing was imported")
        return _page(request, force, form, errors=result.errors, status=400)
    done = "held" if result.run.outcome == ImportOutcome.HELD else "imported"
    messages.success(request, f"{result.run.filename} {done}: {result.run.summary.removeprefix('held: ')}.")
    return redirect("workforce:register", slug=force.slug)


def _page(
    request: AuthedRequest,
    force: Organisation,
    form: ImportForm,
    errors: list[RowError] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or []
    context = {
        "force": force,
        "form": form,
        "summary": services.register_summary(force),
        "runs": services.recent_runs(force, request.user),
        "row_errors": errors[:VISIBLE_ERRORS],
        "error_count": len(errors),
        "hidden_errors": max(len(errors) - VISIBLE_ERRORS, 0),
    }
    return render(request, "workforce/register.html", context, status=status)


@require_GET
def template_csv(request: AuthedRequest, slug: str) -> HttpResponse:
    _force(request, slug)
    response = HttpResponse(services.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{services.TEMPLATE_FILENAME}"'
    return response


urlpatterns = [
    path("", index, name="index"),
    path("<slug:slug>/", register, name="register"),
    path("<slug:slug>/template.csv", template_csv, name="template"),
]

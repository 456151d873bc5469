"""The import pages, under /protection/imports/: the upload and a force's import history, the result of one
import (counts, or the row-numbered error report and its CSV download), and the column mapping page.

Every force is looked up through `access.importing_forces` and every run within its force, so someone
outside the force's protection team and PSD gets the same 404 as for a force or run that does not exist.
The top-level URLs mount `urlpatterns` here (namespace "protection_imports"); the app's own pages
mount beside them.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from oversight.organisations.models import Organisation
from oversight.request import AuthedRequest

from . import access, import_services
from .import_forms import ImportForm, MappingForm
from .models import ImportOutcome, ImportRun

app_name = "protection_imports"
VISIBLE_ERRORS = 200  # rows of the error report shown on the page; the download has all that were kept


def _force(request: AuthedRequest, slug: str) -> Organisation:
    return get_object_or_404(access.importing_forces(request.user), slug=slug)


def _run(request: AuthedRequest, slug: str, run_id: int) -> ImportRun:
    force = _force(request, slug)
    return get_object_or_404(ImportRun.objects.select_related("force", "user"), force=force, pk=run_id)


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    forces = list(access.importing_forces(request.user))
    if not forces:
        raise Http404("No force to import into")
    if len(forces) == 1:
        return redirect("protection_imports:force", slug=forces[0].slug)
    return render(request, "protection/imports/index.html", {"forces": forces})


@require_http_methods(["GET", "POST"])
def force_imports(request: AuthedRequest, slug: str) -> HttpResponse:
    """The upload form and the force's import history."""
    force = _force(request, slug)
    if request.method != "POST":
        return _upload_page(request, force, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, force, form, status=400)
    run, report = import_services.run_import(
        force, request.user, form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
    )
    if report.needs_mapping:
        return redirect("protection_imports:mapping", slug=force.slug, run_id=run.pk)
    return redirect("protection_imports:run", slug=force.slug, run_id=run.pk)


def _upload_page(request: AuthedRequest, force: Organisation, form: ImportForm, status: int = 200) -> HttpResponse:
    context = {
        "force": force,
        "form": form,
        "runs": import_services.recent_runs(force),
        "mapping": import_services.saved_mapping(force),
    }
    return render(request, "protection/imports/force.html", context, status=status)


@require_GET
def run_detail(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    """The result of one import: what was created, updated and left unchanged, or why nothing was written."""
    run = _run(request, slug, run_id)
    errors = import_services.errors_of(run)
    context = {
        "force": run.force,
        "run": run,
        "errors": errors[:VISIBLE_ERRORS],
        "hidden_errors": max(run.error_count - VISIBLE_ERRORS, 0),
        "refused": run.outcome == ImportOutcome.REFUSED,
    }
    return render(request, "protection/imports/run.html", context, status=400 if context["refused"] else 200)


@require_GET
def errors_download(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    run = _run(request, slug, run_id)
    response = HttpResponse(import_services.errors_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response


@require_http_methods(["GET", "POST"])
def mapping(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    """Match the file's headings to our fields (and the force's measure-type codes to ours), save them
    for the force, and import the file that was waiting."""
    run = _run(request, slug, run_id)
    if run.outcome != ImportOutcome.NEEDS_MAPPING or not run.pending_file:
        raise Http404("This import is not waiting for its columns")
    headings = import_services.pending_headings(run)
    saved = import_services.saved_mapping(run.force)
    initial = {"initial_columns": saved.columns if saved else None,
               "initial_codes": saved.values.get("measure_type") if saved else None}  # fmt: skip
    if request.method != "POST":
        return _mapping_page(request, run, MappingForm(headings, **initial))
    form = MappingForm(headings, request.POST, **initial)
    if not form.is_valid():
        return _mapping_page(request, run, form, status=400)
    import_services.save_mapping(run.force, request.user, form.cleaned_data["columns"], form.cleaned_data["codes"])
    new_run, _ = import_services.import_pending(run, request.user)
    return redirect("protection_imports:run", slug=run.force.slug, run_id=new_run.pk)


def _mapping_page(request: AuthedRequest, run: ImportRun, form: MappingForm, status: int = 200) -> HttpResponse:
    context = {"force": run.force, "run": run, "form": form}
    return render(request, "protection/imports/mapping.html", context, status=status)


urlpatterns = [
    path("", index, name="index"),
    path("<slug:slug>/", force_imports, name="force"),
    path("<slug:slug>/<int:run_id>/", run_detail, name="run"),
    path("<slug:slug>/<int:run_id>/errors.csv", errors_download, name="errors"),
    path("<slug:slug>/<int:run_id>/mapping/", mapping, name="mapping"),
]

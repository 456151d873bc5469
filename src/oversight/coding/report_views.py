"""Pages of the national summary report: the report with its sources linked, drafting it from the
data (again: with a warning, confirmed at the version seen), editing a section, and the PDF and DOCX.

Every page looks the request up in the person's scope (`access.codable_requests`, the same people as
`access.can_edit_report`): anyone else gets the 404 a missing request gets. `coding/views.py`
appends these `urlpatterns` to its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from oversight.db_routers import reading_from_replica
from oversight.forms import DOCUMENT_TEXT, GovukFormMixin, text_area
from oversight.lib.office import DOCX_CONTENT_TYPE
from oversight.request import AuthedRequest
from oversight.returns.models import ReturnRequest

from . import access, report_services
from .models import ReportChange, ReportSection, SummaryReport
from .report_rendering import ReportContent, report_content, report_docx, report_pdf

T = TypeVar("T")


class SectionForm(GovukFormMixin, forms.Form):
    text = text_area("Text", required=False, rows=12, max_length=DOCUMENT_TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DraftForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


def _request(request: AuthedRequest, pk: int) -> ReturnRequest:
    found = get_object_or_404(access.codable_requests(request.user).select_related("body"), pk=pk)
    if not access.can_edit_report(request.user, found):
        raise Http404("Not available")
    return found


def _saved(record_request: ReturnRequest) -> SummaryReport | None:
    return SummaryReport.objects.filter(request=record_request).first()


def _content(request: AuthedRequest, pk: int) -> ReportContent:
    """The report's content; the request's scope decided on the primary, the content read from a replica if any."""
    report = _saved(_request(request, pk))
    if report is None:
        raise Http404("No report drafted yet")
    with reading_from_replica():
        return report_content(report)


@require_GET
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    """The report with each section's sources linked to the return versions, or the way to draft it."""
    record_request = _request(request, pk)
    saved = _saved(record_request)
    with reading_from_replica():  # the scope was decided above, on the primary
        content = report_content(saved) if saved else None
    context = {
        "req": record_request,
        "content": content,
        "changes": ReportChange.objects.filter(report=saved).select_related("by")[:10] if saved else [],
    }
    return render(request, "coding/report.html", context)


@require_http_methods(["GET", "POST"])
def report_draft(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: what drafting again keeps and removes, to confirm. POST: draft, at the version confirmed."""
    record_request = _request(request, pk)
    saved = _saved(record_request)
    data = request.POST if request.method == "POST" else None
    form = DraftForm(data, initial={"version": saved.version if saved else None})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            _guarded(lambda: report_services.draft(record_request, request.user, form.cleaned_data["version"]))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "The report has been drafted from the data.")
            return redirect("coding:report", pk=pk)
    sections = list(saved.sections.all()) if saved else []
    context = {
        "req": record_request, "saved": saved, "form": form, "errors": errors,
        "edited": [s for s in sections if s.is_edited], "removed": report_services.would_remove(saved) if saved else [],
    }  # fmt: skip
    return render(request, "coding/report_draft.html", context, status=400 if errors else 200)


def _guarded(step: Callable[[], T]) -> T:
    """A refusal by the service is the 404 a missing request gets."""
    try:
        return step()
    except PermissionDenied as refused:
        raise Http404("Not available") from refused


@require_http_methods(["GET", "POST"])
def report_section(request: AuthedRequest, pk: int, section: int) -> HttpResponse:
    """Edit a section's text; a change made on a page opened before someone else's save is refused."""
    record_request = _request(request, pk)
    found = get_object_or_404(ReportSection.objects.filter(report__request=record_request), pk=section)
    posted = request.POST if request.method == "POST" else None
    form = SectionForm(posted, initial={"text": found.text, "version": found.version})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _guarded(lambda: report_services.edit_section(found, request.user, data["version"], data["text"]))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"“{found.heading}” saved.")
            return redirect(reverse("coding:report", args=[pk]) + f"#section-{found.pk}")
    errors += [str(error) for field in form for error in field.errors]
    context = {"req": record_request, "section": found, "form": form, "errors": errors}
    return render(request, "coding/report_section.html", context, status=400 if errors else 200)


# Each export: how it is made, its content type, and whether the browser shows it or saves it.
EXPORTS: dict[str, tuple[Callable[[ReportContent], bytes], str, str]] = {
    "pdf": (report_pdf, "application/pdf", "inline"),
    "docx": (report_docx, DOCX_CONTENT_TYPE, "attachment"),
}


def _export(request: AuthedRequest, pk: int, suffix: str) -> HttpResponse:
    make, content_type, disposition = EXPORTS[suffix]
    output = HttpResponse(make(_content(request, pk)), content_type=content_type)
    output["Content-Disposition"] = f'{disposition}; filename="national-summary-{pk}.{suffix}"'
    return output


@require_GET
def pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "pdf")


@require_GET
def docx(request: AuthedRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "docx")


urlpatterns = [
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/report/draft/", report_draft, name="report_draft"),
    path("<int:pk>/report/sections/<int:section>/", report_section, name="report_section"),
    path("<int:pk>/report/report.pdf", pdf, name="report_pdf"),
    path("<int:pk>/report/report.docx", docx, name="report_docx"),
]

"""Downloads of a request's coding in the REFI-QDA exchange format (`coding/qda.py`): the codebook
(`.qdc`) and the whole project (`.qdpx`), for the analysts who code the request.

The request is looked up in the person's scope (`access.codable_requests`): someone outside it gets
the same 404 as for a request that does not exist. Appended to `coding.views.urlpatterns`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.text import slugify

from oversight.request import AuthedRequest
from oversight.returns.models import ReturnRequest

from . import access, qda


def _request(request: AuthedRequest, pk: int) -> ReturnRequest:
    return get_object_or_404(access.codable_requests(request.user), pk=pk)


def _download(content: bytes, content_type: str, record_request: ReturnRequest, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = slugify(record_request.title)[:80] or f"request-{record_request.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}"'
    return response


def export_codebook(request: AuthedRequest, pk: int) -> HttpResponse:
    """The themes as a REFI-QDA codebook; the standard needs at least one code."""
    record_request = _request(request, pk)
    codes = qda.codes_of(record_request)
    if not codes:
        messages.error(request, "There are no themes to export yet. Add a theme first.")
        return redirect("coding:themes", pk=pk)
    return _download(qda.codebook_xml(codes), "application/xml; charset=utf-8", record_request, "-codebook.qdc")


def export_project(request: AuthedRequest, pk: int) -> HttpResponse:
    """The themes, the coded answers and every person's codings as a REFI-QDA project."""
    record_request = _request(request, pk)
    return _download(qda.project_qdpx(qda.project_of(record_request)), "application/zip", record_request, ".qdpx")


urlpatterns = [
    path("<int:pk>/export/codebook.qdc", export_codebook, name="export_qdc"),
    path("<int:pk>/export/project.qdpx", export_project, name="export_qdpx"),
]

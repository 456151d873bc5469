"""The register: the tracking records a person may see, filtered, sorted, paged and exported.

The database filters, sorts, counts and pages (filters.py); the page builds the rows of one page,
and the exports read the same ordered query in chunks, the CSV streamed as it is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode

from oversight.db_routers import reading_from_replica, streamed_from_replica
from oversight.lib.labels import in_sentence
from oversight.request import AuthedRequest

from .. import access, export
from ..filters import (
    OVERDUE_CHOICES,
    RAG_CHOICES,
    SORTS,
    FilterOptions,
    RegisterFilters,
    Row,
    rows_of,
    selected_labels,
)
from ..models import ItemKind, ReportKind, SignoffStage, TrackingRecordQuerySet, TrackingStatus

PAGE_SIZE = 50


def _filtered(request: AuthedRequest) -> tuple[RegisterFilters, TrackingRecordQuerySet]:
    filters = RegisterFilters.from_query(request.GET)
    return filters, filters.records(access.visible_tracking_records(request.user), timezone.localdate())


def _rows_in_chunks(records: TrackingRecordQuerySet) -> Iterator[Row]:
    today = timezone.localdate()
    return (Row.of(record, today) for record in records.iterator(chunk_size=export.CHUNK_SIZE))


def _sort_headers(filters: RegisterFilters) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it and its aria-sort state."""
    headers = {}
    for key, (label, _) in SORTS.items():
        current = filters.sort == key
        descending = current and not filters.descending
        state = ("descending" if filters.descending else "ascending") if current else "none"
        query = urlencode(filters.params(sort=key, descending=descending))
        headers[key] = {"label": label, "aria_sort": state, "url": f"?{query}"}
    return headers


def _person(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _select_fields(filters: RegisterFilters, options: FilterOptions) -> list[dict[str, Any]]:
    """The filter panel's drop-downs: name, label, (value, label) options and the chosen value."""
    lists: list[tuple[str, str, list[tuple[Any, str]]]] = [
        ("organisation", "Organisation", [(org.pk, org.name) for org in options.organisations]),
        ("report", "Report", [(report.pk, report.title) for report in options.reports]),
        ("report_kind", "Kind of report", ReportKind.choices),
        ("kind", "Kind of item", ItemKind.choices),
        ("status", "Local status", TrackingStatus.choices),
        ("signoff", "Sign-off", SignoffStage.choices),
        ("rag", "RAG", RAG_CHOICES),
        ("owner", "Owner", [(user.pk, _person(user)) for user in options.owners]),
        ("overdue", "Overdue", OVERDUE_CHOICES),
    ]
    return [
        {
            "name": name,
            "label": label,
            "options": [(str(value), text) for value, text in choices],
            "selected": str(getattr(filters, name) or ""),
        }
        for name, label, choices in lists
    ]


def register(request: AuthedRequest) -> HttpResponse:
    filters, records = _filtered(request)
    options = FilterOptions.for_records(access.visible_tracking_records(request.user))
    page: Page[Any] = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rows_of(page.object_list, timezone.localdate())
    query = urlencode(filters.params())
    context = {
        "filters": filters,
        "options": options,
        "page": page,
        "count": page.paginator.count,
        "query": query,
        "sort_headers": _sort_headers(filters),
        "sort_caption": f"{in_sentence(SORTS[filters.sort][0])}, {'descending' if filters.descending else 'ascending'}",
        "selected": [(head, label, urlencode(params)) for head, label, params in selected_labels(filters, options)],
        "selects": _select_fields(filters, options),
        "several_organisations": len(options.organisations) > 1,
    }
    return render(request, "recommendations/register.html", context)


def _download(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def register_csv(request: AuthedRequest) -> HttpResponseBase:
    _, records = _filtered(request)  # scoped by the organisations read on the primary
    lines = streamed_from_replica(export.csv_lines(_rows_in_chunks(records)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _download(response, export.filename("csv"))


def register_xlsx(request: AuthedRequest) -> HttpResponseBase:
    filters, records = _filtered(request)  # scoped by the organisations read on the primary
    with reading_from_replica():
        options = FilterOptions.for_records(access.visible_tracking_records(request.user))
        described = [(heading, label) for heading, label, _ in selected_labels(filters, options)]
        workbook = export.to_xlsx(_rows_in_chunks(records), described)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(HttpResponse(workbook, content_type=content_type), export.filename("xlsx"))


urlpatterns = [
    path("", register, name="register"),
    path("export.csv", register_csv, name="register_csv"),
    path("export.xlsx", register_xlsx, name="register_xlsx"),
]

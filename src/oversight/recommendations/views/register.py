"""The register: the tracking records a person may see, filtered, sorted and exported."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode

from oversight.lib.labels import in_sentence
from oversight.request import AuthedRequest

from .. import access, export
from ..filters import OVERDUE_CHOICES, RAG_CHOICES, SORTS, FilterOptions, RegisterFilters, Row, selected_labels
from ..models import ItemKind, ReportKind, SignoffStage, TrackingStatus

PAGE_SIZE = 50


def _filtered(request: AuthedRequest) -> tuple[RegisterFilters, list[Row]]:
    filters = RegisterFilters.from_query(request.GET)
    return filters, filters.rows(access.visible_tracking_records(request.user))


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
    filters, rows = _filtered(request)
    options = FilterOptions.for_records(access.visible_tracking_records(request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(filters.params())
    context = {
        "filters": filters,
        "options": options,
        "page": page,
        "count": len(rows),
        "query": query,
        "sort_headers": _sort_headers(filters),
        "sort_caption": f"{in_sentence(SORTS[filters.sort][0])}, {'descending' if filters.descending else 'ascending'}",
        "selected": [(head, label, urlencode(params)) for head, label, params in selected_labels(filters, options)],
        "selects": _select_fields(filters, options),
        "several_organisations": len(options.organisations) > 1,
    }
    return render(request, "recommendations/register.html", context)


def _download(content: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def register_csv(request: AuthedRequest) -> HttpResponse:
    _, rows = _filtered(request)
    return _download(export.to_csv(rows), "text/csv; charset=utf-8", export.filename("csv"))


def register_xlsx(request: AuthedRequest) -> HttpResponse:
    filters, rows = _filtered(request)
    options = FilterOptions.for_records(access.visible_tracking_records(request.user))
    described = [(heading, label) for heading, label, _ in selected_labels(filters, options)]
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(export.to_xlsx(rows, described), content_type, export.filename("xlsx"))


urlpatterns = [
    path("", register, name="register"),
    path("export.csv", register_csv, name="register_csv"),
    path("export.xlsx", register_xlsx, name="register_xlsx"),
]

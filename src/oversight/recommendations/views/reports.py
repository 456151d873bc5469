"""Inspection reports and their items: read by everyone signed in, added by those who manage them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from .. import access, services
from ..forms import ItemForm, ReportForm
from ..models import ItemKind, Report, TrackingRecord


def report_list(request: AuthedRequest) -> HttpResponse:
    reports = access.visible_reports(request.user).annotate(item_count=Count("items"))
    context = {"reports": reports, "can_manage": access.can_manage_reports(request.user)}
    return render(request, "recommendations/reports.html", context)


def _records_by_item(request: AuthedRequest, report: Report) -> dict[int, list[TrackingRecord]]:
    records = access.visible_tracking_records(request.user).filter(item__report=report).select_related("organisation")
    grouped: dict[int, list[TrackingRecord]] = defaultdict(list)
    for record in records.order_by("organisation__name"):
        grouped[record.item_id].append(record)
    return grouped


def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(access.visible_reports(request.user), pk=pk)
    records = _records_by_item(request, report)
    items = list(report.items.select_related("cause_of_concern"))
    for item in items:
        item.visible_records = records.get(item.pk, [])  # type: ignore[attr-defined]
    groups = [(kind.label, [item for item in items if item.kind == kind]) for kind in ItemKind]
    context = {
        "report": report,
        "groups": [(label, members) for label, members in groups if members],
        "forces": [] if report.covers_all_forces else list(report.forces.all()),
        "can_manage": access.can_manage_reports(request.user),
    }
    return render(request, "recommendations/report.html", context)


def _manager_only(request: AuthedRequest) -> None:
    if not access.can_manage_reports(request.user):
        raise Http404("Not available")


def _form_page(request: AuthedRequest, form: Any, context: dict[str, Any]) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "recommendations/report_form.html", {"form": form, **context}, status=status)


def add_report(request: AuthedRequest) -> HttpResponse:
    _manager_only(request)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.add_report(request.user, **form.report_fields())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Report added. Now add its items.")
            return redirect("recommendations:report", pk=report.pk)
    return _form_page(request, form, {"title": "Add an inspection report", "button": "Add report"})


def add_item(request: AuthedRequest, pk: int) -> HttpResponse:
    _manager_only(request)
    report = get_object_or_404(access.visible_reports(request.user), pk=pk)
    form = ItemForm(request.POST if request.method == "POST" else None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(report, request.user, **form.item_fields())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error, {"due_on": "deadline_phrase"})
        else:
            count = item.tracking_records.count()
            messages.success(request, f"{item} added, with {count} tracking record{'s' if count != 1 else ''}.")
            return redirect("recommendations:report", pk=report.pk)
    context = {"title": "Add an item", "button": "Add item", "report": report}
    return _form_page(request, form, context)


urlpatterns: list[URLPattern] = [
    path("reports/", report_list, name="reports"),
    path("reports/add/", add_report, name="report_add"),
    path("reports/<int:pk>/", report_detail, name="report"),
    path("reports/<int:pk>/items/add/", add_item, name="report_item_add"),
]

"""Committees, their meetings, forthcoming inspections, and the HMICFRS update paper as page, PDF and DOCX."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from oversight.lib.office import DOCX_CONTENT_TYPE
from oversight.request import AuthedRequest

from .. import access, rendering, services
from ..models import Committee, CommitteeMeeting
from ..paper_forms import ForthcomingInspectionForm, MeetingForm
from ..papers import Paper, build_paper


def _committee(request: AuthedRequest, pk: int) -> Committee:
    return get_object_or_404(access.visible_committees(request.user), pk=pk)


def _meetings(request: AuthedRequest) -> QuerySet[CommitteeMeeting]:
    return CommitteeMeeting.objects.filter(committee__in=access.visible_committees(request.user))


def _paper(request: AuthedRequest, pk: int) -> tuple[CommitteeMeeting, Paper]:
    meeting = get_object_or_404(_meetings(request).select_related("committee", "committee__organisation"), pk=pk)
    return meeting, build_paper(meeting)


def committee_list(request: AuthedRequest) -> HttpResponse:
    committees = access.visible_committees(request.user).select_related("organisation").prefetch_related("forces")
    can_record = access.forthcoming_inspection_forces(request.user).exists()
    return render(
        request,
        "recommendations/committee_list.html",
        {"committees": committees, "can_record_inspection": can_record},
    )


def committee_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    return render(
        request,
        "recommendations/committee_detail.html",
        {
            "committee": committee,
            "meetings": committee.meetings.order_by("-held_on"),
            "can_manage": access.can_manage_committee(request.user, committee),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_add(request: AuthedRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    if not access.can_manage_committee(request.user, committee):
        raise Http404
    form = MeetingForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.add_meeting(committee, request.user, data["held_on"], data["agenda_item"])
        except PermissionDenied as denied:
            raise Http404 from denied
        messages.success(request, f"The meeting on {meeting.held_on:%-d %B %Y} has been added.")
        return redirect("recommendations:paper", pk=meeting.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "recommendations/committee_meeting_form.html", {"form": form, "committee": committee}, status=status
    )


@require_http_methods(["GET", "POST"])
def forthcoming_add(request: AuthedRequest) -> HttpResponse:
    form = ForthcomingInspectionForm(request.POST or None, user=request.user)
    if not form.fields["force"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.record_forthcoming_inspection(
                data["force"], request.user, title=data["title"], expected=data["expected"],
                notified_on=data["notified_on"],
            )  # fmt: skip
        except PermissionDenied as denied:
            raise Http404 from denied
        messages.success(
            request, f"{inspection.title} has been recorded as a forthcoming inspection of {inspection.force}."
        )
        return redirect("recommendations:committee_list")
    status = 400 if form.is_bound else 200
    return render(request, "recommendations/committee_forthcoming_form.html", {"form": form}, status=status)


def paper(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting, content = _paper(request, pk)
    return render(
        request,
        "recommendations/paper_detail.html",
        {"meeting": meeting, "paper": content, "chart": rendering.chart_data_uri(content)},
    )


def _filename(meeting: CommitteeMeeting, suffix: str) -> str:
    return f"hmicfrs-update-{meeting.committee.pk}-{meeting.held_on:%Y-%m-%d}.{suffix}"


def paper_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting, content = _paper(request, pk)
    response = HttpResponse(rendering.paper_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(meeting, "pdf")}"'
    return response


def paper_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting, content = _paper(request, pk)
    response = HttpResponse(rendering.paper_docx(content), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(meeting, "docx")}"'
    return response


urlpatterns = [
    path("committees/", committee_list, name="committee_list"),
    path("committees/<int:pk>/", committee_detail, name="committee"),
    path("committees/<int:pk>/meetings/add/", meeting_add, name="meeting_add"),
    path("committees/inspections/add/", forthcoming_add, name="forthcoming_add"),
    path("papers/<int:pk>/", paper, name="paper"),
    path("papers/<int:pk>/paper.pdf", paper_pdf, name="paper_pdf"),
    path("papers/<int:pk>/paper.docx", paper_docx, name="paper_docx"),
]

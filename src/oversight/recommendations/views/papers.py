"""Committees, their meetings, forthcoming inspections, and the HMICFRS update paper as page, PDF and DOCX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from oversight.db_routers import reading_from_replica
from oversight.forms import add_service_error
from oversight.lib.office import DOCX_CONTENT_TYPE
from oversight.request import AuthedRequest

from .. import access, rendering, services
from ..models import Committee, CommitteeMeeting, ForthcomingInspection
from ..paper_forms import ForthcomingInspectionForm, InspectionHeldForm, MeetingForm, NarrativeForm
from ..papers import Paper, build_paper


def _committee(request: AuthedRequest, pk: int) -> Committee:
    return get_object_or_404(access.visible_committees(request.user), pk=pk)


def _meetings(request: AuthedRequest) -> QuerySet[CommitteeMeeting]:
    return CommitteeMeeting.objects.filter(committee__in=access.visible_committees(request.user))


def _paper(request: AuthedRequest, pk: int) -> tuple[CommitteeMeeting, Paper]:
    meeting = _meeting(request, pk)
    return meeting, build_paper(meeting)


def committee_list(request: AuthedRequest) -> HttpResponse:
    committees = access.visible_committees(request.user).select_related("organisation").prefetch_related("forces")
    forces = access.forthcoming_inspection_forces(request.user)
    forthcoming = ForthcomingInspection.objects.filter(force__in=forces).select_related("force")
    context = {"committees": committees, "can_record_inspection": forces.exists(), "forthcoming": forthcoming}
    return render(request, "recommendations/committee_list.html", context)


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


@dataclass(frozen=True)
class FormPage:
    """The words around one committee form, and what saving it does."""

    title: str
    button: str
    back_url: str
    back_text: str
    perform: Callable[[dict[str, Any]], str]  # saves through a service; returns where to go next
    done: Callable[[], str]
    caption: str = ""
    intro: str = ""


def _form_page(request: AuthedRequest, form: forms.Form, page: FormPage) -> HttpResponse:
    """Check, save through the service, redirect; or show the form again with its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            next_url = page.perform(form.cleaned_data)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            add_service_error(form, error, {})
        else:
            messages.success(request, page.done())
            return redirect(next_url)
    status = 400 if form.is_bound else 200
    return render(request, "recommendations/committee_form.html", {"form": form, "page": page}, status=status)


@require_http_methods(["GET", "POST"])
def meeting_add(request: AuthedRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    if not access.can_manage_committee(request.user, committee):
        raise Http404
    added: list[CommitteeMeeting] = []

    def perform(data: dict[str, Any]) -> str:
        added.append(services.add_meeting(committee, request.user, data["held_on"], data["agenda_item"]))
        return reverse("recommendations:paper", args=[added[0].pk])

    return _form_page(request, MeetingForm(request.POST or None, committee=committee), FormPage(
        "Add a meeting", "Add meeting", reverse("recommendations:committee", args=[committee.pk]),
        f"Back to {committee.name}", perform, lambda: f"The meeting on {added[0].held_on:%-d %B %Y} has been added.",
        caption=committee.name, intro="The paper for the meeting covers the time since the previous meeting.",
    ))  # fmt: skip


@require_http_methods(["GET", "POST"])
def forthcoming_add(request: AuthedRequest) -> HttpResponse:
    form = ForthcomingInspectionForm(request.POST or None, user=request.user)
    if not form.fields["force"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404

    def perform(data: dict[str, Any]) -> str:
        services.record_forthcoming_inspection(data["force"], request.user, title=data["title"],
                                               expected=data["expected"], notified_on=data["notified_on"])  # fmt: skip
        return reverse("recommendations:committee_list")

    return _form_page(request, form, FormPage(
        "Record a forthcoming inspection", "Record inspection", reverse("recommendations:committee_list"),
        "Back to committees", perform, lambda: "The forthcoming inspection has been recorded.",
    ))  # fmt: skip


def paper(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting, content = _paper(request, pk)
    return render(
        request,
        "recommendations/paper_detail.html",
        {
            "meeting": meeting,
            "paper": content,
            "chart": rendering.chart_data_uri(content),
            "can_write": access.can_manage_committee(request.user, meeting.committee),
        },
    )


@require_http_methods(["GET", "POST"])
def paper_narrative(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_meetings(request).select_related("committee"), pk=pk)
    if not access.can_manage_committee(request.user, meeting.committee):
        raise Http404
    initial = {name: getattr(meeting, name) for name in services.NARRATIVE_FIELDS} | {"version": meeting.version}
    paper_url = reverse("recommendations:paper", args=[meeting.pk])

    def perform(data: dict[str, Any]) -> str:
        parts = {name: data[name] for name in services.NARRATIVE_FIELDS}
        services.write_paper_narrative(meeting, request.user, data["version"], **parts)
        return paper_url

    return _form_page(request, NarrativeForm(request.POST or None, initial=initial), FormPage(
        "Write the paper's narrative", "Save the narrative", paper_url, "Back to the paper", perform,
        lambda: "The paper's narrative has been saved.",
        caption=f"{meeting.committee.name}, {meeting.held_on:%-d %B %Y}",
        intro="The figures, tables and reports come from the register. What you write here is kept with this "
        "meeting's paper as written.",
    ))  # fmt: skip


@require_http_methods(["GET", "POST"])
def inspection_held(request: AuthedRequest, pk: int) -> HttpResponse:
    forces = access.forthcoming_inspection_forces(request.user)
    inspection = get_object_or_404(ForthcomingInspection.objects.filter(force__in=forces, completed_on=None), pk=pk)

    def perform(data: dict[str, Any]) -> str:
        services.record_inspection_held(inspection, request.user, data["held_on"])
        return reverse("recommendations:committee_list")

    return _form_page(request, InspectionHeldForm(request.POST or None), FormPage(
        f"Record that {inspection.title} took place", "Save", reverse("recommendations:committee_list"),
        "Back to committees", perform, lambda: f"{inspection.title} has been recorded as having taken place.",
        caption=inspection.force.name, intro="Papers for meetings after this date no longer list it as forthcoming.",
    ))  # fmt: skip


def _filename(meeting: CommitteeMeeting, suffix: str) -> str:
    return f"hmicfrs-update-{meeting.committee.pk}-{meeting.held_on:%Y-%m-%d}.{suffix}"


def _meeting(request: AuthedRequest, pk: int) -> CommitteeMeeting:
    return get_object_or_404(_meetings(request).select_related("committee", "committee__organisation"), pk=pk)


def paper_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)  # decided on the primary; the paper's figures may come from a replica
    with reading_from_replica():
        body = rendering.paper_pdf(build_paper(meeting))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(meeting, "pdf")}"'
    return response


def paper_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    with reading_from_replica():
        body = rendering.paper_docx(build_paper(meeting))
    response = HttpResponse(body, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(meeting, "docx")}"'
    return response


urlpatterns = [
    path("committees/", committee_list, name="committee_list"),
    path("committees/<int:pk>/", committee_detail, name="committee"),
    path("committees/<int:pk>/meetings/add/", meeting_add, name="meeting_add"),
    path("committees/inspections/add/", forthcoming_add, name="forthcoming_add"),
    path("committees/inspections/<int:pk>/held/", inspection_held, name="inspection_held"),
    path("papers/<int:pk>/", paper, name="paper"),
    path("papers/<int:pk>/narrative/", paper_narrative, name="paper_narrative"),
    path("papers/<int:pk>/paper.pdf", paper_pdf, name="paper_pdf"),
    path("papers/<int:pk>/paper.docx", paper_docx, name="paper_docx"),
]

"""The governing body's 56-day response to an HMICFRS report (s.55 Police Act 1996)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.lib.office import DOCX_CONTENT_TYPE
from oversight.organisations.models import Organisation
from oversight.request import AuthedRequest

from .. import access, rendering, services
from ..models import GoverningBodyResponse, GoverningBodyResponseQuerySet, Report
from ..paper_forms import PublishResponseForm, ResponseForm, StartResponseForm, response_initial


@dataclass(frozen=True)
class AwaitingResponse:
    """A report on one of the person's forces with no response started yet."""

    report: Report
    force: Organisation
    can_start: bool

    @property
    def due_on(self) -> dt.date:
        return GoverningBodyResponse.due_date_for(self.report)

    @property
    def is_overdue(self) -> bool:
        """Not started by its due date: as late as an unpublished draft."""
        return self.due_on < timezone.localdate()


def _visible(request: AuthedRequest) -> GoverningBodyResponseQuerySet:
    return access.visible_responses(request.user).select_related("report", "force", "body")


def _awaiting(request: AuthedRequest) -> list[AwaitingResponse]:
    force_ids = access.register_organisation_ids(request.user)
    forces = Organisation.objects.forces().filter(pk__in=force_ids).order_by("name")
    awaiting = []
    for force in forces:
        reports = (
            access.visible_reports(request.user)
            .filter(Q(covers_all_forces=True) | Q(forces=force))
            .exclude(responses__force=force)
            .distinct()
            .order_by("-published_on", "title")
        )
        can_start = access.can_start_response(request.user, force)
        awaiting += [AwaitingResponse(report, force, can_start) for report in reports]
    return awaiting


def _list(request: AuthedRequest, start_form: StartResponseForm | None = None, status: int = 200) -> HttpResponse:
    responses = _visible(request).order_by("due_on", "report__title", "pk")
    context = {
        "responses": responses,
        "awaiting": _awaiting(request),
        "start_form": start_form or StartResponseForm(),
    }
    return render(request, "recommendations/response_list.html", context, status=status)


def response_list(request: AuthedRequest) -> HttpResponse:
    return _list(request)


@require_POST
def response_start(request: AuthedRequest) -> HttpResponse:
    form = StartResponseForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    report = get_object_or_404(access.visible_reports(request.user), pk=form.cleaned_data["report"])
    forces = Organisation.objects.forces().filter(pk__in=access.register_organisation_ids(request.user))
    force = get_object_or_404(forces, pk=form.cleaned_data["force"])
    try:
        response = services.start_response(report, force, request.user)
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        form.add_error(None, error)
        return _list(request, form, status=400)
    messages.success(request, f"Response started. It must be published by {response.due_on:%-d %B %Y}.")
    return redirect("recommendations:response", pk=response.pk)


def _page(
    request: AuthedRequest,
    response: GoverningBodyResponse,
    form: ResponseForm | None = None,
    publish_form: PublishResponseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actions = rendering.ordered_actions(response)
    form = form or ResponseForm(
        initial=response_initial(response, actions), response=response, actions=actions, user=request.user
    )
    context = {
        "response": response,
        "actions": actions,
        "form": form,
        "publish_form": publish_form or PublishResponseForm(initial={"version": response.version}),
        "can_publish": access.can_publish_response(request.user, response),
    }
    return render(request, "recommendations/response_detail.html", context, status=status)


def response_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(_visible(request), pk=pk)
    if request.method != "POST":
        return _page(request, response)
    actions = rendering.ordered_actions(response)
    form = ResponseForm(request.POST, response=response, actions=actions, user=request.user)
    if not form.writes_anything:
        raise Http404
    if not form.is_valid():
        return _page(request, response, form=form, status=400)
    try:
        services.save_response(response, request.user, form.cleaned_data["version"], **form.changes())
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:  # ConcurrentEditError among them: nothing saved, input kept
        form.add_error(None, error)
        return _page(request, response, form=form, status=400)
    messages.success(request, "The response has been saved.")
    return redirect("recommendations:response", pk=response.pk)


def response_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publishing cannot be undone: check the response is complete, ask to confirm, then publish."""
    response = get_object_or_404(_visible(request), pk=pk)
    if request.method != "POST" or not access.can_publish_response(request.user, response):
        raise Http404
    form = PublishResponseForm(request.POST)
    if not form.is_valid():
        return _page(request, response, publish_form=form, status=400)
    data = form.cleaned_data
    try:
        if not data["confirmed"]:
            services.check_ready_to_publish(response)
            return render(
                request, "recommendations/response_publish_confirm.html", {"response": response, "form": form}
            )
        services.publish_response(response, request.user, data["published_url"], version=data["version"])
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, response, publish_form=form, status=400)
    messages.success(request, "The response has been published.")
    return redirect("recommendations:response", pk=response.pk)


def _filename(response: GoverningBodyResponse, suffix: str) -> str:
    return f"response-{response.report.pk}-{response.force.slug}.{suffix}"


def response_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(_visible(request), pk=pk)
    output = HttpResponse(rendering.response_pdf(response), content_type="application/pdf")
    output["Content-Disposition"] = f'inline; filename="{_filename(response, "pdf")}"'
    return output


def response_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(_visible(request), pk=pk)
    output = HttpResponse(rendering.response_docx(response), content_type=DOCX_CONTENT_TYPE)
    output["Content-Disposition"] = f'attachment; filename="{_filename(response, "docx")}"'
    return output


urlpatterns = [
    path("responses/", response_list, name="response_list"),
    path("responses/start/", response_start, name="response_start"),
    path("responses/<int:pk>/", response_detail, name="response"),
    path("responses/<int:pk>/publish/", response_publish, name="response_publish"),
    path("responses/<int:pk>/response.pdf", response_pdf, name="response_pdf"),
    path("responses/<int:pk>/response.docx", response_docx, name="response_docx"),
]

"""Pages of national returns: requests (list, new, the draft's questions, sending, the tracker) and
each organisation's return (answer, pre-fill, submit, return for clarification, resubmit, versions).

Every request and return is looked up in the person's scope (`access.visible_requests`,
`access.visible_returns`): someone outside it gets the same 404 as for one that does not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from . import access, prefill, services
from .counts import structured_counts
from .forms import (
    AnswersForm,
    ClarificationForm,
    CloseForm,
    PrefillForm,
    QuestionForm,
    RequestDetailsForm,
    RequestForm,
    VersionForm,
)
from .models import Reminder, RequestStatus, Return, ReturnRequest, ReturnStatus, ReturnVersion

app_name = "returns"


def _request(request: AuthedRequest, pk: int) -> ReturnRequest:
    return get_object_or_404(access.visible_requests(request.user).select_related("body"), pk=pk)


def _return(request: AuthedRequest, pk: int) -> Return:
    returns = access.visible_returns(request.user).select_related("request", "request__body", "organisation")
    return get_object_or_404(returns, pk=pk)


def _answerable(request: AuthedRequest, pk: int) -> Return:
    record = _return(request, pk)
    if not access.can_answer_return(request.user, record):
        raise Http404("Not available")
    return record


def _step(request: AuthedRequest, on_error: Callable[[list[str]], HttpResponse], step: Callable[[int], Any]) -> Any:
    """Run one guarded change with the page's version; refusals become a 404, bad input the page again."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        return on_error(["Reload the page and try again."])
    try:
        return step(form.cleaned_data["version"])
    except PermissionDenied as denied:
        raise Http404("Not available") from denied
    except ValidationError as error:
        return on_error(error.messages)


# Requests


def request_list(request: AuthedRequest) -> HttpResponse:
    requests = access.visible_requests(request.user).select_related("body").prefetch_related("returns")
    own = access.answering_organisation_ids(request.user)
    returns = access.visible_returns(request.user).for_organisations(own).select_related("request", "organisation")
    reminders = Reminder.objects.filter(return_record__in=returns.awaiting_answer()).select_related(
        "return_record__request", "return_record__organisation"
    )
    context = {
        "requests": requests[:200],
        "returns": returns.order_by("-request__created_at")[:200],
        "reminders": reminders[:20],
        "can_create": access.can_create_requests(request.user),
    }
    return render(request, "returns/requests.html", context)


def new_request(request: AuthedRequest) -> HttpResponse:
    if not access.can_create_requests(request.user):
        raise Http404("Not available")
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_request(request.user, form.draft())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Request created as a draft. Add any questions of your own, then send it.")
            return redirect("returns:request", pk=created.pk)
    return render(request, "returns/request_form.html", {"form": form}, status=400 if form.errors else 200)


def tracker(record_request: ReturnRequest) -> dict[str, Any]:
    """Who has answered: counts by state, and one row per organisation with its submitted date and lateness."""
    today = timezone.localdate()
    returns = list(record_request.returns.select_related("organisation").order_by("organisation__name"))
    for record in returns:
        record.request = record_request
    counts = Counter(record.status for record in returns)
    answered = sum(1 for record in returns if record.has_answered)
    return {
        "rows": [(record, record.days_late(today)) for record in returns],
        "counts": [(status.label, counts.get(status.value, 0)) for status in ReturnStatus],
        "answered": answered,
        "total": len(returns),
        "late": sum(1 for record in returns if not record.has_answered and record.days_late(today)),
    }


def request_detail(
    request: AuthedRequest, pk: int, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    record_request = _request(request, pk)
    context: dict[str, Any] = {
        "req": record_request,
        "questions": record_request.questions.all(),
        "items": record_request.items.select_related("report"),
        "asked": record_request.organisations.count(),
        "errors": errors or [],
        "question_form": QuestionForm(initial={"version": record_request.version}) if record_request.is_draft else None,
        "transitions": record_request.transitions.select_related("by"),
        "close_form": record_request.status == RequestStatus.SENT,
    }
    if not record_request.is_draft:
        context["tracker"] = tracker(record_request)
        context["structured"] = structured_counts(record_request)
    return render(request, "returns/request.html", context, status=status)


def edit_request(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a draft's title, deadline, introduction or recipients; a sent request's stay as sent."""
    record_request = _request(request, pk)
    if not record_request.is_draft:
        messages.error(request, "This request has been sent: its details can no longer change.")
        return redirect("returns:request", pk=record_request.pk)
    initial = {
        "title": record_request.title, "introduction": record_request.introduction,
        "deadline": record_request.deadline, "recipients": record_request.recipients,
        "organisations": list(record_request.organisations.values_list("pk", flat=True)),
        "version": record_request.version,
    }  # fmt: skip
    form = RequestDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(record_request, request.user, form.cleaned_data["version"], form.changes())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Request details saved.")
            return redirect("returns:request", pk=record_request.pk)
    context = {"form": form, "req": record_request}
    return render(request, "returns/request_edit.html", context, status=400 if form.errors else 200)


@require_POST
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Sent -> closed, with an optional reason; errors are shown on the request page."""
    record_request = _request(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return request_detail(request, pk, errors=errors, status=400)
    try:
        services.close_request(record_request, request.user, form.cleaned_data["version"], form.cleaned_data["reason"])
    except PermissionDenied as denied:
        raise Http404("Not available") from denied
    except ValidationError as error:
        return request_detail(request, pk, errors=error.messages, status=400)
    messages.success(request, "Request closed: its returns take no more answers, submissions or clarifications.")
    return redirect("returns:request", pk=record_request.pk)


def add_question(request: AuthedRequest, pk: int) -> HttpResponse:
    record_request = _request(request, pk)
    form = QuestionForm(request.POST or None, initial={"version": record_request.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(record_request, request.user, form.cleaned_data["version"], form.draft())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Question added.")
            return redirect("returns:request", pk=record_request.pk)
    context = {"form": form, "req": record_request}
    return render(request, "returns/question_form.html", context, status=400 if form.errors else 200)


@require_POST
def remove_question(request: AuthedRequest, pk: int, question: int) -> HttpResponse:
    record_request = _request(request, pk)

    def step(version: int) -> HttpResponse:
        services.remove_question(record_request, request.user, version, question)
        messages.success(request, "Question removed.")
        return redirect("returns:request", pk=record_request.pk)

    return _step(request, lambda errors: request_detail(request, pk, errors=errors, status=400), step)


@require_POST
def send(request: AuthedRequest, pk: int) -> HttpResponse:
    record_request = _request(request, pk)

    def step(version: int) -> HttpResponse:
        sent = services.send_request(record_request, request.user, version)
        messages.success(request, f"Request sent to {sent.returns.count()} organisations.")
        return redirect("returns:request", pk=record_request.pk)

    return _step(request, lambda errors: request_detail(request, pk, errors=errors, status=400), step)


# Returns


def return_detail(
    request: AuthedRequest, pk: int, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    record = _return(request, pk)
    answers = {answer.question_id: answer for answer in record.answers.all()}
    questions = list(record.request.questions.all())
    points = record.open_points()
    context = {
        "record": record,
        "req": record.request,
        "rows": [(q, answers.get(q.pk), [p for p in points if p.question_id == q.pk]) for q in questions],
        "overall_points": [p for p in points if p.question_id is None],
        "versions": record.versions.select_related("submitted_by"),
        "transitions": record.transitions.select_related("by"),
        "reminders": record.reminders.all()[:5],
        "can_answer": access.can_answer_return(request.user, record),
        "can_manage": access.can_manage_request(request.user, record.request),
        "days_late": record.days_late(),
        "errors": errors or [],
    }
    return render(request, "returns/return.html", context, status=status)


def answer(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _answerable(request, pk)
    if record.request.is_closed:
        messages.error(request, "This request was closed: it takes no more answers.")
        return redirect("returns:return", pk=record.pk)
    if not record.is_editable:
        messages.error(request, "This return was submitted: it changes only if it is returned for clarification.")
        return redirect("returns:return", pk=record.pk)
    form = AnswersForm(request.POST or None, request.FILES or None, initial={"version": record.version}, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(record, request.user, form.cleaned_data["version"], form.answers(), form.uploads())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Answers saved. Submit the return when it is ready.")
            return redirect("returns:return", pk=record.pk)
    context = {"form": form, "record": record, "req": record.request, "points": record.open_points()}
    return render(request, "returns/answer_form.html", context, status=400 if form.errors else 200)


def prefill_return(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _answerable(request, pk)
    form = PrefillForm(request.POST or None, request.FILES or None, initial={"version": record.version})
    if request.method == "POST" and form.is_valid():
        try:
            found = prefill.prefill_from_document(
                record, request.user, form.cleaned_data["version"], form.cleaned_data["file"]
            )
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            filled = ", ".join(found.because.values())
            text = (
                f"Filled from the document: {filled}. Check each answer before you submit."
                if found.answers
                else ("The document did not answer any question that is still empty: nothing was changed.")
            )
            messages.success(request, text)
            return redirect("returns:answer", pk=record.pk)
    context = {"form": form, "record": record, "req": record.request}
    return render(request, "returns/prefill_form.html", context, status=400 if form.errors else 200)


def _return_step(request: AuthedRequest, pk: int, change: Callable[[Return, int], Return], done: str) -> HttpResponse:
    record = _return(request, pk)

    def step(version: int) -> HttpResponse:
        change(record, version)
        messages.success(request, done)
        return redirect("returns:return", pk=record.pk)

    return _step(request, lambda errors: return_detail(request, pk, errors=errors, status=400), step)


@require_POST
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    submit_it = lambda record, version: services.submit_return(record, request.user, version)  # noqa: E731
    return _return_step(request, pk, submit_it, "Return submitted.")


@require_POST
def resubmit(request: AuthedRequest, pk: int) -> HttpResponse:
    resubmit_it = lambda record, version: services.resubmit_return(record, request.user, version)  # noqa: E731
    return _return_step(request, pk, resubmit_it, "Return resubmitted.")


def clarify(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _return(request, pk)
    if not access.can_return_for_clarification(request.user, record):
        raise Http404("Not available")
    form = ClarificationForm(request.POST or None, initial={"version": record.version}, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_for_clarification(record, request.user, form.cleaned_data["version"], form.points())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Return sent back to {record.organisation.name} for clarification.")
            return redirect("returns:return", pk=record.pk)
    latest = record.latest_version()
    context = {
        "form": form,
        "record": record,
        "req": record.request,
        "version": latest,
        "answers": _version_rows(latest),
    }
    return render(request, "returns/clarify_form.html", context, status=400 if form.errors else 200)


def _version_rows(version: ReturnVersion | None) -> list[Any]:
    if version is None:
        return []
    return list(version.answers.select_related("question"))


def version_detail(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    record = _return(request, pk)
    version = get_object_or_404(record.versions.select_related("submitted_by"), number=number)
    context = {
        "record": record,
        "req": record.request,
        "version": version,
        "answers": _version_rows(version),
        "points": version.clarification_points.select_related("question"),
    }
    return render(request, "returns/version.html", context)


def evidence(request: AuthedRequest, pk: int, question: int) -> FileResponse:
    """The file attached as the working answer to a question of the return."""
    record = _return(request, pk)
    answer = get_object_or_404(record.answers.exclude(file=""), question_id=question)
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=answer.file_name)


def version_evidence(request: AuthedRequest, pk: int, number: int, question: int) -> FileResponse:
    """The file as submitted in a version."""
    record = _return(request, pk)
    version = get_object_or_404(record.versions, number=number)
    answer = get_object_or_404(version.answers.exclude(file=""), question_id=question)
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=answer.file_name)


urlpatterns = [
    path("", request_list, name="requests"),
    path("new/", new_request, name="new"),
    path("<int:pk>/", request_detail, name="request"),
    path("<int:pk>/questions/add/", add_question, name="add_question"),
    path("<int:pk>/questions/<int:question>/remove/", remove_question, name="remove_question"),
    path("<int:pk>/send/", send, name="send"),
    path("<int:pk>/edit/", edit_request, name="edit"),
    path("<int:pk>/close/", close, name="close"),
    path("return/<int:pk>/", return_detail, name="return"),
    path("return/<int:pk>/answer/", answer, name="answer"),
    path("return/<int:pk>/prefill/", prefill_return, name="prefill"),
    path("return/<int:pk>/submit/", submit, name="submit"),
    path("return/<int:pk>/resubmit/", resubmit, name="resubmit"),
    path("return/<int:pk>/clarify/", clarify, name="clarify"),
    path("return/<int:pk>/versions/<int:number>/", version_detail, name="version"),
    path("return/<int:pk>/evidence/<int:question>/", evidence, name="evidence"),
    path("return/<int:pk>/versions/<int:number>/evidence/<int:question>/", version_evidence, name="version_evidence"),
]

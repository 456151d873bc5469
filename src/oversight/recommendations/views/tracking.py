"""A tracking record's page and the forms that change it, each through one service function.

Everyone who can see the record reads the page; each action page answers 404 to anyone the
access rules do not allow to take it, so neither the record nor the action leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from oversight.accounts.sessions import posted, requires_fresh_second_factor
from oversight.audit.history import history_for
from oversight.forms import add_service_error
from oversight.lib.rag import RULE_IN_WORDS
from oversight.request import AuthedRequest

from .. import access, services
from ..filters import Row
from ..forms import (
    DueDateCorrectionForm,
    EvidenceForm,
    EvidenceVersionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    HmicfrsStatusForm,
    RagOverrideForm,
    ReviewForm,
    SignoffForm,
    TrackingEditForm,
    UpdateForm,
    WorkStatusForm,
)
from ..history import history_in_words
from ..models import (
    Evidence,
    EvidenceKind,
    ExtensionDecision,
    ExtensionRequest,
    TrackingRecord,
    TransitionAction,
)

Data = dict[str, Any]

# The sign-off steps as buttons say them; the transition rows keep the past-tense labels.
STEP_BUTTONS = {
    TransitionAction.SUBMIT: "Submit for sign-off",
    TransitionAction.RETURN_TO_OWNER: "Return to the owner",
    TransitionAction.PASS_TO_HMICFRS: "Submit to HMICFRS",
    TransitionAction.SIGN_OFF: "Sign off",
    TransitionAction.RETURN_FROM_HMICFRS: "Return to the force",
}


def _record(request: AuthedRequest, pk: int) -> TrackingRecord:
    records = access.visible_tracking_records(request.user).with_related()
    return get_object_or_404(records.select_related("item__cause_of_concern"), pk=pk)


def tracking_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    user = request.user
    context = {
        "record": record,
        "item": record.item,
        "row": Row.of(record, timezone.localdate()),
        "suggestion": record.suggested_rag(),
        "rag_change": record.current_rag_change(),
        "permissions": access.tracking_permissions(user, record),
        "signoff_actions": [(action, STEP_BUTTONS[action]) for action in services.allowed_actions(user, record)],
        "updates": record.updates.select_related("author"),
        "evidence": record.evidence.select_related("added_by").prefetch_related("versions__uploaded_by"),
        "extensions": record.extensions.select_related("requested_by", "decided_by"),
        "reviews": record.reviews.select_related("reviewed_by"),
        "transitions": record.transitions.select_related("by").order_by("-at", "-pk"),
        "hmicfrs_history": record.hmicfrs_history.select_related("recorded_by"),
        "linked_recommendations": record.item.recommendations.all(),
    }
    return render(request, "recommendations/tracking.html", context)


def tracking_history(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    entries = history_for(
        (TrackingRecord, [record.pk]),
        (Evidence, list(record.evidence.values_list("pk", flat=True))),
        (ExtensionRequest, list(record.extensions.values_list("pk", flat=True))),
    )
    context = {"record": record, "entries": history_in_words(record, entries)}
    return render(request, "recommendations/tracking_history.html", context)


# One pattern for every action page: check, parse, call the service, re-render on a clear error.


@dataclass
class Action:
    title: str
    button: str
    done: str
    form: forms.Form
    perform: Callable[[Data], object]
    hint: str = ""
    context: Data = field(default_factory=dict)
    field_map: dict[str, str] = field(default_factory=dict)


def _run(request: AuthedRequest, record: TrackingRecord, action: Action) -> HttpResponse:
    form = action.form
    if request.method == "POST" and form.is_valid():
        try:
            action.perform(form.cleaned_data)
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error, action.field_map)
        else:
            messages.success(request, action.done)
            return redirect("recommendations:tracking", pk=record.pk)
    context = {"record": record, "action": action, "form": form, **action.context}
    status = 400 if request.method == "POST" else 200
    return render(request, "recommendations/tracking_action.html", context, status=status)


def _bound(request: AuthedRequest, form_class: type[forms.Form], initial: Data, **kwargs: Any) -> forms.Form:
    if request.method == "POST":
        return form_class(request.POST, request.FILES, initial=initial, **kwargs)
    return form_class(initial=initial, **kwargs)


def _allowed(record: TrackingRecord, user: User, check: Callable[[User, TrackingRecord], bool]) -> None:
    if not check(user, record):
        raise Http404("Not available")


def post_update(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_contribute)
    form = _bound(request, UpdateForm, {"version": record.version})
    return _run(request, record, Action(
        "Post a progress update", "Post update", "Progress update posted.", form,
        lambda data: services.post_update(record, user, data["text"], version=data["version"]),
    ))  # fmt: skip


def add_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_contribute)
    form = _bound(request, EvidenceForm, {})
    return _run(request, record, Action(
        "Add evidence", "Add evidence", "Evidence added.", form,
        lambda data: services.add_evidence(
            record, user, title=data["title"], effective_on=data["effective_on"], description=data["description"],
            url=data["url"], upload=data["file"],
        ),
        hint="A link to where the evidence is kept, or a file. Files are checked for type and size.",
    ))  # fmt: skip


def add_evidence_version(request: AuthedRequest, pk: int, evidence_pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_contribute)
    evidence = get_object_or_404(record.evidence, pk=evidence_pk, kind=EvidenceKind.FILE)
    form = _bound(request, EvidenceVersionForm, {})
    return _run(request, record, Action(
        f"Upload a new version of {evidence.title}", "Upload new version", "New version uploaded.", form,
        lambda data: services.add_evidence_version(evidence, user, data["file"]),
        hint="Earlier versions are kept.",
    ))  # fmt: skip


def download_evidence(request: AuthedRequest, pk: int, evidence_pk: int, version_pk: int) -> FileResponse:
    version = get_object_or_404(
        access.visible_evidence_versions(request.user), pk=version_pk, evidence_id=evidence_pk, evidence__tracking_id=pk
    )
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@requires_fresh_second_factor(when=posted)  # a sign-off step asks for the factor again (ASVS 4.0.3 V3.7.1)
def signoff(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    record, user = _record(request, pk), request.user
    if step not in services.RULES or step not in services.allowed_actions(user, record):
        raise Http404("Not available")
    action = TransitionAction(step)
    needs_reason = services.RULES[step].needs_reason
    form = _bound(request, SignoffForm, {"version": record.version}, needs_reason=needs_reason)
    return _run(request, record, Action(
        STEP_BUTTONS[action], STEP_BUTTONS[action], f"{action.label}.", form,
        lambda data: services.transition(record, user, step, data["reason"], data["version"]),
    ))  # fmt: skip


def change_status(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_change_work_status)
    form = _bound(request, WorkStatusForm, {"version": record.version, "status": record.status})
    return _run(request, record, Action(
        "Change the work status", "Change status", "Status changed.", form,
        lambda data: services.set_work_status(record, user, data["status"], data["note"], version=data["version"]),
    ))  # fmt: skip


def request_extension(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_contribute)
    form = _bound(request, ExtensionRequestForm, {"version": record.version})
    return _run(request, record, Action(
        "Ask for an extension", "Ask for extension", "Extension requested.", form,
        lambda data: services.request_extension(
            record, user, data["requested_due_on"], data["reason"], version=data["version"]
        ),
        hint="The original due date is kept and the extension counts as a slip if approved.",
    ))  # fmt: skip


def decide_extension(request: AuthedRequest, pk: int, extension_pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_decide_extension)
    extension = get_object_or_404(record.extensions, pk=extension_pk, decision=ExtensionDecision.PENDING)
    form = _bound(request, ExtensionDecisionForm, {"version": record.version})
    return _run(request, record, Action(
        "Decide the extension request", "Record decision", "Decision recorded.", form,
        lambda data: services.decide_extension(
            extension, user, data["decision"] == "approve", data["decision_reason"], version=data["version"]
        ),
        context={"extension": extension},
    ))  # fmt: skip


def override_rag(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_override_rag)
    # The form starts empty: a new rating needs a new reason, never the last override's words.
    form = _bound(request, RagOverrideForm, {"version": record.version})
    context = {"suggestion": record.suggested_rag(), "rule": RULE_IN_WORDS, "rag_change": record.current_rag_change()}
    return _run(request, record, Action(
        "Override the RAG rating", "Save RAG rating", "RAG rating saved.", form,
        lambda data: services.override_rag(record, user, data["rag"], data["reason"], version=data["version"]),
        context=context,
    ))  # fmt: skip


def record_review(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_record_review)
    form = _bound(request, ReviewForm, {"version": record.version, "reviewed_on": timezone.localdate()})
    return _run(request, record, Action(
        "Record the quarterly review", "Record review", "Review recorded.", form,
        lambda data: services.record_review(
            record, user, data["note"], reviewed_on=data["reviewed_on"], version=data["version"]
        ),
        hint="The next review is set three months after this one.",
    ))  # fmt: skip


def record_hmicfrs_status(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_record_hmicfrs_status)
    form = _bound(request, HmicfrsStatusForm, {"version": record.version, "status": record.hmicfrs_status or None})
    return _run(request, record, Action(
        "Record the HMICFRS register status", "Record status", "HMICFRS status recorded.", form,
        lambda data: services.record_hmicfrs_status(
            record, user, data["status"], data["comment"], version=data["version"]
        ),
        hint="A dated entry, as on the inspectorate's own register. The sign-off stage does not change.",
    ))  # fmt: skip


def correct_due_date(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_correct_due_date)
    form = _bound(request, DueDateCorrectionForm, {"version": record.version})
    return _run(request, record, Action(
        "Correct the due date", "Correct due date", "Due date corrected.", form,
        lambda data: services.correct_due_date(
            record, user, data["new_due_on"], data["reason"], version=data["version"]
        ),
        hint="Only to put right a date entered wrongly. A later deadline is an extension: the owner asks, "
        "you decide.",
    ))  # fmt: skip


EDITABLE = ("owner", "portfolio", "next_review_on")


def edit_tracking(request: AuthedRequest, pk: int) -> HttpResponse:
    record, user = _record(request, pk), request.user
    _allowed(record, user, access.can_edit_tracking)
    initial = {"version": record.version, **{name: getattr(record, name) for name in EDITABLE}}
    form = _bound(request, TrackingEditForm, initial, tracking=record)

    def perform(data: Data) -> object:
        changes = {name: data[name] for name in EDITABLE if data[name] != getattr(record, name)}
        if not changes:
            return None
        return services.update_tracking(
            record, user, data["version"], keep_portfolio=data["keep_portfolio"], reason=data["reason"], **changes
        )

    return _run(request, record, Action("Edit owner and review date", "Save changes", "Changes saved.", form, perform))


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", tracking_detail, name="tracking"),
    path("<int:pk>/history/", tracking_history, name="tracking_history"),
    path("<int:pk>/update/", post_update, name="tracking_update"),
    path("<int:pk>/evidence/add/", add_evidence, name="tracking_evidence_add"),
    path("<int:pk>/evidence/<int:evidence_pk>/version/", add_evidence_version, name="tracking_evidence_version"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/versions/<int:version_pk>/download/",
        download_evidence,
        name="tracking_evidence_download",
    ),
    path("<int:pk>/signoff/<str:step>/", signoff, name="tracking_signoff"),
    path("<int:pk>/status/", change_status, name="tracking_status"),
    path("<int:pk>/extension/", request_extension, name="tracking_extension"),
    path("<int:pk>/extension/<int:extension_pk>/decide/", decide_extension, name="tracking_extension_decide"),
    path("<int:pk>/rag/", override_rag, name="tracking_rag"),
    path("<int:pk>/review/", record_review, name="tracking_review"),
    path("<int:pk>/hmicfrs-status/", record_hmicfrs_status, name="tracking_hmicfrs_status"),
    path("<int:pk>/edit/", edit_tracking, name="tracking_edit"),
    path("<int:pk>/due-date/", correct_due_date, name="tracking_due_date"),
]

"""The decisions page of a case (recording, IOPC referral, conduct, deployment, open-case reports)
and the list of reports to the governing body due across the cases a person may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from oversight.request import AuthedRequest

from .. import access, decisions
from ..decision_forms import (
    CaseForm,
    ConductForm,
    DeploymentForm,
    OpenCaseReportForm,
    RecordingForm,
    ReferralForm,
)
from ..models import Case, ReferralOutcome
from ..rules import OPEN_REPORT_SOURCE
from . import allowed, case_or_404

Save = Callable[[Case, User, dict[str, Any]], object]


def _blank_forms(case: Case) -> dict[str, CaseForm]:
    today = timezone.localdate()
    dates = decisions.report_dates_open_to_record(case, today)
    return {
        "recording_form": RecordingForm(case=case),
        "referral_form": ReferralForm(case=case),
        "conduct_form": ConductForm(case=case),
        "deployment_form": DeploymentForm(case=case),
        "report_form": OpenCaseReportForm(case=case, dates=dates),
    }


def _page(request: AuthedRequest, case: Case, status: int = 200, **bound: Any) -> HttpResponse:
    today = timezone.localdate()
    summary = decisions.decisions_summary(case, today)
    context: dict[str, Any] = {
        "case": case,
        "summary": summary,
        "subjects": case.subjects.select_related("person").order_by("pk"),
        "can_decide": access.can_record_decision(request.user, case),
        "can_read_log": access.can_read_log(request.user, case),
        "open_report_source": OPEN_REPORT_SOURCE,
        **_blank_forms(case),
        **bound,
    }
    context |= _referral_context(summary, bound)
    return render(request, "cases/decision_page.html", context, status=status)


def _referral_context(summary: decisions.DecisionsSummary, bound: dict[str, Any]) -> dict[str, Any]:
    """The must-refer warning and its time limit: for the criteria being checked, else for the latest
    decision; once a referral is recorded the warning gives way to the referral."""
    if "ticked" in bound:
        ticked, seen_on = bound["ticked"], bound.get("seen_on")
        return {"must_refer_reasons": decisions.referral_reasons(ticked), "refer_by": _refer_by(ticked, seen_on)}
    latest = summary.latest_referral
    if latest is None or latest.outcome == ReferralOutcome.REFERRED:
        return {"must_refer_reasons": [], "refer_by": None}
    timing = decisions.referral_timing(latest)
    return {
        "must_refer_reasons": decisions.referral_reasons(latest.criteria_met),
        "refer_by": timing.refer_by if timing else None,
    }


def _refer_by(ticked: list[str], seen_on: dt.date | None) -> dt.date | None:
    return decisions.refer_by(seen_on) if seen_on and decisions.must_refer(ticked) else None


@require_GET
def decision_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, case_or_404(request, pk, "decisions page"))


def _decide(request: AuthedRequest, name: str, form: CaseForm, save: Save, done: str) -> HttpResponse:
    case = form.case
    if not form.is_valid():
        return _page(request, case, 400, **{name: form, **_extra(form)})
    try:
        save(case, request.user, form.cleaned_data)
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, case, 400, **{name: form, **_extra(form)})
    messages.success(request, done)
    return redirect("cases:decisions", pk=case.pk)


def _extra(form: CaseForm) -> dict[str, Any]:
    return {"ticked": form.ticked(), "seen_on": form.seen_on_as_typed()} if isinstance(form, ReferralForm) else {}


def _acting_case(request: AuthedRequest, pk: int) -> Case:
    case = case_or_404(request, pk, "decisions page")
    allowed(access.can_record_decision(request.user, case))
    return case


@require_POST
def record_recording(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _acting_case(request, pk)

    def save(case: Case, by: User, data: dict[str, Any]) -> object:
        return decisions.record_recording(case, by, data["recorded_as"], data["reasons"])

    form = RecordingForm(request.POST, case=case)
    return _decide(request, "recording_form", form, save, "The recording decision has been recorded.")


@require_POST
def record_referral(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _acting_case(request, pk)
    form = ReferralForm(request.POST, case=case)
    if request.POST.get("action") == "check":
        # Show the outcome of the checklist without recording anything or raising errors yet.
        return _page(request, case, referral_form=form.unsaved_copy(), checked=True, **_extra(form))

    def save(case: Case, by: User, data: dict[str, Any]) -> object:
        return decisions.record_referral(
            case, by, data["criteria_met"], data["outcome"], data["reasons"], data["iopc_reference"],
            criteria_seen_on=data["criteria_seen_on"],
        )  # fmt: skip

    return _decide(request, "referral_form", form, save, "The referral decision has been recorded.")


@require_POST
def record_conduct(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _acting_case(request, pk)

    def save(case: Case, by: User, data: dict[str, Any]) -> object:
        return decisions.record_conduct_assessment(
            case, by, data["subject"], data["outcome"], data["reasons"], relied_on_criminal=data["relied_on_criminal"]
        )

    form = ConductForm(request.POST, case=case)
    return _decide(request, "conduct_form", form, save, "The conduct assessment has been recorded.")


@require_POST
def record_deployment(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _acting_case(request, pk)

    def save(case: Case, by: User, data: dict[str, Any]) -> object:
        return decisions.record_deployment(
            case, by, data["subject"], data["deployment"], data["review_on"], data["reasons"]
        )

    form = DeploymentForm(request.POST, case=case)
    return _decide(request, "deployment_form", form, save, "The deployment decision has been recorded.")


@require_POST
def record_open_report(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _acting_case(request, pk)

    def save(case: Case, by: User, data: dict[str, Any]) -> object:
        return decisions.record_open_case_report(
            case, by, data["due_on"], data["reasons_still_open"], data["next_steps"]
        )

    dates = decisions.report_dates_open_to_record(case, timezone.localdate())
    form = OpenCaseReportForm(request.POST, case=case, dates=dates)
    return _decide(request, "report_form", form, save, "The report to the governing body has been recorded.")


@require_GET
def reports_due(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    due = decisions.reports_due(request.user, today)
    context = {"due": due, "today": today, "soon_days": decisions.REPORT_DUE_SOON_DAYS}
    context["open_report_source"] = OPEN_REPORT_SOURCE
    return render(request, "cases/decision_reports_due.html", context)


urlpatterns = [
    path("<int:pk>/decisions/", decision_page, name="decisions"),
    path("<int:pk>/decisions/recording/", record_recording, name="decision_recording"),
    path("<int:pk>/decisions/referral/", record_referral, name="decision_referral"),
    path("<int:pk>/decisions/conduct/", record_conduct, name="decision_conduct"),
    path("<int:pk>/decisions/deployment/", record_deployment, name="decision_deployment"),
    path("<int:pk>/decisions/open-report/", record_open_report, name="decision_open_report"),
    path("reports-due/", reports_due, name="reports_due"),
]

"""The recommendation 1 audit (list, start, score, findings, report as page, PDF and DOCX) and dip
samples for the governing body's reviewers, who see masked summaries and never the cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight.audit.models import log_read
from oversight.lib.office import DOCX_CONTENT_TYPE
from oversight.request import AuthedRequest

from .. import access, audits, rendering
from ..decision_forms import (
    AuditEntryForm,
    DipFindingForm,
    DipSampleForm,
    FindingsForm,
    StartAuditForm,
    VersionForm,
)
from ..models import CaseAudit, CaseAuditEntry, DipSample, DipSampleEntry
from ..rules import AUDIT_CHECKLIST
from . import refusals_alert

# Audits


def _require_lead(request: AuthedRequest) -> None:
    if not access.can_run_audit(request.user):
        raise Http404


def _audit(request: AuthedRequest, pk: int) -> CaseAudit:
    return get_object_or_404(access.visible_audits(request.user).select_related("force"), pk=pk)


@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    _require_lead(request)
    context = {
        "audits": access.visible_audits(request.user).select_related("force"),
        "samples": access.visible_dip_samples(request.user).select_related("force", "reviewing_body"),
    }
    return render(request, "cases/audit_list.html", context)


@require_http_methods(["GET", "POST"])
def audit_new(request: AuthedRequest) -> HttpResponse:
    _require_lead(request)
    form = StartAuditForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            audit = audits.start_audit(form.cleaned_data["force"], form.cleaned_data["as_of"], request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Audit started with {audit.entries.count()} cases.")  # only cases they may see
            return redirect("cases:audit", pk=audit.pk)
    status = 400 if form.is_bound else 200
    return render(request, "cases/audit_new.html", {"form": form}, status=status)


def _audit_page(request: AuthedRequest, audit: CaseAudit, form: FindingsForm | None = None, status: int = 200) -> Any:
    initial: dict[str, Any] = {"version": audit.version, "findings": audit.findings}
    initial |= {f"improvement_{key}": text for key, text in audit.improvements.items()}
    context = {
        "report": audits.build_report(audit, request.user),
        "checklist": list(AUDIT_CHECKLIST.values()),
        "can_edit": access.can_edit_audit(request.user, audit),
        "form": form or FindingsForm(initial=initial),
        "finalise_form": VersionForm(initial={"version": audit.version}),
    }
    return render(request, "cases/audit_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    log_read(request.user, audit, "audit report")
    if request.method != "POST":
        return _audit_page(request, audit)
    form = FindingsForm(request.POST)
    if not access.can_edit_audit(request.user, audit):
        raise Http404
    if not form.is_valid():
        return _audit_page(request, audit, form, 400)
    try:
        audits.save_findings(
            audit, request.user, form.cleaned_data["version"], form.cleaned_data["findings"], form.improvements()
        )
    except ValidationError as error:  # a stale version among them: nothing saved, input kept
        form.add_error(None, error)
        return _audit_page(request, audit, form, 400)
    messages.success(request, "The findings have been saved.")
    return redirect("cases:audit", pk=audit.pk)


@require_POST
def audit_finalise(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = VersionForm(request.POST)
    if not access.can_edit_audit(request.user, audit):
        raise Http404
    try:
        if not form.is_valid():
            raise ValidationError("Reload the page and try again.")
        audits.finalise_audit(audit, request.user, form.cleaned_data["version"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("cases:audit", pk=audit.pk)
    messages.success(request, "The audit is final.")
    return redirect("cases:audit", pk=audit.pk)


def _case_of(model: type[CaseAuditEntry] | type[DipSampleEntry], pk: int) -> int | None:
    """The case an audit or dip-sample entry is about, for the refusal's alert."""
    return model.objects.filter(pk=min(pk, access.LARGEST_ID)).values_list("case_id", flat=True).first()


def _entry(request: AuthedRequest, pk: int, entry_pk: int) -> CaseAuditEntry:
    audit = _audit(request, pk)
    entries = access.visible_audit_entries(request.user, audit).select_related("case", "audit__force")
    return get_object_or_404(entries, pk=entry_pk)


def _hints(suggestions: dict[str, audits.Suggestion]) -> dict[str, str]:
    return {key: f"Suggested from the case record: {s.score.label}. {s.why}" for key, s in suggestions.items()}


def _entry_page(request: AuthedRequest, entry: CaseAuditEntry, form: AuditEntryForm | None, status: int) -> Any:
    suggestions = audits.suggested_scores(entry.case)
    if form is None:
        initial: dict[str, Any] = {"version": entry.audit.version, "notes": entry.notes}
        initial["action_needed"] = entry.action_needed
        for key in AUDIT_CHECKLIST:
            initial[f"score_{key}"] = entry.scores.get(key) or (suggestions[key].score if key in suggestions else "")
        form = AuditEntryForm(initial=initial, suggestions=_hints(suggestions))
    context = {
        "entry": entry,
        "case": entry.case,
        "audit": entry.audit,
        "form": form,
        "can_edit": access.can_edit_audit(request.user, entry.audit),
        "suggested": [AUDIT_CHECKLIST[key] for key in suggestions if key not in entry.scores],
        "closed": audits.closed_by(entry.case, entry.audit.as_of),
    }
    return render(request, "cases/audit_entry.html", context, status=status)


@require_http_methods(["GET", "POST"])
def audit_entry(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    with refusals_alert(request, lambda: _case_of(CaseAuditEntry, entry_pk), "an audit entry"):
        entry = _entry(request, pk, entry_pk)
    log_read(request.user, entry.case, "audit entry")
    if request.method != "POST":
        return _entry_page(request, entry, None, 200)
    if not access.can_edit_audit(request.user, entry.audit):
        raise Http404
    form = AuditEntryForm(request.POST, suggestions=_hints(audits.suggested_scores(entry.case)))
    if not form.is_valid():
        return _entry_page(request, entry, form, 400)
    data = form.cleaned_data
    try:
        audits.score_entry(entry, request.user, data["version"], form.scores(), data["notes"], data["action_needed"])
    except ValidationError as error:
        form.add_error(None, error)
        return _entry_page(request, entry, form, 400)
    messages.success(request, f"{entry.case.reference} scored.")
    return redirect("cases:audit", pk=entry.audit_id)


def _report_file(request: AuthedRequest, pk: int, what: str) -> tuple[CaseAudit, audits.AuditReport]:
    audit = _audit(request, pk)
    log_read(request.user, audit, what, route="export")
    return audit, audits.build_report(audit, request.user)


def _filename(audit: CaseAudit, suffix: str) -> str:
    return f"ppda-audit-{audit.force.slug}-{audit.as_of:%Y-%m-%d}.{suffix}"


@require_GET
def audit_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    audit, report = _report_file(request, pk, "audit report PDF")
    output = HttpResponse(rendering.audit_pdf(report), content_type="application/pdf")
    output["Content-Disposition"] = f'inline; filename="{_filename(audit, "pdf")}"'
    return output


@require_GET
def audit_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    audit, report = _report_file(request, pk, "audit report DOCX")
    output = HttpResponse(rendering.audit_docx(report), content_type=DOCX_CONTENT_TYPE)
    output["Content-Disposition"] = f'attachment; filename="{_filename(audit, "docx")}"'
    return output


# Dip samples


def _sample(request: AuthedRequest, pk: int) -> DipSample:
    samples = access.visible_dip_samples(request.user).select_related("force", "reviewing_body", "drawn_by")
    return get_object_or_404(samples, pk=pk)


@require_GET
def dip_list(request: AuthedRequest) -> HttpResponse:
    if not access.can_run_audit(request.user) and not access.reviewing_body_ids(request.user):
        raise Http404
    samples = access.visible_dip_samples(request.user).select_related("force", "reviewing_body")
    return render(request, "cases/dip_list.html", {"samples": samples})


@require_http_methods(["GET", "POST"])
def dip_new(request: AuthedRequest) -> HttpResponse:
    _require_lead(request)
    form = DipSampleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sample = audits.draw_dip_sample(
                data["force"], data["period_start"], data["period_end"], data["size"], data["seed"], request.user
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Sample drawn with seed {sample.seed}.")
            return redirect("cases:dip", pk=sample.pk)
    return render(request, "cases/dip_new.html", {"form": form}, status=400 if form.is_bound else 200)


def _dip_page(request: AuthedRequest, sample: DipSample, bound: DipSampleEntry | None = None, form: Any = None) -> Any:
    reviewer = access.can_review_dip_sample(request.user, sample)
    rows = [
        (
            entry,
            form if entry == bound else DipFindingForm(prefix=f"e{entry.pk}"),
            "" if reviewer else entry.case.reference,
            label,
        )
        for label, entry in access.numbered_dip_entries(request.user, sample)
    ]
    context = {
        "sample": sample,
        "rows": rows,
        "reviewer": reviewer,
        "bad_form": form,
    }
    return render(request, "cases/dip_detail.html", context, status=400 if form is not None else 200)


@require_GET
def dip_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    sample = _sample(request, pk)
    log_read(request.user, sample, "dip sample")
    return _dip_page(request, sample)


@require_POST
def dip_finding(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    with refusals_alert(request, lambda: _case_of(DipSampleEntry, entry_pk), "a dip-sample entry"):
        sample = _sample(request, pk)
        entry = get_object_or_404(access.visible_dip_entries(request.user, sample), pk=entry_pk)
        if not access.can_review_dip_sample(request.user, sample):
            raise Http404
    form = DipFindingForm(request.POST, prefix=f"e{entry.pk}")
    if not form.is_valid():
        return _dip_page(request, sample, entry, form)
    try:
        audits.record_dip_finding(entry, request.user, form.cleaned_data["finding"])
    except ValidationError as error:
        form.add_error(None, error)
        return _dip_page(request, sample, entry, form)
    label = next(label for label, seen in access.numbered_dip_entries(request.user, sample) if seen == entry)
    messages.success(request, f"Finding on {label} recorded.")
    return redirect("cases:dip", pk=sample.pk)


urlpatterns = [
    path("audits/", audit_list, name="audit_list"),
    path("audits/new/", audit_new, name="audit_new"),
    path("audits/<int:pk>/", audit_detail, name="audit"),
    path("audits/<int:pk>/finalise/", audit_finalise, name="audit_finalise"),
    path("audits/<int:pk>/entries/<int:entry_pk>/", audit_entry, name="audit_entry"),
    path("audits/<int:pk>/audit.pdf", audit_pdf, name="audit_pdf"),
    path("audits/<int:pk>/audit.docx", audit_docx, name="audit_docx"),
    path("dip-samples/", dip_list, name="dip_list"),
    path("dip-samples/new/", dip_new, name="dip_new"),
    path("dip-samples/<int:pk>/", dip_detail, name="dip"),
    path("dip-samples/<int:pk>/entries/<int:entry_pk>/", dip_finding, name="dip_finding"),
]

"""The retention pages: the review list, erasing a closed case, an ended measure, a leaver's register
entry, a document read in or old sign-in attempts, and subject access.

Every page asks retention/access.py first (and a case goes through the cases app's own lookup,
which logs the read and alerts on an excluded person's try); anyone refused gets the 404 of a page
that does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight.accounts.models import LoginAttempt
from oversight.cases import access as cases_access
from oversight.cases.views import allowed, case_or_404
from oversight.forms import add_service_error
from oversight.ingest import access as ingest_access
from oversight.protection import access as protection_access
from oversight.protection import services as protection_services
from oversight.protection.models import Measure
from oversight.request import AuthedRequest
from oversight.workforce import access as workforce_access
from oversight.workforce.models import Person

from . import access, services
from .forms import EraseForm, SubjectAccessForm
from .rules import RecordType, rules
from .subject_access import subject_access_export


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    allowed(access.can_review_retention(request.user))
    today = timezone.localdate()
    sign_ins = None
    if access.can_erase_sign_ins(request.user):
        cutoff = access.kept_until(RecordType.SIGN_IN, today)
        sign_ins = LoginAttempt.objects.filter(attempted_at__date__lte=cutoff).count()
    context = {
        "rules": rules(),
        "cases": list(access.cases_due(request.user, today).order_by("closed_on", "reference")[:200]),
        "leads_cases": access.leads_cases(request.user),
        "records_measures": access.records_measures(request.user),
        "measures": list(access.measures_due(request.user, today).select_related("measure_type")[:200]),
        "keeps_registers": access.keeps_registers(request.user),
        "leavers": list(
            access.leavers_due(request.user, today).select_related("force").order_by("left_on", "pk")[:200]
        ),
        "reviews_documents": access.reviews_documents(request.user),
        "documents": list(access.documents_due(request.user, today).order_by("counted_from", "pk")[:200]),
        "sign_ins_due": sign_ins,
        "form": EraseForm(),
        "subject_access": access.can_export_subject_access(request.user),
    }
    return render(request, "retention/index.html", context)


@dataclass(frozen=True)
class ErasePage:
    """What one erase page says about its kind of record; the page itself is the same for each."""

    noun: str
    heading: str
    counted_from: str
    due_text: str
    not_started: str
    button: str
    prefix: str = ""  # before the record's name in the message once deleted


@dataclass(frozen=True)
class Due:
    """Whether the record may be deleted now, from which day, and the day its period counts from."""

    now: bool
    on: dt.date | None
    counted: dt.date | None


def _erase_page(
    request: AuthedRequest, record: object, page: ErasePage, due: Due, erase: Callable[[str], None]
) -> HttpResponse:
    """The record's retention: when it falls due, and once due, deleting it with a reason through `erase`
    (a guarded function of services.py, which judges again whether it is due and who may)."""
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erase(form.cleaned_data["reason"])
        except PermissionDenied:
            form.add_error(None, f"This {page.noun} has not reached the end of its retention period")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{page.prefix}{record} deleted. The audit trail records that it was, and why.")
            return redirect("retention:index")
    context = {"record": record, "page": page, "form": form, "due": due}
    return render(request, "retention/erase_record.html", context, status=400 if request.method == "POST" else 200)


CASE_PAGE = ErasePage(
    noun="case",
    heading="Delete this case?",
    counted_from="Closed on",
    due_text=(
        "The case, its parties, allegations, decisions, team and the victim's record are deleted, and the change "
        "trail of each with them. The audit trail keeps that the case existed and was deleted, by you and why. "
        "Reads of it and alerts about it stay."
    ),
    not_started="It is open: its retention period starts when it closes.",
    button="Delete the case",
    prefix="Case ",
)
MEASURE_PAGE = ErasePage(
    noun="measure",
    heading="Delete this protective measure?",
    counted_from="Ended on",
    due_text=(
        "The measure, its conditions, events, breaches and what the victim was told are deleted, and the change "
        "trail of each with them. The audit trail keeps that it existed and was deleted, by you and why."
    ),
    not_started="It has not ended: its retention period starts when it does.",
    button="Delete the measure",
)
LEAVER_PAGE = ErasePage(
    noun="entry",
    heading="Delete this register entry?",
    counted_from="Left on",
    due_text=(
        "The entry, their postings, line management, associations and case involvements are deleted, and the "
        "line-management chains through them are worked out again. The audit trail keeps that the entry existed "
        "and was deleted, by you and why, never what it held."
    ),
    not_started=(
        "They are still serving, or a line-management period of theirs is still open in the register: the "
        "retention period starts when their last posting and period end."
    ),
    button="Delete the entry",
)
DOCUMENT_PAGE = ErasePage(
    noun="document",
    heading="Delete this document and its reading?",
    counted_from="Confirmed or read on",
    due_text=(
        "The stored file, its clean text and its proposals are deleted. Items confirmed from it stay in the "
        "register with their own text; only the link back to the passage goes. The audit trail keeps that it "
        "existed and was deleted, by you and why."
    ),
    not_started="It is still being read: its retention period starts when the reading finishes.",
    button="Delete the document",
)


@require_http_methods(["GET", "POST"])
def erase_case(request: AuthedRequest, case_id: int) -> HttpResponse:
    """A closed case: through the cases app's lookup, then for its PSD lead only."""
    case = case_or_404(request, case_id, "retention review")
    allowed(cases_access.is_psd_lead_for(request.user, case))
    due = Due(
        access.cases_due(request.user, timezone.localdate()).filter(pk=case.pk).exists(),
        access.due_on(case),
        case.closed_on,
    )
    return _erase_page(request, case, CASE_PAGE, due, lambda reason: services.erase_case(case.pk, request.user, reason))


def _recorded_measure(request: AuthedRequest, measure_id: int) -> Measure:
    """The measure through the protection app's own lookup (which logs a refusal and alerts on a try at
    one locked with a case), then only for the force's recorders who may change it."""
    measure = protection_services.read_measure(request.user, measure_id)
    if measure is None:
        protection_services.note_refusal(request.user, Measure, measure_id, "web")
        raise Http404("Not available")
    allowed(protection_access.can_change_measure(request.user, measure))
    return measure


@require_http_methods(["GET", "POST"])
def erase_measure(request: AuthedRequest, measure_id: int) -> HttpResponse:
    """An ended protective measure: through the protection lock, for its force's recorders."""
    measure = _recorded_measure(request, measure_id)
    due = Due(
        access.measures_due(request.user, timezone.localdate()).filter(pk=measure.pk).exists(),
        access.measure_due_on(measure),
        measure.ended_on,
    )
    return _erase_page(
        request, measure, MEASURE_PAGE, due, lambda reason: services.erase_measure(measure.pk, request.user, reason)
    )


@require_http_methods(["GET", "POST"])
def erase_leaver(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A leaver's register entry: for those who administer the force's register, a 404 for anyone else."""
    person = Person.objects.select_related("force").filter(pk=person_id).first()
    allowed(person is not None and workforce_access.can_manage_register(request.user, person.force))
    assert person is not None
    due = Due(
        access.leavers_due(request.user, timezone.localdate()).filter(pk=person.pk).exists(),
        access.leaver_due_on(person),
        access.left_on(person),
    )
    return _erase_page(
        request, person, LEAVER_PAGE, due, lambda reason: services.erase_leaver(person.pk, request.user, reason)
    )


@require_http_methods(["GET", "POST"])
def erase_document(request: AuthedRequest, document_id: int) -> HttpResponse:
    """A document read in: for those who may review its reading, a 404 for anyone else."""
    document = ingest_access.visible_documents(request.user).filter(pk=document_id).first()
    allowed(document is not None and ingest_access.can_review_document(request.user, document))
    assert document is not None
    due = Due(
        access.documents_due(request.user, timezone.localdate()).filter(pk=document.pk).exists(),
        access.document_due_on(document),
        access.document_counted_from(document),
    )
    return _erase_page(
        request, document, DOCUMENT_PAGE, due, lambda reason: services.erase_document(document.pk, request.user, reason)
    )


@require_POST
def erase_sign_ins(request: AuthedRequest) -> HttpResponse:
    allowed(access.can_erase_sign_ins(request.user))
    form = EraseForm(request.POST)
    if form.is_valid():
        erased = services.erase_sign_ins(request.user, form.cleaned_data["reason"])
        messages.success(request, f"{erased} sign-in attempts deleted. The audit trail records that they were.")
        return redirect("retention:index")
    context = {"form": form, "rules": rules(), "cases": [], "sign_ins_due": None, "erase_errors": True}
    return render(request, "retention/index.html", context, status=400)


@require_http_methods(["GET", "POST"])
def subject_access(request: AuthedRequest) -> HttpResponse:
    allowed(access.can_export_subject_access(request.user))
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = User.objects.filter(username__iexact=form.cleaned_data["username"].strip()).first()
        if subject is None:
            form.add_error("username", "There is no login with that username")
        else:
            export = subject_access_export(subject, request.user)
            if request.POST.get("as") == "json":
                return _download(export, subject)
            return render(request, "retention/subject_access_export.html", {"export": export, "subject": subject})
    status = 400 if request.method == "POST" else 200
    return render(request, "retention/subject_access.html", {"form": form}, status=status)


def _download(export: dict[str, object], subject: User) -> HttpResponse:
    response = HttpResponse(json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json")
    name = f"subject-access-{subject.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


app_name = "retention"
urlpatterns = [
    path("", index, name="index"),
    path("cases/<int:case_id>/erase/", erase_case, name="erase_case"),
    path("measures/<int:measure_id>/erase/", erase_measure, name="erase_measure"),
    path("people/<int:person_id>/erase/", erase_leaver, name="erase_leaver"),
    path("documents/<int:document_id>/erase/", erase_document, name="erase_document"),
    path("sign-ins/erase/", erase_sign_ins, name="erase_sign_ins"),
    path("subject-access/", subject_access, name="subject_access"),
]

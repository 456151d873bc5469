"""Pages for reading documents in: upload, the reading's progress, the review, and the passage.

Every document is looked up in the person's scope (`access.visible_documents`): someone outside it
gets the same 404 as for a document that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from . import access, services
from .forms import ActionProposalForm, ItemProposalForm, SplitForm, UploadForm, VersionForm
from .models import Proposal, ProposalKind, ReadingStatus, SourceDocument

app_name = "ingest"

# Characters of clean text shown either side of a passage on the review screen.
CONTEXT = 300


def _document(request: AuthedRequest, pk: int) -> SourceDocument:
    documents = access.visible_documents(request.user).select_related("organisation", "report", "response")
    return get_object_or_404(documents, pk=pk)


def _reviewable(request: AuthedRequest, pk: int) -> SourceDocument:
    document = _document(request, pk)
    if not access.can_review_document(request.user, document):
        raise Http404("Not available")
    return document


def _proposal(request: AuthedRequest, pk: int) -> Proposal:
    proposals = Proposal.objects.filter(document__in=access.visible_documents(request.user))
    proposal = get_object_or_404(proposals.select_related("document", "document__report"), pk=pk)
    if not access.can_review_document(request.user, proposal.document):
        raise Http404("Not available")
    return proposal


def document_list(request: AuthedRequest) -> HttpResponse:
    documents = access.visible_documents(request.user).select_related("organisation", "report", "uploaded_by")
    context = {"documents": documents[:200], "can_upload": access.can_upload_documents(request.user)}
    return render(request, "ingest/documents.html", context)


def upload(request: AuthedRequest) -> HttpResponse:
    if not access.can_upload_documents(request.user):
        raise Http404("Not available")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.store_document(
                request.user, data["file"], kind=data["kind"], organisation=data["organisation"],
                report=data.get("report") if form.new_report() is None else None,
                response=data.get("response"), new_report=form.new_report(),
            )  # fmt: skip
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error, {"title": "new_report_title", "published_on": "new_report_published"})
        else:
            return redirect("ingest:document", pk=document.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "ingest/upload.html", {"form": form}, status=status)


def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    proposals = document.proposals.select_related("item", "response_action")
    context = {
        "document": document,
        "proposals": proposals,
        "can_review": access.can_review_document(request.user, document),
        "status_url": reverse("ingest:status", args=[document.pk]),
        "stalled": document.is_stalled(),
    }
    return render(request, "ingest/document.html", context)


def document_status(request: AuthedRequest, pk: int) -> JsonResponse:
    """What the progress bar polls: the reading's status, in numbers and in words."""
    document = _document(request, pk)
    return JsonResponse(status_of(document))


def status_of(document: SourceDocument) -> dict[str, Any]:
    done, total = document.pages_done, document.pages_total
    words = f"Read {done} of {total} pages" if total else document.get_status_display()
    return {
        "status": document.status,
        "status_text": document.get_status_display(),
        "pages_done": done,
        "pages_total": total,
        "percent": document.percent_done,
        "progress_text": words,
        # A stalled reading ends the polling too: the page then offers to read it again.
        "finished": document.is_finished or document.is_stalled(),
        "failure_reason": document.failure_reason,
    }


@require_POST
def read_again(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _reviewable(request, pk)
    try:
        services.read_again(document, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("ingest:document", pk=document.pk)


def _excerpt(proposal: Proposal) -> dict[str, str]:
    text = proposal.document.text
    start, end = proposal.span_start, proposal.span_end
    before = text[max(0, start - CONTEXT) : start]
    return {
        "before": ("…" if start > CONTEXT else "") + before,
        "passage": text[start:end],
        "after": text[end : end + CONTEXT] + ("…" if end + CONTEXT < len(text) else ""),
    }


def review(request: AuthedRequest, pk: int, *, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    document = _reviewable(request, pk)
    if document.status != ReadingStatus.READ:
        return redirect("ingest:document", pk=document.pk)
    proposals = list(document.proposals.select_related("item", "answers_item", "cause_of_concern"))
    for proposal in proposals:
        proposal.document = document
        proposal.excerpt = _excerpt(proposal)  # type: ignore[attr-defined]
    pending = [p for p in proposals if p.is_pending]
    context = {
        "document": document,
        "proposals": proposals,
        "pending_count": len(pending),
        "last_pending": pending[-1].pk if pending else None,
        "errors": errors or [],
        "confirmed": document.confirmed_at is not None,
    }
    return render(request, "ingest/review.html", context, status=status)


def _review_step(request: AuthedRequest, proposal: Proposal, step: Callable[[int | None], Any]) -> HttpResponse:
    """Run one review change from a button on the review screen, with the page's version."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        return review(request, proposal.document_id, errors=["Reload the page and try again."], status=400)
    try:
        step(form.cleaned_data["version"])
    except PermissionDenied as denied:
        raise Http404("Not available") from denied
    except ValidationError as error:
        return review(request, proposal.document_id, errors=error.messages, status=400)
    return redirect(reverse("ingest:review", args=[proposal.document_id]) + f"#proposal-{proposal.pk}")


@require_POST
def drop(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    return _review_step(request, proposal, lambda version: services.drop_proposal(proposal, request.user, version))


@require_POST
def merge(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    return _review_step(request, proposal, lambda version: services.merge_with_next(proposal, request.user, version))


@require_POST
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _reviewable(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return review(request, pk, errors=["Reload the page and try again."], status=400)
    try:
        confirmed = services.confirm_document(document, request.user, form.cleaned_data["version"])
    except PermissionDenied as denied:
        raise Http404("Not available") from denied
    except ValidationError as error:
        return review(request, pk, errors=error.messages, status=400)
    count = len(confirmed)
    messages.success(request, f"{count} {'entry' if count == 1 else 'entries'} added to the register.")
    return redirect("ingest:document", pk=document.pk)


def _initial(proposal: Proposal) -> dict[str, Any]:
    names = ("item_kind", "reference", "text", "addressees", "deadline_phrase", "due_on", "urgent")
    initial = {name: getattr(proposal, name) for name in names}
    # The due date worked out from a phrase is not offered back as if entered by hand: a new phrase
    # that cannot be read then asks for a date, instead of keeping the old one silently.
    initial["due_on"] = None if proposal.deadline_understood else proposal.due_on
    initial |= {"action_status": proposal.action_status, "answers_item": proposal.answers_item_id}
    return initial | {"version": proposal.document.version}


def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    data = request.POST if request.method == "POST" else None
    form: ItemProposalForm | ActionProposalForm
    if proposal.kind == ProposalKind.ACTION:
        form = ActionProposalForm(data, initial=_initial(proposal), proposal=proposal)
    else:
        form = ItemProposalForm(data, initial=_initial(proposal))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_proposal(proposal, request.user, form.cleaned_data["version"], **form.changes())
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Proposal changed.")
            return redirect(reverse("ingest:review", args=[proposal.document_id]) + f"#proposal-{proposal.pk}")
    context = {"form": form, "proposal": proposal, "excerpt": _excerpt(proposal), "title": "Change the proposal"}
    return render(request, "ingest/proposal_form.html", context, status=400 if request.method == "POST" else 200)


def split(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = SplitForm(request.POST or None, initial={"version": proposal.document.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.split_proposal(proposal, request.user, form.cleaned_data["version"], form.cleaned_data["before"])
        except PermissionDenied as denied:
            raise Http404("Not available") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Proposal split in two.")
            return redirect(reverse("ingest:review", args=[proposal.document_id]) + f"#proposal-{proposal.pk}")
    context = {"form": form, "proposal": proposal, "excerpt": _excerpt(proposal), "title": "Split the proposal"}
    return render(request, "ingest/proposal_form.html", context, status=400 if request.method == "POST" else 200)


def passage(request: AuthedRequest, pk: int) -> HttpResponse:
    """The document's whole clean text with one proposal's passage highlighted and scrolled to."""
    proposals = Proposal.objects.filter(document__in=access.visible_documents(request.user))
    proposal = get_object_or_404(proposals.select_related("document", "item"), pk=pk)
    text = proposal.document.text
    context = {
        "proposal": proposal,
        "document": proposal.document,
        "before": text[: proposal.span_start],
        "passage": text[proposal.span_start : proposal.span_end],
        "after": text[proposal.span_end :],
    }
    return render(request, "ingest/passage.html", context)


urlpatterns = [
    path("", document_list, name="documents"),
    path("read/", upload, name="upload"),
    path("<int:pk>/", document_detail, name="document"),
    path("<int:pk>/status.json", document_status, name="status"),
    path("<int:pk>/read-again/", read_again, name="read_again"),
    path("<int:pk>/review/", review, name="review"),
    path("<int:pk>/confirm/", confirm, name="confirm"),
    path("proposals/<int:pk>/edit/", edit, name="edit"),
    path("proposals/<int:pk>/split/", split, name="split"),
    path("proposals/<int:pk>/merge/", merge, name="merge"),
    path("proposals/<int:pk>/drop/", drop, name="drop"),
    path("proposals/<int:pk>/passage/", passage, name="passage"),
]

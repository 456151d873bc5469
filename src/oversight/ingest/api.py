"""Read endpoints for documents in: the documents of the caller's organisations, their reading
status and their proposals, scoped by `ingest.access` (a document outside it is 404, as if missing)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from oversight.recommendations.api import Pagination
from oversight.recommendations.schemas import ErrorOut, OrganisationRef, ReportRef

from . import access
from .models import Proposal, SourceDocument, SourceDocumentQuerySet

router = Router(tags=["documents"])
REFUSALS = {401: ErrorOut, 404: ErrorOut}


class StatusOut(Schema):
    status: str = Field(description="queued, reading, read or failed")
    pages_done: int = Field(description="Pages read so far")
    pages_total: int = Field(description="Pages in the document, once the reader knows")
    percent: int = Field(description="How far the reading has got, 0 to 100")
    failure_reason: str = Field(description="Why the document could not be read, in words; empty otherwise")

    @staticmethod
    def resolve_percent(obj: SourceDocument) -> int:
        return obj.percent_done


class DocumentOut(StatusOut):
    id: int
    original_name: str = Field(description="The file's name as uploaded, without any folder")
    sha256: str = Field(description="SHA-256 of the file as kept")
    size: int = Field(description="Bytes")
    format: str = Field(description="pdf, docx, html, markdown or text, once read")
    kind: str = Field(description="report, response or register")
    organisation: OrganisationRef
    report: ReportRef | None = None
    response_id: int | None = Field(None, description="The 56-day response, for a response")
    published_on: dt.date | None = Field(None, description="Deadlines are counted from this date")
    uploaded_at: dt.datetime
    confirmed_at: dt.datetime | None = Field(None, description="When its proposals were confirmed into the register")


class ProposalOut(Schema):
    id: int
    kind: str = Field(description="item, action or register_entry")
    decision: str = Field(description="pending, confirmed or dropped")
    item_kind: str = Field(description="cause_of_concern, recommendation or afi; empty for actions")
    reference: str
    text: str
    addressees: list[str] = Field(description="recommendations Addressee values")
    deadline_phrase: str = Field(description="As written")
    due_on: dt.date | None = None
    urgent: bool = Field(description="To act on immediately: urgent, with no due date")
    deadline_understood: bool = Field(description="False: a phrase was found that no rule could read")
    action_status: str = Field(description="intended or taken, for actions")
    span_start: int = Field(description="Where the passage begins in the document's clean text")
    span_end: int = Field(description="Where it ends")
    page: int = Field(description="The page the passage begins on")
    item_id: int | None = Field(None, description="The register item it became, once confirmed")
    cause_of_concern_id: int | None = Field(None, description="The proposal of the cause of concern it sits under")


class DocumentDetailOut(DocumentOut):
    proposals: list[ProposalOut]

    @staticmethod
    def resolve_proposals(obj: SourceDocument) -> list[Proposal]:
        proposals = list(obj.proposals.all())
        for proposal in proposals:
            proposal.document = obj  # the page of each passage, without a query each
        return proposals


def _documents(request: HttpRequest) -> SourceDocumentQuerySet:
    return access.visible_documents(request.user).select_related("organisation", "report")


@router.get("/documents", response=list[DocumentOut], summary="List documents read into the register")
@paginate(Pagination)
def list_documents(request: HttpRequest) -> list[SourceDocument]:
    """Documents of the caller's organisations, newest first, with their reading status."""
    return _documents(request)  # type: ignore[return-value]


@router.get(
    "/documents/{document_id}", response={200: DocumentDetailOut, **REFUSALS}, summary="A document and its proposals"
)
def document_detail(request: HttpRequest, document_id: int) -> SourceDocument:
    return get_object_or_404(_documents(request), pk=document_id)


@router.get("/documents/{document_id}/status", response={200: StatusOut, **REFUSALS}, summary="A document's reading")
def document_status(request: HttpRequest, document_id: int) -> SourceDocument:
    return get_object_or_404(_documents(request), pk=document_id)

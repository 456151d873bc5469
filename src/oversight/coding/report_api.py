"""The summary report in the API (tag `coding report`, under `/api/v1/coding/`): read the report
with its sections, text, quotes and sources; change a section's text at the version last read (409
if someone changed it since). The same people as the pages (`access.can_edit_report`); anyone else
gets 404 whether or not the request or report exists. Mounted beside `coding/api.py` in
`api/urls.py`, with its own tag.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from oversight.forms import DOCUMENT_TEXT, NO_NUL
from oversight.recommendations.schemas import ErrorOut, InvalidOut
from oversight.returns.models import ReturnRequest

from . import access, report_services
from .models import ReportSection, SummaryReport
from .report_rendering import QuoteView, SectionView, SourceRef, report_content

router = Router(tags=["coding report"])
REFUSALS = {401: ErrorOut, 404: ErrorOut}


class SourceOut(Schema):
    number: int = Field(description="The source's number in the report: [1], [2], ...")
    version_id: int = Field(description="The submitted return version")
    return_id: int
    version_number: int
    area: str = Field(description="The organisation that answered")
    url: str = Field(description="The return version's page")


class QuoteOut(Schema):
    area: str
    text: str = Field(description="The passage as submitted, never edited")
    answer_id: int
    start: int
    end: int
    source: int = Field(description="The number of its source")


class SectionOut(Schema):
    id: int
    kind: str = Field(description="introduction, theme or conclusion")
    heading: str
    theme_id: int | None = None
    depth: int
    text: str
    drafted_text: str = Field(description="The text as last drafted from the data")
    edited: bool
    edited_by: str | None = None
    edited_at: dt.datetime | None = None
    version: int
    sources: list[int] = Field(description="The numbers of the sources it rests on")
    quotes: list[QuoteOut]


class SummaryReportOut(Schema):
    id: int
    title: str
    drafted_at: dt.datetime
    version: int
    sections: list[SectionOut]
    sources: list[SourceOut]


class SectionIn(Schema):
    text: str = Field(max_length=DOCUMENT_TEXT, pattern=NO_NUL)
    version: int = Field(description="The section's version as last read")


def _source(ref: SourceRef) -> SourceOut:
    version = ref.version
    return SourceOut(
        number=ref.number, version_id=version.pk, return_id=version.return_record_id,
        version_number=version.number, area=ref.area, url=ref.path,
    )  # fmt: skip


def _quote(view: QuoteView) -> QuoteOut:
    q, number = view.quote, view.source.number
    return QuoteOut(area=q.area, text=q.text, answer_id=q.answer_id, start=q.start, end=q.end, source=number)


def _section(view: SectionView) -> SectionOut:
    s = view.section
    return SectionOut(
        id=s.pk, kind=s.kind, heading=s.heading, theme_id=s.theme_id, depth=s.depth, text=s.text,
        drafted_text=s.drafted_text, edited=s.is_edited, edited_by=s.edited_by.username if s.edited_by else None,
        edited_at=s.edited_at, version=s.version, sources=[r.number for r in view.sources],
        quotes=[_quote(q) for q in view.quotes],
    )  # fmt: skip


def _report(request: HttpRequest, request_id: int) -> SummaryReport:
    found: ReturnRequest = get_object_or_404(access.codable_requests(request.user), pk=request_id)
    report = SummaryReport.objects.filter(request=found).first()
    if report is None or not access.can_edit_report(request.user, found):
        raise Http404("No report")
    return report


def _out(report: SummaryReport) -> SummaryReportOut:
    content = report_content(report)
    return SummaryReportOut(
        id=report.pk, title=report.title, drafted_at=report.drafted_at, version=report.version,
        sections=[_section(v) for v in content.sections], sources=[_source(r) for r in content.sources],
    )  # fmt: skip


@router.get("/requests/{request_id}/report", response={200: SummaryReportOut, **REFUSALS}, summary="The summary report")
def report(request: HttpRequest, request_id: int) -> SummaryReportOut:
    """The saved report: each section's text, quotes and the numbers of the sources it rests on."""
    return _out(_report(request, request_id))


@router.put(
    "/requests/{request_id}/report/sections/{section_id}",
    response={200: SummaryReportOut, **REFUSALS, 400: InvalidOut, 403: ErrorOut, 409: ErrorOut},
    summary="Change a section's text",
)
def edit_section(request: HttpRequest, request_id: int, section_id: int, payload: SectionIn) -> SummaryReportOut:
    """Replace the section's text; 409 if the section changed after `version` was read."""
    found = _report(request, request_id)
    section = get_object_or_404(ReportSection.objects.filter(report=found), pk=section_id)
    report_services.edit_section(section, request.user, payload.version, payload.text)  # type: ignore[arg-type]
    found.refresh_from_db()
    return _out(found)

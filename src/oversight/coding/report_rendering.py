"""The saved summary report as the page shows it, and as PDF (WeasyPrint) and DOCX (python-docx).

All three are built from one `ReportContent`, so they never differ. Each source is a submitted return
version, numbered once for the whole report ([1], [2], ...) in the order of the areas' names: the page
links each number to the version, and the exports end with the list of sources and their addresses.
The returns' words come from outside organisations: the page and the PDF escape them (Django
templates), and python-docx writes them as text, never as markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from docx.document import Document as DocxDocument

from oversight.lib.office import docx_bytes, html_to_pdf, long_date, new_document, set_a4_pages
from oversight.returns.models import ReturnVersion

from .models import ReportQuote, ReportSection, SummaryReport

PDF_CSS = """
@page {
  size: A4;
  margin: 2cm 2cm 2.2cm 2cm;
  @top-right { content: string(body); font: 9pt Arial, sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; }
}
.body { string-set: body content(); font-weight: bold; }
blockquote { margin: 4pt 0 8pt 12pt; padding-left: 8pt; border-left: 2pt solid #b1b4b6; }
.area { font-weight: bold; margin-bottom: 0; }
.refs, .sources { font-size: 9pt; }
"""


@dataclass(frozen=True)
class SourceRef:
    """A return version a statement rests on, with its number in the report."""

    number: int
    version: ReturnVersion

    @property
    def area(self) -> str:
        return self.version.return_record.organisation.name

    @property
    def path(self) -> str:
        record = self.version.return_record_id
        return reverse("returns:version", kwargs={"pk": record, "number": self.version.number})

    @property
    def address(self) -> str:
        return settings.SITE_URL + self.path

    @property
    def label(self) -> str:
        submitted = long_date(timezone.localdate(self.version.submitted_at))
        return f"{self.area}: return version {self.version.number}, submitted on {submitted}"


@dataclass(frozen=True)
class QuoteView:
    quote: ReportQuote
    source: SourceRef


@dataclass(frozen=True)
class SectionView:
    section: ReportSection
    paragraphs: list[str]
    sources: list[SourceRef]
    quotes: list[QuoteView]

    @property
    def refs(self) -> str:
        return ", ".join(f"[{s.number}]" for s in self.sources)


@dataclass(frozen=True)
class ReportContent:
    report: SummaryReport
    sections: list[SectionView]
    sources: list[SourceRef]

    @property
    def stamp(self) -> dt.date:
        """The date the report speaks to: its last change, so the same report gives the same bytes."""
        return timezone.localdate(self.report.changed_at)


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def _sections(report: SummaryReport) -> list[ReportSection]:
    versions = ReturnVersion.objects.select_related("return_record__organisation")
    quotes = ReportQuote.objects.select_related("answer__version")
    return list(
        report.sections.select_related("edited_by")
        .prefetch_related(Prefetch("sources", versions), Prefetch("quotes", quotes))
        .order_by("position")
    )


def report_content(report: SummaryReport) -> ReportContent:
    """The report with every source numbered by area name: three queries."""
    sections = _sections(report)
    versions = {v.pk: v for s in sections for v in s.sources.all()}
    ordered = sorted(versions.values(), key=lambda v: (v.return_record.organisation.name.lower(), v.number))
    refs = {v.pk: SourceRef(n, v) for n, v in enumerate(ordered, start=1)}
    views = [
        SectionView(
            section,
            paragraphs(section.text),
            sorted((refs[v.pk] for v in section.sources.all()), key=lambda r: r.number),
            [QuoteView(q, refs[q.answer.version_id]) for q in section.quotes.all() if q.answer.version_id in refs],
        )
        for section in sections
    ]
    return ReportContent(report, views, list(refs.values()))


# PDF


def report_pdf_html(content: ReportContent) -> str:
    return render_to_string("coding/report_pdf.html", {"content": content, "req": content.report.request})


def report_pdf(content: ReportContent) -> bytes:
    return html_to_pdf(report_pdf_html(content), PDF_CSS)


# DOCX


def _docx_section(document: DocxDocument, view: SectionView) -> None:
    document.add_heading(view.section.heading, level=1 + min(view.section.depth, 1))
    for paragraph in view.paragraphs:
        document.add_paragraph(paragraph)
    for quoted in view.quotes:
        document.add_paragraph().add_run(quoted.quote.area).bold = True
        document.add_paragraph(f"“{quoted.quote.text}” [{quoted.source.number}]", style="Quote")
    if view.sources:
        document.add_paragraph(f"Sources: {view.refs}")


def report_docx(content: ReportContent) -> bytes:
    report = content.report
    document = new_document(report.title, content.stamp)
    set_a4_pages(document, report.request.body.name)
    document.add_heading(report.title, level=0)
    document.add_paragraph(f"{report.request.body.name}, {long_date(content.stamp)}")
    for view in content.sections:
        _docx_section(document, view)
    document.add_heading("Sources", level=1)
    for ref in content.sources:
        document.add_paragraph(f"[{ref.number}] {ref.label}. {ref.address}")
    if not content.sources:
        document.add_paragraph("No return has been submitted yet.")
    return docx_bytes(document, content.stamp)

"""Committee papers and 56-day responses as PDF (WeasyPrint) and DOCX (python-docx), and the chart.

Each output is built from the same content object the HTML page shows, so the three never differ.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Sequence

from django.template.loader import render_to_string
from docx.document import Document as DocxDocument
from matplotlib import rc_context
from matplotlib.figure import Figure

from oversight.lib.office import add_table, docx_bytes, html_to_pdf, long_date, new_document

from .models import GoverningBodyResponse, ResponseAction
from .papers import Paper, PaperItem, ReportRecommendation, natural_key

# A4 with the page number in the footer; the header repeats the agenda item as committee papers do.
PDF_CSS = """
@page {
  size: A4;
  margin: 2cm 2cm 2.2cm 2cm;
  @top-right { content: string(agenda); font: 9pt Arial, sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; }
}
.agenda { string-set: agenda content(); font-weight: bold; }
body { font-size: 11pt; }
.footnotes { font-size: 9pt; border-top: 0.5pt solid #0b0c0c; padding-top: 4pt; }
.chart { width: 14cm; }
.status { font-weight: bold; }
"""


def due_text(due_on: dt.date | None, urgent: bool = False) -> str:
    """A due date in words for papers and exports: "Immediately (urgent)", a date, or "No deadline"."""
    if urgent and due_on is None:
        return "Immediately (urgent)"
    return long_date(due_on) if due_on else "No deadline"


def _due_words(rec: ReportRecommendation) -> str:
    return "urgent, no due date" if rec.urgent else f"due {due_text(rec.due_on)}"


def recommendation_heading(number: str, reference: str) -> str:
    return f"Recommendation {number}".strip() + (f" ({reference})" if reference else "")


# The chart of open items by status at the period's end.


def open_items_chart_svg(paper: Paper) -> str:
    """A horizontal bar chart as SVG markup, identical for identical papers."""
    labels = [count.label for count in paper.open_by_status]
    values = [count.count for count in paper.open_by_status]
    figure = Figure(figsize=(6.0, 2.4), dpi=100)
    axes = figure.add_subplot()
    bars = axes.barh(labels, values, color="#1d70b8")
    axes.bar_label(bars, padding=3)
    axes.invert_yaxis()
    axes.set_xlabel(f"Open items on {long_date(paper.period.end)}")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    figure.tight_layout()
    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "oversight-paper"}):  # stable element ids: same paper, same bytes
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def chart_data_uri(paper: Paper) -> str:
    """For <img src>: the content security policy allows data: images."""
    encoded = base64.b64encode(open_items_chart_svg(paper).encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


# PDF


def paper_pdf_html(paper: Paper) -> str:
    return render_to_string("recommendations/paper_pdf.html", {"paper": paper, "chart": chart_data_uri(paper)})


def paper_pdf(paper: Paper) -> bytes:
    return html_to_pdf(paper_pdf_html(paper), PDF_CSS)


def ordered_actions(response: GoverningBodyResponse) -> list[ResponseAction]:
    """The response's rows in the report's numbering: 2 before 10."""
    actions = response.actions.select_related("item")
    return sorted(actions, key=lambda action: (natural_key(action.item.number), action.item.reference, action.item.pk))


def response_pdf_html(response: GoverningBodyResponse) -> str:
    context = {"response": response, "actions": ordered_actions(response)}
    return render_to_string("recommendations/response_pdf.html", context)


def response_pdf(response: GoverningBodyResponse) -> bytes:
    return html_to_pdf(response_pdf_html(response), PDF_CSS)


# DOCX


def _itemsadd_table(document: DocxDocument, items: Sequence[PaperItem], *, signed_off: bool = False) -> None:
    if not items:
        document.add_paragraph("None.")
        return
    if signed_off:
        headers = ["Item", "Report", "Force", "Signed off"]
        rows = [[i.label, i.report_title, i.organisation, long_date(i.signed_off_on)] for i in items]
    else:
        headers = ["Item", "Report", "Force", "Status", "Due"]
        rows = [[i.label, i.report_title, i.organisation, i.status_label, due_text(i.due_on, i.urgent)] for i in items]
    add_table(document, headers, rows)


def _paper_heading(document: DocxDocument, paper: Paper) -> None:
    if paper.agenda_item:
        document.add_paragraph().add_run(f"Agenda Item {paper.agenda_item}").bold = True
    document.add_paragraph().add_run(f"{paper.committee.upper()}\n{long_date(paper.meeting_on)}").bold = True
    document.add_heading(paper.title.upper(), level=0)
    document.add_paragraph(f"Period: {long_date(paper.period.first_day)} to {long_date(paper.period.end)}")
    document.add_heading("1. Purpose of report", level=1)
    document.add_paragraph(paper.purpose)


def _paper_overview(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("2. Overview", level=1)
    add_table(
        document,
        ["Measure", "Number"],
        [
            ["Items signed off in the period", str(len(paper.signed_off))],
            ["Recommendations remaining", str(len(paper.recommendations_remaining))],
            ["Causes of concern remaining", str(len(paper.concerns_remaining))],
            ["Areas for improvement remaining", str(len(paper.afis_remaining))],
            ["Overdue items", str(len(paper.overdue))],
            ["Extended items", str(len(paper.extended))],
        ],
    )
    document.add_heading("Open items by status", level=2)
    add_table(document, ["Status", "Open items"], [[c.label, str(c.count)] for c in paper.open_by_status])


def _paper_items(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("3. Signed off in the period", level=1)
    _itemsadd_table(document, paper.signed_off, signed_off=True)
    document.add_heading("4. Recommendations remaining", level=1)
    _itemsadd_table(document, paper.recommendations_remaining)
    document.add_heading("5. Causes of concern and areas for improvement remaining", level=1)
    if not paper.concerns_and_afis:
        document.add_paragraph("None.")
    for item in paper.concerns_and_afis:
        document.add_paragraph(f"{item.report_title} ({item.label}). {item.text}", style="List Number")


def _paper_reports(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("6. Published inspection reports", level=1)
    if not paper.reports:
        document.add_paragraph("No reports covering the committee's forces were published in the period.")
    for report in paper.reports:
        document.add_heading(f"{report.title}, published on {long_date(report.published_on)}", level=2)
        if report.summary:
            document.add_paragraph(report.summary)
        for rec in report.recommendations:
            document.add_heading(recommendation_heading(rec.number, rec.reference), 3)
            if rec.deadline_phrase:
                document.add_paragraph(f"Deadline: {rec.deadline_phrase} ({_due_words(rec)})")
            document.add_paragraph(rec.text)


def _paper_slippage(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("7. Overdue and extended items", level=1)
    document.add_heading("Overdue", level=2)
    _itemsadd_table(document, paper.overdue)
    document.add_heading("Extended", level=2)
    if paper.extended:
        rows = [
            [i.label, i.organisation, due_text(i.original_due_on), due_text(i.due_on), str(i.slips)]
            for i in paper.extended
        ]
        add_table(document, ["Item", "Force", "Original due date", "Current due date", "Slips"], rows)
    else:
        document.add_paragraph("None.")
    document.add_heading("8. Forthcoming inspections", level=1)
    if not paper.forthcoming:
        document.add_paragraph("No forthcoming inspections have been notified.")
    for inspection in paper.forthcoming:
        document.add_paragraph(
            f"{inspection.title}, expected {inspection.expected} ({inspection.force})", style="List Bullet"
        )


def paper_docx(paper: Paper) -> bytes:
    document = new_document(f"{paper.committee}: {paper.title}", paper.period.end)
    _paper_heading(document, paper)
    _paper_overview(document, paper)
    _paper_items(document, paper)
    _paper_reports(document, paper)
    _paper_slippage(document, paper)
    document.add_paragraph(paper.closing)
    if paper.contact:
        document.add_heading("Contact officer", level=1)
        document.add_paragraph(f"Name: {paper.contact.name}\nTitle: {paper.contact.title}")
    return docx_bytes(document, paper.period.end)


def _response_action(document: DocxDocument, action: ResponseAction) -> None:
    item = action.item
    document.add_heading(recommendation_heading(item.number, item.reference), 2)
    document.add_paragraph(item.text)
    if action.steps:
        document.add_paragraph().add_run("Steps to be taken").bold = True
        document.add_paragraph(action.steps)
    if action.no_action_reason:
        document.add_paragraph().add_run("Why no action will be taken").bold = True
        document.add_paragraph(action.no_action_reason)


def _published_note(response: GoverningBodyResponse) -> str:
    if response.published_on is None:
        return ""
    late = response.days_late
    lateness = f", {late} day{'s' if late != 1 else ''} after it was due" if late else ""
    return f" Published on {long_date(response.published_on)}{lateness}."


def response_docx(response: GoverningBodyResponse) -> bytes:
    report = response.report
    document = new_document(f"Response to {report.title}", response.published_on or response.due_on)
    document.add_heading(f"{response.body.name}: response to {report.title}", level=0)
    if response.published_on is None:
        document.add_paragraph().add_run("Draft: not published").bold = True
    document.add_paragraph(
        f"Report published on {long_date(report.published_on)}. Section 55 of the Police Act 1996 requires "
        f"this response by {long_date(response.due_on)}.{_published_note(response)}"
    )
    document.add_heading("Comments of the governing body", level=1)
    document.add_paragraph(response.body_comments or "Not yet written.")
    document.add_heading(f"Comments of the chief constable, {response.force.name}", level=1)
    document.add_paragraph(response.chief_constable_comments or "Not yet written.")
    document.add_heading("Recommendations", level=1)
    for action in ordered_actions(response):
        _response_action(document, action)
    return docx_bytes(document, response.published_on or response.due_on)

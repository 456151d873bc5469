"""Committee papers and 56-day responses as PDF (WeasyPrint) and DOCX (python-docx), and the chart.

Each output is built from the same content object the HTML page shows, so the three never differ.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
from collections.abc import Sequence

from django.template.loader import render_to_string
from docx.document import Document as DocxDocument
from matplotlib import rc_context
from matplotlib.figure import Figure

from oversight.lib.office import add_table, docx_bytes, html_to_pdf, long_date, new_document, set_a4_pages

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
.govuk-body-s { font-size: 8.5pt; }
.app-rag { font-weight: bold; padding: 0 3pt; }
.app-rag--red { color: #fff; background: #d4351c; }
.app-rag--amber { background: #fd0; }
.app-rag--green { color: #fff; background: #00703c; }
.app-rag--blue { color: #fff; background: #1d70b8; }
.govuk-tag { font-weight: bold; }
.govuk-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; }
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

# What the chart shows, and all it shows: the day, then each status with its count.
ChartContent = tuple[dt.date, tuple[tuple[str, int], ...]]


def chart_content(paper: Paper) -> ChartContent:
    return paper.as_at, tuple((count.label, count.count) for count in paper.open_by_status)


def _chart(content: ChartContent) -> Figure:
    as_at, counts = content
    labels = [label for label, _ in counts]
    values = [count for _, count in counts]
    figure = Figure(figsize=(6.0, 2.4), dpi=100)
    axes = figure.add_subplot()
    bars = axes.barh(labels, values, color="#1d70b8")
    axes.bar_label(bars, padding=3)
    axes.invert_yaxis()
    axes.set_xlabel(f"Open items on {long_date(as_at)}")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    figure.tight_layout()
    return figure


def open_items_chart_svg(paper: Paper) -> str:
    """A horizontal bar chart as SVG markup, identical for identical papers."""
    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "oversight-paper"}):  # stable element ids: same paper, same bytes
        _chart(chart_content(paper)).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def draw_chart_png(content: ChartContent) -> bytes:
    """The chart as a print-resolution PNG: WeasyPrint draws it several times faster than SVG."""
    buffer = io.BytesIO()
    _chart(content).savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


# Drawing the chart is a tenth of a PDF's time, and a paper asked for again (or another paper with
# the same counts on the same day) shows the same chart: keep the last few, keyed by what they show.
_cached_chart_png = functools.lru_cache(maxsize=64)(draw_chart_png)


def open_items_chart_png(paper: Paper) -> bytes:
    return _cached_chart_png(chart_content(paper))


def chart_data_uri(paper: Paper) -> str:
    """For <img src>: the content security policy allows data: images."""
    encoded = base64.b64encode(open_items_chart_svg(paper).encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


def _chart_png_uri(paper: Paper) -> str:
    return "data:image/png;base64," + base64.b64encode(open_items_chart_png(paper)).decode()


# PDF


def paper_pdf_html(paper: Paper) -> str:
    return render_to_string("recommendations/paper_pdf.html", {"paper": paper, "chart": _chart_png_uri(paper)})


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


def _owner(item: PaperItem) -> str:
    return (item.owner or "No owner") + (f"\n{item.portfolio}" if item.portfolio else "")


def _items_table(document: DocxDocument, paper: Paper, items: Sequence[PaperItem], empty: str) -> None:
    """Each item with its owner and portfolio, status and sign-off stage, RAG and due date."""
    if not items:
        document.add_paragraph(empty)
        return
    force = ["Force"] if paper.several_forces else []
    headers = ["Item", *force, "Owner and portfolio", "Status and sign-off", "RAG", "Due"]
    rows = [
        [
            f"{i.label}\n{i.report_title}",
            *([i.organisation] if force else []),
            _owner(i),
            f"{i.status_label}\n{i.signoff_label}".strip(),
            i.rag.value.title() if i.rag else "Not rated",
            due_text(i.due_on, i.urgent),
        ]
        for i in items
    ]
    add_table(document, headers, rows)


def _signed_off_table(document: DocxDocument, paper: Paper) -> None:
    if not paper.signed_off:
        document.add_paragraph("No items were signed off in the period.")
        return
    rows = [[i.label, i.report_title, _owner(i), long_date(i.signed_off_on)] for i in paper.signed_off]
    add_table(document, ["Item", "Report", "Owner and portfolio", "Signed off"], rows)


def _narrative(document: DocxDocument, text: str) -> None:
    for paragraph in (part.strip() for part in text.split("\n\n")):
        if paragraph:
            document.add_paragraph(paragraph)


def _as_at(paper: Paper) -> str:
    if paper.provisional:
        return (
            f"Provisional: the meeting is on {long_date(paper.meeting_on)}; every figure is as it stood at the "
            f"end of {long_date(paper.as_at)}. The paper is final once the meeting date has passed."
        )
    return (
        f"Period covered: {long_date(paper.period.first_day)} to {long_date(paper.as_at)}. Every status, date, "
        f"RAG rating and count is as it stood at the end of {long_date(paper.as_at)}."
    )


def _paper_heading(document: DocxDocument, paper: Paper) -> None:
    if paper.agenda_item:
        document.add_paragraph().add_run(f"Agenda Item {paper.agenda_item}").bold = True
    document.add_paragraph().add_run(f"{paper.committee.upper()}\n{long_date(paper.meeting_on)}").bold = True
    document.add_heading(paper.title.upper(), level=0)
    document.add_paragraph(_as_at(paper))
    document.add_heading("1. Purpose of report", level=1)
    document.add_paragraph(paper.purpose)


def _paper_overview(document: DocxDocument, paper: Paper) -> None:
    forces = f": {', '.join(paper.forces)}" if paper.forces else ""
    document.add_heading(f"2. Inspection activity and recommendations{forces}", level=1)
    _narrative(document, paper.narrative.inspection_activity)
    _narrative(document, paper.narrative.governance)
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
    _signed_off_table(document, paper)
    document.add_heading("4. Recommendations remaining", level=1)
    _items_table(document, paper, paper.recommendations_remaining, "No recommendations remained open.")
    document.add_heading("5. Causes of concern and areas for improvement remaining", level=1)
    if not paper.concerns_and_afis:
        document.add_paragraph("No causes of concern or areas for improvement remained open.")
    for item in paper.concerns_and_afis:
        document.add_paragraph(f"{item.report_title} ({item.label}). {item.text}", style="List Number")
    _items_table(document, paper, paper.concerns_and_afis, "")


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
    if paper.narrative.new_reports:
        document.add_heading("The force's response to the new reports", level=2)
        _narrative(document, paper.narrative.new_reports)


def _paper_slippage(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("7. Overdue and extended items", level=1)
    document.add_heading("Overdue", level=2)
    _items_table(document, paper, paper.overdue, "No items were overdue.")
    document.add_heading("Extended", level=2)
    if paper.extended:
        rows = [
            [i.label, i.organisation, due_text(i.original_due_on), due_text(i.due_on), str(i.slips)]
            for i in paper.extended
        ]
        add_table(document, ["Item", "Force", "Original due date", "Current due date", "Slips"], rows)
    else:
        document.add_paragraph("No open items had an extension.")
    document.add_heading("8. Forthcoming inspections", level=1)
    if not paper.forthcoming:
        document.add_paragraph("No forthcoming inspections have been notified.")
    for inspection in paper.forthcoming:
        document.add_paragraph(
            f"{inspection.title}, expected {inspection.expected} ({inspection.force})", style="List Bullet"
        )
    if paper.narrative.next_steps:
        document.add_heading("9. Next steps", level=1)
        _narrative(document, paper.narrative.next_steps)


def paper_docx(paper: Paper) -> bytes:
    document = new_document(f"{paper.committee}: {paper.title}", paper.period.end)
    set_a4_pages(document, f"Agenda Item {paper.agenda_item}" if paper.agenda_item else paper.committee)
    _paper_heading(document, paper)
    _paper_overview(document, paper)
    _paper_items(document, paper)
    _paper_reports(document, paper)
    _paper_slippage(document, paper)
    document.add_paragraph(paper.closing)
    if paper.contact:
        document.add_heading("Contact officer", level=1)
        document.add_paragraph(f"Name: {paper.contact.name}\nTitle: {paper.contact.title}")
    document.add_heading("Background documents", level=1)
    for line in paper.background_documents:
        document.add_paragraph(line, style="List Bullet")
    if not paper.background_documents:
        document.add_paragraph("No background documents are listed.")
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
    set_a4_pages(document, response.body.name)
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

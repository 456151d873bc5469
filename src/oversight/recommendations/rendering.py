"""Committee papers and 56-day responses as PDF (WeasyPrint) and DOCX (python-docx), and the chart.

Each output is built from the same content object the HTML page shows, so the three never differ.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from django.template.loader import render_to_string
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt
from matplotlib import rc_context
from matplotlib.figure import Figure

from .models import GoverningBodyResponse, ResponseAction
from .papers import Paper, PaperItem, natural_key

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# A4 with the page number in the footer; the header repeats the agenda item as committee papers do.
PDF_CSS = """
@page {
  size: A4;
  margin: 2cm 2cm 2.2cm 2cm;
  @top-right { content: string(agenda); font: 9pt Arial, sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; }
}
body { font: 11pt/1.4 Arial, Helvetica, sans-serif; color: #0b0c0c; }
.agenda { string-set: agenda content(); font-weight: bold; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
table { width: 100%; border-collapse: collapse; margin: 6pt 0 12pt; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 4pt; }
th, td { border: 0.5pt solid #b1b4b6; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
.footnotes { font-size: 9pt; border-top: 0.5pt solid #0b0c0c; padding-top: 4pt; }
.chart { width: 14cm; }
.status { font-weight: bold; }
"""

DATE_FORMAT = "%-d %B %Y"


def recommendation_heading(number: str, reference: str) -> str:
    return f"Recommendation {number}".strip() + (f" ({reference})" if reference else "")


def _date(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else "None"


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
    axes.set_xlabel(f"Open items on {_date(paper.period.end)}")
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


def _pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported late: it loads system libraries

    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)])


def paper_pdf(paper: Paper) -> bytes:
    return _pdf(paper_pdf_html(paper))


def ordered_actions(response: GoverningBodyResponse) -> list[ResponseAction]:
    """The response's rows in the report's numbering: 2 before 10."""
    actions = response.actions.select_related("item")
    return sorted(actions, key=lambda action: (natural_key(action.item.number), action.item.reference, action.item.pk))


def response_pdf_html(response: GoverningBodyResponse) -> str:
    context = {"response": response, "actions": ordered_actions(response)}
    return render_to_string("recommendations/response_pdf.html", context)


def response_pdf(response: GoverningBodyResponse) -> bytes:
    return _pdf(response_pdf_html(response))


# DOCX


def _new_document(title: str, stamp: dt.date) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    properties = document.core_properties
    properties.title = title
    # Stamped with the period's end, not the time of download: the same paper, the same file.
    moment = dt.datetime.combine(stamp, dt.time(12, 0))
    properties.created = properties.modified = moment
    properties.last_printed = moment
    properties.revision = 1
    return document


def _table(document: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def _items_table(document: DocxDocument, items: Sequence[PaperItem], *, signed_off: bool = False) -> None:
    if not items:
        document.add_paragraph("None.")
        return
    if signed_off:
        headers = ["Item", "Report", "Force", "Signed off"]
        rows = [[i.label, i.report_title, i.organisation, _date(i.signed_off_on)] for i in items]
    else:
        headers = ["Item", "Report", "Force", "Status", "Due"]
        rows = [[i.label, i.report_title, i.organisation, i.status_label, _date(i.due_on)] for i in items]
    _table(document, headers, rows)


def _to_bytes(document: DocxDocument, stamp: dt.date) -> bytes:
    """The saved document with every zip entry dated `stamp`: python-docx dates them with the clock."""
    saved = io.BytesIO()
    document.save(saved)
    stamped = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(stamped, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(stamp.year, stamp.month, stamp.day, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))
    return stamped.getvalue()


def _paper_heading(document: DocxDocument, paper: Paper) -> None:
    if paper.agenda_item:
        document.add_paragraph().add_run(f"Agenda Item {paper.agenda_item}").bold = True
    document.add_paragraph().add_run(f"{paper.committee.upper()}\n{_date(paper.meeting_on)}").bold = True
    document.add_heading(paper.title.upper(), level=0)
    document.add_paragraph(f"Period: {_date(paper.period.first_day)} to {_date(paper.period.end)}")
    document.add_heading("1. Purpose of report", level=1)
    document.add_paragraph(paper.purpose)


def _paper_overview(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("2. Overview", level=1)
    _table(
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
    _table(document, ["Status", "Open items"], [[c.label, str(c.count)] for c in paper.open_by_status])


def _paper_items(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("3. Signed off in the period", level=1)
    _items_table(document, paper.signed_off, signed_off=True)
    document.add_heading("4. Recommendations remaining", level=1)
    _items_table(document, paper.recommendations_remaining)
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
        document.add_heading(f"{report.title}, published on {_date(report.published_on)}", level=2)
        if report.summary:
            document.add_paragraph(report.summary)
        for rec in report.recommendations:
            document.add_heading(recommendation_heading(rec.number, rec.reference), 3)
            if rec.deadline_phrase:
                document.add_paragraph(f"Deadline: {rec.deadline_phrase} (due {_date(rec.due_on)})")
            document.add_paragraph(rec.text)


def _paper_slippage(document: DocxDocument, paper: Paper) -> None:
    document.add_heading("7. Overdue and extended items", level=1)
    document.add_heading("Overdue", level=2)
    _items_table(document, paper.overdue)
    document.add_heading("Extended", level=2)
    if paper.extended:
        rows = [
            [i.label, i.organisation, _date(i.original_due_on), _date(i.due_on), str(i.slips)] for i in paper.extended
        ]
        _table(document, ["Item", "Force", "Original due date", "Current due date", "Slips"], rows)
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
    document = _new_document(f"{paper.committee}: {paper.title}", paper.period.end)
    _paper_heading(document, paper)
    _paper_overview(document, paper)
    _paper_items(document, paper)
    _paper_reports(document, paper)
    _paper_slippage(document, paper)
    document.add_paragraph(paper.closing)
    if paper.contact:
        document.add_heading("Contact officer", level=1)
        document.add_paragraph(f"Name: {paper.contact.name}\nTitle: {paper.contact.title}")
    return _to_bytes(document, paper.period.end)


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


def response_docx(response: GoverningBodyResponse) -> bytes:
    report = response.report
    document = _new_document(f"Response to {report.title}", response.published_on or response.due_on)
    document.add_heading(f"{response.body.name}: response to {report.title}", level=0)
    if response.published_on is None:
        document.add_paragraph().add_run("Draft: not published").bold = True
    document.add_paragraph(
        f"Report published on {_date(report.published_on)}. Section 55 of the Police Act 1996 requires "
        f"this response by {_date(response.due_on)}."
    )
    document.add_heading("Comments of the governing body", level=1)
    document.add_paragraph(response.body_comments or "Not yet written.")
    document.add_heading(f"Comments of the chief constable, {response.force.name}", level=1)
    document.add_paragraph(response.chief_constable_comments or "Not yet written.")
    document.add_heading("Recommendations", level=1)
    for action in ordered_actions(response):
        _response_action(document, action)
    return _to_bytes(document, response.published_on or response.due_on)

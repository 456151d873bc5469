"""The recommendation 1 audit report as PDF (WeasyPrint) and DOCX (python-docx).

Both are built from the same AuditReport the page shows, so the three never differ. Case rows carry
references only: no victim or subject is named in a report that leaves the force.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from django.template.loader import render_to_string
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from .audits import AuditReport
from .models import AuditStatus
from .rules import AUDIT_CHECKLIST

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PDF_CSS = """
@page {
  size: A4 landscape;
  margin: 1.8cm 1.6cm 2cm 1.6cm;
  @top-right { content: string(force); font: 9pt Arial, sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; }
}
body { font: 10.5pt/1.4 Arial, Helvetica, sans-serif; color: #0b0c0c; }
.force { string-set: force content(); font-weight: bold; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
table { width: 100%; border-collapse: collapse; margin: 6pt 0 12pt; font-size: 9pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 4pt; }
th, td { border: 0.5pt solid #b1b4b6; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
"""

DATE_FORMAT = "%-d %B %Y"


def _date(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


# PDF


def audit_pdf_html(report: AuditReport) -> str:
    return render_to_string("cases/audit_pdf.html", {"report": report, "checklist": AUDIT_CHECKLIST})


def audit_pdf(report: AuditReport) -> bytes:
    from weasyprint import CSS, HTML  # imported late: it loads system libraries

    return HTML(string=audit_pdf_html(report)).write_pdf(stylesheets=[CSS(string=PDF_CSS)])


# DOCX


def _new_document(title: str, stamp: dt.date) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    properties = document.core_properties
    properties.title = title
    # Stamped with the audit date, not the time of download: the same audit, the same file.
    moment = dt.datetime.combine(stamp, dt.time(12, 0))
    properties.created = properties.modified = properties.last_printed = moment
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


def _overview(document: DocxDocument, report: AuditReport) -> None:
    audit = report.audit
    document.add_paragraph(
        f"Super-complaint recommendation 1: every PPDA case of {audit.force.name} live on {_date(audit.as_of)} "
        f"and every case closed between {_date(report.since)} and {_date(audit.as_of)}, scored against the "
        "areas the chief constable's letter to the College of Policing, the IOPC and HMICFRS must cover."
    )
    if audit.status == AuditStatus.DRAFT:
        document.add_paragraph().add_run("Draft: not final").bold = True
    document.add_heading("Cases audited", level=1)
    rows = [["Cases audited", str(report.cases)], ["Live on the audit date", str(report.live)]]
    rows.append(["Closed in the 12 months before", str(report.closed)])
    _table(document, ["Measure", "Number"], rows)
    document.add_heading("Results by area", level=1)
    headers = ["Area", "Met", "Partly met", "Not met", "Not applicable", "Not scored"]
    _table(
        document,
        headers,
        [
            [a.label, str(a.met), str(a.partly), str(a.not_met), str(a.not_applicable), str(a.unscored)]
            for a in report.areas
        ],
    )


def _findings(document: DocxDocument, report: AuditReport) -> None:
    document.add_heading("Findings", level=1)
    document.add_paragraph(report.audit.findings or "Not yet written.")
    document.add_heading("How the force has improved or will improve", level=1)
    for area in report.areas:
        document.add_heading(area.label, level=2)
        document.add_paragraph(area.improvement or "Not yet written.")


def _cases(document: DocxDocument, report: AuditReport) -> None:
    document.add_heading("Cases", level=1)
    if not report.rows:
        document.add_paragraph("No cases were in the audit's scope.")
        return
    headers = ["Reference", "State", "Received", *[f"{n}" for n in range(1, len(AUDIT_CHECKLIST) + 1)], "Action"]
    rows = [[row.reference, row.state, _date(row.received_on), *row.scores, row.action_needed] for row in report.rows]
    _table(document, headers, rows)
    key = "; ".join(f"{n}: {label}" for n, label in enumerate(AUDIT_CHECKLIST.values(), start=1))
    document.add_paragraph(f"Areas: {key}.")


def audit_docx(report: AuditReport) -> bytes:
    document = _new_document(report.title, report.audit.as_of)
    document.add_heading(report.title, level=0)
    _overview(document, report)
    _findings(document, report)
    _cases(document, report)
    return _to_bytes(document, report.audit.as_of)

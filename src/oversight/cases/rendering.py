"""The recommendation 1 audit report as PDF (WeasyPrint) and DOCX (python-docx).

Both are built from the same AuditReport the page shows, so the three never differ. Case rows carry
references only: no victim or subject is named in a report that leaves the force.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from docx.document import Document as DocxDocument

from oversight.lib.office import add_table, docx_bytes, html_to_pdf, long_date, new_document

from .audits import AuditReport
from .models import AuditStatus
from .rules import AUDIT_CHECKLIST

PDF_CSS = """
@page {
  size: A4 landscape;
  margin: 1.8cm 1.6cm 2cm 1.6cm;
  @top-right { content: string(force); font: 9pt Arial, sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; }
}
.force { string-set: force content(); font-weight: bold; }
table { font-size: 9pt; }
"""


# PDF


def audit_pdf_html(report: AuditReport) -> str:
    return render_to_string("cases/audit_pdf.html", {"report": report, "checklist": AUDIT_CHECKLIST})


def audit_pdf(report: AuditReport) -> bytes:
    return html_to_pdf(audit_pdf_html(report), PDF_CSS)


# DOCX


def _overview(document: DocxDocument, report: AuditReport) -> None:
    audit = report.audit
    document.add_paragraph(
        f"Super-complaint recommendation 1: every PPDA case of {audit.force.name} live on {long_date(audit.as_of)} "
        f"and every case closed between {long_date(report.since)} and {long_date(audit.as_of)}, scored against the "
        "areas the chief constable's letter to the College of Policing, the IOPC and HMICFRS must cover."
    )
    if audit.status == AuditStatus.DRAFT:
        document.add_paragraph().add_run("Draft: not final").bold = True
    document.add_heading("Cases audited", level=1)
    rows = [["Cases audited", str(report.cases)], ["Live on the audit date", str(report.live)]]
    rows.append(["Closed in the 12 months before", str(report.closed)])
    add_table(document, ["Measure", "Number"], rows)
    document.add_heading("Results by area", level=1)
    headers = ["Area", "Met", "Partly met", "Not met", "Not applicable", "Not scored"]
    add_table(
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
    rows = [
        [row.reference, row.state, long_date(row.received_on), *row.scores, row.action_needed] for row in report.rows
    ]
    add_table(document, headers, rows)
    key = "; ".join(f"{n}: {label}" for n, label in enumerate(AUDIT_CHECKLIST.values(), start=1))
    document.add_paragraph(f"Areas: {key}.")


def audit_docx(report: AuditReport) -> bytes:
    document = new_document(report.title, report.audit.as_of, font_size=10)
    document.add_heading(report.title, level=0)
    _overview(document, report)
    _findings(document, report)
    _cases(document, report)
    return docx_bytes(document, report.audit.as_of)

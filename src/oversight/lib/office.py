"""Documents that leave the system: PDF from HTML (WeasyPrint) and Word (python-docx).

Outputs are reproducible: a document is stamped with the date it speaks to (a paper's period end,
an audit's date), never with the time it was downloaded, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from weasyprint import CSS

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DATE_FORMAT = "%-d %B %Y"

# Shared print rules; each document adds its page size and running header.
BASE_PDF_CSS = """
body { font: 10.5pt/1.4 Arial, Helvetica, sans-serif; color: #0b0c0c; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
table { width: 100%; border-collapse: collapse; margin: 6pt 0 12pt; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 4pt; }
th, td { border: 0.5pt solid #b1b4b6; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
"""


def long_date(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


# Tagged, accessible PDF (PDF/UA-1): commissioners publish these on their websites, where the
# Public Sector Bodies Accessibility Regulations 2018 apply. WeasyPrint writes the structure tree.
PDF_VARIANT = "pdf/ua-1"


class _Printer(threading.local):
    """One font configuration and the parsed stylesheets, kept per thread and reused by every render.

    A new configuration per document makes fontconfig and Pango load every font again, and parsing
    the same stylesheet again gives the same rules. Pango's font map is not safe to share between
    threads, hence one per thread. Nothing here is state another process needs: it is a cache.
    """

    def __init__(self) -> None:
        self.font_config: Any = None
        self.stylesheets: dict[str, CSS] = {}

    def stylesheet(self, css: str) -> CSS:
        from weasyprint import CSS  # imported late: it loads system libraries
        from weasyprint.text.fonts import FontConfiguration

        from oversight.lib import pdffonts

        if self.font_config is None:
            pdffonts.install()
            self.font_config = FontConfiguration()
        if css not in self.stylesheets:
            self.stylesheets[css] = CSS(string=BASE_PDF_CSS + css, font_config=self.font_config)
        return self.stylesheets[css]


_printer = _Printer()


def html_to_pdf(html: str, css: str) -> bytes:
    from weasyprint import HTML

    stylesheet = _printer.stylesheet(css)
    document = HTML(string=html).write_pdf(
        stylesheets=[stylesheet],
        font_config=_printer.font_config,
        pdf_variant=PDF_VARIANT,
    )
    return bytes(document)


def new_document(title: str, stamp: dt.date, font_size: float = 11) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(font_size)
    properties = document.core_properties
    properties.title = title
    moment = dt.datetime.combine(stamp, dt.time(12, 0))
    properties.created = properties.modified = properties.last_printed = moment
    properties.revision = 1
    return document


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == instruction else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def set_a4_pages(document: DocxDocument, header: str = "") -> None:
    """A4 with 2 cm margins, `header` at the top right of every page and "Page N of M" at the foot."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    if header:
        heading = section.header.paragraphs[0]
        heading.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        heading.add_run(header).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def add_table(document: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def docx_bytes(document: DocxDocument, stamp: dt.date) -> bytes:
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

"""PDF -> page texts, with PDFium (pypdfium2): one page at a time, closed before the next is opened.

Only text is read. PDFium runs no JavaScript and fills no forms unless asked (we never ask), so a
PDF carrying scripts is read as text only. Line positions come from PDFium's character boxes: a
gap between lines clearly wider than the usual line spacing is a paragraph break, passed on to
`clean_pages` as a blank line; a bullet that the PDF draws apart from its line is put back in front.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from oversight.lib.documents.shapes import DocumentError, Progress

ENCRYPTED = (
    "This PDF is protected by a password, so Oversight cannot read it. "
    "Ask for a copy without a password, or open it, save it without protection and upload that."
)
DAMAGED = "This PDF is damaged and cannot be read. Ask for the original, or save it again as PDF and upload that."
SCANNED = (
    "This PDF has no text layer: it looks scanned. "
    "Oversight needs a PDF with text; ask for the original or an accessible version."
)
# A page with fewer letters than this carries no text layer (a scan, a full-page image).
_LETTERS_ON_A_TEXT_PAGE = 3
# A longer PDF averaging fewer letters a page than this carries only stamps (page numbers, a scanner's mark).
_LETTERS_PER_PAGE = 40
_STAMPS_ONLY_FROM_PAGES = 5
# A gap between lines this many times the usual gap, plus this fraction of a line's height, is a paragraph break.
_GAP_FACTOR = 1.5
_GAP_HEIGHTS = 0.3


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    left: float


def read_pdf_pages(data: bytes, progress: Progress | None = None) -> list[str]:
    """The text of each page, in order; DocumentError for a locked, damaged or scanned PDF."""
    document = open_pdf(data)
    try:
        total = len(document)
        pages = []
        for index in range(total):
            pages.append(_page_text(document, index))
            if progress is not None:
                progress(index + 1, total)
    finally:
        document.close()
    _require_text(pages)
    return pages


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The PDF opened by PDFium, or DocumentError: protected by a password, or damaged."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError(ENCRYPTED) from error
        raise DocumentError(DAMAGED) from error


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    try:
        page = document[index]
    except pdfium.PdfiumError as error:
        raise DocumentError(f"Page {index + 1} of this PDF is damaged and cannot be read.") from error
    try:
        textpage = page.get_textpage()
        try:
            return _layout(textpage)
        finally:
            textpage.close()
    finally:
        page.close()


def _layout(textpage: pdfium.PdfTextPage) -> str:
    count = textpage.count_chars()
    if count <= 0:
        return ""
    text = textpage.get_text_range(0, count)
    if len(text) != count:
        return text  # PDFium's text no longer lines up with its characters: fall back to the bare text
    lines = _positioned_lines(textpage, text)
    return _with_paragraph_gaps(_bullets_in_place(lines))


def _positioned_lines(textpage: pdfium.PdfTextPage, text: str) -> list[_Line]:
    """Each line of PDFium's text with the box of its first and last character."""
    lines = []
    start = 0
    for index, char in enumerate(text + "\n"):
        if char not in "\r\n\ufffe":
            continue
        end = index + 1 if char == "\ufffe" else index
        piece = text[start:end].replace("\ufffe", "-")
        if piece.strip():
            first = start + (len(piece) - len(piece.lstrip()))
            left, _, _, top = textpage.get_charbox(first, loose=True)
            _, bottom, _, _ = textpage.get_charbox(max(first, end - 1), loose=True)
            lines.append(_Line(piece, top, bottom, left))
        start = index + 1
    return lines


def _bullets_in_place(lines: list[_Line]) -> list[_Line]:
    """Some PDFs draw list bullets after the text; put each lone bullet in front of the line beside it."""
    kept = []
    for line in lines:
        if len(line.text.strip()) == 1 and not line.text.strip().isalnum():
            beside = [other for other in lines if other is not line and abs(other.top - line.top) < 0.6 * _height(line)]
            if beside:
                target = min(beside, key=lambda other: abs(other.left - line.left))
                target.text = line.text.strip() + " " + target.text.lstrip()
                continue
        kept.append(line)
    return kept


def _height(line: _Line) -> float:
    return max(line.top - line.bottom, 1.0)


def _with_paragraph_gaps(lines: list[_Line]) -> str:
    gaps = [previous.bottom - line.top for previous, line in itertools.pairwise(lines)]
    usual = [gap for gap, line in zip(gaps, lines[1:], strict=False) if -_height(line) < gap < 2 * _height(line)]
    typical = statistics.median(usual) if usual else 0.0
    out = [lines[0].text] if lines else []
    for gap, line in zip(gaps, lines[1:], strict=False):
        if gap > max(typical, 0.0) * _GAP_FACTOR + _GAP_HEIGHTS * _height(line):
            out.append("")
        out.append(line.text)
    return "\n".join(out)


def _require_text(pages: list[str]) -> None:
    """A PDF most of whose pages carry no text is a scan: say so rather than return nothing."""
    letters = [sum(map(str.isalpha, page)) for page in pages]
    with_text = sum(1 for count in letters if count >= _LETTERS_ON_A_TEXT_PAGE)
    stamps_only = len(pages) >= _STAMPS_ONLY_FROM_PAGES and sum(letters) < _LETTERS_PER_PAGE * len(pages)
    if with_text == 0 or with_text < len(pages) / 2 or stamps_only:
        raise DocumentError(SCANNED)

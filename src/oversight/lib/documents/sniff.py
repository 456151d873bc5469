"""What a file is, decided by its content (magic bytes, zip parts), with its name only as a cross-check.

The content decides which reader runs, so a renamed file can never reach a parser meant for
something else. When the name promises one supported format and the content is another, the file
is refused and the message names both: a mismatch usually means the wrong file was attached, and
the person should see that rather than have it read silently. Between the text formats (plain
text, Markdown, HTML) the content wins without refusal: all three are read as text, so nothing is
at risk, and a page saved as `notes.txt` is still best read as HTML.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from oversight.lib.documents import archive
from oversight.lib.documents.shapes import DocumentError, DocumentFormat

READABLE = "PDF, Word (.docx), HTML, Markdown or plain text"

_BY_EXTENSION = {
    ".pdf": DocumentFormat.PDF,
    ".docx": DocumentFormat.DOCX,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".xhtml": DocumentFormat.HTML,
    ".md": DocumentFormat.MARKDOWN,
    ".markdown": DocumentFormat.MARKDOWN,
    ".txt": DocumentFormat.TEXT,
    ".text": DocumentFormat.TEXT,
}

IN_WORDS = {
    DocumentFormat.PDF: "a PDF",
    DocumentFormat.DOCX: "a Word document",
    DocumentFormat.HTML: "a web page (HTML)",
    DocumentFormat.MARKDOWN: "a Markdown file",
    DocumentFormat.TEXT: "plain text",
}

_TEXT_FAMILY = frozenset({DocumentFormat.HTML, DocumentFormat.MARKDOWN, DocumentFormat.TEXT})

# Formats recognised only to be refused, with what to ask for instead.
_UNREADABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc or .xls): save it as .docx or PDF"),
    (b"{\\rtf", "a Rich Text (RTF) file: save it as .docx or PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
)

_IMAGE_ADVICE = "If it is a scan, ask for the original document or an accessible version with text."
_HTML_START = re.compile(rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def format_by_name(filename: str) -> DocumentFormat | None:
    return _BY_EXTENSION.get(PurePath(filename).suffix.lower())


def detect_format(data: bytes, filename: str) -> DocumentFormat:
    """The format to read `data` as, or DocumentError saying why it will not be read."""
    named = format_by_name(filename)
    actual = _format_by_content(data, named)
    if named is not None and named != actual and not (named in _TEXT_FAMILY and actual in _TEXT_FAMILY):
        raise DocumentError(_mismatch_message(filename, named, actual))
    return actual


def _format_by_content(data: bytes, named: DocumentFormat | None) -> DocumentFormat:
    if b"%PDF-" in data[:1024]:
        return DocumentFormat.PDF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data)
    for magic, what in _UNREADABLE_MAGIC:
        if data.startswith(magic):
            advice = f" {_IMAGE_ADVICE}" if "image" in what else ""
            raise DocumentError(f"This file is {what}, not a document Oversight reads ({READABLE}).{advice}")
    if data[:12].startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise DocumentError(f"This file is a WebP image, not a document Oversight reads ({READABLE}). {_IMAGE_ADVICE}")
    if _HTML_START.match(_without_bom(data[:4096])):
        return DocumentFormat.HTML
    if named in _TEXT_FAMILY:
        return named
    return DocumentFormat.TEXT


def _without_bom(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16: keep the ASCII letters so a page saved as UTF-16 is still seen as HTML.
        return head[2:].replace(b"\x00", b"")
    return head


def _zip_format(data: bytes) -> DocumentFormat:
    with archive.open_zip(data) as zipped:
        names = set(zipped.namelist())
    if "word/document.xml" in names:
        return DocumentFormat.DOCX
    if "xl/workbook.xml" in names:
        what = "an Excel spreadsheet"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation"
    elif "mimetype" in names and "content.xml" in names:
        what = "an OpenDocument file: save it as .docx or PDF"
    else:
        what = "a zip archive"
    raise DocumentError(f"This file is {what}, not a document Oversight reads ({READABLE}).")


def _mismatch_message(filename: str, named: DocumentFormat, actual: DocumentFormat) -> str:
    name = PurePath(filename).name
    if actual in _TEXT_FAMILY:
        return (
            f"This file is called {name} but it is not {IN_WORDS[named]}: it is {IN_WORDS[actual]}. "
            f"Check that the right file was chosen."
        )
    return (
        f"This file is called {name} but it is {IN_WORDS[actual]}. Check that the right file was chosen, "
        f"or give it the right extension and upload it again."
    )

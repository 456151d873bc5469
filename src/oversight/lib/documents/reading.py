"""read_document: size and emptiness checked, the format told from the content, the right reader run.

Every way a file can fail to be read ends in DocumentError with a message for the person who gave
it; parser errors of any kind are translated, so a hostile file cannot crash the worker with an
exception nobody expected, and nothing is returned half-read.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from lxml import etree

from oversight.lib.documents.blocks import join_blocks
from oversight.lib.documents.cleaning import clean_pages
from oversight.lib.documents.encoding import decode_text
from oversight.lib.documents.markdown import read_markdown_blocks
from oversight.lib.documents.pdf import read_pdf_pages
from oversight.lib.documents.shapes import DEFAULT_MAX_BYTES, CleanDocument, DocumentError, DocumentFormat, Progress
from oversight.lib.documents.sniff import IN_WORDS, detect_format
from oversight.lib.documents.web import read_html_blocks
from oversight.lib.documents.word import read_docx_blocks

EMPTY = "This file is empty. Check that the right file was chosen and upload it again."
NO_TEXT = "This file has no text in it for Oversight to read."
# Parser failures a hostile or damaged file can provoke, beyond the readers' own DocumentErrors.
_PARSER_FAILURES = (etree.LxmlError, zlib.error, RecursionError, UnicodeError, ValueError, KeyError, EOFError)


def too_large_message(size: int, max_bytes: int) -> str:
    return (
        f"This file is {_megabytes(size)}; Oversight reads files up to {_megabytes(max_bytes)}. "
        "Split it, or ask for a smaller version (for example without images)."
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_path(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None
) -> CleanDocument:
    """The file at `path`, its size checked before a byte of it is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(too_large_message(size, max_bytes))
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as error:
        raise DocumentError(f"The file {path.name} cannot be opened: {error.strerror or error}.") from error
    return read_document(data, path.name, max_bytes=max_bytes, progress=progress)


def read_document(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None
) -> CleanDocument:
    """The clean text of the file `data` called `filename`, or DocumentError saying why it cannot be read."""
    if len(data) > max_bytes:
        raise DocumentError(too_large_message(len(data), max_bytes))
    if not data:
        raise DocumentError(EMPTY)
    document_format = detect_format(data, filename)
    try:
        document = _read(data, document_format, progress)
    except DocumentError:
        raise
    except _PARSER_FAILURES as error:
        raise DocumentError(
            f"This file looks like {IN_WORDS[document_format]} but it is damaged and cannot be read."
        ) from error
    if not document.text.strip():
        raise DocumentError(NO_TEXT)
    return document


def _read(data: bytes, document_format: DocumentFormat, progress: Progress | None) -> CleanDocument:
    if document_format is DocumentFormat.PDF:
        pages = read_pdf_pages(data, progress)
        text, starts = clean_pages(pages)
        return CleanDocument(text, document_format, len(pages), starts)
    if document_format is DocumentFormat.DOCX:
        text = join_blocks(read_docx_blocks(data))
    elif document_format is DocumentFormat.HTML:
        text = join_blocks(read_html_blocks(decode_text(data)))
    elif document_format is DocumentFormat.MARKDOWN:
        text = join_blocks(read_markdown_blocks(decode_text(data)))
    else:
        pages = decode_text(data).split("\f")
        text, starts = clean_pages(pages)
        _report(progress)
        return CleanDocument(text, document_format, len(pages), starts)
    _report(progress)
    return CleanDocument(text, document_format, 1, (0,))


def _report(progress: Progress | None) -> None:
    if progress is not None:
        progress(1, 1)

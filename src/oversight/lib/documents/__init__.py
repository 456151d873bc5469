"""A file (PDF, DOCX, HTML, Markdown or plain text) -> clean text a person and the extraction rules read.

Plain Python, no Django: `read_document(data, filename)` is what the `ingest` app, the `oversight
extract` command and the tests call. A file that cannot be read raises `DocumentError` with a
message for the person who gave it; nothing is ever returned half-read.
"""

from __future__ import annotations

from oversight.lib.documents.cleaning import clean_pages
from oversight.lib.documents.reading import read_document, read_path
from oversight.lib.documents.shapes import DEFAULT_MAX_BYTES, CleanDocument, DocumentError, DocumentFormat, Progress
from oversight.lib.documents.uploads import ACCEPTED_SUFFIXES, check_upload

__all__ = [
    "ACCEPTED_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "CleanDocument",
    "DocumentError",
    "DocumentFormat",
    "Progress",
    "check_upload",
    "clean_pages",
    "read_document",
    "read_path",
]

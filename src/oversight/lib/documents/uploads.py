"""The check every upload of a document to read passes before it is stored or read.

One place for the types, size and first bytes, so the register's documents (`ingest`) and a
return's pre-fill (`returns`) refuse the same files in the same words.
"""

from __future__ import annotations

from pathlib import Path

from oversight.lib.documents.shapes import DocumentError

# The file types read (each has its reader); the first bytes a type must start with, if any.
ACCEPTED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".md", ".txt")
_SIGNATURES = {".pdf": b"%PDF", ".docx": b"PK\x03\x04"}


def check_upload(name: str, size: int, head: bytes, max_bytes: int) -> None:
    """Refuse a file of the wrong type or size, or whose first bytes do not match its type."""
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise DocumentError("The selected file must be a PDF, Word (.docx), HTML, Markdown or text file")
    if size == 0:
        raise DocumentError("The selected file is empty")
    if size > max_bytes:
        raise DocumentError(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    # Text may come in any encoding (UTF-16 has NUL bytes): the reader works that out, or says why not.
    expected = _SIGNATURES.get(suffix)
    if expected and not head.startswith(expected):
        raise DocumentError(f"The selected file is not a {suffix.lstrip('.').upper()} file inside")

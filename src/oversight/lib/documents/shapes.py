"""The shapes the document reader hands out: the clean document, its format, and the error it raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

# The largest file read when the caller gives no limit (settings.INGEST_MAX_BYTES in the product).
DEFAULT_MAX_BYTES = 25 * 1024 * 1024

# progress(done, total): pages (or parts) read so far out of the whole, for a progress bar.
Progress = Callable[[int, int], None]


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


class DocumentError(ValueError):
    """The file cannot be read; the message says why in words for the person who gave it."""


@dataclass(frozen=True)
class CleanDocument:
    """A document's clean text: paragraphs joined across line and page breaks, separated by blank lines.

    `page_starts[n]` is the offset in `text` where page n+1 begins (a single 0 for formats without
    pages), so a passage found in the text can be named by its page.
    """

    text: str
    format: DocumentFormat
    pages: int
    page_starts: tuple[int, ...] = (0,)

    def page_of(self, offset: int) -> int:
        """The page (from 1) on which the character at `offset` stands."""
        page = 1
        for number, start in enumerate(self.page_starts, start=1):
            if start > offset:
                break
            page = number
        return page

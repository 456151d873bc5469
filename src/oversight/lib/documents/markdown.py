"""Markdown -> blocks: the text a reader sees, with list and table structure kept and markup stripped.

A small line-based reader rather than a Markdown library: only the structure matters here
(paragraphs, headings, list items, table rows), and the inline markup is removed, not rendered.
"""

from __future__ import annotations

import html
import re

from oversight.lib.documents.blocks import BULLET, Block, BlockKind, end_of_group, inline, row_text

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_=]\s*){3,}$")
_ITEM = re.compile(r"^\s*(?:([-*+])|(\d{1,3}[.)]|[a-z][.)]|\([a-z0-9ivx]{1,4}\)))\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:\s*")

_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<sup>\s*\[?\d{1,3}\]?\s*</sup>", re.I), ""),  # footnote marker
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote reference
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    (re.compile(r"<[^>\n]+>"), ""),  # any other tag: its text stays
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image: its description
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # link: its words
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),
)


def strip_inline(text: str) -> str:
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return html.unescape(text)


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.kind = BlockKind.PARAGRAPH
        self.in_fence = False

    def flush(self) -> None:
        text = " ".join(line.strip(" \t") for line in self.lines)
        text = "\n".join(inline(part) for part in strip_inline(text).split("\n"))
        if text.strip():
            self.blocks.append(Block(self.kind, text.strip()))
        self.lines, self.kind = [], BlockKind.PARAGRAPH

    def line(self, raw: str) -> None:
        if _FENCE.match(raw):
            self.flush()
            self.in_fence = not self.in_fence
        elif self.in_fence:
            self.blocks.append(Block(BlockKind.PARAGRAPH, inline(raw)))
        else:
            self._structure(_QUOTE.sub("", raw))

    def _structure(self, raw: str) -> None:
        heading = _HEADING.match(raw)
        item = _ITEM.match(raw)
        if not raw.strip() or _RULE.match(raw):
            self.flush()
            self.blocks.append(end_of_group())
        elif _TABLE_RULE.match(raw):
            self.flush()
        elif heading:
            self.flush()
            self.lines = [heading.group(1)]
            self.flush()
        elif raw.lstrip().startswith("|"):
            self.flush()
            self.blocks.append(Block(BlockKind.ROW, row_text([strip_inline(cell) for cell in _cells(raw)])))
        elif item:
            self.flush()
            bullet, number, rest = item.groups()
            self.kind = BlockKind.ITEM
            self.lines = [(BULLET if bullet else number + " ") + rest]
        else:
            text = _FOOTNOTE_DEFINITION.sub("", raw)
            self.lines.append(text.rstrip() + ("\n" if raw.endswith(("  ", "\\")) else ""))


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)]


def read_markdown_blocks(text: str) -> list[Block]:
    reader = _Reader()
    for raw in text.split("\n"):
        reader.line(raw)
    reader.flush()
    return reader.blocks

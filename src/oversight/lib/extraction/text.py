"""Clean text -> lines that know where they stand: offsets, list markers, headings, markup stripped.

The rules read lines, not characters: a report's items are headings, paragraphs and bullets. Every
line keeps its offsets into the text it came from, so a proposal can point back at its passage.
Markdown and the odd HTML tag (committee papers are often published as Markdown or HTML) are
stripped from what the rules read, never from the offsets.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum


class Marker(StrEnum):
    NONE = ""
    BULLET = "bullet"
    NUMBER = "number"
    LETTER = "letter"
    ROMAN = "roman"


_FOOTNOTE_SUP = re.compile(r"<sup>\s*\d+\s*</sup>|\[\^?\d+\]", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\S)|(?<=\S)\*)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HEADING_HASHES = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^(?:[-*•·▪●◦○‣\u2043\u2013\u2014➢►▸✓]\s*)+(?=\S)")
_ENUMERATOR = re.compile(
    r"^\(?(?P<label>\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,5})(?:[.)]|(?<=\d)\.?(?=\s))\)?\s+(?=\S)", re.IGNORECASE
)
_ENTITIES = {"&amp;": "&", "&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}


def clean_markup(raw: str) -> str:
    """A line's words without Markdown emphasis, links, heading hashes, HTML tags or footnote marks."""
    text = _FOOTNOTE_SUP.sub("", raw)
    text = _TAG.sub("", text)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    text = _LINK.sub(r"\1", text)
    text = _HEADING_HASHES.sub("", text.strip())
    text = _EMPHASIS.sub("", text).replace("\\", "")
    return " ".join(text.split())


@dataclass(frozen=True)
class Line:
    """One non-blank line of the text, with its offsets and what it looks like."""

    start: int
    end: int
    indent: int
    blank_before: bool
    marker: Marker
    label: str  # the enumerator's label ("3", "a", "iv"), or "" for a bullet or no marker
    body: str  # the words after any marker, markup stripped
    heading: bool  # a Markdown heading or a line that is bold all through

    @property
    def ends_open(self) -> bool:
        """The line introduces what follows ("...should:", "...; and")."""
        tail = self.body.rstrip()
        return tail.endswith((":", ";", ",", " and", " or", "\u2013", "-")) or tail.endswith(("; and", "; or"))


def _marker(text: str) -> tuple[Marker, str, str]:
    if match := _BULLET.match(text):
        return Marker.BULLET, "", text[match.end() :]
    if match := _ENUMERATOR.match(text):
        label = match["label"]
        if label.replace(".", "").isdigit():
            kind = Marker.NUMBER
        elif re.fullmatch(r"[ivx]{1,5}", label, re.IGNORECASE) and label.lower() not in {"i", "v", "x"}:
            kind = Marker.ROMAN
        elif len(label) == 1:
            kind = Marker.LETTER if label.lower() not in {"i"} or match.group(0).startswith("(") else Marker.ROMAN
        else:
            return Marker.NONE, "", text
        return kind, label, text[match.end() :]
    return Marker.NONE, "", text


def _is_bold_line(raw: str) -> bool:
    stripped = raw.strip().lstrip("#").strip()
    return bool(re.fullmatch(r"(\*\*|__)[^*_]+(\*\*|__)[.:)\s]*", stripped)) or bool(
        re.fullmatch(r"<(b|strong)>.*</(b|strong)>", stripped, re.IGNORECASE)
    )


_INLINE_BULLET = re.compile(r"(?<=\S)\s+(?=[\u2022\u00b7\u25aa]\s)")


def _pieces(raw: str) -> list[tuple[int, str]]:
    """A line cut where a bullet glyph stands mid-line ("... powers. \u2022 To improve ..."), with offsets."""
    cuts = [0] + [match.end() for match in _INLINE_BULLET.finditer(raw)] + [len(raw)]
    return [(start, raw[start:end]) for start, end in itertools.pairwise(cuts) if raw[start:end].strip()]


def split_lines(text: str) -> list[Line]:
    """Every non-blank line of `text`, in order; a line broken mid-sentence is joined to the one before."""
    lines: list[Line] = []
    blank_before, offset = True, 0
    for whole in text.split("\n"):
        line_start, offset = offset, offset + len(whole) + 1
        if not whole.strip():
            blank_before = True
            continue
        for piece_offset, raw in _pieces(whole):
            line = _line(raw, line_start + piece_offset, blank_before)
            if lines and _runs_on(lines[-1], line):
                line = _joined(lines[-1], line)
                lines.pop()
            lines.append(line)
            blank_before = False
    return lines


def _line(raw: str, start: int, blank_before: bool) -> Line:
    indent = len(raw) - len(raw.lstrip())
    heading = raw.lstrip().startswith("#") or _is_bold_line(raw)
    marker, label, rest = _marker(clean_markup(raw))
    return Line(start + indent, start + len(raw.rstrip()), indent, blank_before, marker, label, rest, heading)


_ITEM_WORDS = re.compile(
    r"(?:recommendations?|areas?\s+for\s+improvement|causes?\s+(?:of|for)\s+concern|afis?|actions?\s+for)\b",
    re.IGNORECASE,
)


def _runs_on(previous: Line, line: Line) -> bool:
    """A PDF's line break in mid-sentence (even across a blank line): the next line carries on in lower case."""
    if line.marker != Marker.NONE or previous.heading or line.heading or not line.body:
        return False
    if previous.body.count("|") >= 2 or line.body.count("|") >= 2:
        return False  # rows of a table
    if previous.body.rstrip().endswith((".", ":", ";", "!", "?", '"', "\u201d")) or _ITEM_WORDS.match(line.body):
        return False
    if line.body[0].islower():
        return True
    # A long line of prose without a sentence's end, straight above, is one a PDF wrapped; a line of
    # capitalised words is a title ("... Findings published on 30th June 2022").
    words = previous.body.split()
    capitalised = sum(word[:1].isupper() for word in words)
    return (
        not line.blank_before
        and len(previous.body) >= 60
        and previous.marker == Marker.NONE
        and capitalised * 2 < len(words)
    )


def _joined(previous: Line, line: Line) -> Line:
    body = f"{previous.body[:-1]}{line.body}" if previous.body.endswith("-") else f"{previous.body} {line.body}"
    return Line(
        previous.start, line.end, previous.indent, previous.blank_before, previous.marker, previous.label, body, False
    )


SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]?\s+(?=[\"\u201c(\u2018]?[A-Z0-9])")


def looks_like_heading(line: Line) -> bool:
    """A section heading: marked up as one, or a short title line without a sentence's ending."""
    if line.heading:
        return True
    words = line.body.split()
    return (
        line.marker == Marker.NONE
        and 0 < len(words) <= 10
        and len(line.body) < 80
        and line.body[0].isupper()
        and not line.body.rstrip().endswith((".", ":", ";", ",", "?", "!", ")"))
        and not re.search(r"\b(should|must|will|we|I)\b", line.body)
    )

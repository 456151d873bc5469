"""Page texts as a PDF gives them -> clean text: paragraphs rejoined, running heads and page numbers gone.

`clean_pages` is pure: the PDF reader, plain text (pages split at form feeds) and the tests call it.
Each rule is the way a careful typist would retype a printed page:

- a line break inside a sentence is a space; a paragraph ends where a line ends a sentence well short
  of the margin, where the next line's first word would have fitted on it, at a blank line (when blank
  lines are used only between paragraphs), or before a bullet or a number;
- a hyphen at the end of a line is kept when it belongs to the word (both halves appear hyphenated
  elsewhere, the left half is a prefix such as "non" or "cross", the right half starts with a capital
  or a digit) and dropped when the word was only split to fit ("investi-" + "gation");
- a line repeated at the top or bottom of many pages is a running head or foot; a number alone or
  "Page 3 of 40" at the top or bottom of a page is a page number;
- a footnote number glued to a word ("concern.12") goes; bullets become "- " at the start of their
  own line; numbering ("1.", "3a.", "a)", "(i)") stays at the start of its own line.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from oversight.lib.documents.blocks import BULLET, same_meaning

# Bullet glyphs as PDFs carry them, Word's Symbol-font bullets (private use area) included.
_GLYPHS = "•●▪■◦○∙·‣\u2043◆◇►▸▶➢➤✓✔❖\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0a1"
_GLYPH_BULLET = re.compile(rf"^[{_GLYPHS}]\s*")
_DASH_BULLET = re.compile(r"^[-\u2013\u2014*]\s+(?=\S)")
# Numbering in brackets ("a)", "(i)", "(3)") always starts an item; "1.", "3a.", "1.2" or "i." only
# after a line that ended, or before a capital: "an increase of / 2.5 per cent" is one sentence.
_BRACKETED = re.compile(
    r"^(?:\(?\d{1,3}[a-z]?\)|\(?[a-z]\)|\([ivx]{1,5}\)|[ivx]{1,5}\)|\([a-z]{1,2}\)|[A-Z]\))\s+(?=\S)"
)
_NUMBERED = re.compile(r"^(?:\d{1,3}[a-z]?\.|\d{1,2}(?:\.\d{1,2})+\.?|[a-z]\.|[ivx]{1,5}\.)\s+(?=\S)")
_TERMINAL = re.compile(r"[.!?:]['\")\]]*$")
_CONTINUES = re.compile(r"[,(&/-]$|\b(?:and|or|the|of|to|a|an|in|for|with|by|on|at|from)$", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$"  # "3", "Page 3", "Page 3 of 40", "3/40"
    r"|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$"  # "- 3 -"
    r"|^(?-i:[ivxlc]{1,6})$",  # front matter: "iv"
    re.I,
)
_FOOTNOTE = re.compile(r"\b([A-Za-z]{2,})([.,;:!?'\")\]]+)(\d{1,3})(?=\s|$)")
_SUPERSCRIPT_FOOTNOTE = re.compile(r"(?<=[A-Za-z.,;:!?'\")\]])[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
# Words after which a number is a reference, not a footnote ("para.12", "p.4").
_REFERENCE_WORDS = frozenset(
    {"para", "paras", "paragraph", "pg", "pp", "no", "nos", "vol", "fig", "figs", "figure", "sec", "section", "ch"}
    | {"chapter", "art", "article", "reg", "regulation", "page", "pages", "annex", "appendix", "table", "version"}
    | {"op", "cit", "ibid", "rec", "recommendation", "aiff", "afi", "step", "item", "part", "stage", "phase"}
)
_LEFT_WORD = re.compile(r"([A-Za-z]+)-$")
_LONGEST_WORD = 80  # the most of a paragraph's tail searched for a word broken by a hyphen
_RIGHT_WORD = re.compile(r"^([A-Za-z]+)")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# Left halves that keep their hyphen ("non-police", "cross-force") when the document gives no answer.
_PREFIXES = frozenset({"non", "self", "cross", "anti", "well", "all", "half", "semi", "vice", "socio", "co", "post"})
# Right halves that make a compound with any whole word ("risk-based", "victim-led", "long-term").
_TAILS = frozenset(
    {"based", "led", "term", "level", "wide", "related", "focused", "specific", "scale", "facing", "making"}
    | {"agency", "owned", "funded", "free", "friendly", "centred", "centered", "informed", "aware", "sensitive"}
)

# Running heads and feet are looked for in this many lines at the top and at the bottom of a page.
_EDGE_LINES = 3
# Text files wrapped by hand are under ~100 characters a line; longer lines are whole paragraphs.
_UNWRAPPED_WIDTH = 200
# A line ending a sentence this far short of the typical line ends its paragraph.
_SHORT = 0.8


@dataclass
class _Line:
    text: str
    page: int
    blank: bool = False
    hard_end: bool = False  # ended with two or more spaces: Word's mark of a paragraph's end
    dropped: bool = False  # a running head or foot, or a page number: gone without a trace


@dataclass
class _Vocabulary:
    """The document's own words, the best dictionary for its hyphens."""

    words: set[str] = field(default_factory=set)
    compounds: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, lines: list[_Line]) -> _Vocabulary:
        vocabulary = cls()
        for line in lines:
            for token in _WORD.findall(line.text):
                (vocabulary.compounds if "-" in token else vocabulary.words).add(token.lower())
        return vocabulary

    def keeps_hyphen(self, left: str, right: str) -> bool:
        if not right[:1].islower():
            return True  # "Anglo-Saxon", "COVID-19"
        left, right = left.lower(), right.lower()
        if f"{left}-{right}" in self.compounds:
            return True
        if left + right in self.words:
            return False
        return left in _PREFIXES or (right in _TAILS and len(left) >= 3)


def clean_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """The clean text of the pages, and the offset in it where each page begins."""
    lines_by_page = [_page_lines(text, number) for number, text in enumerate(pages)]
    if len(lines_by_page) > 1:
        _drop_running_lines(lines_by_page)
    for lines in lines_by_page:
        _drop_page_numbers(lines)
    lines = [line for page in lines_by_page for line in _trimmed(page)]
    if not lines:  # every line looked like a running head: a document of one line a page; keep them
        lines = [line for page in lines_by_page for line in page if not line.blank]
    assembler = _Assembler(lines, len(pages))
    return assembler.run()


def _trimmed(lines: list[_Line]) -> list[_Line]:
    """The page's lines without the dropped ones, and without blank lines at its top and bottom.

    A page break is no evidence of a paragraph break (the lines around it decide), so the blank line
    left between a removed footer and page number must not end the paragraph running over the page.
    """
    kept = [line for line in lines if not line.dropped]
    filled = [index for index, line in enumerate(kept) if not line.blank]
    return kept[filled[0] : filled[-1] + 1] if filled else []


def _page_lines(text: str, page: int) -> list[_Line]:
    lines = []
    for raw in same_meaning(text).replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-\n").split("\n"):
        stripped = " ".join(raw.split())
        lines.append(_Line(stripped, page, blank=not stripped, hard_end=raw.endswith("  ")))
    return lines


def _edges(lines: list[_Line]) -> list[_Line]:
    """The lines where running heads and feet stand: fewer on a page with little on it."""
    filled = [line for line in lines if not line.blank and not line.dropped]
    count = max(1, min(_EDGE_LINES, len(filled) // 4))
    return filled[:count] + filled[-count:] if len(filled) > 1 else filled


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Blank out lines that recur at the top or bottom of many pages (numbers in them may count pages)."""
    seen: defaultdict[str, list[tuple[int, _Line]]] = defaultdict(list)
    for number, lines in enumerate(pages):
        for line in _edges(lines):
            if len(line.text) <= 150:
                seen[re.sub(r"\d+", "#", line.text.lower())].append((number, line))
    needed = max(2, min(4, math.ceil(0.3 * len(pages))))
    for key, places in seen.items():
        if len({number for number, _ in places}) >= needed and _repeats(key, places):
            for _, line in places:
                line.dropped = True


def _repeats(key: str, places: list[tuple[int, _Line]]) -> bool:
    """The same words each time, and any number in them the same each time or counting the pages."""
    if "#" not in key:
        return True
    numbers = [tuple(re.findall(r"\d+", line.text)) for _, line in places]
    if len(set(numbers)) == 1:
        return True
    if not all(re.match(r"^\d|.*\d$", line.text) for _, line in places):
        return False  # a page number stands at one end of its line ("Report | 9", "9 Report")
    for position in range(len(numbers[0])):
        offsets = Counter(int(found[position]) - page for (page, _), found in zip(places, numbers, strict=True))
        if offsets.most_common(1)[0][1] >= 0.8 * len(places):
            return True
    return False


def _drop_page_numbers(lines: list[_Line]) -> None:
    filled = [line for line in lines if not line.blank and not line.dropped]
    for line in filled[:2] + filled[-2:]:
        if _PAGE_NUMBER.match(line.text):
            line.dropped = True


def _blank_lines_matter(lines: list[_Line]) -> bool:
    """False when an extraction put a blank line after every line, even inside sentences."""
    after_blank = inside_sentence = 0
    previous: _Line | None = None
    gap = False
    for line in lines:
        if line.blank:
            gap = previous is not None
            continue
        if gap and previous is not None:
            after_blank += 1
            if not _TERMINAL.search(previous.text) and line.text[:1].islower():
                inside_sentence += 1
        previous, gap = line, False
    return not (after_blank >= 5 and inside_sentence > 0.2 * after_blank)


def _typical_width(lines: list[_Line]) -> int:
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 10)
    if not lengths:
        return 80
    return max(lengths[math.ceil(0.9 * (len(lengths) - 1))], 20)


def _list_marker(text: str, after_end: bool) -> str | None:
    """The line's text with its bullet made "- ", when the line starts a list item; else None."""
    glyph = _GLYPH_BULLET.match(text)
    if glyph:
        return BULLET + text[glyph.end() :]
    dash = _DASH_BULLET.match(text)
    if dash and after_end:
        return BULLET + text[dash.end() :]
    if _BRACKETED.match(text):
        return text
    number = _NUMBERED.match(text)
    if number and (after_end or not text[number.end() :][:1].islower()):
        return text
    return None


def _drop_footnote_markers(text: str) -> str:
    def keep_reference(match: re.Match[str]) -> str:
        word, stops, _number = match.groups()
        return match.group(0) if word.lower() in _REFERENCE_WORDS else word + stops

    return _SUPERSCRIPT_FOOTNOTE.sub("", _FOOTNOTE.sub(keep_reference, text))


class _Assembler:
    """Walks the lines once, building paragraphs and noting where each page begins."""

    def __init__(self, lines: list[_Line], page_count: int) -> None:
        self.lines = lines
        self.blanks_matter = _blank_lines_matter(lines)
        self.width = _typical_width(lines)
        self.unwrapped = self.width > _UNWRAPPED_WIDTH
        self.vocabulary = _Vocabulary.of(lines)
        self.parts: list[str] = []
        self.length = 0
        self.page_starts: list[int | None] = [None] * page_count
        self.paragraph: list[str] = []  # the open paragraph's pieces (joined once, when it closes)
        self.paragraph_length = 0
        self.paragraph_is_item = False
        self.last_is_item: bool | None = None
        self.pending_pages: list[tuple[int, int]] = []  # (page, offset within the paragraph)
        self.previous: _Line | None = None
        self.marked_pages: set[int] = set()
        self.dash_list = False  # the last line started a list item with a dash: the next dash starts one too

    def run(self) -> tuple[str, tuple[int, ...]]:
        for line in self.lines:
            if line.blank:
                if self.blanks_matter:
                    self.close()
                continue
            self.add(line)
        self.close()
        return "".join(self.parts), self.starts()

    def starts(self) -> tuple[int, ...]:
        """Each page's first offset; a page without text begins where the next text does."""
        starts: list[int] = []
        following = self.length
        for start in reversed(self.page_starts):
            following = start if start is not None else following
            starts.append(following)
        starts.reverse()
        return (0, *starts[1:]) if starts else (0,)

    def add(self, line: _Line) -> None:
        ended = self.previous is None or not self.paragraph or self.ends_paragraph(self.previous, line)
        item = _list_marker(line.text, ended or self.dash_list)
        text = _drop_footnote_markers(item if item is not None else line.text)
        if item is not None or ended:
            self.close()
            self.paragraph_is_item = item is not None
        start = self.append(text)
        if line.page not in self.marked_pages:
            self.marked_pages.add(line.page)
            self.pending_pages.append((line.page, start))
        self.dash_list = item is not None and _DASH_BULLET.match(line.text) is not None
        self.previous = line

    def append(self, text: str) -> int:
        """Join `text` to the paragraph; where in the paragraph it begins."""
        if self.paragraph:
            last = self.paragraph[-1]
            left = _LEFT_WORD.search(last[-_LONGEST_WORD:])
            right = _RIGHT_WORD.match(text)
            if left and right and not self.vocabulary.keeps_hyphen(left.group(1), right.group(1)):
                self.paragraph[-1] = last[:-1]
                self.paragraph_length -= 1
            elif not last.endswith(("-", "/")):
                self.paragraph.append(" ")
                self.paragraph_length += 1
        start = self.paragraph_length
        self.paragraph.append(text)
        self.paragraph_length += len(text)
        return start

    def ends_paragraph(self, previous: _Line, line: _Line) -> bool:
        text = previous.text
        if self.unwrapped or (previous.hard_end and _TERMINAL.search(text)):
            return True
        if _CONTINUES.search(text):
            return False
        if _TERMINAL.search(text) and len(text) < _SHORT * self.width:
            return True
        first_word = line.text.split(" ", 1)[0]
        fits = len(text) + 1 + len(first_word) < 0.9 * self.width
        return fits and not line.text[:1].islower()

    def close(self) -> None:
        if not self.paragraph:
            self.pending_pages.clear()
            return
        paragraph = "".join(self.paragraph)
        if self.parts:
            together = self.paragraph_is_item and bool(self.last_is_item)
            separator = "\n" if together else "\n\n"
            self.parts.append(separator)
            self.length += len(separator)
        for page, offset in self.pending_pages:
            self.page_starts[page] = self.length + offset
        self.parts.append(paragraph)
        self.length += len(paragraph)
        self.last_is_item = self.paragraph_is_item
        self.paragraph, self.paragraph_length, self.pending_pages = [], 0, []

"""DOCX -> blocks, reading the zip's `word/document.xml` directly with defusedxml.

python-docx would parse the same XML with lxml after opening the zip unchecked; reading it here
lets the zip be checked first (`archive`) and the XML be parsed with DTDs and entities forbidden,
so neither a zip bomb nor an external entity reaches a parser. Paragraphs, numbered and bulleted
lists (their numbers worked out from `word/numbering.xml`, as Word shows them) and tables (a row
per line, cells separated by " | ") are kept; page headers, footers, footnotes, comments, deleted
text and field codes are not part of the body and are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # types and errors only; parsing goes through defusedxml
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from oversight.lib.documents import archive
from oversight.lib.documents.blocks import BULLET, Block, BlockKind, end_of_group, inline, row_text
from oversight.lib.documents.shapes import DocumentError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Elements whose text is not part of what the reader sees in the body.
_SKIPPED = frozenset({f"{_W}del", f"{_W}instrText", f"{_W}delText", f"{_MC}Fallback", f"{_W}txbxContent"})
_DAMAGED = "This Word document is damaged and cannot be read. Open it in Word, save it again and upload that."
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def read_docx_blocks(data: bytes) -> list[Block]:
    with archive.open_zip(data) as zipped:
        archive.check_declared_sizes(zipped)
        body = _parse(archive.read_part(zipped, "word/document.xml"))
        numbering = _Numbering.of(_parse(archive.read_part(zipped, "word/numbering.xml")))
        styles = _style_numbering(_parse(archive.read_part(zipped, "word/styles.xml")))
    if body is None:
        raise DocumentError(_DAMAGED)
    root = body.find(f"{_W}body")
    if root is None:
        raise DocumentError(_DAMAGED)
    return list(_blocks(root, _Lists(numbering, styles)))


def _parse(xml: bytes | None) -> ET.Element | None:
    if xml is None:
        return None
    try:
        return fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise DocumentError(
            "This Word document contains a document type declaration or entities, which Word never writes: "
            "it may have been made to attack the reader, so it is refused."
        ) from error
    except ET.ParseError as error:
        raise DocumentError(_DAMAGED) from error


def _blocks(container: ET.Element, lists: _Lists) -> Iterator[Block]:
    for child in container:
        if child.tag == f"{_W}p":
            yield from _paragraph(child, lists)
        elif child.tag == f"{_W}tbl":
            yield from _table(child)
            yield end_of_group()
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content, lists)


def _paragraph(paragraph: ET.Element, lists: _Lists) -> Iterator[Block]:
    text = "\n".join(inline(part) for part in _text(paragraph).split("\n"))
    marker = lists.marker(paragraph)
    if lists.new_list:
        yield end_of_group()
    if marker is not None and text.strip():
        yield Block(BlockKind.ITEM, f"{marker} {text}" if marker != BULLET.strip() else BULLET + text)
    else:
        yield Block(BlockKind.PARAGRAPH, text)
    for box in paragraph.iter(f"{_W}txbxContent"):
        yield from _blocks(box, lists)


def _text(element: ET.Element) -> str:
    """The visible text under `element`: runs, tabs, line breaks and no-break hyphens."""
    parts: list[str] = []
    for child in element:
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(_text(child))
    return "".join(parts)


def _table(table: ET.Element) -> Iterator[Block]:
    for row in table.iter(f"{_W}tr"):
        cells = []
        for cell in row.findall(f"{_W}tc"):
            paragraphs = [_text(paragraph) for paragraph in cell.iter(f"{_W}p")]
            cells.append(" ".join(paragraphs))
        yield Block(BlockKind.ROW, row_text(cells))


@dataclass(frozen=True)
class _Level:
    format: str
    text: str
    start: int


@dataclass
class _Numbering:
    """Word's list definitions: a list (`numId`) points at an abstract list with a format per level."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)

    @classmethod
    def of(cls, root: ET.Element | None) -> _Numbering:
        numbering = cls()
        if root is None:
            return numbering
        abstract = {node.get(f"{_W}abstractNumId", ""): _levels(node) for node in root.findall(f"{_W}abstractNum")}
        for num in root.findall(f"{_W}num"):
            link = num.find(f"{_W}abstractNumId")
            if link is not None:
                numbering.levels[num.get(f"{_W}numId", "")] = abstract.get(link.get(f"{_W}val", ""), {})
        return numbering


def _levels(abstract: ET.Element) -> dict[int, _Level]:
    levels = {}
    for level in abstract.findall(f"{_W}lvl"):
        levels[_int(level.get(f"{_W}ilvl"), 0)] = _Level(
            format=_val(level, "numFmt") or "decimal",
            text=_val(level, "lvlText") or "",
            start=_int(_val(level, "start"), 1),
        )
    return levels


def _val(element: ET.Element, name: str) -> str | None:
    child = element.find(f"{_W}{name}")
    return None if child is None else child.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _style_numbering(root: ET.Element | None) -> dict[str, tuple[str, int]]:
    """Styles that make a paragraph a list item ("List Bullet", "List Number"): style id -> (numId, level)."""
    found: dict[str, tuple[str, int]] = {}
    if root is None:
        return found
    for style in root.findall(f"{_W}style"):
        properties = style.find(f"{_W}pPr/{_W}numPr")
        if properties is not None:
            num = _val(properties, "numId")
            if num:
                found[style.get(f"{_W}styleId", "")] = (num, _int(_val(properties, "ilvl"), 0))
    return found


@dataclass
class _Lists:
    """Counts list items as Word does, so item 3 of a list reads "3." here as on the page."""

    numbering: _Numbering
    styles: dict[str, tuple[str, int]]
    counters: dict[str, list[int]] = field(default_factory=dict)
    current: str | None = None  # the list the last paragraph belonged to
    new_list: bool = False  # this paragraph starts a different list straight after another

    def marker(self, paragraph: ET.Element) -> str | None:
        found = self._num(paragraph)
        self.new_list = found is not None and self.current is not None and found[0] != self.current
        self.current = found[0] if found is not None else None
        if found is None:
            return None
        num, level = found
        levels = self.numbering.levels.get(num, {})
        definition = levels.get(level, _Level("bullet", "", 1))
        if definition.format == "bullet":
            return BULLET.strip()
        if definition.format == "none":
            return None
        counts = self.counters.setdefault(num, [0] * 10)
        level = min(level, 9)
        counts[level] += 1
        for deeper in range(level + 1, 10):
            counts[deeper] = 0
        return _format_marker(definition, counts, levels)

    def _num(self, paragraph: ET.Element) -> tuple[str, int] | None:
        properties = paragraph.find(f"{_W}pPr")
        if properties is None:
            return None
        direct = properties.find(f"{_W}numPr")
        if direct is not None:
            num = _val(direct, "numId")
            return None if num in (None, "0") else (str(num), _int(_val(direct, "ilvl"), 0))
        style = _val(properties, "pStyle")
        return self.styles.get(style or "")


def _format_marker(definition: _Level, counts: list[int], levels: dict[int, _Level]) -> str:
    text = definition.text or "%1."
    for level in range(9, -1, -1):
        placeholder = f"%{level + 1}"
        if placeholder in text:
            own = levels.get(level, definition)
            text = text.replace(placeholder, _number(own.format, own.start + counts[level] - 1))
    return text.strip() or "-"


def _number(format: str, value: int) -> str:
    if format in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, remainder = divmod(value - 1, 26)
            letters = chr(ord("a") + remainder) + letters
        return letters.upper() if format == "upperLetter" else letters
    if format in ("lowerRoman", "upperRoman"):
        roman = ""
        for amount, numeral in _ROMAN:
            while value >= amount:
                roman, value = roman + numeral, value - amount
        return roman.upper() if format == "upperRoman" else roman
    return str(value)

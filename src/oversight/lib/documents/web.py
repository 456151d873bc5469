"""HTML -> blocks, with lxml's HTML parser: the page's content without its scripts, styles and navigation.

Headings, paragraphs, list items (numbered as the browser would number them) and table rows become
blocks; script, style, navigation, the site header and footer, forms and hidden elements are dropped.
The parser is told not to fetch anything from the network, and HTML has no external entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from oversight.lib.documents.blocks import BULLET, Block, BlockKind, end_of_group, inline, row_text
from oversight.lib.documents.shapes import DocumentError

_DROPPED = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "form", "button", "select"}
    | {"textarea", "iframe", "object", "embed", "svg", "math", "canvas", "head", "title", "meta", "link"}
)
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "aside", "blockquote", "pre", "address", "figure", "figcaption"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "caption", "details", "summary", "hr", "body", "html"}
)


def read_html_blocks(text: str) -> list[Block]:
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.lstrip("\ufeff"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise DocumentError("This web page (HTML) could not be read: it has no content Oversight can find.") from error
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return walker.blocks


class _Walker:
    """Collects inline text into the current block and starts a new block at each block element."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.kind = BlockKind.PARAGRAPH

    def flush(self) -> None:
        text = "\n".join(inline(line) for line in "".join(self.pieces).split("\n"))
        if text.strip():
            self.blocks.append(Block(self.kind, text.strip()))
        self.pieces, self.kind = [], BlockKind.PARAGRAPH

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _DROPPED or _hidden(element) or _footnote_marker(element):
            return
        if tag in ("ul", "ol"):
            self._list(element)
        elif tag == "table":
            self._table(element)
        elif tag in _BLOCKS:
            self.flush()
            self._inline(element)
            self.flush()
        elif tag == "br":
            self.pieces.append("\n")
        else:
            self._inline(element)

    def _inline(self, element: etree._Element) -> None:
        self.add(element.text)
        for child in element:
            self.walk(child)
            self.add(child.tail)

    def add(self, text: str | None) -> None:
        """Source line breaks are only spaces in HTML; a line break is `<br>`."""
        if text:
            self.pieces.append(_WHITESPACE.sub(" ", text))

    def _list(self, element: etree._Element) -> None:
        self.flush()
        for marker, item in _items(element):
            self.flush()
            self.kind = BlockKind.ITEM
            self.pieces.append(marker)
            self._inline(item)
            self.flush()
        self.blocks.append(end_of_group())

    def _table(self, element: etree._Element) -> None:
        self.flush()
        for row in element.iter("tr"):
            cells = [" ".join(cell.itertext()) for cell in row if cell.tag in ("td", "th")]
            self.blocks.append(Block(BlockKind.ROW, row_text(cells)))
        self.blocks.append(end_of_group())


def _items(element: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    ordered = element.tag == "ol"
    kind = element.get("type", "1")
    number = _int(element.get("start"), 1)
    for item in element:
        if item.tag != "li":
            continue
        number = _int(item.get("value"), number)
        yield (_ordinal(kind, number) + " " if ordered else BULLET), item
        number += 1


def _ordinal(kind: str, number: int) -> str:
    if kind in ("a", "A") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return (letter.upper() if kind == "A" else letter) + "."
    if kind in ("i", "I") and 1 <= number <= 39:
        roman = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]
        tens = ["", "x", "xx", "xxx"]
        numeral = tens[number // 10] + roman[number % 10]
        return (numeral.upper() if kind == "I" else numeral) + "."
    return f"{number}."


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _hidden(element: etree._Element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return element.get("hidden") is not None or element.get("aria-hidden") == "true" or "display:none" in style


def _footnote_marker(element: etree._Element) -> bool:
    """A superscript number or a link to a footnote: a marker, not text."""
    if element.tag != "sup":
        return False
    text = "".join(element.itertext()).strip().strip("[]()")
    return text.isdigit() or (len(text) <= 2 and text.isalpha())

"""The shape every reader's output takes before it becomes text: paragraphs, list items and table rows.

Paragraphs are separated by one blank line; the items of one list, and the rows of one table, stand
on consecutive lines, each starting with its marker ("- ", "1.", "a)", "(i)") or holding its cells
separated by " | ", so the extraction rules see list and table structure without knowing the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

CELL_SEPARATOR = " | "
BULLET = "- "

# Characters that look different but mean the same to a reader and to the extraction rules.
_SAME_MEANING = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u3000": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ad": None,  # soft hyphen: only a hint where a word may break
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u2011": "-",  # non-breaking hyphen
        "\u2010": "-",
        "\t": " ",
        "\x0b": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u0085": "\n",
    }
)
_SPACES = re.compile(r"[ ]{2,}")


def same_meaning(text: str) -> str:
    """Quotes straightened, ligatures split, odd spaces made plain, invisible characters dropped."""
    return text.translate(_SAME_MEANING)


def inline(text: str) -> str:
    """One line of text: characters as `same_meaning`, runs of whitespace as one space."""
    return " ".join(same_meaning(text).split())


class BlockKind(Enum):
    PARAGRAPH = "paragraph"
    ITEM = "item"
    ROW = "row"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


def join_blocks(blocks: list[Block]) -> str:
    """The clean text: blank lines between paragraphs, single line breaks inside a list or a table."""
    parts: list[str] = []
    previous: BlockKind | None = None
    for block in blocks:
        text = block.text.strip()
        if not text:
            # An empty block ends a list or a table: what follows stands apart from it.
            previous = BlockKind.PARAGRAPH if previous is not None else None
            continue
        if previous is not None:
            together = block.kind == previous and block.kind is not BlockKind.PARAGRAPH
            parts.append("\n" if together else "\n\n")
        parts.append(text)
        previous = block.kind
    return "".join(parts)


def end_of_group() -> Block:
    """Ends the list or table before it, so the next one is not run into it."""
    return Block(BlockKind.PARAGRAPH, "")


def row_text(cells: list[str]) -> str:
    """A table row as one line; a row whose cells are all empty is dropped by `join_blocks`."""
    cells = [inline(cell) for cell in cells]
    return CELL_SEPARATOR.join(cells) if any(cells) else ""

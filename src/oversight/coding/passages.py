"""Split an answer's text into passages: sentences, with their character offsets.

A passage is a sentence (ending at '.', '!' or '?' followed by space, or at a line break), trimmed of
surrounding space. Sentences are the unit suggestions are made for and agreement is counted over:
paragraphs of a return often carry several themes at once, and a sentence rarely does.
"""

from __future__ import annotations

import re

# A run of text up to and including a sentence end followed by space, or up to a line break or the end.
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?](?=\s)|(?=\n)|$)", re.MULTILINE)


def split_passages(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of the text, in order, without surrounding space."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]

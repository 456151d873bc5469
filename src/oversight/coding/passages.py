"""Split an answer's text into passages: sentences, with their character offsets; and find the words
a person wants to code.

A passage is a sentence (ending at '.', '!' or '?' followed by space, or at a line break), trimmed of
surrounding space. Sentences are the unit suggestions are made for and agreement is counted over:
paragraphs of a return often carry several themes at once, and a sentence rarely does. A person may
code any span (a few words, or words across sentences): for suggestions and agreement it counts toward
every sentence it overlaps.
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


def find_words(text: str, words: str) -> list[tuple[int, int]]:
    """The (start, end) of each place the words appear in the text, in order, without overlaps.

    The words must appear as written, letter for letter and case for case, and as whole words ("in"
    is not found inside "trained"); only the spacing between them may differ (a line break in the
    answer, two spaces copied as one), so that words copied from the page, where line breaks show as
    spaces, are still found. Part of a word can still be coded by selecting it on the page."""
    tokens = words.split()
    if not tokens:
        return []
    body = r"\s+".join(re.escape(token) for token in tokens)
    lead = r"(?<!\w)" if re.match(r"\w", tokens[0]) else ""
    tail = r"(?!\w)" if re.search(r"\w$", tokens[-1]) else ""
    return [match.span() for match in re.finditer(lead + body + tail, text)]


def same_words(first: str, second: str) -> bool:
    """The same words in the same order, whatever the spacing between them."""
    return first.split() == second.split()


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the space at either end (a selection on the page often takes a space too)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def in_context(text: str, span: tuple[int, int], width: int = 40) -> tuple[str, str, str]:
    """The words of the span with up to `width` characters either side (cut at a space), to tell apart
    the places the same words appear."""
    start, end = span
    lead, tail = max(0, start - width), min(len(text), end + width)
    before, after = text[lead:start], text[end:tail]
    if lead > 0:
        before = "…" + (before.split(" ", 1)[1] if " " in before else before)
    if tail < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return before, text[start:end], after

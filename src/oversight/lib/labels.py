"""A choice's label inside a sentence: "With HMICFRS" reads "with HMICFRS", never "with hmicfrs".

Labels are written in sentence case, so only their first letter changes, and not even that when
the label starts with an acronym ("PEEL inspection", "RAG", "OPCC policy or scrutiny officer").
"""

from __future__ import annotations

import re

_ACRONYM = re.compile(r"[A-Z0-9]*[A-Z][A-Z0-9]+\b")


def in_sentence(label: str) -> str:
    """The label as it reads after the first word of a sentence."""
    if not label or _ACRONYM.match(label):
        return label
    return label[0].lower() + label[1:]

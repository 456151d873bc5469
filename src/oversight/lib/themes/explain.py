"""The words behind a suggestion: what the passage shares with the theme's description and with its
most alike coded passage, named as the passage writes them."""

from __future__ import annotations

from oversight.lib.themes.model import Theme
from oversight.lib.themes.text import Token, concepts_in, content_tokens, tokens

MOST_WORDS = 4
QUOTE_LENGTH = 90


def because(text: str, theme: Theme, nearest_coded: str | None) -> str:
    """A sentence naming the evidence, e.g. "shares 'vetting', 'misconduct' with the description; ..."."""
    parts = []
    shared = shared_words(text, f"{theme.name}. {theme.description}")
    if shared:
        parts.append(f"shares {_quoted(shared)} with the description")
    related, concepts = related_words(text, f"{theme.name}. {theme.description}", exclude=shared)
    if related:
        parts.append(f"words akin to the description's: {_quoted(related)} ({', '.join(concepts)})")
    if nearest_coded is not None:
        in_common = shared_words(text, nearest_coded)
        words = f" (shares {_quoted(in_common)})" if in_common else ""
        parts.append(f"most like a coded passage{words}: '{_shortened(nearest_coded)}'")
    if not parts:
        return "no words in common with any theme's description; the closest by parts of words"
    return "; ".join(parts)


def shared_words(text: str, other: str) -> list[str]:
    """The passage's words (as written, first form seen) whose stems the other text also has, in passage order."""
    theirs = {t.stem for t in content_tokens(other)}
    return _first_forms([t for t in content_tokens(text) if t.stem in theirs])


def related_words(text: str, other: str, exclude: list[str]) -> tuple[list[str], list[str]]:
    """The passage's words that mean what the other text's words mean by the lexicon ("clearance" ~ vetting),
    and the lexicon's names for what they share."""
    theirs = {concept for concept, _ in concepts_in(tokens(other))}
    seen = set(exclude)
    found = [(c, surface) for c, surface in concepts_in(tokens(text)) if c in theirs and surface not in seen]
    words = list(dict.fromkeys(surface for _, surface in found))[:MOST_WORDS]
    concepts = list(dict.fromkeys(c for c, surface in found if surface in words))
    return words, concepts


def _first_forms(found: list[Token]) -> list[str]:
    forms: dict[str, str] = {}
    for token in found:
        forms.setdefault(token.stem, token.surface)
    return list(forms.values())[:MOST_WORDS]


def _quoted(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_LENGTH:
        return text
    return text[: QUOTE_LENGTH - 1].rsplit(" ", 1)[0] + "…"

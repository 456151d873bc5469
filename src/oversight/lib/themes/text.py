"""Text into features: stemmed words, word pairs, word parts and the lexicon's concepts.

Four kinds of evidence, each kept in its own block so that the many word parts of a long passage
do not drown its few telling words (the engine weighs the blocks).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from oversight.lib.themes.lexicon import CONCEPTS
from oversight.lib.themes.stemmer import stem

WORD = re.compile(r"[a-z0-9£]+(?:[-'][a-z0-9]+)*")

# Common English words, and the words every return uses whatever its theme (so they tell nothing).
STOP_WORD_TEXT = """a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just may me
might more most must my myself no nor not now of off on once only or other our ours ourselves out
over own same shall she should so some such than that the their theirs them themselves then there
these they this those through to too under until up upon very via was we were what when where which
while who whom why will with within would yet you your yours yourself yourselves us across whether
well already including include includes included ensure ensuring ensured continue continues continued
continuing work working works worked new recent recently currently current year years month months
take taken takes taking make made makes making place however many much one two three four five first
second part use used using response respond responded recommendation recommendations report reports
force forces police policing commissioner commissioners pcc pccs opcc chief constable constables area local"""
STOP_WORDS = frozenset(STOP_WORD_TEXT.split())

BLOCKS = ("word", "pair", "part", "concept")


@dataclass(frozen=True)
class Token:
    """A word as written (lower case) and its stem."""

    surface: str
    stem: str


def normalise(text: str) -> str:
    """Lower case, accents and curly quotes folded, so "Survivors\u2019" and "survivors'" read alike."""
    text = unicodedata.normalize("NFKD", text).replace("\u2019", "'").replace("\u2018", "'")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("'s ", " ")


def tokens(text: str) -> list[Token]:
    """Every word with its stem, stop words included (phrases in the lexicon span them)."""
    return [Token(word, _stem_word(word)) for word in WORD.findall(normalise(text))]


def _stem_word(word: str) -> str:
    """Hyphenated words are stemmed as one ("re-vetting" -> "revet"), so the two spellings meet."""
    return stem(word.replace("-", "").replace("'", ""))


def content_tokens(text: str) -> list[Token]:
    """The words that carry meaning: no stop words, no bare numbers."""
    return [t for t in tokens(text) if t.surface not in STOP_WORDS and t.stem not in STOP_STEMS and _is_word(t)]


def _is_word(token: Token) -> bool:
    return len(token.surface) > 1 and not token.surface.isdigit()


def features(text: str) -> dict[str, Counter[str]]:
    """The four blocks of counted features for one text."""
    every = tokens(text)
    content = [t for t in every if t.surface not in STOP_WORDS and t.stem not in STOP_STEMS and _is_word(t)]
    stems = [t.stem for t in content]
    return {
        "word": Counter(stems),
        "pair": Counter(f"{a} {b}" for a, b in itertools.pairwise(stems)),
        "part": Counter(part for t in content for part in _word_parts(t.surface)),
        "concept": Counter(concept for concept, _ in concepts_in(every)),
    }


@lru_cache(maxsize=65536)
def _word_parts(word: str) -> tuple[str, ...]:
    """Character 4-grams of a word with its edges marked: "<vet", "vett", ... catch unseen forms."""
    padded = f"<{word.replace('-', '')}>"
    if len(padded) <= 4:
        return (padded,)
    return tuple(padded[i : i + 4] for i in range(len(padded) - 3))


def concepts_in(words: list[Token]) -> list[tuple[str, str]]:
    """(concept, the words as written) for every lexicon term found in the text."""
    stems = [t.stem for t in words]
    found: list[tuple[str, str]] = []
    for start in range(len(stems)):
        for length in (3, 2, 1):
            key = " ".join(stems[start : start + length])
            if len(stems) - start >= length and key in LEXICON:
                surface = " ".join(t.surface for t in words[start : start + length])
                found.extend((concept, surface) for concept in LEXICON[key])
                break
    return found


def _lexicon() -> dict[str, tuple[str, ...]]:
    """Stemmed term -> the concepts it belongs to."""
    index: dict[str, list[str]] = {}
    for concept, terms in CONCEPTS.items():
        for term in terms:
            key = " ".join(_stem_word(word) for word in WORD.findall(normalise(term)))
            index.setdefault(key, []).append(concept)
    return {key: tuple(dict.fromkeys(names)) for key, names in index.items()}


LEXICON = _lexicon()
STOP_STEMS = frozenset(_stem_word(word) for word in STOP_WORDS)

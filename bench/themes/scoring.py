"""Macro-F1, accuracy and calibration, and the plain baseline the engine is compared with."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from oversight.lib.themes import Coded, Passage, Theme

WORD = re.compile(r"[a-z0-9]+")
BASELINE_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "for",
        "on",
        "by",
        "with",
        "is",
        "are",
        "be",
        "as",
        "at",
        "or",
        "that",
        "this",
        "it",
        "from",
    ]
)


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean over the true labels present of F1 (a theme never predicted scores 0)."""
    labels = sorted(set(truth))
    scores = []
    for label in labels:
        tp = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(p == label != t for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label != p for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth) if truth else 0.0


def calibration_error(truth: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]) -> float:
    """Expected calibration error over ten equal-width bins: how far the confidence is from the hit rate."""
    bins: dict[int, list[tuple[bool, float]]] = {}
    for t, p, c in zip(truth, predicted, confidence, strict=True):
        bins.setdefault(min(int(c * 10), 9), []).append((t == p, c))
    total = len(truth)
    return sum(
        len(b) / total * abs(sum(h for h, _ in b) / len(b) - sum(c for _, c in b) / len(b)) for b in bins.values()
    )


def baseline(themes: Sequence[Theme], passages: Sequence[Passage], coded: Sequence[Coded] = ()) -> list[str]:
    """TF-IDF nearest description: plain words, no stemming, no lexicon; coded passages (if any) are
    appended to their theme's description, the usual cheap way to use them."""
    documents = {t.name: f"{t.name} {t.description}" for t in themes}
    for c in coded:
        documents[c.theme] += " " + c.text
    theme_bags = [_bag(documents[t.name]) for t in themes]
    passage_bags = [_bag(p.text) for p in passages]
    frequency = Counter(word for bag in theme_bags + passage_bags for word in bag)
    count = len(theme_bags) + len(passage_bags)
    idf = {word: math.log((1 + count) / (1 + seen)) + 1 for word, seen in frequency.items()}
    theme_vectors = [_unit(bag, idf) for bag in theme_bags]
    predicted = []
    for bag in passage_bags:
        vector = _unit(bag, idf)
        sims = [sum(w * tv.get(word, 0.0) for word, w in vector.items()) for tv in theme_vectors]
        predicted.append(themes[max(range(len(themes)), key=lambda i: (sims[i], -i))].name)
    return predicted


def _bag(text: str) -> Counter[str]:
    return Counter(w for w in WORD.findall(text.lower()) if w not in BASELINE_STOP)


def _unit(bag: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    vector = {word: times * idf[word] for word, times in bag.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {word: v / norm for word, v in vector.items()}

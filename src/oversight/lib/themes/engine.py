"""Suggest a theme for each passage from the themes' descriptions and the passages analysts have coded.

Each theme gets a prototype: its description plus the centroid of its coded passages. A passage's
evidence for a theme is its similarity to the prototype plus its similarity to the theme's most
alike coded passage (or the description, for a theme nobody has coded yet). The passages being
suggested for then sharpen the prototypes (pseudo-relevance feedback: the words that keep company
with a theme's vocabulary in this batch of returns join it), and a softmax over the themes gives
the confidence. Everything is counted from the text given: no model, nothing downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oversight.lib.themes.explain import because
from oversight.lib.themes.model import Coded, Passage, Settings, Suggestion, Theme
from oversight.lib.themes.space import Space, Sparse, similarities, similarities_to_many, unit_rows
from oversight.lib.themes.text import features


class UnknownTheme(ValueError):
    """A coded passage names a theme that is not in the list."""


@dataclass(frozen=True)
class Fitted:
    """The vectors of one run, kept together for scoring and for the explanations."""

    space: Space
    themes: list[Sparse]
    passages: list[Sparse]
    coded: list[Sparse]
    coded_theme: np.ndarray  # the theme index of each coded passage


def suggest(
    themes: Sequence[Theme],
    passages: Sequence[Passage],
    coded: Sequence[Coded] = (),
    settings: Settings | None = None,
) -> list[Suggestion]:
    """One suggestion per passage, in order: the best theme, its confidence in [0, 1] and why."""
    if not themes:
        raise ValueError("There are no themes to suggest.")
    settings = settings or Settings()
    fitted = fit(themes, passages, coded, settings)
    scores, nearest = score(fitted, settings)
    confidence = softmax(scores, settings.temperature)
    best = scores.argmax(axis=1) if len(passages) else np.zeros(0, dtype=int)
    return [
        Suggestion(
            id=passage.id,
            theme=themes[t].name,
            score=round(float(confidence[i, t]), 4),
            because=because(passage.text, themes[t], _nearest_text(coded, nearest[i, t])),
        )
        for i, (passage, t) in enumerate(zip(passages, best, strict=True))
    ]


def fit(themes: Sequence[Theme], passages: Sequence[Passage], coded: Sequence[Coded], settings: Settings) -> Fitted:
    """Fit TF-IDF on every text given (descriptions, passages, coded) and turn each into a vector."""
    index = {theme.name: i for i, theme in enumerate(themes)}
    unknown = sorted({c.theme for c in coded} - set(index))
    if unknown:
        raise UnknownTheme(f"Coded passages name themes that are not in the list: {', '.join(unknown)}.")
    theme_features = [features(f"{theme.name}. {theme.description}") for theme in themes]
    passage_features = [features(passage.text) for passage in passages]
    coded_features = [features(c.text) for c in coded]
    space = Space(theme_features + passage_features + coded_features, settings.block_weights)
    return Fitted(
        space=space,
        themes=[space.vector(f) for f in theme_features],
        passages=[space.vector(f) for f in passage_features],
        coded=[space.vector(f) for f in coded_features],
        coded_theme=np.array([index[c.theme] for c in coded], dtype=int),
    )


def score(fitted: Fitted, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Each passage's evidence for each theme (passages x themes), and the index of its nearest coded
    passage of each theme (-1 where the theme has none)."""
    descriptions = fitted.space.dense(fitted.themes)
    prototypes = _prototypes(fitted, descriptions, settings)
    neighbour, nearest = _neighbours(fitted, descriptions)
    extra = settings.neighbour_weight * neighbour
    scores = similarities(fitted.passages, prototypes) + extra
    for _ in range(settings.feedback_rounds):
        if settings.feedback_weight <= 0 or len(fitted.passages) < 2:
            break
        pseudo = _pseudo_centroids(fitted, scores, settings)
        prototypes = unit_rows(prototypes + settings.feedback_weight * pseudo)
        scores = similarities(fitted.passages, prototypes) + extra
    return scores, nearest


def _prototypes(fitted: Fitted, descriptions: np.ndarray, settings: Settings) -> np.ndarray:
    """Description plus the unit centroid of the theme's coded passages, to unit length."""
    prototypes = settings.description_weight * descriptions
    if fitted.coded:
        centroids = np.zeros_like(descriptions)
        for vector, t in zip(fitted.coded, fitted.coded_theme, strict=True):
            centroids[t, vector.index] += vector.value
        prototypes = prototypes + unit_rows(centroids)
    return unit_rows(prototypes)


def _neighbours(fitted: Fitted, descriptions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Similarity to the theme's most alike coded passage (the description where none is coded) and its index."""
    theme_count = len(fitted.themes)
    neighbour = similarities(fitted.passages, descriptions)
    nearest = np.full((len(fitted.passages), theme_count), -1, dtype=int)
    if not fitted.coded or not fitted.passages:
        return neighbour, nearest
    to_coded = similarities_to_many(fitted.passages, fitted.coded, fitted.space)
    for t in np.unique(fitted.coded_theme):
        columns = np.flatnonzero(fitted.coded_theme == t)
        best = to_coded[:, columns].argmax(axis=1)
        nearest[:, t] = columns[best]
        neighbour[:, t] = to_coded[np.arange(len(best)), columns[best]]
    return neighbour, nearest


def _pseudo_centroids(fitted: Fitted, scores: np.ndarray, settings: Settings) -> np.ndarray:
    """Per theme, the unit centroid of the passages it currently wins, each weighted by its confidence."""
    confidence = softmax(scores, settings.temperature)
    winner = scores.argmax(axis=1)
    centroids = np.zeros((len(fitted.themes), fitted.space.size))
    for vector, t, weight in zip(fitted.passages, winner, confidence.max(axis=1), strict=True):
        centroids[t, vector.index] += weight * vector.value
    return unit_rows(centroids)


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of scores / temperature."""
    if scores.size == 0:
        return scores
    scaled = (scores - scores.max(axis=1, keepdims=True)) / temperature
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def _nearest_text(coded: Sequence[Coded], position: int) -> str | None:
    return coded[position].text if position >= 0 else None

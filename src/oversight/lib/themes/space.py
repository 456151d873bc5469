"""The vector space: TF-IDF fitted on every text the engine is given, one block per kind of feature.

Kept sparse (indices and values per text) because a run's vocabulary is tens of thousands of
features; similarities are taken against a few dense rows at a time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from oversight.lib.themes.text import BLOCKS

ROWS_AT_ONCE = 64  # dense rows held at once when comparing with many coded passages


@dataclass(frozen=True)
class Sparse:
    """One text's unit-length vector: feature indices and their weights."""

    index: np.ndarray
    value: np.ndarray


class Space:
    """Feature -> column, and each feature's inverse document frequency over the texts seen."""

    def __init__(self, documents: Iterable[Mapping[str, Counter[str]]], block_weights: Mapping[str, float]) -> None:
        self.columns: dict[str, int] = {}
        frequency: Counter[str] = Counter()
        count = 0
        for document in documents:
            count += 1
            for block in BLOCKS:
                frequency.update(f"{block}:{feature}" for feature in document[block])
        for name in frequency:
            self.columns[name] = len(self.columns)
        self.idf = {name: math.log((1 + count) / (1 + seen)) + 1.0 for name, seen in frequency.items()}
        self.block_weights = dict(block_weights)
        self.size = len(self.columns)

    def vector(self, document: Mapping[str, Counter[str]]) -> Sparse:
        """Sublinear TF-IDF per block, each block scaled to unit length times its weight, then all to unit length."""
        weights: dict[int, float] = {}
        for block in BLOCKS:
            block_values = self._block(block, document[block])
            if not block_values:
                continue
            norm = math.sqrt(sum(v * v for v in block_values.values()))
            for column, value in block_values.items():
                weights[column] = weights.get(column, 0.0) + self.block_weights[block] * value / norm
        return _unit(weights)

    def _block(self, block: str, counts: Counter[str]) -> dict[int, float]:
        values = {}
        for feature, times in counts.items():
            name = f"{block}:{feature}"
            if name in self.columns:
                values[self.columns[name]] = (1.0 + math.log(times)) * self.idf[name]
        return values

    def dense(self, vectors: list[Sparse], weights: Iterable[float] | None = None) -> np.ndarray:
        """The vectors as dense rows (len(vectors) x size)."""
        rows = np.zeros((len(vectors), self.size), dtype=np.float64)
        for row, vector in zip(rows, vectors, strict=True):
            row[vector.index] = vector.value
        return rows


def _unit(weights: dict[int, float]) -> Sparse:
    index = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
    value = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
    norm = float(np.linalg.norm(value))
    return Sparse(index, value / norm if norm else value)


def similarities(queries: list[Sparse], rows: np.ndarray) -> np.ndarray:
    """Cosine of each query with each dense row (rows already unit length or zero): len(queries) x len(rows)."""
    result = np.zeros((len(queries), rows.shape[0]))
    for i, query in enumerate(queries):
        result[i] = rows[:, query.index] @ query.value
    return result


def similarities_to_many(queries: list[Sparse], rows: list[Sparse], space: Space) -> np.ndarray:
    """Cosine of each query with each of many sparse rows, a slice of dense rows at a time."""
    result = np.zeros((len(queries), len(rows)))
    for start in range(0, len(rows), ROWS_AT_ONCE):
        chunk = space.dense(rows[start : start + ROWS_AT_ONCE])
        result[:, start : start + len(chunk)] = similarities(queries, chunk)
    return result


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)

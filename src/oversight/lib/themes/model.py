"""What the engine takes and gives: themes, passages, coded passages, suggestions; and its settings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Theme:
    name: str
    description: str


@dataclass(frozen=True)
class Passage:
    id: str
    text: str


@dataclass(frozen=True)
class Coded:
    """A passage an analyst has already coded to a theme: the examples the engine learns from."""

    text: str
    theme: str


@dataclass(frozen=True)
class Suggestion:
    id: str
    theme: str
    score: float
    because: str


@dataclass(frozen=True)
class Settings:
    """The engine's weights; the defaults were chosen by cross-validation on bench/themes (see its README section)."""

    # How much each kind of feature counts in a text's vector.
    block_weights: dict[str, float] = field(
        default_factory=lambda: {"word": 1.0, "pair": 0.4, "part": 0.2, "concept": 0.4}
    )
    # The description's weight against the centroid of a theme's coded passages (unit length each).
    description_weight: float = 2.0
    # How much the single most similar coded passage adds to the centroid's evidence. Zero by
    # default: with a few coded passages per theme one neighbour is noise (it lost on dev); it still
    # names the example in the explanation.
    neighbour_weight: float = 0.0
    # Pseudo-relevance feedback: passages confidently suggested for a theme join its prototype.
    feedback_weight: float = 0.3
    feedback_rounds: int = 2
    # Softmax temperature turning the themes' scores into a confidence (the lowest calibration error on dev).
    temperature: float = 0.08

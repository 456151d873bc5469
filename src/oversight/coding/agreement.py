"""Agreement between two coders (two analysts, or an analyst and the suggestions): Cohen's kappa.

Pure Python. The units are the passages both coders coded (each gave at least one theme); each
coder's codes on a unit are a set of themes. Per theme, kappa treats "the theme applies" as a yes/no
judgement over those units. Overall is the mean of the per-theme kappas that are defined (the usual
way to report kappa for multi-label coding, as NVivo's coding comparison does per node): a theme
neither coder ever used, or both used on every unit, has no kappa (chance agreement is 1) and is left
out rather than counted as perfect.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from statistics import fmean
from typing import TypeVar

Unit = TypeVar("Unit", bound=Hashable)


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Cohen's kappa of two yes/no judgements of the same units; None where it is undefined (no
    units, or chance agreement of 1 because both coders gave one answer throughout)."""
    if len(first) != len(second):
        raise ValueError("Both coders must judge the same units.")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    yes_first, yes_second = sum(first) / n, sum(second) / n
    chance = yes_first * yes_second + (1 - yes_first) * (1 - yes_second)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1 - chance)


@dataclass(frozen=True)
class Agreement:
    units: int
    per_theme: dict[str, float | None]
    overall: float | None


def agreement(first: Mapping[Unit, Set[str]], second: Mapping[Unit, Set[str]], themes: Iterable[str]) -> Agreement:
    """Kappa per theme and overall over the units both coders coded."""
    units = [unit for unit in first if first[unit] and second.get(unit)]
    per_theme = {
        theme: cohen_kappa([theme in first[u] for u in units], [theme in second[u] for u in units]) for theme in themes
    }
    defined = [kappa for kappa in per_theme.values() if kappa is not None]
    return Agreement(units=len(units), per_theme=per_theme, overall=fmean(defined) if defined else None)

"""The theme-by-area matrix of a request: for each theme (parents before their children) and each
area whose latest submitted return has a coded passage, how many distinct passages people coded to
the theme there. Suggestions still pending are the system's, not people's, and are not counted.
A fixed number of queries whatever the number of returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from oversight.organisations.models import Organisation
from oversight.returns.models import ReturnRequest

from .models import Coding, Theme
from .services import codable_answers


@dataclass(frozen=True)
class MatrixRow:
    theme: Theme
    depth: int
    cells: list[int]

    @property
    def areas(self) -> int:
        """Areas with at least one passage coded to the theme."""
        return sum(1 for cell in self.cells if cell)

    @property
    def passages(self) -> int:
        return sum(self.cells)


@dataclass(frozen=True)
class ThemeMatrix:
    columns: list[Organisation]
    rows: list[MatrixRow]
    answered: int  # areas whose return has a submitted version: the M of "coded in N of M areas"


def _tree(themes: list[Theme]) -> list[tuple[Theme, int]]:
    """Themes depth first, by name: each parent followed by its children."""
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    ordered: list[tuple[Theme, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for theme in sorted(children.get(parent, []), key=lambda t: t.name.lower()):
            ordered.append((theme, depth))
            walk(theme.pk, depth + 1)

    walk(None, 0)
    return ordered


def theme_matrix(request: ReturnRequest) -> ThemeMatrix:
    """Rows of themes, columns of areas (by name), cells of distinct passages coded by people: four queries."""
    themes = list(Theme.objects.filter(request=request))
    passages = (
        Coding.objects.filter(theme__request=request, answer__in=codable_answers(request).values("pk"))
        .values_list("theme", "answer__version__return_record__organisation", "answer", "start", "end")
        .order_by()
        .distinct()
    )
    cells: dict[tuple[int, int], int] = {}
    for theme_id, organisation_id, *_ in passages:
        cells[(theme_id, organisation_id)] = cells.get((theme_id, organisation_id), 0) + 1
    columns = list(Organisation.objects.filter(pk__in={o for _, o in cells}).order_by("name"))
    answered = request.returns.filter(versions__isnull=False).distinct().count()
    rows = [
        MatrixRow(theme, depth, [cells.get((theme.pk, column.pk), 0) for column in columns])
        for theme, depth in _tree(themes)
    ]
    return ThemeMatrix(columns, rows, answered)

"""Cohen's kappa against values computed by hand, per theme and overall."""

from __future__ import annotations

import pytest

from oversight.coding.agreement import agreement, cohen_kappa


def table(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list[bool], list[bool]]:
    """Two coders' judgements laid out from a 2x2 table (rows: first coder; columns: second)."""
    cells = [(True, True)] * yes_yes + [(True, False)] * yes_no + [(False, True)] * no_yes + [(False, False)] * no_no
    return [a for a, _ in cells], [b for _, b in cells]


@pytest.mark.parametrize(
    ("cells", "kappa"),
    [
        # 20 units: observed 15/20 = 0.75; chance 0.5*0.55 + 0.5*0.45 = 0.5; kappa 0.25/0.5 = 0.5.
        ((8, 2, 3, 7), 0.5),
        # The textbook 50 units (Wikipedia, "Cohen's kappa"): observed 0.7, chance 0.5, kappa 0.4.
        ((20, 5, 10, 15), 0.4),
        # Same agreement, different marginals (ibid.): 0.1304 and 0.2593.
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
        # Perfect agreement, and agreement exactly at chance.
        ((5, 0, 0, 5), 1.0),
        ((5, 5, 5, 5), 0.0),
    ],
)
def test_kappa_matches_hand_computed_tables(cells: tuple[int, int, int, int], kappa: float) -> None:
    result = cohen_kappa(*table(*cells))
    assert result == pytest.approx(kappa, abs=5e-5)


def test_kappa_is_undefined_without_units_or_variation() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa([True] * 4, [True] * 4) is None
    with pytest.raises(ValueError, match="same units"):
        cohen_kappa([True], [True, False])


def test_per_theme_and_overall_over_the_units_both_coded() -> None:
    first = {1: {"advocacy"}, 2: {"advocacy", "training"}, 3: {"training"}, 4: {"funding"}, 5: {"advocacy"}}
    # Unit 5 the second coder did not code: left out. Unit 6 only the second coded: left out.
    second = {1: {"advocacy"}, 2: {"training"}, 3: {"training"}, 4: {"advocacy"}, 6: {"funding"}}
    result = agreement(first, second, ["advocacy", "training", "funding", "unused"])
    assert result.units == 4
    # advocacy: first YYNN, second YNNY -> observed 0.5, chance 0.5 -> 0.
    assert result.per_theme["advocacy"] == pytest.approx(0.0)
    # training: first NYYN, second NYYN -> 1.
    assert result.per_theme["training"] == pytest.approx(1.0)
    # funding: first NNNY, second NNNN -> observed 0.75, chance 0.75 -> 0.
    assert result.per_theme["funding"] == pytest.approx(0.0)
    assert result.per_theme["unused"] is None
    assert result.overall == pytest.approx(1 / 3)


def test_no_shared_units_gives_no_kappa() -> None:
    result = agreement({1: {"a"}}, {2: {"a"}}, ["a"])
    assert (result.units, result.per_theme, result.overall) == (0, {"a": None}, None)

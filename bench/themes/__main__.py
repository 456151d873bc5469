"""`python -m bench.themes`: how well the engine suggests themes for hand-labelled passages.

The labelled set (bench/themes/passages.json, sources in sources.json) is split once, by hand,
into a dev part (weights were tuned on it: `--tune`) and a held-out part never tuned on. For each
part: macro-F1 and accuracy with no coded passages, and with 2 coded per theme drawn at random
from the part (the rest are suggested for), averaged over --draws draws with fixed seeds; beside
a TF-IDF nearest-description baseline run on the same draws. Then the engine's time for 1,000
passages x 20 themes. Writes bench/themes/results.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.themes.scoring import accuracy, baseline, calibration_error, macro_f1
from oversight.lib.themes import Coded, Passage, Settings, Theme, suggest

HERE = Path(__file__).resolve().parent
PASSAGES = HERE / "passages.json"
RESULTS = HERE / "results.json"
SPLITS = ("dev", "held_out")

Labelled = list[tuple[Passage, str]]
Guesses = tuple[list[str], list[float]]  # the theme and confidence for each passage
Predictor = Callable[[Sequence[Theme], Sequence[Passage], Sequence[Coded]], Guesses]


def load() -> tuple[list[Theme], dict[str, Labelled]]:
    """The themes, and each split's passages with their labels."""
    data = json.loads(PASSAGES.read_text(encoding="utf-8"))
    themes = [Theme(t["name"], t["description"]) for t in data["themes"]]
    splits: dict[str, Labelled] = {split: [] for split in SPLITS}
    for p in data["passages"]:
        splits[p["split"]].append((Passage(p["id"], p["text"]), p["theme"]))
    return themes, splits


def engine(settings: Settings) -> Predictor:
    def predict(
        themes: Sequence[Theme], passages: Sequence[Passage], coded: Sequence[Coded]
    ) -> tuple[list[str], list[float]]:
        suggestions = suggest(themes, passages, coded, settings)
        return [s.theme for s in suggestions], [s.score for s in suggestions]

    return predict


def plain(
    themes: Sequence[Theme], passages: Sequence[Passage], coded: Sequence[Coded]
) -> tuple[list[str], list[float]]:
    return baseline(themes, passages, coded), [1.0] * len(passages)


def draw(labelled: Labelled, per_theme: int, seed: int) -> tuple[list[Coded], Labelled]:
    """per_theme coded passages per theme drawn with the seed; the rest are to be suggested for."""
    rng = random.Random(seed)
    by_theme: dict[str, list[int]] = {}
    for i, (_, theme) in enumerate(labelled):
        by_theme.setdefault(theme, []).append(i)
    chosen = {i for theme in sorted(by_theme) for i in rng.sample(by_theme[theme], per_theme)}
    coded = [Coded(labelled[i][0].text, labelled[i][1]) for i in sorted(chosen)]
    return coded, [pair for i, pair in enumerate(labelled) if i not in chosen]


def evaluate(
    predict: Predictor, themes: list[Theme], labelled: Labelled, per_theme: int, draws: int
) -> dict[str, float]:
    """Mean macro-F1, accuracy and calibration error over the draws (one run when nothing is coded)."""
    runs = []
    for seed in range(draws if per_theme else 1):
        coded, rest = draw(labelled, per_theme, seed) if per_theme else ([], labelled)
        truth = [label for _, label in rest]
        predicted, confidence = predict(themes, [p for p, _ in rest], coded)
        runs.append(
            (macro_f1(truth, predicted), accuracy(truth, predicted), calibration_error(truth, predicted, confidence))
        )
    f1, acc, ece = (statistics.fmean(column) for column in zip(*runs, strict=True))
    spread = statistics.pstdev([run[0] for run in runs]) if len(runs) > 1 else 0.0
    return {
        "macro_f1": round(f1, 3),
        "accuracy": round(acc, 3),
        "f1_sd": round(spread, 3),
        "calibration_error": round(ece, 3),
    }


def table(themes: list[Theme], splits: dict[str, Labelled], settings: Settings, draws: int) -> dict[str, Any]:
    """Every split x method x number coded."""
    results: dict[str, Any] = {}
    for split, labelled in splits.items():
        for name, predict in (("baseline", plain), ("engine", engine(settings))):
            for per_theme in (0, 2):
                results[f"{split}/{name}/{per_theme}"] = evaluate(predict, themes, labelled, per_theme, draws)
    return results


def speed(themes: list[Theme], splits: dict[str, Labelled]) -> float:
    """Seconds for 1,000 passages (sentences of the set recombined) x 20 themes, with 2 coded per theme."""
    rng = random.Random(0)
    texts = [p.text for labelled in splits.values() for p, _ in labelled]
    many = [Passage(str(i), " ".join(rng.sample(texts, 2))) for i in range(1000)]
    twenty = [Theme(f"{t.name} ({k})", t.description + " " + rng.choice(texts)) for k in range(3) for t in themes][:20]
    coded = [Coded(rng.choice(texts), t.name) for t in twenty for _ in range(2)]
    start = time.perf_counter()
    suggest(twenty, many, coded)
    return time.perf_counter() - start


def tune(themes: list[Theme], labelled: Labelled, draws: int) -> None:
    """Grid search on the dev split only: mean of macro-F1 with 0 and with 2 coded per theme."""
    grid = {
        "description_weight": (0.5, 1.0, 2.0),
        "neighbour_weight": (0.0, 0.5, 1.0),
        "feedback_weight": (0.0, 0.3, 0.6),
        "concept": (0.4, 0.7, 1.0),
        "part": (0.2, 0.4, 0.8),
    }
    scored = []
    for values in itertools.product(*grid.values()):
        choice = dict(zip(grid, values, strict=True))
        blocks = {**Settings().block_weights, "concept": choice["concept"], "part": choice["part"]}
        settings = replace(
            Settings(),
            block_weights=blocks,
            description_weight=choice["description_weight"],
            neighbour_weight=choice["neighbour_weight"],
            feedback_weight=choice["feedback_weight"],
        )
        zero = evaluate(engine(settings), themes, labelled, 0, 1)["macro_f1"]
        two = evaluate(engine(settings), themes, labelled, 2, draws)["macro_f1"]
        scored.append(((zero + two) / 2, zero, two, values))
    for mean, zero, two, values in sorted(scored, reverse=True)[:10]:
        print(f"{mean:.3f}  0 coded {zero:.3f}  2 coded {two:.3f}  {dict(zip(grid, values, strict=True))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--draws", type=int, default=20, help="random draws of the coded passages (seeds 0..n-1)")
    parser.add_argument("--tune", action="store_true", help="grid-search the weights on the dev split and stop")
    args = parser.parse_args()
    themes, splits = load()
    if args.tune:
        tune(themes, splits["dev"], min(args.draws, 10))
        return
    results = table(themes, splits, Settings(), args.draws)
    seconds = speed(themes, splits)
    _print(results, splits, seconds, args.draws)
    sizes = {split: len(labelled) for split, labelled in splits.items()}
    output = {
        "passages": sizes,
        "themes": len(themes),
        "draws": args.draws,
        "results": results,
        "seconds_1000x20": round(seconds, 2),
    }
    RESULTS.write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")


def _print(results: dict[str, Any], splits: dict[str, Labelled], seconds: float, draws: int) -> None:
    print(f"Theme suggestions: macro-F1 / accuracy (2 coded: mean of {draws} draws, F1 sd; ECE = calibration error)")
    print(f"{'split':<9} {'passages':>8}  {'method':<9} {'0 coded':>15}  {'2 coded per theme':>26}  {'ECE':>5}")
    for split, labelled in splits.items():
        for name in ("baseline", "engine"):
            zero, two = results[f"{split}/{name}/0"], results[f"{split}/{name}/2"]
            ece = f"{two['calibration_error']:.3f}" if name == "engine" else "-"
            print(
                f"{split:<9} {len(labelled):>8}  {name:<9} {zero['macro_f1']:>7.3f} / {zero['accuracy']:.3f}"
                f"  {two['macro_f1']:>7.3f} / {two['accuracy']:.3f} (sd {two['f1_sd']:.3f})  {ece:>5}"
            )
    print(f"1,000 passages x 20 themes, 40 coded: {seconds:.2f} s")


if __name__ == "__main__":
    main()

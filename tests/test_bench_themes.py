"""The theme benchmark's labelled set is well-formed and its scoring counts what it says."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.themes import scoring
from oversight.lib.themes import Passage, Theme

HERE = Path(__file__).resolve().parent.parent / "bench" / "themes"
DATA = json.loads((HERE / "passages.json").read_text(encoding="utf-8"))
SOURCES = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))["sources"]
THEME_NAMES = [t["name"] for t in DATA["themes"]]


def test_at_least_100_passages_over_at_least_5_described_themes() -> None:
    assert len(DATA["passages"]) >= 100
    assert len(THEME_NAMES) >= 5 and len(set(THEME_NAMES)) == len(THEME_NAMES)
    assert all(t["description"].strip() for t in DATA["themes"])


def test_every_label_is_a_known_theme_and_every_theme_is_used_in_both_splits() -> None:
    passages = DATA["passages"]
    assert {p["theme"] for p in passages} == set(THEME_NAMES)
    for split in ("dev", "held_out"):
        counts = Counter(p["theme"] for p in passages if p["split"] == split)
        assert set(counts) == set(THEME_NAMES), split
        assert min(counts.values()) >= 3, split  # 2 to code and at least 1 to suggest for
    assert {p["split"] for p in passages} == {"dev", "held_out"}


def test_ids_and_texts_are_unique() -> None:
    passages = DATA["passages"]
    assert len({p["id"] for p in passages}) == len(passages)
    assert len({p["text"] for p in passages}) == len(passages)
    assert all(len(p["text"].split()) >= 8 for p in passages)


def test_every_quoted_or_paraphrased_passage_names_a_recorded_source() -> None:
    ids = {s["id"] for s in SOURCES}
    assert all(s["url"].startswith("https://") and s["title"] for s in SOURCES)
    for p in DATA["passages"]:
        assert p["origin"] in {"written", "quoted", "paraphrased"}, p["id"]
        if p["origin"] != "written":
            assert p["source"] in ids, p["id"]
    assert {p["origin"] for p in DATA["passages"]} == {"written", "quoted", "paraphrased"}


def test_macro_f1_counts_a_theme_never_predicted_as_zero() -> None:
    truth = ["a", "a", "b", "b"]
    assert scoring.macro_f1(truth, truth) == 1.0
    assert scoring.macro_f1(truth, ["a", "a", "a", "a"]) == pytest.approx((2 * 2 / (2 * 2 + 2) + 0.0) / 2)
    assert scoring.accuracy(truth, ["a", "b", "b", "b"]) == 0.75


def test_calibration_error_is_the_gap_between_confidence_and_hit_rate() -> None:
    assert scoring.calibration_error(["a", "a"], ["a", "b"], [0.5, 0.5]) == pytest.approx(0.0)
    assert scoring.calibration_error(["a", "a"], ["b", "b"], [0.95, 0.95]) == pytest.approx(0.95)


def test_baseline_picks_the_description_with_most_words_in_common() -> None:
    themes = [Theme("Estates", "buildings and stations"), Theme("Fleet", "cars and vans")]
    passages = [Passage("1", "New vans were bought"), Passage("2", "Two stations closed")]
    assert scoring.baseline(themes, passages) == ["Fleet", "Estates"]

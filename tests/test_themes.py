"""The theme-suggestion engine (lib/themes): stemmer, evidence, learning from coding, shape of its answers."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oversight.lib.themes import Coded, Passage, Theme, UnknownTheme, stem, suggest
from oversight.lib.themes.text import concepts_in, tokens

THEMES = [
    Theme("Vetting and misconduct", "Vetting of officers and staff, misconduct investigations and dismissal."),
    Theme("Training and awareness", "Training and briefings for officers and staff."),
    Theme("Victim support services", "Independent advocates and helplines commissioned for victims."),
]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("caresses", "caress"), ("ponies", "poni"), ("cats", "cat"), ("agreed", "agre"), ("hopping", "hop"),
        ("hoping", "hope"), ("relational", "relat"), ("generalization", "gener"), ("vetting", "vet"),
        ("vetted", "vet"), ("trained", "train"), ("training", "train"), ("survivors", "survivor"),
    ],
)  # fmt: skip
def test_stemmer_gives_porters_stems(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_forms_of_a_word_meet_on_one_stem() -> None:
    assert len({stem(w) for w in ("commissioned", "commissioning", "commission")}) == 1
    assert stem("vetting") != stem("victim")


def test_lexicon_joins_words_that_share_no_stem() -> None:
    assert ("vetting", "clearance") in concepts_in(tokens("Her clearance was withdrawn"))
    assert ("training", "cpd") in concepts_in(tokens("a CPD day"))
    assert not concepts_in(tokens("the weather was fine"))


def test_explanation_names_words_the_passage_shares_with_the_description() -> None:
    passage = Passage("p1", "Two officers were dismissed after misconduct hearings.")
    [suggestion] = suggest(THEMES, [passage])
    assert suggestion.theme == "Vetting and misconduct"
    named = re.findall(r"'([^']+)'", suggestion.because.split(";")[0])
    assert "misconduct" in named and "dismissed" in named
    assert all(word in passage.text.lower() for word in named)
    assert "with the description" in suggestion.because


def test_explanation_quotes_the_most_alike_coded_passage() -> None:
    coded = [Coded("Sergeants attended a seminar on coercive control.", "Training and awareness")]
    [suggestion] = suggest(THEMES, [Passage("p", "Inspectors will attend the seminar next month.")], coded)
    assert suggestion.theme == "Training and awareness"
    assert "most like a coded passage (shares 'attend', 'seminar'): 'Sergeants attended a seminar" in suggestion.because


@pytest.mark.parametrize("coded_to", ["Estates", "Fleet"])
def test_coded_passages_decide_what_descriptions_cannot(coded_to: str) -> None:
    themes = [Theme("Estates", "Buildings."), Theme("Fleet", "Vehicles.")]
    passage = Passage("p", "The Lloyd House garage was repainted in green.")
    coded = [Coded("Repainting the garage at Lloyd House", coded_to)]
    [suggestion] = suggest(themes, [passage], coded)
    assert suggestion.theme == coded_to


def test_coding_raises_the_confidence_in_the_coded_theme() -> None:
    passage = Passage("p", "The force paid for a new counselling contract.")
    [before] = suggest(THEMES, [passage])
    [after] = suggest(THEMES, [passage], [Coded("A counselling contract was agreed.", "Victim support services")])
    assert after.theme == "Victim support services"
    assert after.score > before.score or before.theme != after.theme


def test_same_input_same_output() -> None:
    passages = [
        Passage(str(i), text) for i, text in enumerate(["Officers were re-vetted.", "A helpline is funded.", ""])
    ]
    coded = [Coded("An e-learning module", "Training and awareness")]
    assert suggest(THEMES, passages, coded) == suggest(THEMES, passages, coded)


def test_scores_are_confidences_between_0_and_1() -> None:
    passages = [Passage("a", "misconduct misconduct vetting"), Passage("b", "nothing to do with anything")]
    scores = [s.score for s in suggest(THEMES, passages)]
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[0] > scores[1]  # a passage full of one theme's words is surer than one with none


def test_no_themes_and_unknown_coded_themes_are_refused() -> None:
    with pytest.raises(ValueError, match="no themes"):
        suggest([], [Passage("a", "text")])
    with pytest.raises(UnknownTheme, match="Custody"):
        suggest(THEMES, [Passage("a", "text")], [Coded("cells", "Custody")])


def test_no_passages_no_suggestions() -> None:
    assert suggest(THEMES, []) == []


def test_the_engine_imports_no_django() -> None:
    code = "import sys, oversight.lib.themes; print([m for m in sys.modules if m.split('.')[0] == 'django'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "[]"


names = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
texts = st.text(max_size=120)


@st.composite
def inputs(draw: st.DrawFn) -> tuple[list[Theme], list[Passage], list[Coded]]:
    theme_names = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    themes = [Theme(name, draw(texts)) for name in theme_names]
    ids = draw(st.lists(names, max_size=10, unique=True))
    passages = [Passage(i, draw(texts)) for i in ids]
    coded = draw(st.lists(st.builds(Coded, texts, st.sampled_from(theme_names)), max_size=6))
    return themes, passages, coded


@given(inputs())
@example(([Theme("A", "")], [Passage("1", "")], []))
@example(([Theme("A", "the and of"), Theme("B", "")], [Passage("1", "the"), Passage("2", "£ 42 -- '")], []))
@example(([Theme("A", "x"), Theme("B", "x")], [Passage("1", "x")], [Coded("", "B"), Coded("", "B")]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_input_gets_one_known_theme_per_passage(
    case: tuple[list[Theme], list[Passage], list[Coded]],
) -> None:
    themes, passages, coded = case
    suggestions = suggest(themes, passages, coded)
    assert [s.id for s in suggestions] == [p.id for p in passages]
    known = {t.name for t in themes}
    for s in suggestions:
        assert s.theme in known
        assert 0.0 <= s.score <= 1.0
        assert isinstance(s.because, str) and s.because

"""The document reading benchmark's labelled set is well-formed, and its scoring counts what it says.

No database and no extraction rules: the labels are checked against the documents they came from,
and the scoring functions against small hand-worked examples.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from bench.ingest import scoring
from oversight.lib.extraction.model import ActionStatus, ProposedAddressee, ProposedKind

HERE = Path(__file__).resolve().parent.parent / "bench" / "ingest"
SOURCES = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))["documents"]
LABELS = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))["documents"]
KINDS = {kind.value for kind in ProposedKind}
ADDRESSEES = {a.value for a in ProposedAddressee}
STATUSES = {s.value for s in ActionStatus}


def _squeezed(text: str) -> str:
    """Letters and digits only, lower case: what survives PDF line breaks, hyphenation, markup and bullets."""
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _labels() -> list[tuple[str, dict]]:
    return [(name, label) for name, doc in LABELS.items() for label in doc.get("items", []) + doc.get("actions", [])]


def _required(part: str) -> list[dict]:
    return [label for doc in LABELS.values() for label in doc.get(part, []) if not label.get("optional")]


def test_enough_documents_of_each_kind_and_actions() -> None:
    assert len(SOURCES) >= 12
    assert len(_required("actions")) >= 20
    assert {s["kind"] for s in SOURCES} >= {"report", "response", "register"}
    assert {i["kind"] for i in _required("items")} == KINDS


def test_at_least_80_labelled_items() -> None:
    # The issue asks for at least 80 items (recommendations, areas for improvement, causes of concern);
    # actions are counted apart (at least 20, above).
    assert len(_required("items")) >= 80


def test_every_document_has_its_source_and_labels() -> None:
    files = {path.name for path in (HERE / "documents").iterdir()}
    names = [s["file"] for s in SOURCES]
    assert len(names) == len(set(names))
    assert set(names) == files == set(LABELS)
    for source in SOURCES:
        assert source["url"].startswith("https://"), source["file"]
        assert source["licence"].strip(), source["file"]
        assert source["title"].strip() and source["publisher"].strip(), source["file"]
        assert source["kind"] in {"report", "response", "register"}, source["file"]
        if source["published"] is not None:
            dt.date.fromisoformat(source["published"])
        else:  # then no labelled due date may count from it
            for item in LABELS[source["file"]].get("items", []):
                assert not (item["deadline_text"] or "").lower().startswith("within"), item
        (HERE / "documents" / source["file"]).read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "label"), _labels(), ids=lambda v: v if isinstance(v, str) else None)
def test_label_text_is_in_its_document(name: str, label: dict) -> None:
    document = (HERE / "documents" / name).read_text(encoding="utf-8")
    assert _squeezed(label["text"]) in _squeezed(document)


def test_item_labels_are_valid() -> None:
    kinds_of = {s["file"]: s["kind"] for s in SOURCES}
    for name, doc in LABELS.items():
        assert kinds_of[name] != "response" or not doc.get("items"), name
        assert kinds_of[name] == "response" or not doc.get("actions"), name
        for item in doc.get("items", []):
            assert item["kind"] in KINDS, item
            assert set(item["addressees"]) <= ADDRESSEES, item
            assert isinstance(item["urgent"], bool)
            if item["due"] is not None:
                dt.date.fromisoformat(item["due"])
                assert item["deadline_text"], item  # a date comes from a phrase
            if item["urgent"]:
                assert item["due"] is None, item  # "immediately" has no date
            if item["deadline_text"] and item.get("due_scored", True) and not item["urgent"]:
                assert item["due"], item
            assert _squeezed(item["deadline_text"] or "") in _squeezed(item["text"]) or item["deadline_text"] is None
        for action in doc.get("actions", []):
            assert action["status"] in STATUSES, action


# --- scoring, on examples worked by hand ---


def _item(text: str, kind: str = "recommendation", **extra: object) -> dict:
    return {"kind": kind, "ref": None, "text": text, "addressees": [], "deadline_text": None, "due": None,
            "urgent": False} | extra  # fmt: skip


def test_similarity_ignores_case_markup_and_bullets() -> None:
    assert scoring.similarity("• Forces <b>should</b> act.", "forces should act") == 1.0
    # {a, b, c} against {b, c, d}: 2 shared of 4.
    assert scoring.similarity("a b c", "b c d") == 0.5


def test_match_is_one_to_one_and_best_first() -> None:
    predicted = ["forces should audit all cases now", "forces should audit all cases"]
    expected = ["forces should audit all cases"]
    # Both predictions clear the threshold; only the exact one is paired.
    assert scoring.match(predicted, expected) == [(1, 0)]
    assert scoring.match(["nothing alike here"], expected) == []


def test_item_precision_and_recall_per_kind() -> None:
    expected = [
        _item("chief constables should audit every live case within six months", due="2022-12-30"),
        _item("the force should improve how it records crime", kind="area_for_improvement"),
        _item("the force is not doing enough to protect vulnerable people", kind="cause_of_concern"),
        _item("forces should publish their plans by march 2023", due="2023-03-31"),
    ]
    predicted = [
        _item("Chief constables should audit every live case within six months.", due="2022-12-30"),  # right
        _item("The force should improve how it records crime.", kind="recommendation"),  # wrong kind
        _item("We welcome the recommendations in this report and will respond."),  # false positive
        _item("Forces should publish their plans by March 2023.", due="2023-03-30"),  # right item, wrong date
    ]
    score = scoring.score_items(predicted, expected)
    rec = score.by_kind["recommendation"]
    assert (rec.tp, rec.fp, rec.fn) == (2, 2, 0)
    assert rec.precision == 0.5 and rec.recall == 1.0
    afi = score.by_kind["area_for_improvement"]
    assert (afi.tp, afi.fp, afi.fn) == (0, 0, 1)
    assert afi.recall == 0.0
    coc = score.by_kind["cause_of_concern"]
    assert (coc.tp, coc.fp, coc.fn) == (0, 0, 1)
    assert (score.items.tp, score.items.fp, score.items.fn) == (2, 2, 2)
    assert score.items.f1 == 0.5
    # Due dates over the three matched pairs: the area for improvement (both none) and the audit are right.
    assert (score.attributes["due date"].right, score.attributes["due date"].total) == (2, 3)


def test_optional_labels_are_neither_credited_nor_counted_against() -> None:
    expected = [
        _item("measures I will explore: locking records, another force investigating", optional=True),
        _item("chief constables should audit every live case"),
    ]
    predicted = [_item("locking records"), _item("another force investigating"), _item("something else entirely")]
    score = scoring.score_items(predicted, expected)
    assert (score.items.tp, score.items.fp, score.items.fn) == (0, 1, 1)


def test_due_dates_not_worked_out_from_the_document_are_not_scored() -> None:
    expected = [_item("within six months chief constables should act", due=None, due_scored=False)]
    score = scoring.score_items([_item("Within six months chief constables should act", due="2023-03-29")], expected)
    assert "due date" not in score.attributes
    assert score.items.tp == 1


def test_references_compare_without_their_labels() -> None:
    assert scoring.normal_ref("Recommendation 1.)") == scoring.normal_ref("1") == "1"
    assert scoring.normal_ref("AFI 3") == "3"
    assert scoring.normal_ref("10618") != scoring.normal_ref("9962")


def test_action_precision_recall_and_status() -> None:
    expected = [
        {"text": "I will work with the force to review every case", "status": "intended"},
        {"text": "I have appointed a victims commissioner", "status": "taken"},
        {"text": "my office will dip sample complaints each quarter", "status": "intended"},
    ]
    predicted = [
        {"text": "I will work with the force to review every case.", "status": "intended"},
        {"text": "I have appointed a victims commissioner.", "status": "intended"},
        {"text": "I support and welcome the recommendations.", "status": "intended"},
    ]
    score = scoring.score_actions(predicted, expected)
    assert (score.actions.tp, score.actions.fp, score.actions.fn) == (2, 1, 1)
    assert score.actions.precision == pytest.approx(2 / 3)
    assert score.actions.recall == pytest.approx(2 / 3)
    assert (score.attributes["action status"].right, score.attributes["action status"].total) == (1, 2)


def test_nothing_proposed_and_nothing_expected_is_perfect_but_nothing_proposed_is_not() -> None:
    empty = scoring.score_items([], [])
    assert empty.items.precision == empty.items.recall == 1.0
    missed = scoring.score_items([], [_item("forces should act")])
    assert missed.items.recall == 0.0

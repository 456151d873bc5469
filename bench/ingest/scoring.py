"""Scoring proposed items and actions against hand-made labels: pure functions, no I/O.

Matching. A proposal and a label are compared by the Jaccard similarity of their word sets (lower
case, letters and digits only, markup and bullets ignored). Every pair at or above `THRESHOLD` is a
candidate; pairs are taken greedily from the most similar down, each proposal and each label used at
most once. The kind plays no part in matching: a proposal matched to a label of another kind counts
as a false positive for its own kind and a miss for the label's kind.

Optional labels mark passages where a careful reader could fairly go either way (a list of measures
"I will be exploring", earlier work cited as background). A proposal matched to one, or whose words
lie mostly (`CONTAINED`) inside one, is neither credited nor counted as a false positive; an optional
label left unmatched is not a miss.

Attribute accuracy (reference, due date, deadline phrase, urgency, addressees, whole text, status) is
measured over matched, non-optional pairs only, so it does not double-count what recall already counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

THRESHOLD = 0.6
CONTAINED = 0.8
WHOLE_TEXT = 0.9
KINDS = ("recommendation", "area_for_improvement", "cause_of_concern")

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")
_REF_PREFIX = re.compile(r"^(recommendation|rec|area for improvement|afi|cause of concern|coc)\b[\s.:-]*")


def words(text: str) -> frozenset[str]:
    """The set of words in a text, ignoring case, markup, punctuation and bullets."""
    return frozenset(_WORD.findall(_TAG.sub(" ", text).lower()))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word sets (1.0 for two empty texts)."""
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 1.0
    return len(wa & wb) / len(wa | wb)


def containment(inner: str, outer: str) -> float:
    """The share of `inner`'s words that are also in `outer`."""
    wi = words(inner)
    return len(wi & words(outer)) / len(wi) if wi else 0.0


def match(predicted: Sequence[str], expected: Sequence[str], threshold: float = THRESHOLD) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted index, expected index), greedy from the most similar pair down."""
    candidates = []
    for p, ptext in enumerate(predicted):
        for e, etext in enumerate(expected):
            score = similarity(ptext, etext)
            if score >= threshold:
                candidates.append((-score, p, e))
    candidates.sort()
    used_p: set[int] = set()
    used_e: set[int] = set()
    pairs = []
    for _, p, e in candidates:
        if p not in used_p and e not in used_e:
            used_p.add(p)
            used_e.add(e)
            pairs.append((p, e))
    return sorted(pairs)


def normal_ref(ref: str | None) -> str | None:
    """'Recommendation 1.)' and '1' are the same reference; 'AFI 3' and '3' too."""
    if ref is None:
        return None
    text = _REF_PREFIX.sub("", ref.strip().lower())
    text = re.sub(r"[^a-z0-9]", "", text)
    return text or None


def normal_phrase(phrase: str | None) -> str | None:
    if phrase is None:
        return None
    text = " ".join(_WORD.findall(phrase.lower()))
    return text or None


@dataclass
class Counts:
    """True positives, false positives and misses; precision and recall are 1.0 when nothing was due."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class Tally:
    """How often an attribute of matched pairs was right."""

    right: int = 0
    total: int = 0

    def count(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def rate(self) -> float | None:
        return self.right / self.total if self.total else None

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.total += other.total


@dataclass
class Miss:
    kind: str
    text: str
    why: str  # "false positive" | "missed" | "wrong kind" | an attribute that differs


@dataclass
class Score:
    """What one document (or the sum of several) scored."""

    by_kind: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    actions: Counts = field(default_factory=Counts)
    attributes: dict[str, Tally] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def tally(self, name: str) -> Tally:
        return self.attributes.setdefault(name, Tally())

    @property
    def items(self) -> Counts:
        total = Counts()
        for counts in self.by_kind.values():
            total.add(counts)
        return total

    def add(self, other: Score) -> None:
        for kind, counts in other.by_kind.items():
            self.by_kind.setdefault(kind, Counts()).add(counts)
        self.actions.add(other.actions)
        for name, tally in other.attributes.items():
            self.tally(name).add(tally)
        self.misses.extend(other.misses)


def _ignored(text: str, optional: Sequence[dict[str, Any]]) -> bool:
    return any(containment(text, label["text"]) >= CONTAINED for label in optional)


def score_items(predicted: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> Score:
    """Score proposed items (dicts in the `oversight extract --json` shape) against labelled items."""
    score = Score()
    pairs = match([p["text"] for p in predicted], [e["text"] for e in expected])
    matched_p = {p for p, _ in pairs}
    matched_e = {e for _, e in pairs}
    optional = [e for e in expected if e.get("optional")]
    for p, e in pairs:
        got, want = predicted[p], expected[e]
        if want.get("optional"):
            continue
        if got["kind"] == want["kind"]:
            score.by_kind[want["kind"]].tp += 1
        else:
            score.by_kind[got["kind"]].fp += 1
            score.by_kind[want["kind"]].fn += 1
            score.misses.append(Miss(want["kind"], want["text"], f"proposed as {got['kind']}"))
        _attributes(score, got, want)
    for p, got in enumerate(predicted):
        if p not in matched_p and not _ignored(got["text"], optional):
            score.by_kind[got["kind"]].fp += 1
            score.misses.append(Miss(got["kind"], got["text"], "false positive"))
    for e, want in enumerate(expected):
        if e not in matched_e and not want.get("optional"):
            score.by_kind[want["kind"]].fn += 1
            score.misses.append(Miss(want["kind"], want["text"], "missed"))
    return score


def _attributes(score: Score, got: dict[str, Any], want: dict[str, Any]) -> None:
    checks = {
        "ref": normal_ref(got.get("ref")) == normal_ref(want.get("ref")),
        "deadline phrase": normal_phrase(got.get("deadline_text")) == normal_phrase(want.get("deadline_text")),
        "urgent": bool(got.get("urgent")) == bool(want.get("urgent")),
        "addressees": set(got.get("addressees") or ()) == set(want.get("addressees") or ()),
        "whole text": similarity(got["text"], want["text"]) >= WHOLE_TEXT,
    }
    if want.get("due_scored", True):
        checks["due date"] = got.get("due") == want.get("due")
    for name, ok in checks.items():
        score.tally(name).count(ok)
        if not ok:
            shown = {"ref": "ref", "deadline phrase": "deadline_text", "due date": "due"}.get(name)
            detail = f" (got {got.get(shown)!r}, want {want.get(shown)!r})" if shown else ""
            score.misses.append(Miss(want["kind"], want["text"], f"{name} differs{detail}"))


def score_actions(predicted: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> Score:
    """Score proposed actions ({"text", "status"}) against labelled actions."""
    score = Score()
    pairs = match([p["text"] for p in predicted], [e["text"] for e in expected])
    matched_p = {p for p, _ in pairs}
    matched_e = {e for _, e in pairs}
    optional = [e for e in expected if e.get("optional")]
    for p, e in pairs:
        got, want = predicted[p], expected[e]
        if want.get("optional"):
            continue
        score.actions.tp += 1
        ok = got["status"] == want["status"]
        score.tally("action status").count(ok)
        score.tally("action whole text").count(similarity(got["text"], want["text"]) >= WHOLE_TEXT)
        if not ok:
            score.misses.append(Miss("action", want["text"], f"status {got['status']}, want {want['status']}"))
    for p, got in enumerate(predicted):
        if p not in matched_p and not _ignored(got["text"], optional):
            score.actions.fp += 1
            score.misses.append(Miss("action", got["text"], "false positive"))
    for e, want in enumerate(expected):
        if e not in matched_e and not want.get("optional"):
            score.actions.fn += 1
            score.misses.append(Miss("action", want["text"], "missed"))
    return score

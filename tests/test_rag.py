"""The documented RAG rule (oversight.lib.rag)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.lib.rag import STALE_AFTER_DAYS, Rag, RagInputs, suggest_rag

TODAY = dt.date(2026, 11, 23)


def inputs(**overrides: object) -> RagInputs:
    values: dict[str, object] = {
        "today": TODAY,
        "complete": False,
        "awaiting_signoff": False,
        "due_on": TODAY + dt.timedelta(days=120),
        "last_progress_on": TODAY - dt.timedelta(days=10),
        "next_review_on": TODAY + dt.timedelta(days=30),
    }
    values.update(overrides)
    return RagInputs(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "rag"),
    [
        ({}, Rag.GREEN),
        ({"complete": True, "due_on": TODAY - dt.timedelta(days=400)}, Rag.BLUE),
        ({"due_on": TODAY - dt.timedelta(days=1)}, Rag.RED),
        ({"due_on": TODAY - dt.timedelta(days=1), "awaiting_signoff": True}, Rag.RED),
        ({"last_progress_on": TODAY - dt.timedelta(days=200)}, Rag.RED),
        ({"due_on": TODAY + dt.timedelta(days=20)}, Rag.AMBER),
        ({"due_on": TODAY + dt.timedelta(days=20), "awaiting_signoff": True}, Rag.GREEN),
        ({"next_review_on": TODAY - dt.timedelta(days=1)}, Rag.AMBER),
        ({"last_progress_on": TODAY - dt.timedelta(days=100)}, Rag.AMBER),
        ({"last_progress_on": None}, Rag.AMBER),
        ({"due_on": None}, Rag.GREEN),
        ({"due_on": TODAY}, Rag.AMBER),
        ({"due_on": None, "urgent": True}, Rag.AMBER),
        ({"due_on": None, "urgent": True, "awaiting_signoff": True}, Rag.GREEN),
        ({"due_on": None, "urgent": True, "last_progress_on": TODAY - dt.timedelta(days=200)}, Rag.RED),
    ],
)
def test_rule(overrides: dict[str, object], rag: Rag) -> None:
    assert suggest_rag(inputs(**overrides)).rag == rag


def test_every_suggestion_explains_itself() -> None:
    suggestion = suggest_rag(inputs(due_on=dt.date(2026, 1, 31)))
    assert suggestion.reason == "Past its due date of 31 January 2026"


@given(
    complete=st.booleans(),
    awaiting=st.booleans(),
    due=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))),
    progress=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), TODAY)),
    review=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))),
)
def test_blue_exactly_when_complete_and_red_whenever_overdue(
    complete: bool, awaiting: bool, due: dt.date | None, progress: dt.date | None, review: dt.date | None
) -> None:
    rag = suggest_rag(inputs(complete=complete, awaiting_signoff=awaiting, due_on=due, last_progress_on=progress,
                             next_review_on=review)).rag  # fmt: skip
    assert (rag == Rag.BLUE) == complete
    if not complete and due is not None and due < TODAY:
        assert rag == Rag.RED


@given(published_days_ago=st.integers(1, STALE_AFTER_DAYS), awaiting=st.booleans())
def test_an_immediate_item_is_never_red_while_its_progress_is_fresh(published_days_ago: int, awaiting: bool) -> None:
    """ "Immediately" has no due date: the day after publication it is urgent, not overdue."""
    progress = TODAY - dt.timedelta(days=min(published_days_ago, 10))
    suggestion = suggest_rag(inputs(due_on=None, urgent=True, awaiting_signoff=awaiting, last_progress_on=progress))
    assert suggestion.rag != Rag.RED
    if not awaiting:
        assert suggestion.rag == Rag.AMBER and "immediately" in suggestion.reason

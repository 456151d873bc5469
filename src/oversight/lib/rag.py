"""The suggested RAG rating of a tracking record, from its dates and progress.

The rule, in order (the first that applies wins):
  1. Blue   - the item is complete (closed locally or signed off).
  2. Red    - the due date has passed.
  3. Red    - no progress update for twice the review interval (six months).
  4. Amber  - the due date is within the warning window (30 days) and the item is not yet
              with the inspectorate or awaiting sign-off.
  5. Amber  - the item asks for action "immediately" and is not yet awaiting sign-off: it is
              urgent, but has no due date, so it is never red for being late.
  6. Amber  - the quarterly review is overdue, or there has been no progress update within
              the review interval (three months).
  7. Green  - otherwise: on track.
A person may override the suggestion, with a reason; the override is kept beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# Forces review every item every three months (brief, section 4); these follow from it.
REVIEW_INTERVAL_DAYS = 91
STALE_AFTER_DAYS = 2 * REVIEW_INTERVAL_DAYS
DUE_SOON_DAYS = 30


# The rule in words, for the screen that asks whether to override it (the docstring above, in order).
RULE_IN_WORDS = (
    "Blue: the item is complete (closed locally or signed off).",
    "Red: the due date has passed.",
    f"Red: no progress update for {STALE_AFTER_DAYS} days (twice the review interval).",
    f"Amber: due within {DUE_SOON_DAYS} days and not yet submitted for sign-off.",
    'Amber: asked for "immediately" and not yet submitted for sign-off.',
    "Amber: the quarterly review is overdue, or no progress update in the last three months.",
    "Green: otherwise, on track.",
)


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"


@dataclass(frozen=True)
class RagInputs:
    today: dt.date
    complete: bool
    awaiting_signoff: bool
    due_on: dt.date | None
    last_progress_on: dt.date | None
    next_review_on: dt.date | None
    urgent: bool = False


@dataclass(frozen=True)
class RagSuggestion:
    rag: Rag
    reason: str


def _days_since(inputs: RagInputs) -> int | None:
    return None if inputs.last_progress_on is None else (inputs.today - inputs.last_progress_on).days


def suggest_rag(inputs: RagInputs) -> RagSuggestion:
    if inputs.complete:
        return RagSuggestion(Rag.BLUE, "Complete")
    if inputs.due_on and inputs.due_on < inputs.today:
        return RagSuggestion(Rag.RED, f"Past its due date of {inputs.due_on:%-d %B %Y}")
    quiet_days = _days_since(inputs)
    if quiet_days is not None and quiet_days > STALE_AFTER_DAYS:
        return RagSuggestion(Rag.RED, f"No progress update for {quiet_days} days")
    if inputs.due_on and (inputs.due_on - inputs.today).days <= DUE_SOON_DAYS and not inputs.awaiting_signoff:
        return RagSuggestion(Rag.AMBER, f"Due within {DUE_SOON_DAYS} days and not yet submitted for sign-off")
    if inputs.urgent and not inputs.awaiting_signoff:
        return RagSuggestion(Rag.AMBER, "Asked for immediately and not yet submitted for sign-off")
    if inputs.next_review_on and inputs.next_review_on < inputs.today:
        return RagSuggestion(Rag.AMBER, "Quarterly review overdue")
    if quiet_days is None or quiet_days > REVIEW_INTERVAL_DAYS:
        return RagSuggestion(Rag.AMBER, "No progress update in the last three months")
    return RagSuggestion(Rag.GREEN, "On track")

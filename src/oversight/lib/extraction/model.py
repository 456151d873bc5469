"""What the extraction rules propose: shapes shared by the rules, the `ingest` app and the command."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class ProposedKind(StrEnum):
    CAUSE_OF_CONCERN = "cause_of_concern"
    RECOMMENDATION = "recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement"


class ProposedAddressee(StrEnum):
    """Who an item is addressed to (the `oversight extract` contract's values)."""

    CHIEF_CONSTABLES = "chief_constables"
    PCCS = "pccs"
    NPCC = "npcc"
    COLLEGE_OF_POLICING = "college_of_policing"
    IOPC = "iopc"
    HOME_OFFICE = "home_office"
    MOJ = "moj"
    CPS = "cps"
    FORCES = "forces"
    OTHER = "other"


class ActionStatus(StrEnum):
    INTENDED = "intended"
    TAKEN = "taken"


@dataclass(frozen=True)
class Span:
    """Offsets into the clean text: text[start:end] is the passage."""

    start: int
    end: int


@dataclass(frozen=True)
class ProposedItem:
    kind: ProposedKind
    ref: str | None
    text: str
    span: Span
    addressees: tuple[ProposedAddressee, ...] = ()
    deadline_text: str | None = None
    due: dt.date | None = None
    urgent: bool = False
    # False when a deadline phrase was found but could not be read: shown to the person, never guessed.
    deadline_understood: bool = True
    # The index (in the same list) of the cause of concern this recommendation sits under.
    cause_of_concern: int | None = None


@dataclass(frozen=True)
class ProposedAction:
    text: str
    status: ActionStatus
    span: Span
    # The recommendation's reference or number, where the response says which one it answers.
    answers: str | None = None


@dataclass(frozen=True)
class StatusEntry:
    """One dated entry of the inspectorate's public register: its status then, and its comment."""

    on: dt.date
    status: str  # awaiting_review | being_progressed | complete (recommendations.HmicfrsStatus values)
    comment: str = ""


@dataclass(frozen=True)
class RegisterEntry:
    item: ProposedItem
    history: tuple[StatusEntry, ...] = field(default_factory=tuple)

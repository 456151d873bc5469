"""The import's columns: our field names, which are required, the values each coded field takes (with the
spellings always accepted), and how a file's headings are matched to them, by our names or by the
force's saved mapping (`ImportMapping`). No database here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .models import MeasureKind, MeasureStatus, Outcome, ReportedBy, Response

MEASURE, BREACH = "measure", "breach"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    record: str  # MEASURE, BREACH, or "" for both
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("record", "Record: measure or breach (blank: measure)", ""),
    Column("reference", "The force's reference for the measure", "", True),
    Column("measure_type", "Measure type", "", True),
    Column("force", "Force (checked against yours)", ""),
    Column("status", "Status", MEASURE),
    Column("restrained_name", "Restrained person's name", MEASURE, True),
    Column("restrained_staff_number", "Restrained person's staff number (if they serve with the force)", MEASURE),
    Column("authorised_by_name", "Authorised by (name)", MEASURE),
    Column("authorised_by_rank", "Authorised by (rank)", MEASURE),
    Column("court", "Court", MEASURE),
    Column("arrested_on", "Date of arrest (bail)", MEASURE),
    Column("applied_on", "Applied for on", MEASURE),
    Column("made_at", "Made (date and time)", MEASURE, True),
    Column("served_at", "Served (date and time)", MEASURE),
    Column("hearing_at", "Hearing (date and time)", MEASURE),
    Column("ends_on", "Last day in effect", MEASURE),
    Column("until_further_order", "Until further order (yes/no)", MEASURE),
    Column("renewal_on", "Review or renewal date", MEASURE),
    Column("ended_on", "Ended on", MEASURE),
    Column("end_reason", "Why it ended", MEASURE),
    Column("reported_at", "Breach reported (date and time)", BREACH, True),
    Column("reported_by", "Breach reported by", BREACH, True),
    Column("reporter_name", "Reporter's name", BREACH),
    Column("description", "What happened", BREACH, True),
    Column("response", "Police response", BREACH),
    Column("no_action_reason", "Why no action", BREACH),
    Column("responded_at", "Responded (date and time)", BREACH),
    Column("arrest_at", "Arrested for the breach (date and time)", BREACH),
    Column("charged_on", "Charged on", BREACH),
    Column("charge", "Charge", BREACH),
    Column("outcome", "Outcome", BREACH),
    Column("outcome_on", "Outcome date", BREACH),
)
BY_NAME = {column.name: column for column in COLUMNS}
# Columns a file must have before any row is read (the others are required per row, by record).
FILE_REQUIRED = ("reference", "measure_type")

# Coded fields: our values and their labels are always accepted, case and spacing aside.
CHOICES: dict[str, Sequence[tuple[str, str]]] = {
    "record": ((MEASURE, "Measure"), (BREACH, "Breach")),
    "measure_type": MeasureKind.choices,
    "status": MeasureStatus.choices,
    "reported_by": ReportedBy.choices,
    "response": [(value, label) for value, label in Response.choices if value],
    "outcome": Outcome.choices,
}
# Spellings force systems commonly use, beyond our own (brief, section 8's names).
COMMON_CODES: dict[str, dict[str, str]] = {
    "measure_type": {
        "bail": "pre_charge_bail", "pcb": "pre_charge_bail", "pre-charge bail": "pre_charge_bail",
        "dvpn": "dvpn", "dvpo": "dvpo", "dapn": "dapn", "dapo": "dapo", "nmo": "nmo", "ro": "restraining_order",
        "restraining order": "restraining_order", "spo": "spo", "non-molestation order": "nmo",
        "stalking protection order": "spo",
    },
    "record": {"order": MEASURE, "notice": MEASURE},
}  # fmt: skip


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def codes_for(name: str, force_codes: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Every accepted spelling (normalised) of a coded field's values -> our value."""
    codes = {normal(value): value for value, _ in CHOICES[name]}
    codes |= {normal(label): value for value, label in CHOICES[name]}
    codes |= {normal(code): value for code, value in COMMON_CODES.get(name, {}).items()}
    codes |= {normal(code): value for code, value in force_codes.get(name, {}).items()}
    return codes


@dataclass(frozen=True)
class Layout:
    """Which position in the file's rows holds each of our fields, and the heading shown for it."""

    positions: dict[str, int]
    headings: dict[str, str]


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", heading.strip().lower()).strip("_")


def layout_of(headings: Sequence[str], saved: Mapping[str, str] | None) -> Layout | None:
    """The file's layout, from the force's saved mapping when every heading it names is in the file,
    else from our own field names; None when neither finds the columns a file must have."""
    where = {heading.strip(): at for at, heading in enumerate(headings) if heading.strip()}
    positions: dict[str, int] = {}
    if saved and all(heading in where for heading in saved.values()):
        positions = {name: where[heading] for name, heading in saved.items() if name in BY_NAME}
    ours = {_key(heading): at for heading, at in where.items()}
    for name in BY_NAME:
        if name not in positions and name in ours and (not saved or name not in saved):
            positions[name] = ours[name]
    if not all(name in positions for name in FILE_REQUIRED):
        return None
    return Layout(positions, {name: headings[at].strip() for name, at in positions.items()})

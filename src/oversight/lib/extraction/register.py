"""The inspectorate's public register -> each item and its dated status history.

HMICFRS's monitoring pages list each recommendation, area for improvement or cause of concern as
its text (under its report's title and the inspectorate's reference, "... police time (4822)", or
a "Reference: 4822" / "Recommendation 3" line), followed by dated entries: a date ("4th September
2014", "04/09/2014"), a status ("Awaiting review", "Being progressed", "Complete") on the same line
or the next, and a comment. Rows of a table (date | status | comment) read the same. The status
of an entry that names none is worked out from its comment only where the comment says it
("currently being reviewed"); otherwise it is left blank (not yet reviewed), never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from oversight.lib.deadlines import MONTH_PATTERN as _MONTH
from oversight.lib.deadlines import MONTHS, read_deadline
from oversight.lib.extraction.addressees import addressees_of, to_line
from oversight.lib.extraction.model import ProposedItem, ProposedKind, RegisterEntry, Span, StatusEntry
from oversight.lib.extraction.text import Line, clean_markup, split_lines

_SHORTCODE = re.compile(r"\[/?[a-z_]+\]", re.IGNORECASE)
_DATE = re.compile(
    rf"^(?:(?:date|on|updated|update|last\s+updated|status\s+date)\s*[:\-\u2013]?\s*)?"
    rf"(?P<date>(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<d3>\d{1,2})[/.-](?P<m3>\d{1,2})[/.-](?P<y3>\d{4})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2}))\b[\s:,\u2013\u2014-]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"^(?:(?:current\s+)?status\s*[:\-\u2013]?\s*)?(?P<status>awaiting\s+review|being\s+progressed|in\s+progress|"
    r"completed?|closed|not\s+yet\s+reviewed)\b[\s.:,\u2013\u2014-]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_STATUS_VALUES = {
    "awaiting review": "awaiting_review",
    "being progressed": "being_progressed",
    "in progress": "being_progressed",
    "complete": "complete",
    "completed": "complete",
    "closed": "complete",
    "not yet reviewed": "",
}
_TITLE_REF = re.compile(r"\((?P<ref>\d{3,6})\)\s*$")
_REF_LINE = re.compile(
    r"^(?:(?:HMICFRS\s+)?ref(?:erence)?(?:\s+(?:no|number))?\.?|(?P<label>recommendation|area\s+for\s+improvement|"
    r"cause\s+of\s+concern|afi))\s*[:#]?\s*(?:no\.?\s*)?(?P<ref>\d{1,6}[a-z]?)\s*[:.)-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TYPE_LINE = re.compile(
    r"^(?:type|category)\s*[:\-\u2013]\s*(?P<label>recommendation|area\s+for\s+improvement|cause\s+(?:of|for)\s+concern)",
    re.IGNORECASE,
)


@dataclass
class _Entry:
    start: int
    ref: str | None = None
    kind: ProposedKind = ProposedKind.RECOMMENDATION
    text: list[tuple[int, int, str]] = field(default_factory=list)
    history: list[StatusEntry] = field(default_factory=list)
    end: int = 0


def _kind(label: str) -> ProposedKind:
    label = label.lower()
    if label.startswith(("area", "afi")):
        return ProposedKind.AREA_FOR_IMPROVEMENT
    if label.startswith("cause"):
        return ProposedKind.CAUSE_OF_CONCERN
    return ProposedKind.RECOMMENDATION


def _date(match: re.Match[str]) -> dt.date | None:
    try:
        if match["y1"]:
            return dt.date(int(match["y1"]), MONTHS[match["m1"].lower().rstrip(".")], int(match["d1"]))
        if match["y2"]:
            return dt.date(int(match["y2"]), MONTHS[match["m2"].lower().rstrip(".")], int(match["d2"]))
        if match["y3"]:  # UK order: day/month/year
            return dt.date(int(match["y3"]), int(match["m3"]), int(match["d3"]))
        return dt.date(int(match["y4"]), int(match["m4"]), int(match["d4"]))
    except (ValueError, KeyError):
        return None


def _status_of_comment(comment: str) -> str:
    lowered = comment.lower()
    if "being reviewed" in lowered or "awaiting review" in lowered:
        return "awaiting_review"
    return ""


@dataclass
class _RegisterReader:
    published: dt.date | None
    entries: list[RegisterEntry] = field(default_factory=list)
    entry: _Entry | None = None
    pending_title: tuple[int, str | None] | None = None  # a report title line with the reference

    def finish(self) -> None:
        entry, self.entry = self.entry, None
        if entry is None or not entry.text:
            return
        text = "\n".join(words for _, _, words in entry.text)
        deadline = read_deadline(text, self.published)
        item = ProposedItem(
            kind=entry.kind,
            ref=entry.ref,
            text=text,
            span=Span(entry.start, max(entry.end, entry.text[-1][1])),
            addressees=addressees_of(text, to_line(text)),
            deadline_text=deadline.text if deadline else None,
            due=deadline.due if deadline else None,
            urgent=deadline.urgent if deadline else False,
            deadline_understood=deadline.understood if deadline else True,
        )
        history = sorted(entry.history, key=lambda status: status.on)
        self.entries.append(RegisterEntry(item, tuple(history)))

    def begin(self, start: int, ref: str | None, kind: ProposedKind = ProposedKind.RECOMMENDATION) -> _Entry:
        self.finish()
        self.entry = _Entry(start, ref, kind)
        return self.entry


def _words(line: Line, text: str) -> str:
    return clean_markup(_SHORTCODE.sub(" ", text[line.start : line.end]))


def extract_register(text: str, published: dt.date | None) -> list[RegisterEntry]:
    """Each item of the inspectorate's register with its dated status history, oldest first."""
    reader = _RegisterReader(published)
    for line in split_lines(text):
        words = _words(line, text)
        if not words:
            continue
        cells = [clean_markup(cell) for cell in re.split(r"\s*\|\s*|\t", words) if clean_markup(cell)]
        if len(cells) >= 2 and (match := _DATE.match(cells[0])):
            _add_status(reader, line, match, " ".join(cells[1:]))
            continue
        if match := _DATE.match(words):
            _add_status(reader, line, match, match["rest"])
            continue
        _read_register_line(reader, line, words)
    reader.finish()
    return reader.entries


def _read_register_line(reader: _RegisterReader, line: Line, words: str) -> None:
    entry = reader.entry
    if (match := _TYPE_LINE.match(words)) and entry is not None:
        entry.kind = _kind(match["label"])
        return
    if match := _REF_LINE.match(words):
        _begin_at_reference(reader, line, match)
        return
    if match := _TITLE_REF.search(words):
        reader.begin(line.start, match["ref"])
        return
    if entry is None:
        return
    if status := _STATUS.match(words):
        if entry.history:
            last = entry.history[-1]
            entry.history[-1] = StatusEntry(
                last.on, _STATUS_VALUES[status["status"].lower()], _join(last.comment, status["rest"])
            )
        return
    if entry.history:
        last = entry.history[-1]
        comment = _join(last.comment, words)
        entry.history[-1] = StatusEntry(last.on, last.status or _status_of_comment(comment), comment)
        entry.end = line.end
        return
    entry.text.append((line.start, line.end, words))
    entry.end = line.end


def _begin_at_reference(reader: _RegisterReader, line: Line, match: re.Match[str]) -> None:
    """A "Reference: 4822" or "Recommendation 3: ..." line: a new entry, unless it names the one begun."""
    entry = reader.entry
    if entry is None or entry.history or entry.text:
        entry = reader.begin(line.start, match["ref"])
    entry.ref = match["ref"]
    if match["label"]:
        entry.kind = _kind(match["label"])
    if match["rest"]:
        entry.text.append((line.start, line.end, match["rest"]))


def _add_status(reader: _RegisterReader, line: Line, match: re.Match[str], rest: str) -> None:
    on = _date(match)
    if on is None or reader.entry is None or not reader.entry.text:
        return
    status, comment = "", rest.strip()
    if found := _STATUS.match(comment):
        status, comment = _STATUS_VALUES[found["status"].lower()], found["rest"].strip()
    reader.entry.history.append(StatusEntry(on, status or _status_of_comment(comment), comment))
    reader.entry.end = line.end


def _join(first: str, second: str) -> str:
    return f"{first}\n{second}".strip() if second else first

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
from dataclasses import replace

from oversight.lib.deadlines import MONTH_PATTERN as _MONTH
from oversight.lib.deadlines import MONTHS, read_deadline
from oversight.lib.extraction.addressees import addressees_of, to_line
from oversight.lib.extraction.model import (
    ProposedAddressee,
    ProposedItem,
    ProposedKind,
    RegisterEntry,
    Span,
    StatusEntry,
)
from oversight.lib.extraction.report import extract_report, is_item_heading
from oversight.lib.extraction.text import clean_markup

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
    r"^(?:(?:current\s+)?status\s*[:\-\u2013]?\s*)?(?P<status>awaiting[\s-]+review|being[\s-]+progressed|in[\s-]+progress|"
    r"completed?|closed|not[\s-]+yet[\s-]+reviewed|no[\s-]+further[\s-]+action[\s-]+needed|superseded)\b"
    r"[\s.:,\u2013\u2014-]*(?P<rest>.*)$",
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
    "no further action needed": "complete",
    "superseded": "complete",
}
# Where an entry's history begins: "[on]9th February 2017 [status]awaiting-review[/status]", or a dated line.
_HISTORY_START = re.compile(r"^\s*\[on\]|^\s*(?:date|status)\s*:", re.IGNORECASE | re.MULTILINE)
_ON = re.compile(r"\[on\](?P<body>.*?)(?:\[/on\]|(?=\[on\])|\Z)", re.IGNORECASE | re.DOTALL)
_STATUS_CODE = re.compile(r"\[status\](?P<status>[^\[]*)\[/status\]", re.IGNORECASE)
_COMMENT = re.compile(r"\[comment\](?P<comment>.*?)(?:\[/comment\]|\Z)", re.IGNORECASE | re.DOTALL)


def extract_register(text: str, published: dt.date | None) -> list[RegisterEntry]:
    """Each item of the inspectorate's register with its dated status history, oldest first.

    An entry is the inspectorate's reference (a title ending "(4822)"), the item's words, and its
    history. The words are read as a report when they carry item headings ("Cause of concern" and
    its recommendations); otherwise all of them are one item, whatever their paragraphs.
    """
    entries: list[RegisterEntry] = []
    for start, end, ref in _blocks(text):
        history_at = _history_start(text, start, end)
        items = _items(text, start, history_at, published)
        if not items:
            continue
        history = _history(text[history_at:end])
        for number, item in enumerate(items):
            entries.append(RegisterEntry(replace(item, ref=item.ref or (ref if number == 0 else None)), history))
    return entries


def _blocks(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, reference) of each entry: a title line ending in "(NNNN)" opens one."""
    titles = [
        (match.start(), match.end(), match["ref"])
        for match in re.finditer(r"^[^\n]*\((?P<ref>\d{3,6})\)[ \t]*$", text, re.MULTILINE)
    ]
    if not titles:
        return [(0, len(text), None)]
    blocks = []
    for number, (_, title_end, ref) in enumerate(titles):
        end = titles[number + 1][0] if number + 1 < len(titles) else len(text)
        blocks.append((title_end, end, ref))
    return blocks


def _history_start(text: str, start: int, end: int) -> int:
    match = _HISTORY_START.search(text, start, end)
    if match:
        return match.start()
    for line in re.finditer(r"^[^\n]+$", text[start:end], re.MULTILINE):
        if _DATE.match(_SHORTCODE.sub(" ", line.group(0)).strip()) and line.start() > 0:
            return start + line.start()
    return end


def _items(text: str, start: int, end: int, published: dt.date | None) -> list[ProposedItem]:
    """The entry's items: read as a report when headed, else its words as one recommendation."""
    # The entry on its own (reading all the text before it again for every entry would be quadratic).
    found = [
        replace(item, span=Span(item.span.start + start, item.span.end + start))
        for item in extract_report(text[start:end], published)
    ]
    if found and is_item_heading(text[start:end]):
        return [_for_a_force(item) for item in found]
    lines = [
        (start + found.start(), words)
        for found in re.finditer(r"[^\n]+", text[start:end])
        if (words := clean_markup(_SHORTCODE.sub(" ", found.group(0))))
    ]
    while len(lines) > 1 and _BANNER.match(lines[0][1]) and not _DIRECTIVE.search(lines[0][1]):
        # "404 Page not found", "Print this page": a short line of the page above the item, not its words.
        lines.pop(0)
        start = lines[0][0]
    body = "\n".join(words for _, words in lines)
    if len(body) < 15:
        return []
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    trail = len(text[start:end]) - len(text[start:end].rstrip())
    deadline = read_deadline(body, published)
    item = ProposedItem(
        kind=ProposedKind.RECOMMENDATION,
        ref=None,
        text=body,
        span=Span(start + lead, end - trail),
        addressees=addressees_of(body, to_line(body)),
        deadline_text=deadline.text if deadline else None,
        due=deadline.due if deadline else None,
        urgent=deadline.urgent if deadline else False,
        deadline_understood=deadline.understood if deadline else True,
    )
    return [_for_a_force(item)]


_BANNER = re.compile(r"^(?=(?:\S+\s+){0,5}\S+$)[^.!?:;]*$")
_DIRECTIVE = re.compile(r"\b(?:should|must|needs?\s+to)\b", re.IGNORECASE)


def _for_a_force(item: ProposedItem) -> ProposedItem:
    """A register entry is a force's: an item naming no one ("PPU personnel should be ...") is the force's."""
    return item if item.addressees else replace(item, addressees=(ProposedAddressee.FORCES,))


def _history(text: str) -> tuple[StatusEntry, ...]:
    """The dated entries, oldest first: [on]date [status]...[/status] and [on]date [comment]...[/comment]."""
    entries: list[StatusEntry] = []
    if "[on]" in text.lower():
        for match in _ON.finditer(text):
            _add(entries, match["body"])
    else:
        for block in re.split(r"\n(?=\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}))", text):
            _add(entries, block)
    # A dated comment leaves the status where the last status put it: "its status then".
    dated, status = [], ""
    for entry in sorted(entries, key=lambda entry: entry.on):
        status = entry.status or status
        dated.append(replace(entry, status=status))
    return tuple(dated)


def _add(entries: list[StatusEntry], body: str) -> None:
    """One dated entry; a comment dated like the status before it joins that status."""
    date = _DATE.match(clean_markup(_SHORTCODE.sub(" ", body.split("[", 1)[0] if "[" in body else body)).strip())
    if date is None:
        date = _DATE.match(" ".join(body.split()))
    on = _date(date) if date else None
    if date is None or on is None:
        return
    status = ""
    if code := _STATUS_CODE.search(body):
        status = _status_value(code["status"])
    comment = _comment(body, date)
    if status == "" and (found := _STATUS.match(comment)):
        status, comment = _status_value(found["status"]), found["rest"].strip()
    if entries and entries[-1].on == on and (not status or not entries[-1].comment):
        last = entries[-1]
        entries[-1] = StatusEntry(on, last.status or status, _join(last.comment, comment))
        return
    entries.append(StatusEntry(on, status or _status_of_comment(comment), comment))


def _comment(body: str, date: re.Match[str]) -> str:
    if found := _COMMENT.search(body):
        raw = found["comment"]
    elif "[" in body:
        raw = _STATUS_CODE.sub(" ", body.split("]", 1)[-1] if body.lstrip().startswith("[") else body)
        raw = _STATUS_CODE.sub(" ", raw)
        raw = raw[raw.find("\n") :] if "\n" in raw else ""
    else:  # "12/05/2023 | Being progressed | Data published monthly."
        raw = " ".join(cell.strip() for cell in re.split(r"[|\t]", date["rest"]) if cell.strip())
    lines = [clean_markup(_SHORTCODE.sub(" ", line)) for line in raw.split("\n")]
    return "\n".join(line for line in lines if line)


def _status_value(words: str) -> str:
    key = " ".join(words.replace("-", " ").lower().split())
    return _STATUS_VALUES.get(key, "")


def _join(first: str, second: str) -> str:
    return f"{first}\n{second}".strip() if second else first


def _status_of_comment(comment: str) -> str:
    """A status the comment itself states; blank (not yet reviewed) when it states none."""
    lowered = comment.lower()
    if "being reviewed" in lowered or "awaiting review" in lowered:
        return "awaiting_review"
    if re.search(r"\bthis recommendation is (?:therefore )?complete\b", lowered):
        return "complete"
    return ""


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

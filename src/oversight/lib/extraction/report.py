"""An inspection report, or a committee paper about one -> its causes of concern, recommendations and AFIs.

What the rules look for, as HMICFRS and committees write them:
- a heading naming one item, with or without its reference and text on the same line
  ("Recommendation 3: To police and crime commissioners ...", "Area for improvement 2",
  "Cause of concern", "AFI 2: The force should ...", "### Recommendation 1.)");
- a heading naming several ("Recommendations", "Areas for improvement", "Causes of concern")
  followed by paragraphs or bullets, one item each;
- the inspectorate's reference in brackets ("Crimes Against Older People (Recommendation 10618).
  Within six months chief constables should ...");
- rows of a table whose cells hold an item's reference and text.
An item runs on over its sub-bullets (a), b), •, (i)) and the paragraphs that continue it; it stops
at the next heading or at prose that does not continue it. Prose that only mentions a
recommendation, a committee's own "recommendation" to note a paper, and progress comments are not
items: they are not under an item heading, or they fail the checks in `_is_item_text`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from oversight.lib.deadlines import MONTH_PATTERN, DeadlinePhraseError, due_date_from_phrase, read_deadline
from oversight.lib.extraction.addressees import addressees_of, to_line
from oversight.lib.extraction.model import ProposedAddressee, ProposedItem, ProposedKind, Span
from oversight.lib.extraction.text import Line, Marker, clean_markup, looks_like_heading, split_lines

K = ProposedKind
_KIND_WORDS = (
    (K.RECOMMENDATION, r"recommendations?|recs?\b"),
    (K.AREA_FOR_IMPROVEMENT, r"areas?\s+for\s+improvement|actions?\s+for\s+further\s+improvement|AFIs?\b"),
    (K.CAUSE_OF_CONCERN, r"causes?\s+(?:of|for)\s+concern|CoCs?\b"),
)
_REF = r"(?:no\.?\s*)?(?P<ref>\d{1,6}(?:\.\d{1,3})*[a-z]?)\b"
_SINGULAR = re.compile(
    r"^(?P<label>recommendation|area\s+for\s+improvement|action\s+for\s+further\s+improvement|"
    r"cause\s+(?:of|for)\s+concern|afi|coc)\b(?:\s*\((?:AFI|CoC)\))?"
    rf"(?:\s*{_REF})?\s*(?P<sep>[:.)\-\u2013\u2014]+)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_PLURAL = re.compile(
    r"^(?:(?:our|the|new|national|force|key|summary\s+of|list\s+of)\s+)*"
    r"(?P<label>recommendations|areas\s+for\s+improvement|causes\s+(?:of|for)\s+concern"
    r"|causes\s+(?:of|for)\s+concern\s+and\s+recommendations|(?:conclusions\s+and\s+)recommendations"
    r"|recommendations\s+and\s+conclusions)\b\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# A sentence about an item, not the item: "Recommendation 3 was accepted", "Recommendation 1 of ...".
_MENTION_VERB = re.compile(
    r"^(?:was|is|has|had|were|have|are|remains?|of|in|from|and|which|that|states?|says|relates?|made|"
    r"set|within\s+the|to\s+(?:note|the\s+(?:committee|board))|update|progress|status|\(|\d)",
    re.IGNORECASE,
)
_COMMITTEE_NOTE = re.compile(
    r"\b(?:committee|board|panel|members|meeting|sub-committee|forum|group)\b[^.]{0,80}?"
    r"\b(?:asked|invited|requested|recommended|agree[sd]?|resolve[sd]?)\b"
    r"|\b(?:to|is\s+asked\s+to|be\s+asked\s+to)\s+note\b|\bnote\s+(?:the|this)\s+(?:report|contents|update|paper)\b"
    r"|^that\s+the\s+(?:committee|board|panel)",
    re.IGNORECASE,
)
_DIRECTIVE = re.compile(r"\b(?:should|must|needs?\s+to|ought\s+to|recommend(?:s)?\s+that)\b", re.IGNORECASE)
_NOT_ITEM_START = re.compile(
    r"^(?:we\s+(?:made|have\s+made|found|also|are|will|have|set|previously|said|looked|recommended)|"
    r"in\s+(?:our|the|\d{4})\b|this\s+(?:report|inspection|paper|is)|these\s+(?:will|are|were|recommendations)|"
    r"the\s+(?:committee|board|report|inspection|recommendations?)\b|since\b|progress\b|update\b|status\b|"
    r"I\s|as\s+the\b|there\s+(?:is|are|were)\b|it\s+is\b|further\s+to|the\s+full\s+report\b|"
    r"more\s+information\b|for\s+more\b|our\s+(?:findings|detailed|inspection|report)\b|"
    r"this\s+(?:recommendation|area\s+for\s+improvement|cause\s+(?:of|for)\s+concern)\b|"
    # A label over a comment on the item: "RBFRS action:", "Management response:", "Update:".
    r"(?:(?-i:[A-Z]{2,8})\s+|(?:our|force|service|management|latest|current|further)\s+)?"
    r"(?:actions?(?:\s+taken)?|update|progress(?:\s+update)?|responses?|comments?|commentary|status|position"
    r"|rationale|evidence|outcome|RAG)\s*:)",
    re.IGNORECASE,
)
# How a numbered conclusion may open before it asks for something.
_REASONS_START = re.compile(
    r"^(?:it\s+is\s+(?:vital|essential|important|clear|crucial|right|unacceptable|regrettable|"
    r"disappointing|concerning|encouraging|welcome)|there\s+(?:is|are|was|were)\s+(?:a|an|no|little|some|still|clear)\b|"
    r"in\s+(?:our|the)\s+(?:view|opinion|light)|as\s+the\s+\w+)",
    re.IGNORECASE,
)
_INLINE_REF = re.compile(
    r"\((?:HMICFRS\s+)?(?P<label>recommendation|rec|area\s+for\s+improvement|afi|cause\s+of\s+concern)\s*"
    r"(?:no\.?|ref\.?|reference)?\s*(?P<ref>\d{3,6})\)[.:]?\s*",
    re.IGNORECASE,
)
_FORCE_SUBJECT = re.compile(r"^\s*(?:the|this)\s+force\b", re.IGNORECASE)
_NEXT_TITLE = re.compile(r"[.;]\s*(?:\d{1,2}\.\s*)?(?:[a-z]\.\s*)?[A-Z][^.;()]*\s*$")
_TABLE_REF = re.compile(
    r"^(?:(?P<label>rec(?:ommendation)?|afi|area\s+for\s+improvement|coc|cause\s+of\s+concern)\s*)?"
    r"(?:no\.?\s*)?(?P<ref>\d{1,6}(?:\.\d{1,3})*[a-z]?)\.?$",
    re.IGNORECASE,
)


def _kind_of(label: str) -> ProposedKind:
    for kind, pattern in _KIND_WORDS:
        if re.match(pattern, label.strip(), re.IGNORECASE):
            return kind
    return K.RECOMMENDATION


@dataclass
class _Draft:
    """An item being read: its lines and what it is."""

    kind: ProposedKind
    ref: str | None
    start: int
    parts: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, words) per line
    first_marker: Marker = Marker.NONE
    first_indent: int = 0
    list_open: bool = False  # the last line ended "...should:", so bullets below are its own
    from_heading: bool = True
    last_marker: Marker = Marker.NONE
    numbered: bool = False  # a numbered paragraph read from a list
    title: str = ""  # "Recommendation 7 - COPFS Website": the item's title, not its words
    field_open: bool = False  # under the heading, a "Published:" / "Agency:" field whose value comes next
    addressed: bool = False  # opened by a numbered "To chief constables:" line: it must ask for something

    def add(self, line: Line, words: str | None = None) -> None:
        text = line.body if words is None else words
        if not self.parts:
            self.first_marker, self.first_indent = line.marker, line.indent
        prefix = "" if line.marker in (Marker.NONE,) or not self.parts else _marker_text(line)
        self.parts.append((line.start, line.end, prefix + text))
        self.list_open = line.ends_open or (self.list_open and line.marker != Marker.NONE)
        self.last_marker = line.marker

    @property
    def text(self) -> str:
        return "\n".join(words for _, _, words in self.parts if words)

    @property
    def end(self) -> int:
        return self.parts[-1][1] if self.parts else self.start


def _marker_text(line: Line) -> str:
    if line.marker == Marker.BULLET:
        return "• "
    return f"{line.label}) "


@dataclass
class _Reader:
    published: dt.date | None
    items: list[ProposedItem] = field(default_factory=list)
    draft: _Draft | None = None
    plural: ProposedKind | None = None  # under a "Recommendations" heading
    cause: int | None = None  # the cause of concern recommendations now sit under
    section_published: dt.date | None = None  # "... published on 30th June 2022": what the items below count from
    list_only: bool = False  # the plural came from a sentence introducing a list: only its bullets are items
    table: bool = False  # the plural came from a table's header row ("Recommendation Status Rationale")
    pending_ref: str | None = None  # a row's number on a line of its own, for the item below it

    def close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None or not draft.parts:
            return
        text = _without_trailing_prose(_without_status_cells(_PARAGRAPH_REF.sub("", draft.text.strip())))
        ref = draft.ref
        if ref is None and (coded := _CODED_REF.match(text)):
            ref, text = coded["ref"], text[coded.end() :]
        if draft.addressed and not _DIRECTIVE.search(text):
            return  # "1. To the Chair of the Panel:" over a note is not a recommendation
        if not _is_item_text(text, draft.kind, draft.from_heading, draft.numbered):
            return
        self._propose(draft.kind, ref, text, Span(draft.start, draft.end))
        if draft.kind == K.CAUSE_OF_CONCERN:
            # A cause's recommendations follow it, with or without a "Recommendations" heading.
            self.set_plural(K.RECOMMENDATION)

    def _propose(self, kind: ProposedKind, ref: str | None, text: str, span: Span) -> None:
        deadline = read_deadline(text, self.section_published or self.published)
        if kind == K.CAUSE_OF_CONCERN:
            self.cause = len(self.items)
        elif kind == K.AREA_FOR_IMPROVEMENT:
            self.cause = None
        addressees = addressees_of(text, to_line(text))
        if kind == K.CAUSE_OF_CONCERN and not addressees and _FORCE_SUBJECT.match(text):
            addressees = (ProposedAddressee.FORCES,)  # "The force doesn't respond ...": a cause in a force
        self.items.append(
            ProposedItem(
                kind=kind,
                ref=ref,
                text=text,
                span=span,
                addressees=addressees,
                deadline_text=deadline.text if deadline else None,
                due=deadline.due if deadline else None,
                urgent=deadline.urgent if deadline else False,
                deadline_understood=deadline.understood if deadline else True,
                cause_of_concern=self.cause if kind == K.RECOMMENDATION else None,
            )
        )

    def start(self, kind: ProposedKind, ref: str | None, line: Line, from_heading: bool = True) -> _Draft:
        self.close()
        self.draft = _Draft(kind, ref, line.start, from_heading=from_heading)
        return self.draft

    def set_plural(self, kind: ProposedKind | None, list_only: bool = False, table: bool = False) -> None:
        self.plural, self.list_only, self.table, self.pending_ref = kind, list_only, table, None


_SENTENCES = re.compile(r"[^.!?]+(?:[.!?]+|$)")
# "(Part I Paragraph 2.36)", "(Paragraph 17)", "(see page 12)" closing an item: where the report argues it.
_PARAGRAPH_REF = re.compile(
    r"(?<![ \t])[ \t]*\((?:see\s+)?(?:part\s+[IVX\d]+,?\s+)?(?:paragraphs?|paras?\.?|pages?|pp?\.|sections?|chapter)"
    r"\s*\d[\d.]*[a-z]?(?:\s*(?:[-\u2013,]|and|to)\s*\d[\d.]*[a-z]?){0,6}\)(?=[.;]?[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)
# "R3 - Police Scotland should ...", "AFI4: The service should ...": a short code opening the item is its reference.
_CODED_REF = re.compile(r"^(?P<ref>(?:R|Rec|AFI|CoC|A|C)\s?\d{1,3}[a-z]?)\s*[\u2013\u2014:-]\s+(?=\S)")
# The cells after an item's text in a table flattened to one line: "... most at risk 4 30 Sep 2023 Open - ...",
# "... by the Reporter. In progress Action taken ...": a count or a date, then a status.
_STATUS_WORD = (
    r"(?-i:In\s+[Pp]rogress|Not\s+[Ss]tarted|Complete[d]?|Closed|Open|Ongoing|On\s+[Tt]rack|Off\s+[Tt]rack"
    r"|Achieved|Partially\s+(?:[Aa]chieved|[Mm]et)|Not\s+(?:[Aa]chieved|[Mm]et)|Discharged|Superseded|Overdue|Delayed)"
)
_CELL_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_PATTERN}\.?\s+\d{{4}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|{MONTH_PATTERN}\s+\d{{4}})"
)
_STATUS_CELLS = re.compile(
    rf"(?:(?<=[.!?])\s+|(?<=[a-z)])\s+(?:\d{{1,4}}%?\s+)*{_CELL_DATE}\s+|(?<=[a-z)])\s+(?:\d{{1,4}}%?\s+)+)"
    rf"{_STATUS_WORD}(?=\s*$|\s+[-\u2013\u2014]|\s+[A-Z0-9])",
    re.IGNORECASE,
)
_PREPOSITION_BEFORE = re.compile(r"\b(?:by|within|on|before|until|from|of|to|in|than|since|after)$", re.IGNORECASE)


def _without_status_cells(text: str) -> str:
    """The item without the status cells a flattened table row runs on with."""
    asks = _DIRECTIVE.search(text)
    if asks is None:
        return text
    for match in _STATUS_CELLS.finditer(text, asks.end()):
        if not _PREPOSITION_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            return text[: match.start()].rstrip()
    return text


# "A coordination group has been established ...": what was done about the item, run on after it.
_REPORTED = re.compile(
    r"^(?!(?:where|if|when|unless|until|while|once|whether)\b)[^.!?]{0,120}?\b(?:has|have)\s+"
    r"(?:now\s+|also\s+|recently\s+|since\s+|already\s+)*(?:been\s+(?-i:[a-z]+ed)|seen|invested|introduced|"
    r"established|developed|completed|undertaken|put\s+in\s+place|reviewed|implemented)\b"
    r"|^(?:we|our\s+\w+)\s+(?:have|has|are|use|were)\b",
    re.IGNORECASE,
)


def _without_trailing_prose(text: str) -> str:
    """The item without the report's prose run on after it ("... demand. We set out our findings below. The")."""
    head, _, last = text.rpartition("\n")
    sentences = [match.group(0) for match in _SENTENCES.finditer(last)]
    while (
        len(sentences) > 1
        and (_NOT_ITEM_START.match(sentences[-1].strip()) or len(sentences[-1].split()) < 3)
        and not _DIRECTIVE.search(sentences[-1])
    ):
        sentences.pop()
    for number, sentence in enumerate(sentences[1:], start=1):
        if (
            _REPORTED.match(sentence.strip())
            and not _DIRECTIVE.search(sentence)
            and any(_DIRECTIVE.search(before) for before in sentences[:number])
        ):
            sentences = sentences[:number]
            break
    kept = "".join(sentences).strip()
    return f"{head}\n{kept}" if head else kept


def _is_item_text(text: str, kind: ProposedKind, from_heading: bool = True, numbered: bool = False) -> bool:
    """Whether the words read under an item heading are an item (not a note, mention or update).

    Under a heading naming the item any wording will do ("That all domestic abuse incidents are
    offered a referral ..."); read from a list, an item must ask for something ("should"). A numbered
    paragraph under "Conclusions and recommendations" may open with its reasons ("It is vital that
    ...") and ask later.
    """
    flat = " ".join(text.split())
    if len(flat) < 15 or _COMMITTEE_NOTE.search(flat[:300]):
        return False
    if kind == K.CAUSE_OF_CONCERN:
        return not _NOT_ITEM_START.match(flat) or bool(_DIRECTIVE.search(flat))
    if numbered and _DIRECTIVE.search(flat) and _REASONS_START.match(flat):
        return True
    if _NOT_ITEM_START.match(flat):
        return False
    return from_heading or bool(_DIRECTIVE.search(flat) or to_line(text))


def _singular_heading(line: Line) -> tuple[ProposedKind, str | None, str] | None:
    """(kind, ref, text on the same line) when `line` opens one item."""
    if line.marker not in (Marker.NONE, Marker.NUMBER) or (line.marker == Marker.NUMBER and not line.heading):
        match = None
    else:
        match = _SINGULAR.match(line.body)
    if match is None:
        return _titled_heading(line)
    rest = match["rest"].strip()
    if rest and (_MENTION_VERB.match(rest) or (not match["sep"] and not match["ref"] and rest[:1].islower())):
        return None
    return _kind_of(match["label"]), match["ref"], rest


# "Improving the victim experience of the criminal justice system: recommendation 9": a page's heading for one item.
_TITLED = re.compile(
    rf"^\S.{{2,150}}?\s*[:\u2013\u2014-]\s*(?P<label>recommendation|area\s+for\s+improvement|cause\s+(?:of|for)\s+concern)"
    rf"\s+{_REF}\s*$",
    re.IGNORECASE,
)


def _titled_heading(line: Line) -> tuple[ProposedKind, str | None, str] | None:
    if line.marker != Marker.NONE or len(line.body) > 200 or (match := _TITLED.match(line.body)) is None:
        return None
    return _kind_of(match["label"]), match["ref"], ""


def is_item_heading(text: str) -> bool:
    """Whether `text` has a heading naming an item ("Cause of concern", "Recommendation 3")."""
    return any(_singular_heading(line) or _plural_heading(line) for line in split_lines(text))


def _plural_heading(line: Line) -> ProposedKind | None:
    if line.marker != Marker.NONE and not line.heading:
        return None
    match = _PLURAL.match(line.body)
    if match is None:
        return None
    rest = match["rest"].strip(" :.-\u2013\u2014")
    if rest and (len(rest) > 60 or re.match(r"^\d+$", rest) or _MENTION_VERB.match(rest)):
        return None
    label = match["label"].lower()
    return K.CAUSE_OF_CONCERN if label.startswith("cause") and "recommendation" not in label else _kind_of(label)


def _table_cells(line: Line, text: str) -> list[tuple[int, int, str]] | None:
    """The cells of a table row ("| 3 | Within six months ... | Complete |"), with offsets."""
    raw = text[line.start : line.end]
    separator = "|" if raw.count("|") >= 2 else "\t" if raw.count("\t") >= 1 else None
    if separator is None:
        return None
    cells, offset = [], line.start
    for piece in raw.split(separator):
        words = clean_markup(piece)
        if words:
            lead = len(piece) - len(piece.lstrip())
            cells.append((offset + lead, offset + len(piece.rstrip()), words))
        offset += len(piece) + 1
    if not cells or all(re.fullmatch(r":?-{2,}:?", words) for _, _, words in cells):
        return []
    return cells


def _read_table_row(reader: _Reader, cells: list[tuple[int, int, str]]) -> None:
    texts = [(start, end, words) for start, end, words in cells if _DIRECTIVE.search(words)]
    if not texts:
        return
    start, end, words = max(texts, key=lambda cell: len(cell[2]))
    ref, kind = None, reader.plural or K.RECOMMENDATION
    for _, _, cell in cells:
        if match := _TABLE_REF.match(cell):
            ref = match["ref"]
            if match["label"]:
                kind = _kind_of(match["label"])
            break
    for _, _, cell in cells:
        if re.fullmatch(r"(?:recommendation|area\s+for\s+improvement|afi|cause\s+of\s+concern)", cell, re.IGNORECASE):
            kind = _kind_of(cell)
    if _NOT_ITEM_START.match(words) or _COMMITTEE_NOTE.search(words):
        return
    reader.close()
    reader._propose(kind, ref, words, Span(start, end))


def _read_inline_refs(reader: _Reader, line: Line, text: str) -> bool:
    """Items named by the inspectorate's reference in brackets inside a paragraph (committee papers)."""
    raw = text[line.start : line.end]
    markers = list(_INLINE_REF.finditer(raw))
    if not markers:
        return False
    found = False
    for number, marker in enumerate(markers):
        stop = markers[number + 1].start() if number + 1 < len(markers) else len(raw)
        chunk = raw[marker.end() : stop]
        if number + 1 < len(markers) and (title := _NEXT_TITLE.search(chunk)):
            # The next item's title ("b. Crimes Against Older People") follows this item's last sentence.
            chunk = chunk[: title.start() + 1]
        words = clean_markup(chunk).rstrip(";").strip()
        if not _DIRECTIVE.search(words):
            continue
        reader.close()
        start = line.start + marker.start()
        reader._propose(
            _kind_of(marker["label"]),
            marker["ref"],
            words,
            Span(start, line.start + marker.end() + len(chunk.rstrip())),
        )
        found = True
    return found


# "... points were made. AFI 7 - the Force should ensure ...": an item named after a sentence's end.
_MIDLINE_ITEM = re.compile(
    r"(?<=[.!?])\s+(?P<label>action\s+for\s+further\s+improvement(?:\s*\(AFI\))?|area\s+for\s+improvement|AFI"
    r"|recommendation|cause\s+of\s+concern)\s+(?P<ref>\d{1,4}[a-z]?)\s*[\u2013\u2014:-]\s+"
    r"(?P<text>[^.!?]*?\b(?:should|must)\b[^.!?]*[.!?])",
    re.IGNORECASE,
)


def _read_midline_items(reader: _Reader, line: Line, text: str) -> bool:
    """Items a paragraph names after a sentence's end (minutes read as one paragraph)."""
    raw = text[line.start : line.end]
    matches = list(_MIDLINE_ITEM.finditer(raw))
    if not matches:
        return False
    reader.close()
    for match in matches:
        words = clean_markup(match["text"])
        start, end = line.start + match.start("label"), line.start + match.end("text")
        reader._propose(_kind_of(match["label"]), match["ref"], words, Span(start, end))
    return True


def _continues(draft: _Draft, line: Line) -> bool:
    """Whether `line` is more of the item being read."""
    if not draft.parts:
        return True
    opened = draft.list_open or draft.parts[-1][2].rstrip().endswith(":")
    if line.marker != Marker.NONE:
        if draft.kind == K.CAUSE_OF_CONCERN and not opened:
            return False  # the cause's recommendations, not more of the cause
        if draft.from_heading:
            # A bullet after a finished sentence is a comment on the item ("In response to AFI 7, ...").
            return opened or draft.last_marker != Marker.NONE
        # Under a plural heading a bullet like the item's own first one starts the next item.
        same_level = line.marker == draft.first_marker and line.indent <= draft.first_indent
        return draft.list_open or not same_level
    if draft.parts[-1][2].rstrip().endswith((":", ",", " and", " or")):
        return True  # a sentence carried on, not a list closed ("...; and" ends a list's last but one)
    if _NOT_ITEM_START.match(line.body) or not draft.from_heading:
        return False
    directive = bool(_DIRECTIVE.search(line.body))
    if draft.kind == K.CAUSE_OF_CONCERN:
        return not directive and not line.blank_before
    if draft.addressed and draft.last_marker != Marker.NONE:
        return directive  # after its sub-points, only a paragraph that still asks is more of the item
    # After its list, a headed item may close with a paragraph ("Where there are discrepancies ...").
    return directive or not line.blank_before or draft.last_marker != Marker.NONE


def extract_report(text: str, published: dt.date | None) -> list[ProposedItem]:
    """Every cause of concern, recommendation and area for improvement in a report or committee paper."""
    reader = _Reader(published)
    for line in split_lines(text):
        if not _read_table_line(reader, line, text):
            _read_report_line(reader, line, text)
    reader.close()
    return reader.items


def _read_table_line(reader: _Reader, line: Line, text: str) -> bool:
    """A table's header row sets the kind of the rows below; a row with an item's text is one."""
    cells = _table_cells(line, text)
    if cells is None:
        return False
    if cells and not any(_DIRECTIVE.search(words) for _, _, words in cells):
        reader.plural = _plural_from_columns([words.lower() for _, _, words in cells]) or reader.plural
    elif cells:
        _read_table_row(reader, cells)
    return True


def _read_report_line(reader: _Reader, line: Line, text: str) -> None:
    if (header := _header_row(line)) is not None:
        reader.close()
        reader.set_plural(header, table=True)
    elif heading := _singular_heading(line):
        kind, ref, rest = heading
        draft = reader.start(kind, ref, line)
        if rest and _is_title(rest, line):
            draft.title = rest
        elif rest:
            draft.add(line, rest)
        reader.set_plural(None)
    elif (plural := _plural_heading(line)) is not None:
        reader.close()
        reader.set_plural(plural)
    elif not _read_inline_refs(reader, line, text) and not _read_midline_items(reader, line, text):
        if (published := _section_published(line)) is not None:
            reader.close()
            reader.section_published = published
        else:
            _read_line(reader, line, text)


_COLUMN = (
    r"(?:status|progress(?:\s+update)?|rationale|update|(?:current\s+)?position|rag(?:\s+status)?|comments?|commentary"
    r"|owner|lead|deadline(?:\s+date)?|target\s+date|due\s+date|date|evidence|actions?(?:\s+taken)?|response|outcome"
    r"|timescales?|ref(?:erence)?|number|no\.?|what\s+we\s+did(?:\s+and\s+the\s+impact)?)"
)
# A table's header row flattened to text: "Recommendation Status Rationale", "... (2018) Recommendation Position".
_HEADER_ROW = re.compile(
    rf"(?:^|\s)(?:{_COLUMN}\s+){{0,2}}(?P<label>recommendations?|areas?\s+for\s+improvement|AFIs?)"
    rf"(?:\s+{_COLUMN}){{1,4}}\s*$",
    re.IGNORECASE,
)


def _header_row(line: Line) -> ProposedKind | None:
    if line.marker != Marker.NONE or len(line.body) > 200 or (match := _HEADER_ROW.search(line.body)) is None:
        return None
    return _kind_of(match["label"])


_SMALL_WORDS = frozenset(["a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"])


def _is_title(rest: str, line: Line) -> bool:
    """Whether the words after "Recommendation 7 -" are the item's title ("COPFS Website"), not its text."""
    if _DIRECTIVE.search(rest) or rest.rstrip().endswith((".", ";", ":", "?", "!", ",")) or len(rest.split()) > 12:
        return False
    words = [word for word in rest.split() if word[:1].isalpha() and word.lower() not in _SMALL_WORDS]
    capitalised = sum(word[:1].isupper() for word in words)
    return bool(words) and capitalised * 3 >= len(words) * 2


_PUBLISHED_ON = re.compile(r"\bpublished\s+(?:on\s+)?(?:the\s+)?(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})")


def _section_published(line: Line) -> dt.date | None:
    """The date in a heading like "The Police Perpetrated Domestic Abuse ... published on 30th June 2022"."""
    if not (line.heading or looks_like_heading(line) or len(line.body) < 160) or line.body.rstrip().endswith("."):
        return None  # a sentence saying when something was published is not a section's title
    if (match := _PUBLISHED_ON.search(line.body)) is None:
        return None
    try:
        return due_date_from_phrase(f"by {match['date']}", dt.date.min).due
    except DeadlinePhraseError:
        return None


def _plural_from_columns(columns: list[str]) -> ProposedKind | None:
    for column in columns:
        if re.search(r"area.{0,5}for improvement|\bafi", column):
            return K.AREA_FOR_IMPROVEMENT
    return None


# "Published:", "Agency:" (and its value on the next line) between an item's heading and its words.
_FIELD = re.compile(r"^[A-Z][\w'\u2019]*(?:\s+[\w'\u2019]+){0,2}\s*:\s*(?:[^:]{0,40})$")
# A row's number on a line of its own ("1", "R3"), from a table flattened to text.
_LONE_REF = re.compile(r"^(?:(?:R|Rec|No\.?)\s?)?(?P<ref>\d{1,3}[a-z]?)\.?$")
# "The report made 16 recommendations, including:", "The recommendations for Police Scotland were;"
_LIST_INTRO = re.compile(
    r"\b(?P<label>recommendations?|areas?\s+for\s+improvement|causes?\s+(?:of|for)\s+concern)\b[^.!?]{0,200}?[:;]$",
    re.IGNORECASE,
)


def _list_intro(words: str) -> ProposedKind | None:
    """The kind of item a sentence introduces a list of ("... makes 16 recommendations, including:")."""
    last = re.split(r"(?<=[.!?])\s+", words)[-1]
    if _DIRECTIVE.search(last) or (match := _LIST_INTRO.search(last)) is None:
        return None
    kind = _kind_of(match["label"])
    return None if kind == K.CAUSE_OF_CONCERN else kind  # a cause's bullets are its findings, asked of no one


def _between_heading_and_words(reader: _Reader, line: Line) -> bool:
    """Skip the fields a web page sets between an item's heading and its words."""
    draft = reader.draft
    if draft is None or draft.parts or not draft.from_heading:
        return False
    if draft.field_open and looks_like_heading(line):
        draft.field_open = False
        return True
    if _FIELD.match(line.body) and not _DIRECTIVE.search(line.body) and not to_line(line.body):
        draft.field_open = line.body.rstrip().endswith(":")
        return True
    return False


def _lone_ref(reader: _Reader, line: Line) -> bool:
    """A row's number on its own line: the reference of the item below it, in a list or table."""
    if line.marker != Marker.NONE or (match := _LONE_REF.match(line.body)) is None:
        return False
    draft = reader.draft
    if draft is not None and draft.from_heading and not draft.parts and draft.ref is None:
        reader.draft = None  # "Recommendation" was a column's heading: the rows below are the items
        reader.set_plural(draft.kind, table=True)
    if reader.plural is None:
        return False
    reader.close()
    reader.pending_ref = match["ref"]
    return True


def _read_line(reader: _Reader, line: Line, text: str) -> None:
    if _between_heading_and_words(reader, line) or _lone_ref(reader, line):
        return
    draft = reader.draft
    if draft is not None and looks_like_heading(line) and not (draft.list_open and not line.heading):
        reader.close()
        reader.set_plural(None)
        reader.cause = None
        return
    if draft is not None and _continues(draft, line):
        draft.add(line)
        return
    reader.close()
    words = line.body
    if (reader.plural is None or reader.list_only) and (intro := _list_intro(words)) is not None:
        reader.set_plural(intro, list_only=True)
        return
    if reader.plural is None:
        _read_outside_lists(reader, line)
        return
    if looks_like_heading(line) or (reader.list_only and line.marker == Marker.NONE):
        reader.set_plural(None)
        reader.cause = None
        return
    asks = _DIRECTIVE.search(words) or line.ends_open
    if (reader.plural != K.CAUSE_OF_CONCERN or reader.list_only) and not asks:
        reader.set_plural(None)
        return
    if reader.table and line.marker == Marker.NUMBER:
        _read_flat_rows(reader, line, text)
        return
    ref = line.label if line.marker == Marker.NUMBER else reader.pending_ref
    reader.pending_ref = None
    draft = reader.start(reader.plural, ref, line, from_heading=False)
    draft.numbered = line.marker == Marker.NUMBER
    draft.add(line)


def _read_outside_lists(reader: _Reader, line: Line) -> None:
    """A line under no item heading: a numbered "To ...:" line opens an item; a heading ends a cause."""
    if _addressed_item(line):
        # The "To ...:" line heads the item: what follows, its sub-points included, is its text.
        draft = reader.start(K.RECOMMENDATION, line.label, line)
        draft.numbered = draft.addressed = True
        draft.add(line)
    elif looks_like_heading(line):
        reader.cause = None


# A numbered recommendation that opens with those it is addressed to, as super-complaint reports and
# the responses quoting them write it: "3. To police and crime commissioners (PCCs), the Ministry of
# Justice (MoJ) and chief constables:" followed by what they should do.
_ADDRESSED_TO = re.compile(r"^To\s+(?:the\s+)?[A-Za-z(][^.:;]{2,200}:$")


def _addressed_item(line: Line) -> bool:
    return line.marker == Marker.NUMBER and bool(_ADDRESSED_TO.match(line.body.strip()))


# "... by the Reporter. In progress Action taken ... 2 COPFS should ...": the next row's number.
_NEXT_ROW = re.compile(r"(?<=[\w.!?)%])\s+(?P<n>\d{1,3})\s+(?=[A-Z])")


def _read_flat_rows(reader: _Reader, line: Line, text: str) -> None:
    """Rows of a status table flattened into one numbered line: each row's item, without its status cells."""
    reader.close()
    ref, begin, chunks = line.label, 0, []
    for match in _NEXT_ROW.finditer(line.body):
        if ref.isdigit() and match["n"] == str(int(ref) + 1):
            chunks.append((ref, line.body[begin : match.start()]))
            ref, begin = match["n"], match.end()
    chunks.append((ref, line.body[begin:]))
    raw = text[line.start : line.end]
    for number, words in chunks:
        item = _without_trailing_prose(_without_status_cells(words.strip()))
        if not _DIRECTIVE.search(item) or not _is_item_text(item, reader.plural or K.RECOMMENDATION, False, True):
            continue
        at = raw.find(item[:40])
        start = line.start + max(at, 0)
        reader._propose(reader.plural or K.RECOMMENDATION, number, item, Span(start, start + len(item)))

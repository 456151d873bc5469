"""A governing body's response to a report -> the actions its author commits to or reports as done.

An action is a sentence (or a bullet) in which the author, their office or the force commits to
something ("I will ...", "we will ...", "My office will ...", "Steps I intend to take ... include:"
and its bullets) -> intended; or reports it done or under way ("I have commissioned ...", "we
have introduced ...", "has been established", "we are working with ...") -> taken. General
statements of support ("I support and welcome the recommendations"), encouragement ("I would
encourage", "I urge"), and the report's own words quoted back (in quotation marks, or the
"should" sentences under a quoted recommendation) are not actions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from oversight.lib.extraction.model import ActionStatus, ProposedAction, Span
from oversight.lib.extraction.text import Line, Marker, looks_like_heading, split_lines

# The author named by its initials ("WMFS", "the MPS", "OPCC"); not the inspectorates and national bodies a
# response names as doing their own part ("HMICFRS will publish ...").
_INITIALS = (
    r"(?<![\w-])(?!(?:HMI\w*|IOPC|NPCC|APCC|NFCC|CPS|MOJ|NHS|NCA|HMPPS|HMCTS|UK|IT|FSB|DHSC|DFE)\b)"
    r"(?-i:[A-Z]{2,6})(?=\s)"
)
_ACTOR = (
    r"(?:I|we|my\s+office|our\s+office|the\s+office|the\s+OPCC|OPCC|the\s+(?:police\s+and\s+crime\s+)?commissioner|"
    r"the\s+PCC|the\s+force|the\s+Force|the\s+Chief\s+Constable|the\s+constabulary|this\s+office|"
    r"the\s+(?:department|service|government|authority)|"
    r"(?:[A-Z][\w&-]*\s+){1,4}(?:Police|Constabulary)|(?<![^\s])(?<![\w,;)]\s)(?:the\s+)?"
    + _INITIALS
    + r"|(?:this|our)\s+(?:[\w-]+\s+){0,2}(?:group|board|team|unit|panel|programme|directorate))"
)
_INTENDED = re.compile(
    rf"\b{_ACTOR}\s+(?:will|shall|intends?\s+to|plans?\s+to|aims?\s+to|am\s+going\s+to|are\s+going\s+to|is\s+going\s+to|"
    r"propose\s+to|proposes\s+to|(?:have|has)\s+committed\s+to|"
    r"(?:am|are|is)\s+planning\s+to|(?:would|will)\s+be\s+(?:looking|seeking|working|exploring)|"
    r"(?:am|are|is)\s+(?:currently\s+|also\s+|now\s+)*working\s+(?:with|to|on|alongside))\b"
    r"|\b(?:steps|actions)\s+(?:I|we)\s+(?:intend|plan|propose|will)\b"
    # "WMFS has made great strides ..., but will seek to implement ...": the author, then a commitment.
    rf"|^\s*{_ACTOR}\s[^.;]{{0,200}}?\b(?:but|and)\s+(?:also\s+|now\s+)?(?:will|intends?\s+to|plans?\s+to)\b",
    re.IGNORECASE,
)
_TAKEN = re.compile(
    rf"\b{_ACTOR}\s+(?:have|has)\s+(?:now\s+|already\s+|recently\s+|also\s+|since\s+)*"
    r"(?!been\b|seen\b|noted\b|read\b|heard\b|welcomed\b|received\b|had\b|committed\b|always\b|considered\b|"
    r"concerns?\b|no\b|not\b|every\b|a\s)(?:\w+ed|established|undertaken|written|begun|set\s+up|made|built|taken|run|held|"
    r"given|done|brought|sought|led\s+(?:me|us)\s+to|put\s+in\s+place|met|spoken|begun|set)\b"
    r"|\b(?:has|have)\s+(?:recently\s+|now\s+)?led\s+(?:me|us)\s+to\b|\b(?:OPCC|PCC|office)[-\s](?:led|funded|commissioned)\b"
    rf"|\b{_ACTOR}\s+(?:am|are|is)\s+(?:currently\s+|already\s+|now\s+|also\s+)*(?:requiring|funding|"
    r"commissioning|delivering|developing|reviewing|investing|leading|supporting\s+the\s+force\s+to)\b"
    r"|\bby\s+the\s+(?:provision|allocation|investment)\s+of\b"
    r"|(?<!\bto\s)\b(?:has|have)\s+(?:now\s+|already\s+|recently\s+)?been\s+(?:established|introduced|commissioned|appointed|"
    r"created|set\s+up|launched|implemented|completed|developed|put\s+in\s+place|delivered|funded|agreed|adopted|"
    r"recruited|trained|updated|reviewed|published|undertaken|rolled\s+out)\b",
    re.IGNORECASE,
)
_NOT_ACTION = re.compile(
    r"^\s*(?:I|we)\s+(?:(?:fully\s+|also\s+|would\s+)?(?:support|welcome|agree|thank|encourage|urge|note|recognise|"
    r"accept|acknowledge|endorse|am\s+pleased|am\s+grateful|share|believe|hope|expect|would\s+encourage))\b"
    r"|\b(?:should|must)\b(?!.*\b(?:I|we)\s+will\b)"
    # "..., which the service will accept in full.": acceptance is support, not an action.
    r"|\b(?:will|shall)\s+(?:fully\s+)?(?:accept|welcome|support|endorse)\b[^.;,]{0,40}[.!]?\s*$",
    re.IGNORECASE,
)
# A list of steps: its bullets are each an action ("Steps I intend to take ... include:").
_STEPS_HEADER = re.compile(
    r"^(?:the\s+)?(?:key\s+|next\s+|further\s+|planned\s+)?(?:steps|actions|next\s+steps)\b.*:\s*$"
    r"|\b(?:I|we)\s+(?:will|intend\s+to|plan\s+to)\s*:\s*$",
    re.IGNORECASE,
)
_TAKEN_HEADER = re.compile(
    r"^(?:the\s+)?(?:actions?|steps|work)\s+(?:already\s+)?(?:taken|completed|undertaken)\b.*:?\s*$"
    r"|\b(?:I|we)\s+have\s*(?:already\s*)?:\s*$",
    re.IGNORECASE,
)
_ANSWERS = re.compile(
    r"^(?:response\s+to\s+)?(?:recommendation|area\s+for\s+improvement|afi|cause\s+of\s+concern)\s*"
    r"(?:no\.?\s*)?(?P<ref>\d{1,6}[a-z]?)\b",
    re.IGNORECASE,
)
_NUMBERED_TO = re.compile(
    r"^to\s+(?:the\s+)?(?:police|chief|pccs?|all|national|college|home|ministry|forces)", re.IGNORECASE
)
_SENTENCE = re.compile(r"(?:[^.!?]|\.(?=\d))+(?:[.!?]+[\"\u201d\u2019)]*|$)")  # "\u00a31.2m" is one sentence
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")


@dataclass
class _Context:
    answers: str | None = None
    list_status: ActionStatus | None = None  # under a header whose bullets are each an action
    quoting: bool = False  # under a quoted recommendation: its text and bullets are the report's
    action_with_bullets: int | None = None  # index of an action whose own bullets follow


def _quoted(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _QUOTED.finditer(text)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one quotation (the spans are in order and do not overlap)."""
    at = bisect.bisect_right(spans, (start, len(spans) and spans[-1][1] + 1)) - 1
    return at >= 0 and spans[at][0] <= start and end <= spans[at][1]


def _unquoted(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> str:
    """The sentence with the report's words it quotes blanked out: they are not the author's."""
    chars = list(text[start:end])
    at = max(bisect.bisect_left(quotes, (start, 0)) - 1, 0)  # the quotes that can reach into the sentence
    for quote_start, quote_end in itertools.islice(quotes, at, None):
        if quote_start >= end:
            break
        for offset in range(max(quote_start, start), min(quote_end, end)):
            chars[offset - start] = " "
    return "".join(chars)


def _status(sentence: str) -> ActionStatus | None:
    found = _status_at(sentence)
    return found[0] if found else None


def _status_at(sentence: str) -> tuple[ActionStatus, int] | None:
    """The action's status and where its commitment begins in the sentence."""
    if _NOT_ACTION.search(sentence):
        return None
    intended, taken = _INTENDED.search(sentence), _TAKEN.search(sentence)
    if intended and (not taken or intended.start() <= taken.start()):
        return ActionStatus.INTENDED, intended.start()
    if taken:
        return ActionStatus.TAKEN, taken.start()
    return None


# "MPS response: ...", "Update: ...": the label over an answer, not the author's words.
_ANSWER_LABEL = re.compile(
    r"^(?:(?-i:[A-Z]{2,8})\s+|our\s+|management\s+|force\s+)?(?:response|update|progress|actions?(?:\s+taken)?)\s*:\s*",
    re.IGNORECASE,
)
_AUTHOR = re.compile(_ACTOR, re.IGNORECASE)
LONG_LEAD_IN = 15  # words before ", I will ...": the reasons, not the action


def _action_words(sentence: str, at: int) -> tuple[int, str]:
    """The action's words (and their offset): without a label, or a long clause of reasons before the author."""
    lead = sentence[:at]
    if lead.rstrip().endswith(",") and len(lead.split()) >= LONG_LEAD_IN and _AUTHOR.match(sentence, at):
        return at, sentence[at:]
    if label := _ANSWER_LABEL.match(sentence):
        return label.end(), sentence[label.end() :]
    return 0, sentence


def _sentences(line: Line, text: str) -> list[tuple[int, int, str]]:
    """The sentences of a line, with their offsets in `text` (quoted sentences kept whole)."""
    raw = text[line.start : line.end]
    skip = max(raw.find(line.body[:20]), 0) if line.marker != Marker.NONE else 0  # after "1.2 " or "• "
    found = []
    for match in _SENTENCE.finditer(raw, skip):
        words = match.group(0).strip()
        if len(words) > 3:
            lead = len(match.group(0)) - len(match.group(0).lstrip())
            found.append((line.start + match.start() + lead, line.start + match.end(), words))
    return found


def extract_response(text: str) -> list[ProposedAction]:
    """Each action the response's author commits to (intended) or reports as done (taken)."""
    actions: list[ProposedAction] = []
    context = _Context()
    quotes = _quoted(text)
    for line in split_lines(text):
        _read_response_line(line, text, quotes, context, actions)
    return actions


def _names_a_recommendation(line: Line, context: _Context) -> bool:
    """A heading naming the recommendation answered below ("Recommendation 3", "3. To PCCs ...:")."""
    if match := _ANSWERS.match(line.body):
        ref = match["ref"]
    elif line.marker == Marker.NUMBER and _NUMBERED_TO.match(line.body):
        ref = line.label
    else:
        return False
    context.answers, context.list_status, context.quoting = ref, None, True
    return True


def _read_response_line(
    line: Line, text: str, quotes: list[tuple[int, int]], context: _Context, actions: list[ProposedAction]
) -> None:
    if _names_a_recommendation(line, context):
        return
    if line.marker != Marker.NONE:
        _read_bullet(line, text, quotes, context, actions)
        return
    context.action_with_bullets = None
    if looks_like_heading(line):
        context.list_status = None
        return
    if _STEPS_HEADER.search(line.body):
        context.list_status, context.quoting = ActionStatus.INTENDED, False
        return
    if _TAKEN_HEADER.search(line.body):
        context.list_status, context.quoting = ActionStatus.TAKEN, False
        return
    context.list_status = None
    if context.quoting and re.search(r"\bshould\b|^this\s+should\b", line.body, re.IGNORECASE):
        return
    context.quoting = False
    _read_sentences(line, text, quotes, context, actions)


def _read_sentences(
    line: Line, text: str, quotes: list[tuple[int, int]], context: _Context, actions: list[ProposedAction]
) -> None:
    """Each sentence of a paragraph (or of a long numbered point) that is an action."""
    for start, end, sentence in _sentences(line, text):
        found = _status_at(_unquoted(text, start, end, quotes))
        if found is None:
            continue
        status, at = found
        skip, words = _action_words(sentence, at)
        actions.append(ProposedAction(_flat(words), status, Span(start + skip, end), context.answers))
        if sentence.rstrip().endswith(":"):
            context.action_with_bullets = len(actions) - 1


def _read_bullet(
    line: Line, text: str, quotes: list[tuple[int, int]], context: _Context, actions: list[ProposedAction]
) -> None:
    words = _flat(line.body)
    if context.action_with_bullets is not None:
        owner = actions[context.action_with_bullets]
        actions[context.action_with_bullets] = ProposedAction(
            f"{owner.text}\n• {words}", owner.status, Span(owner.span.start, line.end), owner.answers
        )
        return
    if context.quoting or _inside(quotes, line.start, line.end):
        return
    if context.list_status is not None:
        if not _NOT_ACTION.match(words):
            actions.append(ProposedAction(words, context.list_status, Span(line.start, line.end), context.answers))
        return
    _read_sentences(line, text, quotes, context, actions)


def _flat(words: str) -> str:
    return " ".join(words.split())

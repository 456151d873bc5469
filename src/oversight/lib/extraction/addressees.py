"""Who an item is addressed to: the bodies named before "should", or in a "To ...:" line.

Only the subject of an item counts: "Chief constables should ... with advice provided by the NPCC"
is addressed to chief constables, not the NPCC; "write, via NPCC, to the College, IOPC and
HMICFRS" names recipients, not addressees.
"""

from __future__ import annotations

import re

from oversight.lib.extraction.model import ProposedAddressee

A = ProposedAddressee
# Order matters only for readability: each pattern is tried on the subject on its own.
PATTERNS: tuple[tuple[ProposedAddressee, re.Pattern[str]], ...] = tuple(
    (addressee, re.compile(pattern, re.IGNORECASE))
    for addressee, pattern in (
        (
            A.CHIEF_CONSTABLES,
            r"\bchief\s+(?:constables?|officers?)\b|\bCCs?\b|\bcommissioners?\s+of\s+(?:police|the\s+metropolis)",
        ),
        (
            A.PCCS,
            r"\b(?:police(?:,\s*fire)?\s*(?:and|&)\s*crime\s+commissioners?|PF?CCs?|local\s+policing\s+bod(?:y|ies)"
            r"|mayor'?s\s+office\s+for\s+policing(?:\s+and\s+crime)?|MOPAC|police\s+authorit(?:y|ies)|APCC)\b",
        ),
        (A.NPCC, r"\bnational\s+police\s+chiefs['\u2019]?\s+council\b|\bNPCC\b"),
        (A.COLLEGE_OF_POLICING, r"\bcollege\s+of\s+policing\b|\bthe\s+college\b(?!\s+of\s+(?!policing)\w)"),
        (A.IOPC, r"\bindependent\s+office\s+for\s+police\s+conduct\b|\bIOPC\b"),
        (
            A.HOME_OFFICE,
            r"\bhome\s+office\b|\bhome\s+secretary\b|\bsecretary\s+of\s+state\s+for\s+the\s+home\s+department\b",
        ),
        (
            A.MOJ,
            r"\bministry\s+of\s+justice\b|\bMoJ\b|\blord\s+chancellor\b|\bsecretary\s+of\s+state\s+for\s+justice\b",
        ),
        (A.CPS, r"\bcrown\s+prosecution\s+service\b|\bCPS\b|\bdirector\s+of\s+public\s+prosecutions\b"),
        (
            A.FORCES,
            r"\b(?:the|all|every|each|police|individual|other|those|territorial)\s+forces?\b|^forces?\b|^force\b"
            r"|\b(?:[A-Z][\w&'\u2019-]*\s+){1,4}(?:Police(?:\s+Service)?|Constabulary)\b(?!\s+and\s+crime)",
        ),
        (
            A.OTHER,
            r"\b(?:government|department\s+(?:for|of)\s+\w+|HMPPS|HM\s+Prison|probation|national\s+crime\s+agency|NCA"
            r"|local\s+authorit(?:y|ies)|NHS|health\s+bodies|ofsted|DfE|DHSC|DLUHC|HMCTS|courts?\s+and\s+tribunals"
            r"|police\s+digital\s+service|HMICFRS|inspectorate|fire\s+and\s+rescue\s+(?:services?|authorit(?:y|ies))"
            r"|Welsh\s+Government|safeguarding\s+partners|victims['\u2019]?\s+commissioner|domestic\s+abuse\s+commissioner"
            r"|chief\s+fire\s+officers?|fire\s+standards\s+board|cabinet\s+office|HM\s+Treasury|ministry\s+of\s+(?!justice)\w+"
            r"|working\s+group|steering\s+group|clinical\s+commissioning|community\s+safety\s+partnership"
            r"|^(?:the|each|every)\s+(?:fire\s+and\s+rescue\s+)?services?)\b",
        ),
    )
)

# The words just before "should" (or must, need to, are to): the item's subject.
_DIRECTIVE = re.compile(r"\b(?:should|must|needs?\s+to|are\s+to|is\s+to|ought\s+to)\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r"(?:^|[.;:!?\n]|\bthat\b|\bwhere\b|\band\s+(?=\w+\s+should))", re.IGNORECASE)
# "By 31 March 2025, chief constables should": a leading deadline or connective is not the subject.
_LEAD_IN = re.compile(
    r"^\s*(?:(?:by|within|not\s+later\s+than|no\s+later\s+than|in\s+the\s+next|immediately|in\s+addition|also|"
    r"as\s+a\s+matter\s+of\s+urgency|with\s+immediate\s+effect|therefore|in\s+particular|to\s+do\s+this|"
    r"we\s+recommend\s+that|HMI(?:C|CFRS)?\s+recommends\s+that|recommends\s+that)[^,]*,\s*)+",
    re.IGNORECASE,
)
_TO_LINE = re.compile(
    r"^\s*(?:recommendation\s*\d*[a-z]?\s*[:.\u2013-]?\s*)?to\s+(?P<who>[^:]{3,200})[:.]?\s*$", re.IGNORECASE
)


def _subjects(text: str) -> list[str]:
    """The subject phrase before each active "should" in `text` ("should be done" has none)."""
    subjects = []
    for match in _DIRECTIVE.finditer(text):
        if re.match(r"\s+(?:be|have\s+been)\b", text[match.end() :]):
            continue
        window = text[max(0, match.start() - 200) : match.start()]
        starts = [m.end() for m in _CLAUSE_START.finditer(window)]
        clause = _LEAD_IN.sub("", window[starts[-1] :] if starts else window)
        subjects.append(_listed_subject(clause))
    return subjects


def _listed_subject(clause: str) -> str:
    """The last comma-separated part of a clause, and the parts before it while they name bodies."""
    parts = clause.split(",")
    subject = parts.pop().strip()
    while parts and any(pattern.search(parts[-1]) for _, pattern in PATTERNS[:-1]):
        subject = f"{parts.pop().strip()}, {subject}"
    return subject


# "... advice ... provided by the NPCC": a body asked to act in the passive is addressed too.
_AGENT = re.compile(
    r"\b(?:provided|led|issued|produced|developed|published|given|supported|co-?ordinated|agreed|set)\s+by\s+"
    r"(?P<who>[^.;,:]{3,80})",
    re.IGNORECASE,
)


def addressees_of(text: str, to_line: str | None = None) -> tuple[ProposedAddressee, ...]:
    """The bodies `text` is addressed to, in the contract's order, each once."""
    phrases = []
    if to_line and (match := _TO_LINE.match(to_line)):
        phrases.append(match["who"])
    phrases.extend(_subjects(text))
    # Named in passing ("provided by the force, staff associations ..."), "the force" is not an addressee.
    named = [match["who"] for match in _AGENT.finditer(text)]
    if not phrases:
        # "That the proposed working group ... is established": the opening words name who acts.
        named.append(re.sub(r"^\s*that\s+", "", text[:120], flags=re.IGNORECASE))
    found: set[ProposedAddressee] = set()
    for phrase in phrases:
        for addressee, pattern in PATTERNS:
            if addressee == A.OTHER and found:
                continue
            if pattern.search(phrase):
                found.add(addressee)
    for phrase in named:
        found.update(addressee for addressee, pattern in PATTERNS[:-2] if pattern.search(phrase))
        if not found and PATTERNS[-1][1].search(phrase):
            found.add(A.OTHER)
    return tuple(addressee for addressee in ProposedAddressee if addressee in found)


def to_line(text: str) -> str | None:
    """The "To chief constables, PCCs and the MoJ:" line an item opens with, if it has one."""
    first = text.strip().split("\n", 1)[0]
    return first if _TO_LINE.match(first) else None

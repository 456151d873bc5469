"""Who an item is addressed to: the bodies named before "should", or in a "To ...:" line.

Only the subject of an item counts: "Chief constables should ... with advice provided by the NPCC"
is addressed to chief constables, not the NPCC; "write, via NPCC, to the College, IOPC and
HMICFRS" names recipients, not addressees.
"""

from __future__ import annotations

import itertools
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
            r"|mayor'?s\s+office\s+for\s+policing(?:\s+and\s+crime)?|MOPAC|(?<!scottish\s)police\s+authorit(?:y|ies)"
            r"|APCC)\b",
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
            r"|\b(?:(?-i:[A-Z])[\w&'\u2019-]*\s+){1,4}(?-i:Police(?:\s+Service)?|Constabulary)\b"
            r"(?!\s+(?:and\s+crime|services?\b|authority|federation|and\s+fire|chiefs|staff|officers?|and\s+crime))"
            r"|\bPolice\s+(?:Scotland|Service\s+of\s+(?:Scotland|Northern\s+Ireland))\b|\bPSNI\b"
            # "... misconduct forces move to a formal hearing": forces as the subject of a verb.
            r"|\bforces\s+(?=(?:move|take|review|ensure|develop|adopt|consider|introduce|establish|put|make|undertake"
            r"|provide|work|seek|use|agree|implement|improve|record|publish|collect|share)\b)",
        ),
        (
            A.OTHER,
            r"\b(?:government|department\s+(?:for|of)\s+\w+|HMPPS|HM\s+Prison|probation|national\s+crime\s+agency|NCA"
            r"|local\s+authorit(?:y|ies)|NHS|health\s+bodies|ofsted|DfE|DHSC|DLUHC|HMCTS|courts?\s+and\s+tribunals"
            r"|police\s+digital\s+service|HMICFRS|inspectorate|fire\s+and\s+rescue\s+(?:services?|authorit(?:y|ies))"
            r"|Welsh\s+Government|safeguarding\s+partners|victims['\u2019]?\s+commissioner|domestic\s+abuse\s+commissioner"
            r"|chief\s+fire\s+officers?|fire\s+standards\s+board|cabinet\s+office|HM\s+Treasury|ministry\s+of\s+(?!justice)\w+"
            r"|working\s+group|steering\s+group|clinical\s+commissioning|community\s+safety\s+partnership"
            r"|^(?:the|each|every)\s+(?:fire\s+and\s+rescue\s+)?services?"
            r"|COPFS|crown\s+office|procurators?\s+fiscal|lord\s+advocate|scottish\s+police\s+authority|SPA"
            r"|scottish\s+(?:government|executive|ministers)|justice\s+social\s+work|community\s+justice)\b",
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
    for match in itertools.islice(_DIRECTIVE.finditer(text), MAX_SUBJECTS):
        if _PASSIVE.match(text, match.end()):
            continue
        window = text[max(0, match.start() - 200) : match.start()]
        starts = [m.end() for m in _CLAUSE_START.finditer(window)]
        clause = _LEAD_IN.sub("", window[starts[-1] :] if starts else window)
        subjects.append(_listed_subject(clause))
    return list(dict.fromkeys(subjects))  # each once: a list of 50,000 "should" bullets names few bodies


MAX_SUBJECTS = 200  # an item asking more than this many times is no item a person wrote; its first asks name them
_PASSIVE = re.compile(r"\s+(?:be|have\s+been)\b")


_ASIDE = re.compile(
    r"^\s*(?:through|working|with|via|supported|assisted|advised|led|together|alongside|where|when|if"
    r"|in\s+(?:consultation|partnership|conjunction|collaboration|liaison))\b",
    re.IGNORECASE,
)


def _listed_subject(clause: str) -> str:
    """The last comma-separated part of a clause, and the parts before it while they name bodies."""
    parts = clause.split(",")
    subject = parts.pop().strip()
    if not subject:
        # "Chief constables, working with the NPCC, should": the aside is how, the subject is before it.
        while parts and _ASIDE.match(parts[-1]):
            parts.pop()
        subject = parts.pop().strip() if parts else ""
    while parts and any(pattern.search(parts[-1]) for _, pattern in PATTERNS[:-1]):
        subject = f"{parts.pop().strip()}, {subject}"
    return subject


# "... advice ... provided by the NPCC": a body asked to act in the passive is addressed too.
_AGENT = re.compile(
    r"\b(?:provided|led|issued|produced|developed|published|given|supported|co-?ordinated|agreed|set)\s+by\s+"
    r"(?P<who>[^.;,:]{3,80})",
    re.IGNORECASE,
)


_OPENING = re.compile(r"^\s*(?:that\s+|[^.;:]{0,120}?\brecommend(?:s|ed)?\s+that\s+)", re.IGNORECASE)


def addressees_of(text: str, to_line: str | None = None) -> tuple[ProposedAddressee, ...]:
    """The bodies `text` is addressed to, in the contract's order, each once."""
    phrases = []
    if to_line and (match := _TO_LINE.match(to_line)):
        phrases.append(match["who"])
    phrases.extend(_subjects(text))
    # Named in passing ("provided by the force, staff associations ..."), "the force" is not an addressee.
    named = [match["who"] for match in _AGENT.finditer(text)]
    if not phrases:
        # "That the proposed working group ... is established", "The IOPC recommends that the College of
        # Policing revises ...": the opening words (after who recommends) name who acts.
        opening = _OPENING.sub("", text[:400])[:120]
        phrases.append(re.split(r",|\s(?:which|who|to\s+ensure|so\s+that|in\s+order\s+to)\s", opening)[0])
    found: set[ProposedAddressee] = set()
    for phrase in phrases:
        named_here = [addressee for addressee, pattern in PATTERNS[:-1] if pattern.search(phrase)]
        found.update(named_here)
        # A body that is none of the named kinds ("Chief constables and COPFS"), beside one that is.
        if (other := PATTERNS[-1][1].search(phrase)) and not any(
            pattern.search(other.group(0)) for _, pattern in PATTERNS[:-1]
        ):
            found.add(A.OTHER)
    for phrase in named:
        found.update(addressee for addressee, pattern in PATTERNS[:-2] if pattern.search(phrase))
        if not found and PATTERNS[-1][1].search(phrase):
            found.add(A.OTHER)
    return tuple(addressee for addressee in ProposedAddressee if addressee in found)


def to_line(text: str) -> str | None:
    """The "To chief constables, PCCs and the MoJ:" line an item opens with, if it has one."""
    first = text.strip().split("\n", 1)[0]
    return first if _TO_LINE.match(first) else None

"""Deadline phrases as inspectorates write them ("Within six months", "By March 2023") -> due dates.

Rules: "within N units" (also "in the next N units", "over the next N units") counts from the
publication date; "by <month> <year>" means the last day of that month; "by <day> <month> <year>"
(also "not later than", "no later than") means that day; "before <day> <month> <year>" the day
before; "by the end of <year>" 31 December; "by the end of the financial year 2023/24" 31 March
2024; "immediately", "with immediate effect", "as a matter of urgency" and "without delay" have
no due date (they are urgent from publication, never "overdue from the day
after"); no phrase means no deadline. An unrecognised phrase ("by autumn 2024") is an error, never
a guess: `read_deadline` returns it as found but not understood, so a person sees it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class DeadlineKind(StrEnum):
    WITHIN = "within"
    BY = "by"
    IMMEDIATELY = "immediately"
    NONE = "none"


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due: dt.date | None


class DeadlinePhraseError(ValueError):
    """The phrase is not one this module can turn into a date."""


NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "eighteen": 18, "twenty-four": 24, "twenty-eight": 28,
}  # fmt: skip
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_NUMBER = (
    r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|eighteen"
    r"|twenty-four|twenty-eight|a|an)"
)
_UNIT = r"(?:day|week|month|year)s?(?:['\u2019]s?)?"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
MONTH_PATTERN = _MONTH  # for other rules reading dates ("4th September 2014")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
# 2023/24, 2023-24, 2023-2024: a financial year, which ends on 31 March of its second year.
_FINANCIAL_YEAR = rf"{_YEAR}\s*[/\u2013\u2014-]\s*(?:\d{{2}}|{_YEAR})"
# "...of the publication of this report", "...from publication": part of the phrase as written.
_FROM_PUBLICATION = (
    r"(?:\s+(?:of|from|following|after)\s+(?:the\s+)?(?:date\s+of\s+)?(?:the\s+)?"
    r"(?:publication|publishing|release)(?:\s+of\s+(?:this|the)\s+(?:report|inspection))?"
    r"|\s+of\s+(?:this|the)\s+report(?:['\u2019]s)?(?:\s+(?:being\s+)?(?:publication|published))?)?"
)
_BY = r"(?:by|not\s+later\s+than|no\s+later\s+than|on\s+or\s+before|before)"
_WITHIN = rf"(?:within|in|over|during)\s+(?:the\s+)?(?:next\s+)?{_NUMBER}\s+{_UNIT}(?:\s+time)?{_FROM_PUBLICATION}"
_DATE = (
    rf"(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
    rf"(?:{_ORDINAL}\s+(?:of\s+)?{_MONTH},?(?:\s+{_YEAR})?|{_MONTH}\s+{_ORDINAL},?\s+{_YEAR}|{_MONTH},?\s+{_YEAR}"
    rf"|(?:(?:the\s+)?(?:current\s+)?financial\s+year(?:\s+{_FINANCIAL_YEAR})?|{_FINANCIAL_YEAR}(?:\s+financial\s+year)?)"
    rf"|(?:(?:the\s+)?(?:calendar\s+)?year\s+)?{_YEAR}|(?:this|the)\s+(?:calendar\s+)?year)"
)
_SEASON = (
    r"(?:(?:early|mid|late)[\s-]+)?"
    r"(?:(?:the\s+)?(?:end\s+of\s+)?(?:spring|summer|autumn|winter)|(?:early|mid|late)[\s-]+)\s*"
)
_VAGUE = (
    rf"{_BY}\s+(?:the\s+)?{_SEASON}{_YEAR}"
    rf"|{_BY}\s+(?:the\s+)?end\s+of\s+(?:the\s+)?(?:q[1-4]|(?:first|second|third|fourth|final)\s+quarter)(?:\s+(?:of\s+)?(?:{_FINANCIAL_YEAR}|{_YEAR}))?"
    r"|within\s+(?:the\s+next\s+)?(?:a\s+few|few|several|some)\s+(?:days|weeks|months|years)"
    r"|in\s+the\s+(?:coming|next\s+few)\s+(?:weeks|months)"
    # "As soon as possible" sets no date and inspectorates do not use it for "now": shown, not read.
    r"|as\s+(?:soon|quickly)\s+as\s+(?:is\s+)?(?:reasonably\s+)?(?:possible|practicable)"
)
_URGENT = r"with\s+immediate\s+effect|as\s+a\s+matter\s+of\s+(?:urgency|priority\s+and\s+urgency)|without\s+delay"
# "immediately" is a deadline where it governs the item ("should immediately", "Immediately, ..."),
# not where it describes practice ("respond immediately to calls" reads the same, so it counts too
# only after should/must/will/to).
_IMMEDIATELY = (
    r"(?:(?<=should\s)|(?<=must\s)|(?<=will\s)|(?<=should,\s)|(?<=must,\s)|(?<=\bto\s)|(?<=^)|(?<=:\s)|(?<=\.\s))"
    r"immediately"
)
# "The CPS urgently amend its guidance", "should urgently review": "urgently" before the action it
# governs; after a verb it describes practice ("respond urgently"), and "urgently needed" is no deadline.
_URGENTLY = (
    r"urgently(?=\s+(?!(?:to|and|or|in|on|at|when|if|where|required|needed|necessary|than|as|by|needs?|requires?"
    r"|wants?)\b)[a-z]+\b)"
)
_FIND = re.compile(
    rf"(?<![\w-])(?P<phrase>{_VAGUE}|{_WITHIN}|{_BY}\s+{_DATE}|{_URGENT}|{_IMMEDIATELY}|{_URGENTLY})(?![\w/\u2013-])",
    re.IGNORECASE,
)

_URGENT_FULL = re.compile(rf"^(?:{_URGENT}|immediately|urgently)\b")
_WITHIN_FULL = re.compile(
    r"^(?:within|in|over|during)\s+(?:the\s+)?(?:next\s+)?(?P<count>\d+|[a-z-]+)\s+(?P<unit>day|week|month|year)s?(?:['\u2019]s?)?\b"
)
_BY_FULL = re.compile(rf"^(?P<by>{_BY})\s+(?P<date>.+)$")
_DAY_MONTH_YEAR = re.compile(
    rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)(?:\s+(?P<year>{_YEAR}))?$"
)
_MONTH_DAY_YEAR = re.compile(rf"^(?P<month>[a-z]+)\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<year>{_YEAR})$")
_MONTH_YEAR = re.compile(rf"^(?P<month>[a-z]+)\s+(?P<year>{_YEAR})$")
_FINANCIAL = re.compile(
    rf"^(?:(?:the\s+)?(?:current\s+)?financial\s+year(?:\s+(?P<fy1>{_FINANCIAL_YEAR}))?|(?P<fy2>{_FINANCIAL_YEAR})(?:\s+financial\s+year)?)$"
)
_YEAR_END = re.compile(
    rf"^(?:(?:the\s+)?(?:calendar\s+)?year\s+)?(?P<year>{_YEAR})$|^(?:this|the)\s+(?:calendar\s+)?year$"
)


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word not in NUMBER_WORDS:
        raise DeadlinePhraseError(f"'{word}' is not a number of days, weeks, months or years")
    return NUMBER_WORDS[word]


def _month(name: str) -> int:
    if name not in MONTHS:
        raise DeadlinePhraseError(f"'{name}' is not a month")
    return MONTHS[name]


def _within(count: int, unit: str, published: dt.date) -> dt.date:
    if unit == "day":
        return published + dt.timedelta(days=count)
    if unit == "week":
        return published + dt.timedelta(weeks=count)
    return add_months(published, count * (12 if unit == "year" else 1))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _financial_year_end(label: str | None, published: dt.date) -> dt.date:
    """31 March ending the financial year named ("2023/24"), or the one running at publication."""
    if label:
        return dt.date(int(label[:4]) + 1, 3, 31)
    return dt.date(published.year + (published.month > 3), 3, 31)


def _normalise(phrase: str) -> str:
    text = phrase.lower().replace("\u2019", "'").replace(",", " ").replace(".", " ")
    return " ".join(text.split())


def _date_named(date_text: str, published: dt.date) -> tuple[dt.date, bool]:
    """The date a "by ..." phrase names, and whether it names a whole month (or longer)."""
    text = date_text.removeprefix("the ")
    end_of = text.startswith("end of ")
    text = text.removeprefix("end of ").removeprefix("the ")
    if match := _DAY_MONTH_YEAR.match(text) or _MONTH_DAY_YEAR.match(text):
        year = int(match["year"]) if match["year"] else None
        return _day(int(match["day"]), _month(match["month"]), year, published), False
    if match := _MONTH_YEAR.match(text):
        return _month_end(int(match["year"]), _month(match["month"])), True
    if match := _FINANCIAL.match(text):
        return _financial_year_end(match["fy1"] or match["fy2"], published), True
    if end_of and (match := _YEAR_END.match(text)):
        return dt.date(int(match["year"]) if match["year"] else published.year, 12, 31), True
    raise DeadlinePhraseError(f"Cannot work out a date from '{date_text}'")


def _day(day: int, month: int, year: int | None, published: dt.date) -> dt.date:
    """That day; without a year, its next occurrence on or after publication ("by 31 March")."""
    try:
        if year is not None:
            return dt.date(year, month, day)
        due = dt.date(published.year, month, day)
        return due if due >= published else dt.date(published.year + 1, month, day)
    except ValueError as error:
        raise DeadlinePhraseError(f"'{day} {calendar.month_name[month]}' is a date that does not exist") from error


def due_date_from_phrase(phrase: str | None, published: dt.date) -> Deadline:
    """The due date a deadline phrase gives for a report published on `published`."""
    text = _normalise(phrase or "")
    if not text or text in {"none", "no deadline", "n/a"}:
        return Deadline(DeadlineKind.NONE, None)
    if _URGENT_FULL.match(text):
        return Deadline(DeadlineKind.IMMEDIATELY, None)
    if match := _WITHIN_FULL.match(text):
        return Deadline(DeadlineKind.WITHIN, _within(_count(match["count"]), match["unit"], published))
    if match := _BY_FULL.match(text):
        due, whole_month = _date_named(match["date"], published)
        if match["by"] == "before":
            # "before 1 April 2024" is 31 March; "before the end of March 2024" is 31 March too.
            due = due if whole_month and "end of" in match["date"] else _before(due, whole_month)
        return Deadline(DeadlineKind.BY, due)
    raise DeadlinePhraseError(f"Cannot work out a due date from '{phrase}'")


def _before(due: dt.date, whole_month: bool) -> dt.date:
    if whole_month:  # "before March 2024": the last day of February
        return due.replace(day=1) - dt.timedelta(days=1)
    return due - dt.timedelta(days=1)


def last_day_of_period(first_day: dt.date, days: int) -> dt.date:
    """The last day of "a period of `days` days beginning with" `first_day`: that day is day 1.

    Statutes word periods this way (s.55(5A) Police Act 1996: "before the end of the period of 56
    days beginning with the day on which the report is published"), so a report published on
    30 June 2022 is answered by 24 August 2022.
    """
    if days < 1:
        raise ValueError("A period has at least one day")
    return first_day + dt.timedelta(days=days - 1)


def find_deadline_phrase(text: str) -> str:
    """The first deadline phrase in an item's text ('Within six months Chief Constables...')."""
    match = _FIND.search(text)
    return match["phrase"] if match else ""


@dataclass(frozen=True)
class FoundDeadline:
    """A deadline phrase found in an item's text and what it means.

    `understood` is False when the phrase is a deadline a person must read ("by autumn 2024") or
    names a day before publication: then `due` is None, never a guess.
    """

    text: str
    start: int
    end: int
    due: dt.date | None
    urgent: bool
    understood: bool


def read_deadline(text: str, published: dt.date | None) -> FoundDeadline | None:
    """The first deadline phrase in `text`, its due date from `published`, or None when there is none."""
    match = _FIND.search(text)
    if match is None:
        return None
    phrase = " ".join(match["phrase"].split())
    start, end = match.span("phrase")
    try:
        deadline = due_date_from_phrase(phrase, published or dt.date.min)
    except DeadlinePhraseError:
        return FoundDeadline(phrase, start, end, None, False, False)
    urgent = deadline.kind == DeadlineKind.IMMEDIATELY
    due = deadline.due
    if published is None and due is not None and due.year < 1000:
        # Counted from a publication date nobody gave ("within six months", "by 31 March").
        return FoundDeadline(phrase, start, end, None, urgent, True)
    if published is not None and due is not None and due < published:
        return FoundDeadline(phrase, start, end, None, urgent, False)
    return FoundDeadline(phrase, start, end, due, urgent, True)

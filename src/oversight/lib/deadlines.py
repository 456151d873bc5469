"""Deadline phrases as inspectorates write them ("Within six months", "By March 2023") -> due dates.

Rules: "within N units" counts from the publication date; "by <month> <year>" means the last day
of that month; "by <day> <month> <year>" means that day; "immediately" has no due date (it is
urgent from publication, never "overdue from the day after"); no phrase means no deadline. An
unrecognised phrase is an error, never a guess.
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
    "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_WITHIN = re.compile(r"^within\s+(?:the\s+next\s+)?(?P<count>\d+|[a-z-]+)\s+(?P<unit>day|week|month|year)s?\b")
_BY_MONTH = re.compile(r"^by\s+(?:the\s+end\s+of\s+)?(?P<month>[a-z]+)\s+(?P<year>\d{4})\b")
_BY_DAY = re.compile(r"^by\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\s+(?P<year>\d{4})\b")
_FIND = re.compile(
    r"\b(within\s+(?:the\s+next\s+)?(?:\d+|[a-z-]+)\s+(?:day|week|month|year)s?"
    r"|by\s+(?:the\s+end\s+of\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?[a-z]+\s+\d{4}"
    r"|immediately)\b",
    re.IGNORECASE,
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


def due_date_from_phrase(phrase: str | None, published: dt.date) -> Deadline:
    """The due date a deadline phrase gives for a report published on `published`."""
    text = " ".join((phrase or "").lower().replace(",", " ").split())
    if not text or text in {"none", "no deadline", "n/a"}:
        return Deadline(DeadlineKind.NONE, None)
    if text.startswith("immediately"):
        return Deadline(DeadlineKind.IMMEDIATELY, None)
    if match := _WITHIN.match(text):
        return Deadline(DeadlineKind.WITHIN, _within(_count(match["count"]), match["unit"], published))
    if match := _BY_DAY.match(text):
        try:
            due = dt.date(int(match["year"]), _month(match["month"]), int(match["day"]))
        except ValueError as error:
            raise DeadlinePhraseError(f"'{phrase}' names a date that does not exist") from error
        return Deadline(DeadlineKind.BY, due)
    if match := _BY_MONTH.match(text):
        year, month = int(match["year"]), _month(match["month"])
        return Deadline(DeadlineKind.BY, dt.date(year, month, calendar.monthrange(year, month)[1]))
    raise DeadlinePhraseError(f"Cannot work out a due date from '{phrase}'")


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
    return match.group(1) if match else ""

"""Days the law tells a clock to skip in England and Wales: Sundays, Christmas Day, Good Friday and the
bank holidays under the Banking and Financial Dealings Act 1971, and a clock of hours that skips them.

The 48 hours from a domestic abuse protection notice to the court's hearing of the order (Domestic
Abuse Act 2021 s.29(3)) are counted this way: a disregarded day does not count at all, so a notice
given at 18:00 on a Saturday is heard by 18:00 on the Tuesday. Bank holidays follow the 1971 Act's
schedule (New Year's Day, Easter Monday, the first and last Mondays in May, the last Monday in
August, Boxing Day, each moved to the next weekday when it falls at a weekend) plus the one-off days
appointed by proclamation, listed below. Christmas Day and Good Friday are common-law holidays, not
bank holidays under the Act, which is why the statutes name them separately.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

# Bank holidays appointed by royal proclamation, and the moves of the early May holiday
# (gov.uk/bank-holidays). A proclaimed day is data: add it here when one is announced.
PROCLAIMED: frozenset[dt.date] = frozenset(
    {
        dt.date(2002, 6, 3),  # Golden Jubilee
        dt.date(2011, 4, 29),  # Royal wedding
        dt.date(2012, 6, 5),  # Diamond Jubilee
        dt.date(2022, 6, 3),  # Platinum Jubilee
        dt.date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        dt.date(2023, 5, 8),  # Coronation of King Charles III
    }
)
# Years in which the early May bank holiday moved to another day (VE Day anniversaries).
EARLY_MAY_MOVED: dict[int, dt.date] = {1995: dt.date(1995, 5, 8), 2020: dt.date(2020, 5, 8)}
# Years in which the spring bank holiday moved (to sit beside a jubilee).
SPRING_MOVED: dict[int, dt.date] = {2002: dt.date(2002, 6, 4), 2012: dt.date(2012, 6, 4), 2022: dt.date(2022, 6, 2)}


class Disregard(StrEnum):
    """A kind of day a statutory clock may skip; each rule names the kinds its statute names."""

    SUNDAY = "sunday"
    CHRISTMAS_DAY = "christmas_day"
    GOOD_FRIDAY = "good_friday"
    BANK_HOLIDAY = "bank_holiday"


LABELS: dict[Disregard, str] = {
    Disregard.SUNDAY: "Sundays",
    Disregard.CHRISTMAS_DAY: "Christmas Day",
    Disregard.GOOD_FRIDAY: "Good Friday",
    Disregard.BANK_HOLIDAY: "bank holidays",
}


def describe(kinds: frozenset[Disregard]) -> str:
    """The days left out, as the statutes list them: "Sundays, Christmas Day, Good Friday and bank holidays"."""
    names = [LABELS[kind] for kind in Disregard if kind in kinds]
    if not names:
        return "no days"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def easter_sunday(year: int) -> dt.date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _next_weekday(day: dt.date, taken: set[dt.date]) -> dt.date:
    while day.weekday() >= 5 or day in taken:
        day += dt.timedelta(days=1)
    return day


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays in England and Wales in a year (1971 Act schedule 1, with substitute days)."""
    days = {
        EARLY_MAY_MOVED.get(year, _monday_on_or_after(dt.date(year, 5, 1))),
        SPRING_MOVED.get(year, _last_monday(year, 5)),
        _last_monday(year, 8),
        easter_sunday(year) + dt.timedelta(days=1),
        _next_weekday(dt.date(year, 1, 1), set()),
    }
    # Christmas Day is not a bank holiday, but when it falls at a weekend a substitute weekday is one;
    # Boxing Day takes the next weekday not already taken.
    christmas, taken = dt.date(year, 12, 25), set()
    if christmas.weekday() >= 5:
        taken.add(_next_weekday(christmas, set()))
    taken.add(_next_weekday(dt.date(year, 12, 26), taken))
    days |= taken
    return frozenset(days | {day for day in PROCLAIMED if day.year == year})


def is_disregarded(day: dt.date, kinds: frozenset[Disregard]) -> bool:
    """Whether a statutory clock that skips `kinds` of day skips this day."""
    return (
        (Disregard.SUNDAY in kinds and day.weekday() == 6)
        or (Disregard.CHRISTMAS_DAY in kinds and (day.month, day.day) == (12, 25))
        or (Disregard.GOOD_FRIDAY in kinds and day == easter_sunday(day.year) - dt.timedelta(days=2))
        or (Disregard.BANK_HOLIDAY in kinds and day in bank_holidays(day.year))
    )


def add_counted_hours(start: dt.datetime, hours: int, kinds: frozenset[Disregard]) -> dt.datetime:
    """The moment `hours` counted hours after `start`, a disregarded day counting for nothing.

    Days are the calendar days of `start`'s own clock (pass a local time: Europe/London)."""
    remaining, cursor = dt.timedelta(hours=hours), start
    while remaining > dt.timedelta(0):
        midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(), tzinfo=cursor.tzinfo)
        if is_disregarded(cursor.date(), kinds):
            cursor = midnight
            continue
        step = min(remaining, midnight - cursor)
        cursor, remaining = cursor + step, remaining - step
    return cursor


def counted_hours_between(start: dt.datetime, end: dt.datetime, kinds: frozenset[Disregard]) -> float:
    """Hours from `start` to `end` that count, disregarded days left out (negative when `end` is earlier)."""
    if end < start:
        return -counted_hours_between(end, start, kinds)
    total, cursor = dt.timedelta(0), start
    while cursor < end:
        midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(), tzinfo=cursor.tzinfo)
        step_end = min(midnight, end)
        if not is_disregarded(cursor.date(), kinds):
            total += step_end - cursor
        cursor = step_end
    return total.total_seconds() / 3600

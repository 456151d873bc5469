"""The deadline-phrase rule: phrase as written -> due date."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.lib.deadlines import (
    DeadlineKind,
    DeadlinePhraseError,
    add_months,
    due_date_from_phrase,
    find_deadline_phrase,
    last_day_of_period,
)

PPDA_PUBLISHED = dt.date(2022, 6, 30)


@pytest.mark.parametrize(
    ("phrase", "published", "kind", "due"),
    [
        ("Within six months", PPDA_PUBLISHED, DeadlineKind.WITHIN, dt.date(2022, 12, 30)),
        ("within three months", dt.date(2019, 7, 17), DeadlineKind.WITHIN, dt.date(2019, 10, 17)),
        ("Within 12 months", dt.date(2021, 2, 3), DeadlineKind.WITHIN, dt.date(2022, 2, 3)),
        ("within one year", dt.date(2021, 2, 3), DeadlineKind.WITHIN, dt.date(2022, 2, 3)),
        ("Within 28 days", dt.date(2022, 6, 30), DeadlineKind.WITHIN, dt.date(2022, 7, 28)),
        ("within two weeks", dt.date(2022, 6, 30), DeadlineKind.WITHIN, dt.date(2022, 7, 14)),
        ("By March 2023", dt.date(2022, 8, 11), DeadlineKind.BY, dt.date(2023, 3, 31)),
        ("by the end of February 2024", dt.date(2023, 1, 1), DeadlineKind.BY, dt.date(2024, 2, 29)),
        ("By 31 March 2023", dt.date(2022, 8, 11), DeadlineKind.BY, dt.date(2023, 3, 31)),
        ("by 1st Sept 2023", dt.date(2022, 8, 11), DeadlineKind.BY, dt.date(2023, 9, 1)),
        ("Immediately", PPDA_PUBLISHED, DeadlineKind.IMMEDIATELY, None),
        ("", PPDA_PUBLISHED, DeadlineKind.NONE, None),
        (None, PPDA_PUBLISHED, DeadlineKind.NONE, None),
    ],
)
def test_phrases_from_the_reports(
    phrase: str | None, published: dt.date, kind: DeadlineKind, due: dt.date | None
) -> None:
    deadline = due_date_from_phrase(phrase, published)
    assert (deadline.kind, deadline.due) == (kind, due)


def test_six_months_from_the_end_of_august_is_the_end_of_february() -> None:
    assert due_date_from_phrase("within six months", dt.date(2022, 8, 31)).due == dt.date(2023, 2, 28)


@pytest.mark.parametrize("phrase", ["soon", "within several months", "by Smarch 2023", "by 31 February 2023"])
def test_unrecognised_or_impossible_phrases_are_errors_not_guesses(phrase: str) -> None:
    with pytest.raises(DeadlinePhraseError):
        due_date_from_phrase(phrase, PPDA_PUBLISHED)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Within six months Chief Constables should ensure that Victim Needs Assessments", "Within six months"),
        ("By March 2023, forces should make sure their crime scene management", "By March 2023"),
        ("Chief constables should immediately review", "immediately"),
        ("Forces should consider their approach.", ""),
    ],
)
def test_finds_the_phrase_in_an_items_text(text: str, phrase: str) -> None:
    assert find_deadline_phrase(text) == phrase


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 36))
def test_within_n_months_lands_in_the_right_month_and_never_overshoots(published: dt.date, months: int) -> None:
    due = add_months(published, months)
    assert (due.year * 12 + due.month) - (published.year * 12 + published.month) == months
    assert due.day == min(published.day, calendar.monthrange(due.year, due.month)[1])


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 24))
def test_a_due_date_is_never_before_publication(published: dt.date, months: int) -> None:
    assert due_date_from_phrase(f"within {months} months", published).due > published  # type: ignore[operator]


@given(st.integers(2000, 2090), st.integers(1, 12))
def test_by_month_means_the_last_day_of_that_month(year: int, month: int) -> None:
    due = due_date_from_phrase(f"By {calendar.month_name[month]} {year}", dt.date(1999, 1, 1)).due
    assert due == dt.date(year, month, calendar.monthrange(year, month)[1])


@pytest.mark.parametrize(
    ("first_day", "days", "last_day"),
    [
        (PPDA_PUBLISHED, 56, dt.date(2022, 8, 24)),  # s.55(5A): publication day is day 1
        (dt.date(2022, 8, 11), 56, dt.date(2022, 10, 5)),
        (dt.date(2024, 2, 1), 29, dt.date(2024, 2, 29)),
        (dt.date(2022, 6, 30), 1, dt.date(2022, 6, 30)),
    ],
)
def test_a_period_beginning_with_a_day_counts_that_day_as_day_one(
    first_day: dt.date, days: int, last_day: dt.date
) -> None:
    assert last_day_of_period(first_day, days) == last_day


def test_a_period_of_no_days_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        last_day_of_period(PPDA_PUBLISHED, 0)

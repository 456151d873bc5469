"""Deadline phrases found anywhere in an item, as inspectorates write them, read or shown (never guessed)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from oversight.lib.deadlines import DeadlineKind, DeadlinePhraseError, due_date_from_phrase, read_deadline

PUBLISHED = dt.date(2023, 6, 15)


@pytest.mark.parametrize(
    ("text", "phrase", "due"),
    [
        ("Within six months, the force should review its vetting.", "Within six months", dt.date(2023, 12, 15)),
        (
            "Within 6 months of the publication of this report, chief constables should ...",
            "Within 6 months of the publication of this report",
            dt.date(2023, 12, 15),
        ),
        ("By 31 March 2025, chief constables should make sure ...", "By 31 March 2025", dt.date(2025, 3, 31)),
        ("By the end of March 2024, forces should ...", "By the end of March 2024", dt.date(2024, 3, 31)),
        ("By March 2024, all forces should ensure ...", "By March 2024", dt.date(2024, 3, 31)),
        ("forces should by December 2023 publish a plan", "by December 2023", dt.date(2023, 12, 31)),
        ("Within three months, the force should:", "Within three months", dt.date(2023, 9, 15)),
        ("Within 12 months the NPCC should ...", "Within 12 months", dt.date(2024, 6, 15)),
        ("By 1 April 2024, the Home Office should ...", "By 1 April 2024", dt.date(2024, 4, 1)),
        ("By the end of 2023, forces should ...", "By the end of 2023", dt.date(2023, 12, 31)),
        (
            "By the end of the financial year 2023/24, forces should ...",
            "By the end of the financial year 2023/24",
            dt.date(2024, 3, 31),
        ),
        ("in the next 12 months the force should ...", "in the next 12 months", dt.date(2024, 6, 15)),
        ("Within a year, chief constables should ...", "Within a year", dt.date(2024, 6, 15)),
        (
            "By 30 September 2024, the College of Policing should update its guidance.",
            "By 30 September 2024",
            dt.date(2024, 9, 30),
        ),
        ("Chief constables should, by 31 March 2025, review ...", "by 31 March 2025", dt.date(2025, 3, 31)),
        ("Not later than 31 March 2015 those forces ...", "Not later than 31 March 2015", None),
        ("The force should, before 1 April 2024, publish ...", "before 1 April 2024", dt.date(2024, 3, 31)),
        ("by March 31, 2024, forces should ...", "by March 31, 2024", dt.date(2024, 3, 31)),
    ],
)
def test_phrases_are_found_anywhere_and_read(text: str, phrase: str, due: dt.date | None) -> None:
    found = read_deadline(text, PUBLISHED if "2015" not in text else dt.date(2014, 3, 27))
    assert found is not None
    assert found.text == phrase
    assert text[found.start : found.end] == phrase
    if due is not None:
        assert found.due == due
    assert found.understood and not found.urgent


def test_not_later_than_a_day_is_that_day() -> None:
    found = read_deadline("Not later than 31 March 2015 those forces ...", dt.date(2014, 3, 27))
    assert found is not None and found.due == dt.date(2015, 3, 31)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Immediately, the force should stop ...", "Immediately"),
        ("HMIC recommends that the force should immediately: conduct a review", "immediately"),
        ("With immediate effect, chief constables should stop ...", "With immediate effect"),
        ("As a matter of urgency, the IOPC and the CPS should agree a protocol.", "As a matter of urgency"),
        ("The force should, without delay, review its policy.", "without delay"),
        ("The Home Office urgently publish the statutory guidance on stalking orders.", "urgently"),
        ("Forces should urgently review how they grade calls about missing children.", "urgently"),
    ],
)
def test_acting_now_is_urgent_with_no_date(text: str, phrase: str) -> None:
    found = read_deadline(text, PUBLISHED)
    assert found is not None
    assert (found.text, found.due, found.urgent, found.understood) == (phrase, None, True, True)


def test_immediately_describing_practice_is_not_a_deadline() -> None:
    assert read_deadline("The force should make sure it responds immediately to emergency calls.", PUBLISHED) is None


@pytest.mark.parametrize(
    "text",
    [
        "The force should make sure officers attend urgently.",
        "Forces should provide the support that is urgently needed by victims of stalking.",
        "Call handlers should respond urgently to reports of missing children.",
        "Forces need the clarity about their role that they urgently need.",
    ],
)
def test_urgently_describing_practice_or_need_is_not_a_deadline(text: str) -> None:
    assert read_deadline(text, PUBLISHED) is None


@pytest.mark.parametrize(
    "text",
    [
        "By autumn 2024, the Home Office should consider legislation.",
        "By early 2025, forces should ...",
        "By the end of Q3 2024, forces should ...",
        "Within several months, forces should ...",
        "By 2025, forces should ...",
    ],
)
def test_a_phrase_that_cannot_be_read_is_shown_not_guessed(text: str) -> None:
    found = read_deadline(text, PUBLISHED)
    assert found is not None
    assert found.text and found.due is None and not found.understood and not found.urgent


def test_a_date_before_publication_is_shown_not_used() -> None:
    found = read_deadline("By March 2023, forces should ...", PUBLISHED)
    assert found is not None and found.due is None and not found.understood


def test_without_a_publication_date_relative_phrases_have_no_due_date() -> None:
    found = read_deadline("Within six months chief constables should ...", None)
    assert found is not None and found.due is None and found.understood
    fixed = read_deadline("By 31 March 2025, chief constables should ...", None)
    assert fixed is not None and fixed.due == dt.date(2025, 3, 31)


def test_no_phrase_no_deadline() -> None:
    assert read_deadline("Forces should consider their approach to stop and search.", PUBLISHED) is None


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("as a matter of urgency", None),
        ("by the end of the 2023/24 financial year", dt.date(2024, 3, 31)),
        ("within six months of publication", dt.date(2023, 12, 15)),
        ("by 31st March", dt.date(2024, 3, 31)),
        ("by the end of this year", dt.date(2023, 12, 31)),
    ],
)
def test_the_register_reads_the_new_phrases_too(phrase: str, due: dt.date | None) -> None:
    deadline = due_date_from_phrase(phrase, PUBLISHED)
    assert deadline.due == due
    assert deadline.kind != DeadlineKind.NONE


def test_an_unreadable_phrase_is_still_an_error_for_the_register() -> None:
    with pytest.raises(DeadlinePhraseError):
        due_date_from_phrase("by autumn 2024", PUBLISHED)


PHRASES = st.sampled_from(
    [
        "Within {n} months",
        "within {n} weeks",
        "By March {y}",
        "By 31 March {y}",
        "By the end of {y}",
        "by the end of the financial year {y}/{yy}",
        "Immediately",
        "By autumn {y}",
    ]
)


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2080, 1, 1)),
    PHRASES,
    st.integers(1, 36),
    st.integers(2000, 2085),
)
@example(dt.date(2023, 6, 15), "By March {y}", 1, 2023)
@example(dt.date(2024, 2, 29), "By 31 March {y}", 1, 2024)
def test_a_due_date_is_never_before_publication(published: dt.date, template: str, n: int, year: int) -> None:
    phrase = template.format(n=n, y=year, yy=str(year + 1)[2:])
    found = read_deadline(f"{phrase}, chief constables should review their policy.", published)
    assert found is not None
    assert found.due is None or found.due >= published
    assert found.due is not None or not found.understood or found.urgent


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2080, 1, 1)), st.integers(1, 35))
@example(dt.date(2023, 8, 31), 5)  # six months from 31 August is 28 (or 29) February
def test_within_n_months_is_monotone_in_n(published: dt.date, months: int) -> None:
    shorter = read_deadline(f"Within {months} months the force should ...", published)
    longer = read_deadline(f"Within {months + 1} months the force should ...", published)
    assert shorter is not None and longer is not None
    assert shorter.due is not None and longer.due is not None
    assert published < shorter.due < longer.due

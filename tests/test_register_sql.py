"""The register's database expressions equal the Python rules they replace, for generated records.

`TrackingRecord.rag`, `is_overdue`, `is_review_overdue` and `is_urgent` (lib/rag.py) are the
specification; `with_rag` must give the same answers in SQL. The sort keys below are the register's
sorts as Python wrote them before the database took over; every ordering in expressions.py must list
the records in the same order, either way round. Run on SQLite by default and on PostgreSQL with
DATABASE_URL, where text order needs the "C" collation to match Python's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oversight.lib.rag import REVIEW_INTERVAL_DAYS, STALE_AFTER_DAYS, Rag
from oversight.organisations.models import Organisation
from oversight.recommendations.filters import SORTS, RegisterFilters, Row
from oversight.recommendations.models import (
    Item,
    ItemKind,
    ProgressUpdate,
    RagOverride,
    Report,
    ReportKind,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
)

# The register's sort keys as Python applied them (filters.py before the database sorted).
RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}
STATUS_ORDER = {value: index for index, value in enumerate(TrackingStatus.values)}


def _reference_key(row: Row) -> tuple[str, str, int]:
    item = row.record.item
    return (item.reference or "~", item.number.zfill(6), item.pk)


PYTHON_SORTS: dict[str, Callable[[Row], Any]] = {
    "due": lambda row: (row.record.due_on is None, row.record.due_on or dt.date.min, row.record.pk),
    "reference": _reference_key,
    "rag": lambda row: (RAG_ORDER[row.rag], row.record.due_on or dt.date.max),
    "status": lambda row: (STATUS_ORDER.get(row.record.status, 99), row.record.pk),
    "organisation": lambda row: (row.record.organisation.name, _reference_key(row)),
}


def python_order(rows: list[Row], sort: str, descending: bool) -> list[int]:
    """The register's order, then Python's stable sort by the chosen key (ties keep the register's order)."""
    ordered = sorted(rows, key=PYTHON_SORTS["due"])
    ordered.sort(key=PYTHON_SORTS[sort], reverse=descending)
    return [row.record.pk for row in ordered]


@dataclass(frozen=True)
class Spec:
    item: int
    second_force: bool
    status: str
    signoff: str
    due: int | None
    review: int | None
    immediately: bool
    override: str
    progress: tuple[int, int] | None  # days before today, seconds after that day's local midnight


TEXT = st.text(alphabet="0123456789aZz~-+. éÄ", max_size=8)
SPEC = st.builds(
    Spec,
    item=st.integers(0, 3),
    second_force=st.booleans(),
    status=st.sampled_from(TrackingStatus.values),
    signoff=st.sampled_from(SignoffStage.values),
    due=st.none() | st.integers(-60, 60),
    review=st.none() | st.integers(-30, 30),
    immediately=st.booleans(),
    override=st.sampled_from(["", *RagOverride.values]),
    progress=st.none() | st.tuples(st.integers(-2, 2 * STALE_AFTER_DAYS), st.integers(0, 86399)),
)
ITEMS = st.lists(st.tuples(TEXT, TEXT), min_size=4, max_size=4)
# Around the summer and winter clock changes, and an ordinary day.
TODAY = st.sampled_from([dt.date(2024, 3, 31), dt.date(2024, 10, 27), dt.date(2024, 6, 15)]) | st.dates(
    dt.date(2023, 1, 1), dt.date(2025, 12, 31)
)
BOUNDARY = [
    Spec(0, False, "open", "not_submitted", 30, None, False, "", (REVIEW_INTERVAL_DAYS, 0)),
    Spec(1, False, "open", "submitted", 31, 0, True, "", (REVIEW_INTERVAL_DAYS + 1, 86399)),
    Spec(2, True, "in_progress", "with_hmicfrs", -1, -1, False, "", (STALE_AFTER_DAYS, 86399)),
    Spec(3, False, "open", "not_submitted", None, None, False, "", (STALE_AFTER_DAYS + 1, 0)),
    Spec(0, True, "closed", "signed_off", -10, -10, True, "red", None),
]


def _written_at(today: dt.date, progress: tuple[int, int]) -> dt.datetime:
    days, seconds = progress
    midnight = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))
    return midnight + dt.timedelta(seconds=seconds)


def _make(specs: list[Spec], items: list[tuple[str, str]], today: dt.date, author: User) -> None:
    forces = [Organisation.objects.get(slug=slug) for slug in ("west-midlands-police", "avon-and-somerset-police")]
    report = Report.objects.create(title="Report", kind=ReportKind.THEMATIC, published_on=dt.date(2020, 1, 1))
    made = [
        Item.objects.create(report=report, kind=ItemKind.RECOMMENDATION, reference=reference, number=number, text="x")
        for reference, number in items
    ]
    seen = set()
    for spec in specs:
        if (spec.item, spec.second_force) in seen:
            continue
        seen.add((spec.item, spec.second_force))
        item = made[spec.item]
        item.deadline_kind = "immediately" if spec.immediately else "within"
        item.save(update_fields=["deadline_kind"])
        record = TrackingRecord.objects.create(
            item=item, organisation=forces[spec.second_force], status=spec.status, signoff=spec.signoff,
            due_on=None if spec.due is None else today + dt.timedelta(days=spec.due),
            next_review_on=None if spec.review is None else today + dt.timedelta(days=spec.review),
            rag_override=spec.override, rag_override_reason="Judged so" if spec.override else "",
        )  # fmt: skip
        if spec.progress is not None:
            ProgressUpdate.objects.create(
                tracking=record, author=author, text="x", written_at=_written_at(today, spec.progress)
            )


def _python_rows(today: dt.date) -> list[Row]:
    """Each record read plainly, without the register's annotations: the rule as the record page applies it."""
    return [Row.of(record, today) for record in TrackingRecord.objects.select_related("item", "organisation")]


@pytest.fixture
def author(db: None) -> User:
    return User.objects.create_user("author")


def _check(author: User, specs: list[Spec], items: list[tuple[str, str]], today: dt.date) -> None:
    with transaction.atomic():
        _make(specs, items, today, author)
        rows = _python_rows(today)
        expected = {row.record.pk: (row.rag.value, row.overdue, row.review_overdue, row.urgent) for row in rows}
        flags = ("rag_value", "overdue_flag", "review_overdue_flag", "urgent_flag")
        found = {
            values[0]: tuple(values[1:]) for values in TrackingRecord.objects.with_rag(today).values_list("pk", *flags)
        }
        assert found == expected
        for sort in SORTS:
            for descending in (False, True):
                listed = RegisterFilters(sort=sort, descending=descending).records(TrackingRecord.objects.all(), today)
                assert [record.pk for record in listed] == python_order(rows, sort, descending), (sort, descending)
        transaction.set_rollback(True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(specs=st.lists(SPEC, max_size=8), items=ITEMS, today=TODAY)
@example(
    specs=BOUNDARY, items=[("", "2"), ("", "10"), ("10618", "-3"), ("AFI 1", "1234567")], today=dt.date(2024, 3, 31)
)
@example(specs=BOUNDARY, items=[("b", "+7"), ("B", ""), ("é", "1.2"), ("~", "00012")], today=dt.date(2024, 10, 28))
# A sign is kept in front of the zeros, as str.zfill keeps it ("-00003" before "0000-0").
@example(specs=BOUNDARY, items=[("", "-3"), ("", "00-0"), ("", "+7"), ("", "00+9")], today=dt.date(2024, 6, 15))
def test_the_database_rates_and_sorts_as_python_does(
    author: User, specs: list[Spec], items: list[tuple[str, str]], today: dt.date
) -> None:
    _check(author, specs, items, today)


@pytest.mark.parametrize("rag", list(Rag))
def test_the_rag_filter_counts_in_the_database(author: User, rag: Rag) -> None:
    """The filter and the count agree with the rule, without Python building a row."""
    today = dt.date(2024, 6, 15)
    _make(BOUNDARY, [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")], today, author)
    expected = sum(row.rag == rag for row in _python_rows(today))
    assert RegisterFilters(rag=rag.value).records(TrackingRecord.objects.all(), today).count() == expected

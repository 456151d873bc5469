"""The register's RAG rating, overdue flags and sort orders as database expressions.

The same rule as `lib/rag.py`, written so that the database filters, counts, sorts and pages the
register, and Python builds only the rows of one page. tests/test_register_sql.py proves, for
generated records, that each expression equals the Python rule and each ordering the Python sort.

Dates are compared, never differenced, so the SQL is the same on SQLite and PostgreSQL: "more than
182 days since the last update" is "the last update is before the start of the day 182 days ago",
the start of a day taken in the site's time zone as `timezone.localdate` reads it in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, CharField, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import Concat, Left, Length, LPad, Substr
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from oversight.lib.deadlines import DeadlineKind
from oversight.lib.rag import DUE_SOON_DAYS, REVIEW_INTERVAL_DAYS, STALE_AFTER_DAYS, Rag

from .models import SignoffStage, TrackingStatus

# Sorting by RAG puts the most pressing first (the register's own order of the colours).
RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}
STATUS_ORDER = {value: index for index, value in enumerate(TrackingStatus.values)}
UNKNOWN_STATUS = 99
# Numbers are padded to this width so that "2" sorts before "10" (as str.zfill does in Python).
NUMBER_WIDTH = 6
# A blank reference sorts after every written one: "~" follows letters and digits in code-point order.
NO_REFERENCE = "~"

COMPLETE = Q(status=TrackingStatus.CLOSED)
AWAITING_SIGNOFF = Q(signoff__in=[SignoffStage.SUBMITTED, SignoffStage.WITH_HMICFRS])


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the site's time zone: `localdate(stamp) < day` iff `stamp < start_of(day)`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _days_before(today: dt.date, days: int) -> dt.datetime:
    return start_of(today - dt.timedelta(days=days))


def suggested_rag(today: dt.date) -> Case:
    """lib/rag.suggest_rag, rule for rule in the same order; needs the `last_progress_at` annotation."""
    quiet = Q(last_progress_at__isnull=True) | Q(last_progress_at__lt=_days_before(today, REVIEW_INTERVAL_DAYS))
    return Case(
        When(COMPLETE, then=Value(Rag.BLUE.value)),
        When(due_on__lt=today, then=Value(Rag.RED.value)),
        When(last_progress_at__lt=_days_before(today, STALE_AFTER_DAYS), then=Value(Rag.RED.value)),
        When(Q(due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)) & ~AWAITING_SIGNOFF, then=Value(Rag.AMBER.value)),
        When(Q(item__deadline_kind=DeadlineKind.IMMEDIATELY.value) & ~AWAITING_SIGNOFF, then=Value(Rag.AMBER.value)),
        When(next_review_on__lt=today, then=Value(Rag.AMBER.value)),
        When(quiet, then=Value(Rag.AMBER.value)),
        default=Value(Rag.GREEN.value),
        output_field=CharField(),
    )


def rag(today: dt.date) -> Case:
    """The override in force (the record's own field), else the rule's suggestion: `TrackingRecord.rag`."""
    overridden = When(~Q(rag_override=""), then=F("rag_override"))
    return Case(overridden, default=suggested_rag(today), output_field=CharField())


def _flag(condition: Q) -> Case:
    """True or false, never NULL: a comparison with a missing date is unknown in SQL, false here."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def rag_annotations(today: dt.date) -> dict[str, Any]:
    """The annotations `TrackingRecordQuerySet.with_rag` adds, named apart from the model's methods."""
    return {
        "rag_value": rag(today),
        "overdue_flag": _flag(~COMPLETE & Q(due_on__lt=today)),
        "review_overdue_flag": _flag(~COMPLETE & Q(next_review_on__lt=today)),
        "urgent_flag": _flag(~COMPLETE & Q(item__deadline_kind=DeadlineKind.IMMEDIATELY.value)),
    }


def rag_order() -> Case:
    """Red first, blue last; needs the `rag_value` annotation."""
    whens = [When(rag_value=value.value, then=Value(order)) for value, order in RAG_ORDER.items()]
    return Case(*whens, default=Value(len(RAG_ORDER)), output_field=IntegerField())


def status_order() -> Case:
    whens = [When(status=value, then=Value(order)) for value, order in STATUS_ORDER.items()]
    return Case(*whens, default=Value(UNKNOWN_STATUS), output_field=IntegerField())


class CodePoint(Func):
    """Text compared character by character, as Python compares strings.

    SQLite's default collation (BINARY) already does; PostgreSQL's database collation follows the
    locale (case and accents folded), so there the "C" collation, which orders by code point in UTF-8.
    """

    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra)


def reference_key() -> CodePoint:
    return CodePoint(Case(When(item__reference="", then=Value(NO_REFERENCE)), default=F("item__reference")))


def padded_number() -> CodePoint:
    """`str.zfill(6)`: zeros on the left to six characters, after a leading sign; longer numbers as they are."""
    number = F("item__number")
    signed = Q(item__number__startswith="-") | Q(item__number__startswith="+")
    width = Value(NUMBER_WIDTH)
    return CodePoint(
        Case(
            When(GreaterThanOrEqual(Length(number), width), then=number),
            When(signed, then=Concat(Left(number, 1), LPad(Substr(number, 2), NUMBER_WIDTH - 1, Value("0")))),
            default=LPad(number, NUMBER_WIDTH, Value("0")),
            output_field=CharField(),
        )
    )


def _direction(expressions: list[Expression | F | str], descending: bool) -> list[OrderBy]:
    ordered = []
    for expression in expressions:
        field = F(expression) if isinstance(expression, str) else expression
        ordered.append(field.desc() if descending else field.asc())
    return ordered


def _then_register_order(ordering: list[OrderBy]) -> list[OrderBy]:
    """Ties keep the register's own order (due date, undated last, then oldest record) either way
    round, as Python's stable sort did when reversed."""
    return [*ordering, F("due_on").asc(nulls_last=True), F("pk").asc()]


def by_due(descending: bool) -> list[OrderBy]:
    """Due date, undated items last (first when descending), then oldest record first (last)."""
    due = F("due_on").desc(nulls_first=True) if descending else F("due_on").asc(nulls_last=True)
    return [due, *_direction(["pk"], descending)]


def by_reference(descending: bool) -> list[OrderBy]:
    return _then_register_order(_direction([reference_key(), padded_number(), "item_id"], descending))


def by_rag(descending: bool) -> list[OrderBy]:
    """Colour, then due date (undated last, first when descending)."""
    due = F("due_on").desc(nulls_first=True) if descending else F("due_on").asc(nulls_last=True)
    return _then_register_order([*_direction([rag_order()], descending), due])


def by_status(descending: bool) -> list[OrderBy]:
    return _direction([status_order(), "pk"], descending)


def by_organisation(descending: bool) -> list[OrderBy]:
    name = CodePoint(F("organisation__name"))
    return _then_register_order(_direction([name, reference_key(), padded_number(), "item_id"], descending))

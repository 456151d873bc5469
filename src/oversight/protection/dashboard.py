"""The protection dashboard's figures: for a scope (one force, or England and Wales for national users)
and a period, what happened to reported breaches of protective measures, as QuerySet aggregations
in a fixed number of queries whatever the number of breaches (no Python loop over rows).

The figures: the funnel (reported, arrested, charged, and the outcomes: conviction, caution,
acquittal, no further action, pending), with the police responses (warning, no action, none
recorded); the same by measure type, by month and by force; and the median time from report to
arrest. A breach counts in the month (Europe/London) it was reported.

PPDA cases. A measure whose restrained person is in the workforce register and the subject of a
PPDA case is "PPDA-linked". The rule, so that no figure singles out a case:

- The main figures (funnel, by measure, by month, by force, median) leave every PPDA-linked breach
  out, for everyone. They never move when a case is opened, locked or unlocked.
- PPDA-linked breaches whose cases the person may view (`access.locked_person_ids`, which asks
  `cases/access.py`) are shown apart: a funnel row and a column of the monthly table.
- PPDA-linked breaches whose cases the person may not view are shown only as one funnel row for
  the whole scope and period, never per month, measure type or force, and every count in it is
  rounded to the nearest 5 and suppressed below 10, the way official statistics protect small
  numbers (ONS disclosure control). So a person locked out of a case sees the same page whether or
  not that case, or a breach of its measure, exists, unless it carries a count across a rounding
  boundary of a total of ten or more in the whole scope: a count of many cases, never of one.
- Plan measures are counted from breaches and measures that are not PPDA-linked, like the main figures.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, DateField, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from oversight.cases.models import Subject
from oversight.db_routers import decided_on_primary
from oversight.organisations.access import AnyUser
from oversight.organisations.models import Organisation

from . import access
from .models import Breach, MeasureType, Outcome, Response

SUPPRESS_BELOW = 10  # a protected count under this is not shown
ROUND_TO = 5  # a protected count is shown to the nearest 5

GENERAL, SEEN, LOCKED = "general", "ppda_seen", "ppda_locked"
RowsT = TypeVar("RowsT", bound=QuerySet[Any])


@dataclass(frozen=True)
class Period:
    """From the first day to the last, both included, in Europe/London days."""

    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first moment in, and the first moment after."""
        after = self.end + dt.timedelta(days=1)
        return _midnight(self.start), _midnight(after)

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


MOST_MONTHS = 60  # a wider period would make the monthly table and chart unreadable


def period_from(start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> Period:
    """The period asked for, each missing end taken from the default twelve months; refused if
    backwards or longer than five years (a ValidationError naming the field)."""
    default = default_period(today)
    period = Period(start or default.start, end or default.end)
    if period.end < period.start:
        raise ValidationError({"to": "The end of the period must be on or after its start."})
    if len(period.months()) > MOST_MONTHS:
        raise ValidationError({"to": f"Choose a period of at most {MOST_MONTHS} months."})
    return period


def default_period(today: dt.date | None = None) -> Period:
    """The twelve months to today: from the first of the month eleven months back."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return Period(dt.date(year, (month - 1) % 12 + 1, 1), today)


@dataclass(frozen=True)
class Scope:
    force_ids: frozenset[int] | None  # None: every force in England and Wales
    label: str

    @property
    def national(self) -> bool:
        return self.force_ids is None


def scope_for(user: AnyUser, force_id: int | None) -> Scope | None:
    """The scope this person asked for, or None when they may not count it (the page answers 404).

    A national analyst counts any force or all of them (the default); anyone else the forces they
    read (`access.counting_force_ids`), one of them or all together."""
    forces = access.counting_force_ids(user)
    if forces is not None and not forces:
        return None
    if force_id is None:
        if forces is None:
            return Scope(None, "England and Wales")
        if len(forces) > 1:
            return Scope(frozenset(forces), "Your forces")
        force_id = next(iter(forces))
    if forces is not None and force_id not in forces:
        return None
    force = Organisation.objects.forces().filter(pk=force_id).first()
    return Scope(frozenset({force.pk}), force.name) if force else None


@dataclass(frozen=True)
class Counts:
    """One row of the funnel: breaches reported, and what became of them."""

    reported: int = 0
    arrested: int = 0
    charged: int = 0
    conviction: int = 0
    caution: int = 0
    acquittal: int = 0
    nfa: int = 0
    pending: int = 0
    warning: int = 0
    no_action: int = 0
    no_response: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Counts:
        return cls(**{f.name: row.get(f.name) or 0 for f in fields(cls)})


def _counts() -> dict[str, Count]:
    """The funnel as conditional counts: one aggregate, one query."""

    def where(condition: Q) -> Count:
        return Count("pk", filter=condition)

    outcomes = {o.value: where(Q(outcome=o.value)) for o in Outcome}
    return {
        "reported": Count("pk"),
        "arrested": where(Q(arrested_at__isnull=False)),
        "charged": where(Q(charged_on__isnull=False)),
        **{key: outcomes[value] for key, value in _OUTCOME_FIELDS.items()},
        "warning": where(Q(response=Response.WARNING)),
        "no_action": where(Q(response=Response.NO_ACTION)),
        "no_response": where(Q(response=Response.NOT_RECORDED)),
    }


_OUTCOME_FIELDS = {
    "conviction": Outcome.CONVICTION.value,
    "caution": Outcome.CAUTION.value,
    "acquittal": Outcome.ACQUITTAL.value,
    "nfa": Outcome.NO_FURTHER_ACTION.value,
    "pending": Outcome.PENDING.value,
}


@dataclass(frozen=True)
class ProtectedCounts:
    """The locked-out row: each count to the nearest 5, or None when under 10."""

    reported: int | None
    arrested: int | None
    charged: int | None
    conviction: int | None

    @classmethod
    def of(cls, counts: Counts) -> ProtectedCounts:
        return cls(*(protect(getattr(counts, f.name)) for f in fields(cls)))


def protect(count: int) -> int | None:
    if count < SUPPRESS_BELOW:
        return None
    return ROUND_TO * round(count / ROUND_TO)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    counts: Counts


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    counts: Counts
    ppda_seen: Counts


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: Period
    funnel: Counts  # not PPDA-linked
    ppda_seen: Counts | None  # PPDA-linked, cases the person may view: None when there are none
    ppda_locked: ProtectedCounts  # PPDA-linked, cases they may not view: protected counts only
    by_measure: list[Row]
    by_month: list[MonthRow]
    by_force: list[Row]
    median_hours_to_arrest: float | None
    plan: list[Any]  # plans.PlanResult


def breaches_in(scope: Scope, period: Period) -> QuerySet[Breach]:
    """Every breach reported in the scope and period, PPDA-linked or not: only ever aggregated."""
    start, after = period.bounds()
    breaches = Breach.objects.filter(reported_at__gte=start, reported_at__lt=after)
    if scope.force_ids is not None:
        breaches = breaches.filter(measure__force_id__in=scope.force_ids)
    return breaches


def ppda_linked_person_ids() -> QuerySet[Subject, int] | list[int]:
    """Register entries who are subjects of any PPDA case (a subquery; read from the primary when the
    figures come from a replica, which may not know of a case opened a moment ago)."""
    return decided_on_primary(Subject.objects.values_list("person_id", flat=True))


def not_ppda_linked(rows: RowsT, restrained: str = "measure__restrained_person_id") -> RowsT:
    """Breaches (or, with `restrained="restrained_person_id"`, measures) not linked to a PPDA case."""
    return rows.exclude(**{f"{restrained}__in": ppda_linked_person_ids()})


def _categorised(breaches: QuerySet[Breach], user: AnyUser) -> Any:
    """Each breach marked general, PPDA-linked and seen, or PPDA-linked and locked for this person."""
    person = "measure__restrained_person_id"
    category = Case(
        When(**{f"{person}__in": access.locked_person_ids(user)}, then=Value(LOCKED)),
        When(**{f"{person}__in": ppda_linked_person_ids()}, then=Value(SEEN)),
        default=Value(GENERAL),
    )
    return breaches.annotate(category=category)


def funnel_by_category(breaches: QuerySet[Breach], user: AnyUser) -> dict[str, Counts]:
    """One query: the funnel for each category present."""
    rows = _categorised(breaches, user).values("category").annotate(**_counts()).order_by()
    return {row["category"]: Counts.from_row(row) for row in rows}


def by_measure_type(breaches: QuerySet[Breach]) -> list[Row]:
    """One query for the counts, one for the types' names."""
    rows = not_ppda_linked(breaches).values("measure__measure_type_id").annotate(**_counts()).order_by()
    found = {row["measure__measure_type_id"]: Counts.from_row(row) for row in rows}
    return [Row(t.kind, t.short_name, found.get(t.pk, Counts())) for t in MeasureType.objects.order_by("name")]


def local_month(field: str) -> Func:
    """The first day of the Europe/London month of a moment. SQLite has no time zones, so Django's
    TruncMonth calls a Python function for every row there; SQLite's own 'localtime' modifier reads the
    process's zone, which Django sets to TIME_ZONE (`TZ`) at start-up: used when that holds, as fast
    as a hand-written query. Elsewhere (PostgreSQL: AT TIME ZONE) TruncMonth is the native SQL."""
    zone = timezone.get_current_timezone_name()
    if connection.vendor == "sqlite" and zone == settings.TIME_ZONE == os.environ.get("TZ"):
        return Func(F(field), template="date(%(expressions)s, 'localtime', 'start of month')", output_field=DateField())
    return TruncMonth(field, output_field=DateField())


def month_of_report() -> Func:
    return local_month("reported_at")


class SecondsBetween(Func):
    """Seconds from the second moment to the first, as a number, in the database's own arithmetic."""

    arity = 2
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    arg_joiner = " - "
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "((julianday(%(expressions)s)) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


def by_month(breaches: QuerySet[Breach], user: AnyUser, period: Period) -> list[MonthRow]:
    """One query: every month of the period, not PPDA-linked and PPDA-linked seen side by side."""
    # Locked ones are left out by the person, not by the category: the database then filters rows
    # before working out each one's category, rather than working it out twice.
    unlocked = breaches.exclude(measure__restrained_person_id__in=access.locked_person_ids(user))
    visible = _categorised(unlocked, user)
    rows = visible.annotate(month=month_of_report()).values("month", "category").annotate(**_counts()).order_by()
    found = {(row["month"], row["category"]): Counts.from_row(row) for row in rows}
    return [
        MonthRow(month, found.get((month, GENERAL), Counts()), found.get((month, SEEN), Counts()))
        for month in period.months()
    ]


def by_force(breaches: QuerySet[Breach]) -> list[Row]:
    """One query: each force with a breach in the scope and period, by name."""
    rows = (
        not_ppda_linked(breaches)
        .values("measure__force_id", "measure__force__name")
        .annotate(**_counts())
        .order_by("measure__force__name")
    )
    return [Row(str(row["measure__force_id"]), row["measure__force__name"], Counts.from_row(row)) for row in rows]


def median_hours_to_arrest(breaches: QuerySet[Breach], arrested: int) -> float | None:
    """The median of the time from report to arrest, in hours (one decimal), from the middle one or
    two of the arrested breaches in order: one query whatever their number."""
    if not arrested:
        return None
    waited = SecondsBetween(F("arrested_at"), F("reported_at"))
    ordered = (
        not_ppda_linked(breaches)
        .filter(arrested_at__isnull=False)
        .annotate(waited=waited)
        .order_by("waited")
        .values_list("waited", flat=True)
    )
    first = (arrested - 1) // 2
    middle: list[float] = list(ordered[first : first + 2 - arrested % 2])
    return round(sum(middle) / len(middle) / 3600, 1)


def dashboard(user: AnyUser, scope: Scope, period: Period) -> Dashboard:
    """Every figure of the page and the API, for a scope the caller already checked (`scope_for`)."""
    from .plans import plan_results

    breaches = breaches_in(scope, period)
    funnel = funnel_by_category(breaches, user)
    general = funnel.get(GENERAL, Counts())
    return Dashboard(
        scope=scope,
        period=period,
        funnel=general,
        ppda_seen=funnel.get(SEEN),
        ppda_locked=ProtectedCounts.of(funnel.get(LOCKED, Counts())),
        by_measure=by_measure_type(breaches),
        by_month=by_month(breaches, user, period),
        by_force=by_force(breaches),
        median_hours_to_arrest=median_hours_to_arrest(breaches, general.arrested),
        plan=plan_results(scope, period),
    )


def stages(counts: Counts) -> Iterable[tuple[str, int]]:
    """The funnel's stages as the chart and its table show them."""
    return (
        ("Reported", counts.reported),
        ("Arrested", counts.arrested),
        ("Charged", counts.charged),
        ("Convicted", counts.conviction),
    )

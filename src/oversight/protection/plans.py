"""Police and crime plan measures: setting one, entering a force's monthly figure, and counting each
measure against its target for the dashboard (a fixed number of queries for any number of measures).

What each measure counts, month by month within both the plan's period and the dashboard's:

- breaches resulting in arrest (or charge): breaches reported in the month that led to an arrest
  (a charge), over breaches reported in the month;
- bail conditions in domestic abuse arrests: pre-charge bail with conditions made in the month
  (every one in this app is for domestic abuse or violence against women and girls), over the
  domestic abuse arrests the force entered for the month. A month without an entered figure is
  left out of both numerator and denominator, and the missing months are named.

Breaches and measures linked to a PPDA case are not counted (see the rule in `dashboard.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from oversight.concurrency import bump_version, check_version, require
from oversight.organisations.models import Organisation

from . import access
from .dashboard import Period, Scope, breaches_in, local_month, month_of_report, not_ppda_linked
from .models import Measure, MeasureKind
from .plan_models import ForceFigure, MonthlyFigure, PlanCount, PlanMeasure, TargetDirection

MonthKey = tuple[int, dt.date]  # force, month


@dataclass(frozen=True)
class PlanDraft:
    name: str
    counts: str
    target_percent: Decimal
    starts_on: dt.date
    ends_on: dt.date
    direction: str = TargetDirection.AT_LEAST


def set_plan_measure(body: Organisation, force: Organisation, draft: PlanDraft, by: User) -> PlanMeasure:
    """A governing body's OPCC officer sets a plan measure for a force it governs."""
    require(access.can_set_plan_measure(by, body.pk, force.pk), "Only the governing body sets its plan's measures.")
    if draft.ends_on < draft.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if not Decimal(0) <= draft.target_percent <= Decimal(100):
        raise ValidationError({"target_percent": "Enter a target between 0 and 100 per cent."})
    if draft.counts not in PlanCount.values:
        raise ValidationError({"counts": "Select what the measure counts."})
    with transaction.atomic():
        return PlanMeasure.objects.create(
            body=body,
            force=force,
            name=draft.name,
            counts=draft.counts,
            direction=draft.direction,
            target_percent=draft.target_percent,
            starts_on=draft.starts_on,
            ends_on=draft.ends_on,
            set_by=by,
        )


def enter_monthly_figure(
    force: Organisation,
    figure: str,
    month: dt.date,
    value: int,
    by: User,
    expected_version: int | None = None,
) -> MonthlyFigure:
    """The force enters (or corrects) its count for a month; a stale correction is refused."""
    require(access.can_enter_monthly_figure(by, force.pk), "Only the force enters its own figures.")
    if month.day != 1 or month > timezone.localdate():
        raise ValidationError({"month": "Enter a month that has begun, as its first day."})
    if value < 0:
        raise ValidationError({"value": "Enter a number of 0 or more."})
    with transaction.atomic():
        found = MonthlyFigure.objects.select_for_update().filter(force=force, figure=figure, month=month).first()
        if found is None:
            return MonthlyFigure.objects.create(force=force, figure=figure, month=month, value=value, entered_by=by)
        check_version(found.version, expected_version, "monthly figure")
        found.value, found.entered_by, found.entered_at = value, by, timezone.now()
        bump_version(found, "value", "entered_by", "entered_at")
        return found


@dataclass(frozen=True)
class PlanResult:
    measure: PlanMeasure
    numerator: int
    denominator: int
    missing_months: list[dt.date] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None

    @property
    def met(self) -> bool | None:
        if self.percent is None:
            return None
        target = float(self.measure.target_percent)
        return self.percent >= target if self.measure.direction == TargetDirection.AT_LEAST else self.percent <= target

    @property
    def words(self) -> str:
        if self.met is None:
            return "No figures to count"
        return "Met" if self.met else "Not met"


def _in_scope(queryset_filter: str, scope: Scope) -> Q:
    return Q() if scope.force_ids is None else Q(**{f"{queryset_filter}__in": scope.force_ids})


def _breach_months(scope: Scope, period: Period) -> dict[MonthKey, dict[str, int]]:
    rows = (
        not_ppda_linked(breaches_in(scope, period))
        .annotate(month=month_of_report())
        .values("measure__force_id", "month")
        .annotate(
            reported=Count("pk"),
            arrested=Count("pk", filter=Q(arrested_at__isnull=False)),
            charged=Count("pk", filter=Q(charged_on__isnull=False)),
        )
        .order_by()
    )
    return {(row["measure__force_id"], row["month"]): row for row in rows}


def _bail_months(scope: Scope, period: Period) -> dict[MonthKey, int]:
    start, after = period.bounds()
    made = Measure.objects.filter(
        _in_scope("force_id", scope), measure_type__kind=MeasureKind.PRE_CHARGE_BAIL, made_at__gte=start
    ).filter(made_at__lt=after)
    rows = (
        not_ppda_linked(made, "restrained_person_id")
        .annotate(month=local_month("made_at"))
        .values("force_id", "month")
        .annotate(made=Count("pk"))
        .order_by()
    )
    return {(row["force_id"], row["month"]): row["made"] for row in rows}


def _figure_months(scope: Scope, period: Period) -> dict[MonthKey, int]:
    rows = MonthlyFigure.objects.filter(
        _in_scope("force_id", scope),
        figure=ForceFigure.DOMESTIC_ABUSE_ARRESTS,
        month__gte=period.start.replace(day=1),
        month__lte=period.end,
    ).values_list("force_id", "month", "value")
    return {(force, month): value for force, month, value in rows}


def _months_counted(measure: PlanMeasure, period: Period) -> list[dt.date]:
    return [m for m in period.months() if measure.starts_on.replace(day=1) <= m <= measure.ends_on]


def plan_results(scope: Scope, period: Period) -> list[PlanResult]:
    """The plan measures of the scope's forces whose period overlaps this one, each counted: four queries."""
    measures = list(
        PlanMeasure.objects.filter(_in_scope("force_id", scope), starts_on__lte=period.end, ends_on__gte=period.start)
        .select_related("force", "body")
        .order_by("force__name", "name")
    )
    breaches, bail, figures = _breach_months(scope, period), _bail_months(scope, period), _figure_months(scope, period)
    results = []
    for measure in measures:
        months = [(measure.force_id, m) for m in _months_counted(measure, period)]
        if measure.counts == PlanCount.BAIL_CONDITIONS:
            entered = [key for key in months if key in figures]
            missing = [key[1] for key in months if key not in figures]
            results.append(
                PlanResult(measure, sum(bail.get(k, 0) for k in entered), sum(figures[k] for k in entered), missing)
            )
            continue
        numerator = "arrested" if measure.counts == PlanCount.BREACHES_ARRESTED else "charged"
        totals: defaultdict[str, int] = defaultdict(int)
        for key in months:
            for name in (numerator, "reported"):
                totals[name] += breaches.get(key, {}).get(name, 0)
        results.append(PlanResult(measure, totals[numerator], totals["reported"]))
    return results

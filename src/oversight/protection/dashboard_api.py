"""The protection dashboard in the API: `GET /api/v1/protection/dashboard?force=&from=&to=` answers
with the figures the page shows, from the same function (`dashboard.dashboard`), scoped the same way:
a force the caller may not count is the same 404 as a force that does not exist. PPDA-linked
breaches follow the rule in `dashboard.py`: seen ones apart, locked ones as protected totals only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from oversight.db_routers import reading_from_replica
from oversight.recommendations.schemas import ErrorOut, InvalidOut

from .dashboard import Dashboard, dashboard, period_from, scope_for

router = Router(tags=["protection"])


class DashboardQuery(Schema):
    force: int | None = Field(None, description="A force's id; left out: every force the caller may count")
    start: dt.date | None = Field(None, alias="from", description="First day (default: twelve months to today)")
    end: dt.date | None = Field(None, alias="to", description="Last day, included (default: today)")


class BreachOutcomesOut(Schema):
    reported: int
    arrested: int = Field(description="With an arrest time recorded")
    charged: int
    conviction: int
    caution: int
    acquittal: int
    nfa: int = Field(description="No further action")
    pending: int = Field(description="No outcome yet")
    warning: int = Field(description="Police response: a warning only")
    no_action: int = Field(description="Police response: no action, with a reason")
    no_response: int = Field(description="No police response recorded")


class ProtectedOut(Schema):
    """Counts to the nearest 5; null when fewer than 10."""

    reported: int | None
    arrested: int | None
    charged: int | None
    conviction: int | None


class RowOut(Schema):
    key: str = Field(description="The measure type's kind, or the force's id")
    label: str
    counts: BreachOutcomesOut


class MonthOut(Schema):
    month: dt.date = Field(description="The month's first day")
    counts: BreachOutcomesOut
    ppda_seen: BreachOutcomesOut


class PlanOut(Schema):
    name: str
    force: str
    body: str
    counts: str = Field(description="What is counted: breaches_arrested, breaches_charged or bail_conditions")
    direction: str = Field(description="at_least or at_most")
    target_percent: float
    starts_on: dt.date
    ends_on: dt.date
    numerator: int
    denominator: int
    percent: float | None
    met: bool | None = Field(description="Null when there is nothing to count")
    words: str = Field(description="Met, Not met or No figures to count")
    missing_months: list[dt.date] = Field(description="Bail conditions: months without the force's figure")


class DashboardOut(Schema):
    scope: str = Field(description="The force's name, 'Your forces' or 'England and Wales'")
    force_ids: list[int] | None = Field(description="The forces counted; null for every force")
    start: dt.date
    end: dt.date
    funnel: BreachOutcomesOut = Field(description="Breaches of measures not linked to a PPDA case")
    ppda_seen: BreachOutcomesOut | None = Field(description="PPDA-linked breaches whose cases the caller may view")
    ppda_locked: ProtectedOut = Field(description="PPDA-linked breaches whose cases the caller may not view")
    median_hours_to_arrest: float | None
    by_measure: list[RowOut]
    by_month: list[MonthOut]
    by_force: list[RowOut]
    plan: list[PlanOut]


def _plan(figures: Dashboard) -> list[dict[str, Any]]:
    return [
        {
            "name": r.measure.name,
            "force": r.measure.force.name,
            "body": r.measure.body.name,
            "counts": r.measure.counts,
            "direction": r.measure.direction,
            "target_percent": float(r.measure.target_percent),
            "starts_on": r.measure.starts_on,
            "ends_on": r.measure.ends_on,
            "numerator": r.numerator,
            "denominator": r.denominator,
            "percent": r.percent,
            "met": r.met,
            "words": r.words,
            "missing_months": r.missing_months,
        }
        for r in figures.plan
    ]


def as_json(figures: Dashboard) -> dict[str, Any]:
    data = asdict(figures)
    forces = figures.scope.force_ids
    return {
        **{key: data[key] for key in ("funnel", "ppda_seen", "ppda_locked", "median_hours_to_arrest")},
        **{key: data[key] for key in ("by_measure", "by_month", "by_force")},
        "scope": figures.scope.label,
        "force_ids": sorted(forces) if forces is not None else None,
        "start": figures.period.start,
        "end": figures.period.end,
        "plan": _plan(figures),
    }


@router.get("", response={200: DashboardOut, 400: InvalidOut, 401: ErrorOut, 404: ErrorOut})
def protection_dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """The dashboard's figures for one force or every force the caller may count, over a period."""
    scope = scope_for(request.user, query.force)
    if scope is None:
        raise Http404("Not found")
    period = period_from(query.start, query.end)
    with reading_from_replica():  # the scope was decided above, on the primary
        return as_json(dashboard(request.user, scope, period))

"""The clocks of a measure: hours left before a notice's order must be heard (counted as the statute
counts them, disregarded days left out), days to its last day, and when bail returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from oversight.lib.holidays import Disregard, counted_hours_between

from .models import Measure, MeasureKind, MeasureStatus


@dataclass(frozen=True)
class Clock:
    label: str
    due: str
    left: str
    overdue: bool


def hearing_hours_left(measure: Measure, now: dt.datetime | None = None) -> float | None:
    """Counted hours left before the notice's order must be heard; negative once overdue; None if no clock."""
    if measure.hearing_due_at is None or measure.status != MeasureStatus.IN_FORCE:
        return None
    kinds = frozenset(Disregard(d) for d in measure.rule.hearing_disregards)
    now_local = timezone.localtime(now or timezone.now())
    return counted_hours_between(now_local, timezone.localtime(measure.hearing_due_at), kinds)


def days_to_end(measure: Measure, today: dt.date | None = None) -> int | None:
    """Days from today to the measure's last day (bail: the day it returns); negative once past."""
    if measure.ends_on is None or measure.status != MeasureStatus.IN_FORCE:
        return None
    return (measure.ends_on - (today or timezone.localdate())).days


def clocks(measure: Measure, now: dt.datetime | None = None) -> list[Clock]:
    """The clocks to show on the measure's page and the worklist."""
    now = now or timezone.now()
    found = []
    hours = hearing_hours_left(measure, now)
    if hours is not None and measure.hearing_due_at is not None:
        due = f"{timezone.localtime(measure.hearing_due_at):%-d %B %Y %H:%M}"
        left = f"{hours:.0f} hours left" if hours >= 0 else f"overdue by {-hours:.0f} hours"
        found.append(Clock("Order to be heard by", due, left, hours < 0))
    days = days_to_end(measure, timezone.localdate(now))
    if days is not None and measure.ends_on is not None:
        label = "Bail returns on" if measure.measure_type.kind == MeasureKind.PRE_CHARGE_BAIL else "Ends on"
        left = f"{days} days left" if days >= 0 else f"{-days} days past"
        found.append(Clock(label, f"{measure.ends_on:%-d %B %Y}", left, days < 0))
    if measure.renewal_on and measure.status == MeasureStatus.IN_FORCE:
        days = (measure.renewal_on - timezone.localdate(now)).days
        found.append(Clock("Review or renewal by", f"{measure.renewal_on:%-d %B %Y}", f"{days} days", days < 0))
    return found

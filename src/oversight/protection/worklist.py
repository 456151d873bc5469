"""A force's worklist: what needs doing, each list scoped by `access` so a locked measure never appears.

Breaches with no police response recorded; powers not used where the victim has not been told;
notices whose order should already have been heard; measures past their last day yet still in force;
measures and bail ending within the week; measures whose victim was not told they were made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from oversight.organisations.access import AnyUser

from . import access
from .models import Breach, Measure, UnusedPower

SOON_DAYS = 7  # "ending soon": a week's notice to extend, renew or end


@dataclass
class Worklist:
    breaches_without_response: QuerySet[Breach]
    unused_victim_not_told: QuerySet[UnusedPower]
    hearing_overdue: QuerySet[Measure]
    past_end: QuerySet[Measure]
    ending_soon: QuerySet[Measure]
    victim_not_told: QuerySet[Measure]

    @property
    def total(self) -> int:
        return sum(q.count() for q in vars(self).values())


def worklist(user: AnyUser, force_ids: set[int] | None = None, now: dt.datetime | None = None) -> Worklist:
    now = now or timezone.now()
    today = timezone.localdate(now)
    measures = access.visible_measures(user).select_related("force", "measure_type", "rule")
    breaches = access.visible_breaches(user).select_related("measure", "measure__measure_type", "measure__force")
    powers = access.visible_unused_powers(user).select_related("force", "measure_type")
    if force_ids is not None:
        measures = measures.filter(force_id__in=force_ids)
        breaches = breaches.filter(measure__force_id__in=force_ids)
        powers = powers.filter(force_id__in=force_ids)
    return Worklist(
        breaches_without_response=breaches.without_response().order_by("reported_at"),
        unused_victim_not_told=powers.victim_not_told().order_by("decided_on"),
        hearing_overdue=measures.hearing_overdue(now).order_by("hearing_due_at"),
        past_end=measures.past_end(today).order_by("ends_on"),
        ending_soon=measures.ending_within(today, SOON_DAYS).order_by("ends_on"),
        victim_not_told=measures.in_force().victim_not_told_made().order_by("made_at"),
    )

"""A year of protective measures per force, in proportion to its size, and their breaches.

The national sizes are the benchmark's (plan.MEASURES_PER_YEAR). Each measure is built from the rule
of its type in force in the force on the day (the statutory rules loaded by protection's data
migration): the authority and lowest rank the rule names, a period between its shortest and longest
(or until further order where the rule allows it), a notice's hearing within its counted hours, and
bail counted from the day after arrest. Every measure is checked by the product's own pure checker
(`protection.rules.check_measure`) before it is written; a type the law did not provide for in that
force on that day (a pilot elsewhere) is not made. Each has its protected person, its authorisation,
and the events made, served and (when its period has run) ended. A few restrain the subject of one of
the force's PPDA cases, linked to the case as `record_measure` links them, so the case's lock covers
them. Breaches follow the benchmark's proportions of police responses and outcomes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from oversight.cases.models import Subject
from oversight.lib.ranks import RANKS
from oversight.organisations.models import Organisation
from oversight.protection.models import (
    Authorisation,
    Authority,
    Breach,
    EventKind,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureRule,
    MeasureStatus,
    MeasureType,
    Outcome,
    ProtectedPerson,
    ReportedBy,
    Response,
)
from oversight.protection.rules import MeasureFacts, RuleSpec, check_measure, hearing_deadline, period_end, rule_for
from oversight.protection.services import rule_specs
from oversight.workforce.generator import FIRST_NAMES, SURNAMES

from .people import Nation
from .plan import MEASURES_PER_YEAR, Plan
from .register import BATCH

PPDA_SHARE = 0.003  # of measures, restraining the subject of a PPDA case (as the benchmark)
COURTS = ("Family Court", "Magistrates' Court", "Crown Court")


class _ForceMeasures:
    def __init__(self, plan: Plan, force: Organisation, recorder: User, context: dict[str, Any]) -> None:
        self.plan, self.force, self.recorder = plan, force, recorder
        self.rng = plan.rng("protection", force.slug)
        self.specs: list[RuleSpec] = context["specs"]
        self.types: dict[str, MeasureType] = context["types"]
        self.rules: dict[tuple[str, dt.date], MeasureRule] = context["rules"]
        self.subjects = list(
            Subject.objects.filter(case__force=force)
            .order_by("case__received_on", "pk")
            .values_list("person_id", "case_id")
        )
        self.names = FIRST_NAMES.split(), SURNAMES.split()
        self.measures: list[Measure] = []
        self.refused = 0

    def build(self) -> tuple[list[Measure], int]:
        for kind in MEASURES_PER_YEAR:
            for number in range(self.plan.measures(self.force, kind)):
                self._measure(kind, number)
        Measure.objects.bulk_create(self.measures, batch_size=BATCH)
        return self.measures, self.refused

    def _name(self) -> str:
        return f"{self.rng.choice(self.names[0])} {self.rng.choice(self.names[1])}"

    def _measure(self, kind: str, number: int) -> None:
        rng = self.rng
        made = timezone.make_aware(
            dt.datetime.combine(self.plan.days_ago(rng.randint(1, 365)), dt.time())
            + dt.timedelta(seconds=rng.randrange(86_400))
        )
        spec = rule_for(self.specs, kind, self.force.pk, self.force.name, timezone.localdate(made))
        if spec is None:
            self.refused += 1
            return
        facts = self._facts(kind, spec, made)
        if check_measure(self.specs, facts, MeasureKind.values):
            self.refused += 1
            return
        person, case = rng.choice(self.subjects) if self.subjects and rng.random() < PPDA_SHARE else (None, None)
        self.measures.append(Measure(
            force=self.force, reference=f"{kind.upper()}-{self.plan.on.year}-{number:06d}",
            measure_type=self.types[kind], rule=self.rules[(kind, spec.applies_from)],
            status=self._status(facts), restrained_name=self._name(), restrained_person_id=person, case_id=case,
            authorised_by_name=self._name() if spec.authority == Authority.POLICE else "",
            authorised_by_rank=facts.authoriser_rank,
            court=rng.choice(COURTS) if spec.authority != Authority.POLICE else "",
            arrested_on=facts.arrested_on, made_at=made, served_at=facts.served_at, hearing_at=facts.hearing_at,
            hearing_due_at=hearing_deadline(spec, timezone.localtime(made)), ends_on=facts.ends_on,
            until_further_order=facts.until_further_order,
            ended_on=self._ended_on(facts), end_reason="Its period ran out" if self._ended_on(facts) else "",
            recorded_by=self.recorder, created_at=made + dt.timedelta(minutes=30),
        ))  # fmt: skip

    def _facts(self, kind: str, spec: RuleSpec, made: dt.datetime) -> MeasureFacts:
        rng, local = self.rng, timezone.localtime(made)
        police = spec.authority == Authority.POLICE
        rank = RANKS[spec.minimum_rank].title if police and spec.minimum_rank else ("Inspector" if police else "")
        arrested = local.date() if spec.length_from == "bail_start" else None
        hearing = None
        if spec.hearing_within_hours is not None:
            deadline = hearing_deadline(spec, local)
            assert deadline is not None
            hearing = min(local + dt.timedelta(hours=rng.randint(18, 40)), deadline)
        further = spec.until_further_order and rng.random() < 0.4
        ends_on = None
        if not further and spec.hearing_within_hours is None:
            start = arrested + dt.timedelta(days=1) if arrested else local.date()
            shortest = spec.min_length or 1
            longest = spec.max_length or shortest + (12 if spec.length_unit != "days" else 180)
            ends_on = period_end(start, rng.randint(shortest, max(shortest, longest)), spec.length_unit)
        return MeasureFacts(
            kind=kind, force_id=self.force.pk, force_name=self.force.name, made_at=local,
            authority=Authority.POLICE if police else Authority.COURT, authoriser_rank=rank,
            served_at=local + dt.timedelta(hours=1), hearing_at=hearing, ends_on=ends_on,
            until_further_order=further, arrested_on=arrested,
        )  # fmt: skip

    def _ended_on(self, facts: MeasureFacts) -> dt.date | None:
        if facts.hearing_at is not None:  # a notice ends when its order is heard
            return facts.hearing_at.date() if facts.hearing_at.date() < self.plan.on else None
        return facts.ends_on if facts.ends_on is not None and facts.ends_on < self.plan.on else None

    def _status(self, facts: MeasureFacts) -> MeasureStatus:
        return MeasureStatus.ENDED if self._ended_on(facts) else MeasureStatus.IN_FORCE


def _around(measures: list[Measure], recorder: User, rng: random.Random) -> int:
    """Each measure's protected person, authorisation and events."""
    protected, authorisations, events = [], [], []
    for measure in measures:
        assert measure.made_at is not None
        protected.append(ProtectedPerson(measure=measure, name="Protected person", relationship="Former partner"))
        authorisations.append(Authorisation(
            measure=measure, step=0, authority=Authority.COURT if measure.court else Authority.POLICE,
            name=measure.authorised_by_name, rank=measure.authorised_by_rank, court=measure.court,
            authorised_at=measure.made_at, recorded_by=recorder,
        ))  # fmt: skip
        made = MeasureEvent(
            measure=measure,
            by=recorder,
            at=measure.created_at,
            kind=EventKind.MADE,
            occurred_at=measure.made_at,
            from_status="",
            to_status=MeasureStatus.IN_FORCE,
        )
        events.append(made)
        if measure.served_at:
            events.append(MeasureEvent(measure=measure, by=recorder, at=measure.created_at, kind=EventKind.SERVED,
                                       occurred_at=measure.served_at, from_status=MeasureStatus.IN_FORCE,
                                       to_status=MeasureStatus.IN_FORCE))  # fmt: skip
        if measure.ended_on:
            ended = timezone.make_aware(dt.datetime.combine(measure.ended_on, dt.time(23, 59)))
            events.append(MeasureEvent(measure=measure, by=recorder, at=ended, kind=EventKind.ENDED, occurred_at=ended,
                                       from_status=MeasureStatus.IN_FORCE, to_status=MeasureStatus.ENDED,
                                       reason=measure.end_reason))  # fmt: skip
    ProtectedPerson.objects.bulk_create(protected, batch_size=BATCH)
    Authorisation.objects.bulk_create(authorisations, batch_size=BATCH)
    MeasureEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(protected) + len(authorisations) + len(events)


def breach_outcome(rng: random.Random, reported: dt.datetime) -> dict[str, Any]:
    """A police response, arrest, charge and outcome, in proportions that look like published ones
    (the protection benchmark draws its breaches' outcomes with it too)."""
    roll = rng.random()
    if roll < 0.35:
        arrested = reported + dt.timedelta(seconds=int(rng.expovariate(1 / 72_000)))
        if rng.random() < 0.5:
            outcome = rng.choices([Outcome.CONVICTION, Outcome.ACQUITTAL, Outcome.PENDING], [6, 1, 3])[0]
            charged = timezone.localdate(arrested) + dt.timedelta(days=1)
            return {"response": Response.ARREST, "arrested_at": arrested, "charged_on": charged, "outcome": outcome,
                    "charge": "Breach of a protective order"}  # fmt: skip
        outcome = rng.choices([Outcome.NO_FURTHER_ACTION, Outcome.CAUTION, Outcome.PENDING], [6, 2, 2])[0]
        return {"response": Response.ARREST, "arrested_at": arrested, "outcome": outcome}
    if roll < 0.45:
        return {"response": Response.VOLUNTARY_INTERVIEW}
    if roll < 0.65:
        return {"response": Response.WARNING}
    if roll < 0.75:
        return {"response": Response.NO_ACTION, "no_action_reason": "Victim declined",
                "outcome": Outcome.NO_FURTHER_ACTION}  # fmt: skip
    return {}


def _breaches(measures: list[Measure], recorder: User, rng: random.Random, last: dt.datetime) -> int:
    """0 to 3 reported breaches a measure (1 on average) within 200 days of it, none after today."""
    rows = []
    for measure in measures:
        assert measure.made_at is not None
        for _ in range(rng.choices((0, 1, 2, 3), (4, 3, 2, 1))[0]):
            reported = measure.made_at + dt.timedelta(seconds=rng.randrange(3_600, 200 * 86_400))
            if reported >= last:
                continue
            fields = breach_outcome(rng, reported)
            rows.append(Breach(
                measure=measure, reported_at=reported, reported_by=ReportedBy.VICTIM,
                description="The victim reported contact in breach of the conditions.", recorded_by=recorder,
                created_at=reported, responded_at=reported + dt.timedelta(hours=1) if fields else None, **fields,
            ))  # fmt: skip
    Breach.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


def build(plan: Plan, nation: Nation, advance: Callable[[int], None]) -> dict[str, int]:
    context = {
        "specs": rule_specs(),
        "types": {t.kind: t for t in MeasureType.objects.all()},
        "rules": {(r.measure_type.kind, r.applies_from): r for r in MeasureRule.objects.select_related("measure_type")},
    }
    last = timezone.make_aware(dt.datetime.combine(plan.on, dt.time()))
    totals = {"measures": 0, "breaches": 0, "not provided for": 0}
    for force in plan.forces:
        recorder = nation.forces[force.pk].protection
        measures, refused = _ForceMeasures(plan, force, recorder, context).build()
        rng = plan.rng("protection", "around", force.slug)
        _around(measures, recorder, rng)
        totals["breaches"] += _breaches(measures, recorder, rng, last)
        totals["measures"] += len(measures)
        totals["not provided for"] += refused
        advance(len(measures) + refused)
    return totals


def total(plan: Plan) -> int:
    return sum(plan.measures(force, kind) for force in plan.forces for kind in MEASURES_PER_YEAR)

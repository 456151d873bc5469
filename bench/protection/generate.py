"""A national-scale set of protective measures and breaches, reproducible from a seed.

Sizes a year (brief, section 10): about 37,000 non-molestation orders, several thousand DVPNs and
DVPOs (8,000 and 6,000 here), and, as assumptions, 20,000 pre-charge bail with conditions, 9,000
restraining orders and 1,000 stalking protection orders: 81,000 measures a year, shared between the
43 forces in proportion to their officers. Each measure has 0 to 3 reported breaches (1 on
average), within 200 days of it; those after the last day are not made. A few hundred measures
restrain a register entry who is the subject of a PPDA case. Rows go in with bulk_create in batches.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from oversight.cases.models import Case, Subject
from oversight.organisations.models import Organisation
from oversight.protection.models import Breach, Measure, MeasureRule, MeasureStatus, MeasureType
from oversight.synthetic.protection import breach_outcome
from oversight.workforce.models import Person

PER_YEAR = {
    "nmo": 37_000,
    "dvpn": 8_000,
    "dvpo": 6_000,
    "pre_charge_bail": 20_000,
    "restraining_order": 9_000,
    "spo": 1_000,
}
PPDA_SUBJECTS = 400  # register entries who are subjects of a PPDA case
PPDA_SHARE = 0.003  # of measures, restraining one of them
BATCH = 5_000


@dataclass(frozen=True)
class Plan:
    years: int
    scale: float
    seed: int
    last_day: dt.date

    @property
    def first_day(self) -> dt.date:
        return self.last_day - dt.timedelta(days=365 * self.years - 1)

    def measures(self) -> int:
        return sum(round(n * self.scale) for n in PER_YEAR.values()) * self.years


def _aware(day: dt.date, seconds: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) + dt.timedelta(seconds=seconds)


def _people(forces: list[Organisation], recorder: User, rng: random.Random) -> list[int]:
    """Register entries with a PPDA case each (one per case)."""
    people = Person.objects.bulk_create(
        Person(force=rng.choice(forces), staff_number=f"B{i:05}", name=f"Officer {i}", kind="officer")
        for i in range(PPDA_SUBJECTS)
    )
    cases = Case.objects.bulk_create(
        Case(
            reference=f"BENCH-{i}",
            force=p.force,
            arrival="complaint",
            received_on=dt.date(2024, 1, 1),
            summary="Benchmark",
            opened_by=recorder,
        )
        for i, p in enumerate(people)
    )
    Subject.objects.bulk_create(Subject(case=c, person=p) for c, p in zip(cases, people, strict=True))
    return [p.pk for p in people]


def generate(plan: Plan) -> dict[str, Any]:
    """Replace every measure and breach with a generated set; returns the counts made."""
    rng = random.Random(plan.seed)
    forces = list(Organisation.objects.forces().order_by("slug"))
    weights = [f.officers_approx or 1 for f in forces]
    types = {t.kind: t for t in MeasureType.objects.all()}
    rules = {r.measure_type_id: r for r in MeasureRule.objects.order_by("applies_from")}
    days = (plan.last_day - plan.first_day).days + 1
    with transaction.atomic():
        Breach.objects.all().delete()
        Measure.objects.all().delete()
        Subject.objects.filter(case__reference__startswith="BENCH-").delete()
        Case.objects.filter(reference__startswith="BENCH-").delete()
        Person.objects.filter(staff_number__startswith="B", name__startswith="Officer ").delete()
        recorder, _ = User.objects.get_or_create(username="bench.recorder")
        linked = _people(forces, recorder, rng)
        measures: list[Measure] = []
        for kind, per_year in PER_YEAR.items():
            for number in range(round(per_year * plan.scale) * plan.years):
                person = rng.choice(linked) if rng.random() < PPDA_SHARE else None
                made = _aware(plan.first_day + dt.timedelta(days=rng.randrange(days)), rng.randrange(86_400))
                measures.append(
                    Measure(
                        force=rng.choices(forces, weights)[0],
                        reference=f"{kind}-{number}",
                        measure_type=types[kind],
                        rule=rules[types[kind].pk],
                        status=MeasureStatus.IN_FORCE,
                        restrained_name="R",
                        restrained_person_id=person,
                        made_at=made,
                        recorded_by=recorder,
                        created_at=made,
                    )
                )
        Measure.objects.bulk_create(measures, batch_size=BATCH)
        breaches = 0
        batch: list[Breach] = []
        for measure in measures:
            assert measure.made_at is not None
            for _ in range(rng.choices((0, 1, 2, 3), (4, 3, 2, 1))[0]):
                reported = measure.made_at + dt.timedelta(seconds=rng.randrange(1, 200 * 86_400))
                if timezone.localdate(reported) > plan.last_day:
                    continue
                batch.append(
                    Breach(
                        measure=measure,
                        reported_at=reported,
                        reported_by="victim",
                        description="-",
                        recorded_by=recorder,
                        created_at=reported,
                        **breach_outcome(rng, reported),
                    )
                )
            if len(batch) >= BATCH:
                Breach.objects.bulk_create(batch, ignore_conflicts=True)
                breaches += len(batch)
                batch = []
        Breach.objects.bulk_create(batch, ignore_conflicts=True)
        breaches += len(batch)
    _analyze()
    return {"measures": len(measures), "breaches": Breach.objects.count(), "ppda_subjects": len(linked)}


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

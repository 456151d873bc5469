"""The protection benchmark at a tiny size: the generator makes what it says, and every hand-written
query gives the ORM's answer (on the test database's engine: SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from bench.protection import __main__ as bench
from bench.protection.generate import PER_YEAR, Plan, generate
from oversight.protection import dashboard as d
from oversight.protection.models import Breach, Measure


@pytest.mark.django_db
def test_the_hand_written_queries_answer_as_the_orm_does_on_generated_data() -> None:
    plan = Plan(years=1, scale=0.004, seed=3, last_day=dt.date(2026, 11, 30))
    made = generate(plan)
    assert made["measures"] == Measure.objects.count() == sum(round(n * 0.004) for n in PER_YEAR.values())
    assert made["breaches"] == Breach.objects.count() > 0
    assert Measure.objects.filter(restrained_person__isnull=False).count() <= made["measures"]
    user = bench._viewer()
    period = d.Period(dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    force = Measure.objects.values_list("force_id", flat=True).first()
    for scope in (d.Scope(None, "England and Wales"), d.Scope(frozenset({force}), "one")):
        for name, orm, sql in bench._cases(user, scope, period):
            assert orm() == sql(), name


def test_the_timing_reports_percentiles_and_the_ratio() -> None:
    calls = SimpleNamespace(orm=0, sql=0)

    def orm() -> int:
        calls.orm += 1
        return 1

    def sql() -> int:
        calls.sql += 1
        return 1

    spread, orm_answer, sql_answer = bench._time(orm, sql, 4)
    assert (calls.orm, calls.sql) == (5, 5)  # one warm-up each, then the repeats
    assert orm_answer == sql_answer == 1
    assert set(spread) == {"orm_p50", "orm_p95", "sql_p50", "sql_p95", "ratio"}

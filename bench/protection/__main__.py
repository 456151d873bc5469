"""`python -m bench.protection`: the protection dashboard's aggregates at national scale.

Generates (or reuses, when the database already holds the same plan) a year of measures and
breaches for the 43 forces (--years for more; bench/protection/generate.py: 81,000 measures a year
at --scale 1, and their breaches), then for England and Wales and for the largest force, over the
twelve months to 30 November 2026, times each aggregate of protection/dashboard.py beside the same
aggregate as one hand-written SQL query (bench/protection/handsql.py) on the same database in the
same run, alternating the two, --repeats times after one warm-up each: p50 and p95, and the ratio of the
p50s. Every ORM answer is checked equal to the SQL one. The viewer is a national analyst, who may
see no PPDA case. Database: DATABASE_URL, else var/bench-protection.sqlite3. Prints a table and
writes bench/protection/results.json (one entry per database engine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.django_env import PROJECT_DIR, start, vendor

RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_DATABASE = f"sqlite:///{PROJECT_DIR / 'var' / 'bench-protection.sqlite3'}"
AIM = 1.5  # the ORM within 1.5 times the hand-written query


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.protection", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national yearly numbers")
    parser.add_argument("--years", type=int, default=1, help="years of measures (the dashboard reads twelve months)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the results")
    return parser.parse_args()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _viewer() -> Any:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from oversight.organisations.models import Membership, Organisation, Role

    user, _ = User.objects.get_or_create(username="bench.analyst")
    national = Organisation.objects.national().order_by("pk").first()
    assert national is not None, "the national bodies are loaded by migrations"
    Membership.objects.get_or_create(
        user=user, organisation=national, role=Role.NATIONAL_ANALYST, defaults={"approved_at": timezone.now()}
    )
    return User.objects.get(pk=user.pk)


def _ensure(args: argparse.Namespace) -> dict[str, Any]:
    from bench.protection.generate import Plan, generate
    from oversight.protection.models import Measure

    name = hashlib.sha256(args.database.encode()).hexdigest()[:12]
    marker = PROJECT_DIR / "var" / f"bench-protection-{vendor()}-{name}.json"  # what this database holds
    plan = Plan(years=args.years, scale=args.scale, seed=args.seed, last_day=dt.date(2026, 11, 30))
    wanted = {"years": plan.years, "scale": plan.scale, "seed": plan.seed, "last_day": str(plan.last_day)}
    if not args.regenerate and marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("plan") == wanted and Measure.objects.count() == saved["made"]["measures"]:
            return {**saved, "generated": False}
    started = time.monotonic()
    made = generate(plan)
    result = {"plan": wanted, "made": made, "seconds": round(time.monotonic() - started, 1)}
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(result))
    return {**result, "generated": True}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _time(orm: Callable[[], Any], sql: Callable[[], Any], repeats: int) -> tuple[dict[str, float], Any, Any]:
    """Alternate the two, after a warm-up each; milliseconds."""
    orm_answer, sql_answer = orm(), sql()
    times: dict[str, list[float]] = {"orm": [], "sql": []}
    for _ in range(repeats):
        for name, run in (("orm", orm), ("sql", sql)):
            began = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - began) * 1000)
    spread = {
        f"{name}_{p}": round(_percentile(v, q), 2)
        for name, v in times.items()
        for p, q in (("p50", 0.5), ("p95", 0.95))
    }
    spread["ratio"] = round(spread["orm_p50"] / spread["sql_p50"], 2) if spread["sql_p50"] else 0.0
    return spread, orm_answer, sql_answer


def _cases(user: Any, scope: Any, period: Any) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """(aggregate, the ORM's answer normalised, the SQL's answer): each pair must be equal."""
    from bench.protection import handsql
    from oversight.protection import dashboard as d
    from oversight.protection import plans

    def breaches() -> Any:
        return d.breaches_in(scope, period)

    arrested = d.funnel_by_category(breaches(), user).get(d.GENERAL, d.Counts()).arrested

    def plan_months() -> Any:
        return {
            key: (row["reported"], row["arrested"], row["charged"])
            for key, row in plans._breach_months(scope, period).items()
        }

    return [
        (
            "funnel by category",
            lambda: d.funnel_by_category(breaches(), user),
            lambda: handsql.funnel_by_category(scope, period),
        ),
        (
            "by measure type",
            lambda: {r.key: r.counts for r in d.by_measure_type(breaches()) if r.counts.reported},
            lambda: handsql.by_measure_type(scope, period),
        ),
        (
            "by month",
            lambda: {r.month: r.counts for r in d.by_month(breaches(), user, period) if r.counts.reported},
            lambda: handsql.by_month(scope, period),
        ),
        (
            "by force",
            lambda: {int(r.key): r.counts for r in d.by_force(breaches())},
            lambda: handsql.by_force(scope, period),
        ),
        (
            "median hours to arrest",
            lambda: d.median_hours_to_arrest(breaches(), arrested),
            lambda: handsql.median_hours_to_arrest(scope, period, arrested),
        ),
        ("plan: by force and month", plan_months, lambda: handsql.breach_months(scope, period)),
    ]


def _scope_runs(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.db.models import Count

    from oversight.protection import dashboard as d
    from oversight.protection.models import Breach

    user = _viewer()
    period = d.Period(dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    largest = (
        Breach.objects.values("measure__force_id", "measure__force__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert largest is not None
    scopes = [
        d.Scope(None, "England and Wales"),
        d.Scope(frozenset({largest["measure__force_id"]}), largest["measure__force__name"]),
    ]
    runs = []
    for scope in scopes:
        breaches = d.breaches_in(scope, period).count()
        rows = []
        for name, orm, sql in _cases(user, scope, period):
            spread, orm_answer, sql_answer = _time(orm, sql, args.repeats)
            rows.append({"aggregate": name, "equal": orm_answer == sql_answer, **spread})
        began = time.perf_counter()
        d.dashboard(user, scope, period)
        whole = round((time.perf_counter() - began) * 1000, 1)
        runs.append(
            {"scope": scope.label, "breaches_in_period": breaches, "aggregates": rows, "whole_dashboard_ms": whole}
        )
    return runs


def _print(results: dict[str, Any]) -> None:
    made = results["data"]["made"]
    print(
        f"Protection dashboard on {results['database']}: {made['measures']:,} measures, {made['breaches']:,} breaches "
        f"({results['data']['plan']['years']} year(s)); period {results['period']}; {results['repeats']} repeats"
    )
    header = f"{'scope':<20} {'aggregate':<26} {'ORM p50':>8} {'p95':>8} {'SQL p50':>8} {'p95':>8} {'ratio':>6}  equal"
    print(header)
    for run in results["scopes"]:
        for row in run["aggregates"]:
            print(
                f"{run['scope'][:20]:<20} {row['aggregate']:<26} {row['orm_p50']:>8.1f} {row['orm_p95']:>8.1f} "
                f"{row['sql_p50']:>8.1f} {row['sql_p95']:>8.1f} {row['ratio']:>6.2f}  {'yes' if row['equal'] else 'NO'}"
            )
        print(
            f"{run['scope'][:20]:<20} {'whole dashboard (ORM)':<26} {run['whole_dashboard_ms']:>8.1f}  "
            f"({run['breaches_in_period']:,} breaches in the period)"
        )
    print(f"(milliseconds; ratio = ORM p50 / SQL p50, aim at most {AIM})")


def main() -> None:
    args = _arguments()
    start(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began, load = time.monotonic(), _load()
    data = _ensure(args)
    scopes = _scope_runs(args)
    results = {
        "database": vendor(),
        "date": dt.date.today().isoformat(),
        "load_average_at_start": load,
        "load_average_at_end": _load(),
        "minutes": round((time.monotonic() - began) / 60, 1),
        "period": "2025-12-01 to 2026-11-30",
        "repeats": args.repeats,
        "data": data,
        "scopes": scopes,
    }
    _print(results)
    saved = json.loads(args.results.read_text()) if args.results.exists() else {}
    saved[results["database"]] = results
    args.results.write_text(json.dumps(saved, indent=2, default=str) + "\n", encoding="utf-8")
    if not all(row["equal"] for run in scopes for row in run["aggregates"]):
        raise SystemExit("An ORM answer differs from the hand-written query's")


if __name__ == "__main__":
    main()

"""`python -m bench`: independence checks on a national-scale workforce, against targets and networkx.

Options: --scale (1.0 = about 240,000 people), --seed, --cases (random cases, at least 200),
--lists (candidate listings of a force's 500 eligible investigators), --database (default: the
DATABASE_URL environment variable, else var/bench.sqlite3), --regenerate. The workforce is generated
once and reused while its size matches. The query path runs in a subprocess that does nothing else,
so its peak resident memory is what a web process serving checks would need. Prints a table and
writes bench/results.json (one entry per database engine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.django_env import DEFAULT_DATABASE, PROJECT_DIR, start, vendor

RESULTS = Path(__file__).resolve().parent / "results.json"
INVESTIGATOR_RANKS = ("DC", "DS")


def main() -> None:
    args = _arguments()
    start(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generated = _ensure_workforce(args.scale, args.seed, args.regenerate)
    plan = _sample(random.Random(args.seed), args.cases, args.lists)
    served = _serve(args.database, plan)
    compared = _networkx(plan, served)
    results = _summarise(args, generated, plan, served, compared)
    _print(results)
    _save(results)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--lists", type=int, default=10)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--regenerate", action="store_true", help="Build the workforce again even if it fits")
    return parser.parse_args()


def _ensure_workforce(scale: float, seed: int, regenerate: bool) -> dict[str, Any]:
    from oversight.organisations.models import Organisation
    from oversight.workforce.generator import force_sizes, generate
    from oversight.workforce.models import Person

    forces = list(Organisation.objects.forces().order_by("slug"))
    expected = sum(officers + staff for officers, staff in force_sizes(forces, scale).values())
    # The hierarchy adds a few people above the sizes asked for, so a register within 5% is reused.
    if not regenerate and abs(Person.objects.count() - expected) <= 0.05 * expected:
        return {"generated": False}
    started = time.monotonic()
    summary = generate(forces, scale=scale, seed=seed, replace=True)
    return {"generated": True, "seconds": round(time.monotonic() - started, 1), **vars(summary)}


def _sample(rng: random.Random, cases: int, lists: int) -> dict[str, Any]:
    """Random cases (one or two parties, one candidate investigator) and candidate listings."""
    from oversight.workforce.models import Person

    people: dict[int, list[int]] = {}
    investigators: dict[int, list[int]] = {}
    for force, pk, rank in Person.objects.values_list("force_id", "pk", "rank_or_grade").order_by("pk").iterator():
        people.setdefault(force, []).append(pk)
        if rank in INVESTIGATOR_RANKS:
            investigators.setdefault(force, []).append(pk)
    forces = sorted(investigators)
    weights = [len(people[force]) for force in forces]
    checks = []
    for _ in range(max(cases, 200)):
        force = rng.choices(forces, weights)[0]
        parties = rng.sample(people[force], 2 if rng.random() < 0.3 else 1)
        checks.append({"candidate": rng.choice(investigators[force]), "parties": parties})
    biggest = sorted(forces, key=lambda force: -len(investigators[force]))[:5]
    listings = []
    for _ in range(lists):
        force = rng.choice(biggest)
        parties = rng.sample(people[force], 2 if rng.random() < 0.3 else 1)
        listings.append(
            {"candidates": rng.sample(investigators[force], min(500, len(investigators[force]))), "parties": parties}
        )
    return {"checks": checks, "lists": listings, "people": sum(map(len, people.values()))}


def _serve(database: str, plan: dict[str, Any]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(plan, file)
    try:
        command = [sys.executable, "-m", "bench.serve", database, file.name]
        done = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=True)  # noqa: S603
    finally:
        Path(file.name).unlink()
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _networkx(plan: dict[str, Any], served: dict[str, Any]) -> dict[str, Any]:
    from bench import graph
    from oversight.workforce.models import Person

    started = time.monotonic()
    network = graph.build(dt.date.today())
    built = time.monotonic() - started
    names = {pk: f"{rank} {name}" for pk, rank, name in Person.objects.values_list("pk", "rank_or_grade", "name")}
    check_ms, agree = [], 0
    for case, outcome in zip(plan["checks"], served["outcomes"], strict=True):
        began = time.perf_counter()
        blocked, warned, _ = graph.check(network, names, case["candidate"], case["parties"])
        check_ms.append((time.perf_counter() - began) * 1000)
        agree += [blocked, warned] == outcome[:2]
    list_ms = []
    for listing in plan["lists"]:
        began = time.perf_counter()
        for candidate in listing["candidates"]:
            graph.check(network, names, candidate, listing["parties"])
        list_ms.append((time.perf_counter() - began) * 1000)
    return {
        "connections": network.number_of_edges(),
        "build_seconds": round(built, 1),
        "check_ms": check_ms,
        "list_ms": list_ms,
        "agree": agree,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def _summarise(
    args: argparse.Namespace,
    generated: dict[str, Any],
    plan: dict[str, Any],
    served: dict[str, Any],
    nx: dict[str, Any],
) -> dict[str, Any]:
    return {
        "database": vendor(),
        "date": dt.date.today().isoformat(),
        "scale": args.scale,
        "seed": args.seed,
        "people": plan["people"],
        "connections": nx["connections"],
        "workforce": generated,
        "cases": len(plan["checks"]),
        "check_p50_ms": _percentile(served["check_ms"], 0.5),
        "check_p95_ms": _percentile(served["check_ms"], 0.95),
        "check_max_ms": _percentile(served["check_ms"], 1.0),
        "list_median_ms": round(statistics.median(served["list_ms"]), 1),
        "list_max_ms": round(max(served["list_ms"]), 1),
        "list_size": len(plan["lists"][0]["candidates"]) if plan["lists"] else 0,
        "independent_in_lists": served["independent"],
        "query_process_peak_rss_mb": round(served["peak_rss_mb"], 1),
        "networkx_build_seconds": nx["build_seconds"],
        "networkx_check_p50_ms": _percentile(nx["check_ms"], 0.5),
        "networkx_check_p95_ms": _percentile(nx["check_ms"], 0.95),
        "networkx_list_median_ms": round(statistics.median(nx["list_ms"]), 1),
        "networkx_process_peak_rss_mb": round(nx["peak_rss_mb"], 1),
        "networkx_agrees": f"{nx['agree']}/{len(plan['checks'])}",
    }


def _print(r: dict[str, Any]) -> None:
    rows = [
        ("Measure", "Database queries", "networkx in memory", "Target"),
        (
            f"Independence check with explanation, {r['cases']} cases, p50 / p95",
            f"{r['check_p50_ms']} / {r['check_p95_ms']} ms",
            f"{r['networkx_check_p50_ms']} / {r['networkx_check_p95_ms']} ms",
            "p95 < 50 ms",
        ),
        (
            f"Independent among {r['list_size']} investigators, median / max",
            f"{r['list_median_ms']} / {r['list_max_ms']} ms",
            f"{r['networkx_list_median_ms']} ms (median)",
            "< 1 s",
        ),
        (
            "Peak resident memory of the process",
            f"{r['query_process_peak_rss_mb']} MB",
            f"{r['networkx_process_peak_rss_mb']} MB",
            "< 500 MB",
        ),
        ("Start-up", "none (no graph held)", f"{r['networkx_build_seconds']} s to build the graph", ""),
        ("Blocked/warned outcomes agree", "", r["networkx_agrees"], "all"),
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    print(
        f"\n{r['database']}: {r['people']:,} people, {r['connections']:,} connections (scale {r['scale']}, "
        f"seed {r['seed']}, {r['date']})"
    )
    if r["workforce"].get("generated"):
        print(f"workforce generated in {r['workforce']['seconds']} s")
    for n, row in enumerate(rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("-+-".join("-" * width for width in widths))


def _save(results: dict[str, Any]) -> None:
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[results["database"]] = results
    RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()

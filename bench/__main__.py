"""`python -m bench`: independence checks on a national-scale workforce, by kind of case, at several sizes.

For each size (--sizes, default 0.25, 0.5 and 1.0 of the national workforce; --scale X for one size)
the workforce is generated (ANALYZE included), the in-memory networkx graph is built, and cases are
chosen to make the checks work (bench/sample.py): parties of every rank including chief officers,
the longest management chains and the largest units, pairs of parties; for each party a candidate
directly connected, one within two steps and one not connected. Then, in a subprocess doing nothing
else and opening a new database connection for each (bench/serve.py): the checks with their
explanation, the largest force's whole eligible pool listed against parties of each rank, and the
per-request exclusion (`connected_among`) of a chief constable, a superintendent and a constable
against the subjects of many cases. Every outcome is compared with the networkx re-implementation.

Other options: --seed, --per-kind (parties per kind), --subjects (for the exclusion), --database
(default: the DATABASE_URL environment variable, else var/bench.sqlite3), --regenerate (build the
workforce again even if its size fits). Prints a table per size and the scaling table; writes
bench/results.json (one entry per database engine).
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
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.django_env import DEFAULT_DATABASE, PROJECT_DIR, start, vendor

RESULTS = Path(__file__).resolve().parent / "results.json"
SIZES = (0.25, 0.5, 1.0)


def main() -> None:
    args = _arguments()
    start(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began, load = time.monotonic(), _load()
    runs = []
    for scale in args.sizes:
        runs.append(_measure(args, scale))
        _print_size(runs[-1])
    results = {
        "database": vendor(),
        "date": dt.date.today().isoformat(),
        "seed": args.seed,
        "load_average_at_start": load,
        "load_average_at_end": _load(),
        "minutes": round((time.monotonic() - began) / 60, 1),
        "sizes": runs,
    }
    _print_scaling(results)
    _save(results)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=lambda text: [float(x) for x in text.split(",")], default=list(SIZES))
    parser.add_argument("--scale", type=float, help="one size only (the same as --sizes X)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=20, help="parties of each kind (three checks each)")
    parser.add_argument("--subjects", type=int, default=2000, help="case subjects for the exclusion")
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--regenerate", action="store_true", help="Build the workforce again even if it fits")
    args = parser.parse_args()
    if args.scale is not None:
        args.sizes = [args.scale]
    return args


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _measure(args: argparse.Namespace, scale: float) -> dict[str, Any]:
    from bench import cases as bench_cases
    from bench import graph, sample
    from oversight.workforce.models import ChainLink, Person

    bench_cases.remove()
    generated = _ensure_workforce(scale, args.seed, args.regenerate)
    started = time.monotonic()
    network = graph.build(dt.date.today())
    built = time.monotonic() - started
    names = {
        pk: f"{rank} {name}".strip() for pk, rank, name in Person.objects.values_list("pk", "rank_or_grade", "name")
    }
    world = sample.World(network, names)
    plan = sample.plan(world, random.Random(args.seed), args.per_kind, args.subjects)
    started = time.monotonic()
    plan["exclusion_cases"] = bench_cases.open_for(plan["exclusions"][0]["subjects"], world.met)
    plan["exclusion_cases"]["seconds"] = round(time.monotonic() - started, 1)
    served = _serve(args.database, plan)
    compared = _compare(world, plan, served)
    result = {
        "scale": scale,
        "people": len(world.force),
        "connections": network.number_of_edges(),
        "chain_links": ChainLink.objects.count(),
        "workforce": generated,
        "largest_force": world.met_name,
        "largest_force_pool": len(world.met_pool),
        "largest_unit": max(world.unit_size.values()),
        "longest_chain": max(world.chain_length.values()),
        "networkx_build_seconds": round(built, 1),
        "networkx_process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "query_process_peak_rss_mb": round(served["peak_rss_mb"], 1),
        "query_process_peak_rss_mb_with_full_lists": round(served["peak_rss_mb_with_full_lists"], 1),
        **_summarise(plan, served, compared),
    }
    del network, world
    return result


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


def _serve(database: str, plan: dict[str, Any]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(plan, file)
    try:
        command = [sys.executable, "-m", "bench.serve", database, file.name]
        done = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            raise SystemExit(f"bench.serve failed:\n{done.stderr}")
    finally:
        Path(file.name).unlink()
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _compare(world: Any, plan: dict[str, Any], served: dict[str, Any]) -> dict[str, Any]:
    """The networkx re-implementation's outcome for every check, listed candidate and exclusion."""
    from bench import graph

    checks = []
    for case, outcome in zip(plan["checks"], served["checks"], strict=True):
        blocked, warned, _ = graph.check(world.network, world.names, case["candidate"], case["parties"])
        checks.append([blocked, warned] == outcome["outcome"][:2])
    lists, full = [], []
    for listing, page, outcome in zip(plan["lists"], served["lists"], served["full_lists"], strict=True):
        agree = agree_full = 0
        for candidate, shown, (blocked, warned) in zip(
            listing["candidates"], page["outcomes"], outcome["outcomes"], strict=True
        ):
            expected = graph.check(world.network, world.names, candidate, listing["parties"])[:2]
            agree_full += [blocked, warned] == list(expected)
            agree += [shown[0], shown[1] and not shown[0]] == [expected[0], expected[1] and not expected[0]]
        lists.append(agree)
        full.append(agree_full)
    exclusions = []
    for case, outcome in zip(plan["exclusions"], served["exclusions"], strict=True):
        person, subjects = case["person"], set(case["subjects"])
        connected = (set(world.network.adj[person]) | {person}) & subjects
        subject_of = plan["exclusion_cases"]["subject_of"]
        shut = {int(case) for case, subject in subject_of.items() if subject in connected}
        exclusions.append(connected == set(outcome["found"]) and shut == set(outcome["cases_found"]))
    return {"checks": checks, "lists": lists, "full_lists": full, "exclusions": exclusions}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else 0.0


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": _percentile(values, 0.5),
        "p95_ms": _percentile(values, 0.95),
        "max_ms": _percentile(values, 1.0),
    }


def _summarise(plan: dict[str, Any], served: dict[str, Any], compared: dict[str, Any]) -> dict[str, Any]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_relation: dict[str, list[float]] = defaultdict(list)
    agree_kind: dict[str, int] = defaultdict(int)
    agree_relation: dict[str, int] = defaultdict(int)
    for case, outcome, agrees in zip(plan["checks"], served["checks"], compared["checks"], strict=True):
        by_kind[case["kind"]].append(outcome["ms"])
        by_relation[case["relation"]].append(outcome["ms"])
        agree_kind[case["kind"]] += agrees
        agree_relation[case["relation"]] += agrees
    everything = [outcome["ms"] for outcome in served["checks"]]
    cpu = [outcome["cpu_ms"] for outcome in served["checks"]]
    lists = [
        {
            "party": listing["party_kind"],
            "candidates": len(listing["candidates"]),
            "ms": round(outcome["ms"], 1),
            "cpu_ms": round(outcome["cpu_ms"], 1),
            "blocked": sum(1 for blocked, _ in outcome["outcomes"] if blocked),
            "warned": sum(1 for blocked, warned in outcome["outcomes"] if warned and not blocked),
            "explanation_lines": outcome["lines"],
            "networkx_agrees": agrees,
            "full_ms": round(full["ms"], 1),
            "full_cpu_ms": round(full["cpu_ms"], 1),
            "full_warned": sum(1 for blocked, warned in full["outcomes"] if warned and not blocked),
            "full_blocked_and_warned": sum(1 for blocked, warned in full["outcomes"] if warned and blocked),
            "full_explanation_lines": full["lines"],
            "full_networkx_agrees": full_agrees,
        }
        for listing, outcome, agrees, full, full_agrees in zip(
            plan["lists"], served["lists"], compared["lists"], served["full_lists"], compared["full_lists"], strict=True
        )
    ]
    exclusions: dict[str, dict[str, Any]] = {}
    for case, outcome, agrees in zip(plan["exclusions"], served["exclusions"], compared["exclusions"], strict=True):
        entry = exclusions.setdefault(
            case["person_kind"],
            {"subjects": len(case["subjects"]), "cases": len(plan["exclusion_cases"]["cases"]), "ms": [], "old_ms": []},
        )
        entry["ms"].extend(outcome["ms"])  # each person's exclusion timed bench.serve.REPEATS times
        entry.setdefault("case_ms", []).extend(outcome["case_ms"])
        entry.setdefault("case_cpu", []).extend(outcome["case_cpu_ms"])
        entry.setdefault("standing", []).append(outcome["standing"])
        entry.setdefault("excluded_cases", []).append(len(outcome["cases_found"]))
        entry.setdefault("cpu", []).extend(outcome["cpu_ms"])
        entry["old_ms"].append(outcome["old_ms"])
        entry["networkx_agrees"] = entry.get("networkx_agrees", 0) + agrees
        entry["agrees_with_excluded_people"] = (
            entry.get("agrees_with_excluded_people", 0) + outcome["agrees_with_excluded_people"]
        )
    for entry in exclusions.values():
        entry["case_exclusion"] = _spread(entry.pop("case_ms"))
        entry["case_exclusion_cpu"] = _spread(entry.pop("case_cpu"))
        entry["standing_exclusions"] = f"{min(entry['standing'])}-{max(entry.pop('standing'))}"
        entry["cases_excluded"] = f"{min(entry['excluded_cases'])}-{max(entry.pop('excluded_cases'))}"
        entry["connected_among"] = _spread(entry.pop("ms"))
        entry["connected_among_cpu"] = _spread(entry.pop("cpu"))
        entry["excluded_people_then_filtered"] = _spread(entry.pop("old_ms"))
    return {
        "checks": _spread(everything),
        "checks_cpu": _spread(cpu),
        "check_connect_p50_ms": _percentile([outcome["connect_ms"] for outcome in served["checks"]], 0.5),
        "checks_by_party": {
            kind: {**_spread(times), "networkx_agrees": agree_kind[kind]} for kind, times in by_kind.items()
        },
        "checks_by_relation": {
            relation: {**_spread(times), "networkx_agrees": agree_relation[relation]}
            for relation, times in by_relation.items()
        },
        "networkx_agrees": f"{sum(compared['checks'])}/{len(compared['checks'])}",
        "lists": lists,
        "exclusions": exclusions,
    }


def _table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("-+-".join("-" * width for width in widths))


def _ms(spread: dict[str, float]) -> str:
    return f"{spread['p50_ms']} / {spread['p95_ms']} / {spread['max_ms']} ms"


def _print_size(r: dict[str, Any]) -> None:
    print(
        f"\n== scale {r['scale']}: {r['people']:,} people, {r['connections']:,} connections, "
        f"{r['chain_links']:,} closure rows; at most {r['longest_chain']} people above one person in line "
        f"management, {r['largest_unit']} people in the largest unit"
    )
    if r["workforce"].get("generated"):
        print(f"workforce generated in {r['workforce']['seconds']} s")
    rows: list[tuple[str, ...]] = [("Check with explanation, by party", "checks", "p50 / p95 / max", "networkx agrees")]
    for kind, spread in r["checks_by_party"].items():
        rows.append((kind, str(spread["n"]), _ms(spread), f"{spread['networkx_agrees']}/{spread['n']}"))
    for relation, spread in r["checks_by_relation"].items():
        rows.append(
            (f"candidate: {relation}", str(spread["n"]), _ms(spread), f"{spread['networkx_agrees']}/{spread['n']}")
        )
    rows.append(("all checks (target p95 < 50 ms)", str(r["checks"]["n"]), _ms(r["checks"]), r["networkx_agrees"]))
    rows.append(("all checks, processor time of the process", str(r["checks"]["n"]), _ms(r["checks_cpu"]), ""))
    print(f"new database connection per check (opening it: {r['check_connect_p50_ms']} ms p50, included)")
    _table(rows)
    print(
        f"\n{r['largest_force']}'s whole eligible pool ({r['largest_force_pool']:,} people) listed with explanations, "
        "as the candidate page lists them; then with every blocked candidate's two-step connections too (in full):"
    )
    rows = [
        (
            "Party",
            "time (target < 2 s)",
            "processor",
            "blocked / warned / independent",
            "lines",
            "networkx agrees",
            "in full: time, processor",
            "lines",
            "networkx agrees",
        )
    ]
    for item in r["lists"]:
        independent = item["candidates"] - item["blocked"] - item["warned"]
        rows.append(
            (
                item["party"],
                f"{item['ms']:,} ms",
                f"{item['cpu_ms']:,} ms",
                f"{item['blocked']} / {item['warned']} / {independent}",
                f"{item['explanation_lines']:,}",
                f"{item['networkx_agrees']}/{item['candidates']}",
                f"{item['full_ms']:,} ms, {item['full_cpu_ms']:,} ms",
                f"{item['full_explanation_lines']:,}",
                f"{item['full_networkx_agrees']}/{item['candidates']}",
            )
        )
    _table(rows)
    cases = next(iter(r["exclusions"].values()))["cases"]
    print(
        f"\nPer-request exclusion against the {cases:,} cases of a PSD lead's list (one subject each): as a request "
        "makes it (excluded_from: the person's standing exclusions, then the register asked about the cases left), "
        "then the live check alone about every subject (connected_among: what a request pays where no standing "
        "exclusion answers), and the old path (excluded_people, then filtered)"
    )
    rows = [
        (
            "Person",
            "standing / excluded",
            "request p50 / p95 / max",
            "processor",
            "live check alone",
            "old path",
            "agrees (networkx / old)",
        )
    ]
    for kind, entry in r["exclusions"].items():
        n = entry["excluded_people_then_filtered"]["n"]  # people (their exclusions are timed REPEATS times each)
        rows.append(
            (
                kind,
                f"{entry['standing_exclusions']} / {entry['cases_excluded']}",
                _ms(entry["case_exclusion"]),
                _ms(entry["case_exclusion_cpu"]),
                _ms(entry["connected_among"]),
                _ms(entry["excluded_people_then_filtered"]),
                f"{entry['networkx_agrees']}/{n} / {entry['agrees_with_excluded_people']}/{n}",
            )
        )
    _table(rows)
    print(
        f"\npeak memory of the checking process: {r['query_process_peak_rss_mb']} MB (target < 500 MB), "
        f"{r['query_process_peak_rss_mb_with_full_lists']} MB after the listings in full; networkx process (holding "
        f"the graph): {r['networkx_process_peak_rss_mb']} MB; "
        f"networkx graph built in {r['networkx_build_seconds']} s"
    )


def _print_scaling(results: dict[str, Any]) -> None:
    print(
        f"\n== {results['database']}, {results['date']}, seed {results['seed']}: time per check against the size of "
        f"the workforce (load average {results['load_average_at_start']} at start, "
        f"{results['load_average_at_end']} at end; {results['minutes']} min)"
    )
    rows = [
        (
            "scale",
            "people",
            "check p50 / p95 (processor)",
            "worst party kind p95",
            "largest pool: size, median listing",
            "chief constable's exclusion p95: request / live alone",
            "peak memory",
        )
    ]
    for r in results["sizes"]:
        worst = max(r["checks_by_party"].items(), key=lambda item: item[1]["p95_ms"])
        rows.append(
            (
                str(r["scale"]),
                f"{r['people']:,}",
                f"{r['checks']['p50_ms']} / {r['checks']['p95_ms']} ms "
                f"({r['checks_cpu']['p50_ms']} / {r['checks_cpu']['p95_ms']})",
                f"{worst[1]['p95_ms']} ms ({worst[0]})",
                f"{r['largest_force_pool']:,}, {statistics.median(item['ms'] for item in r['lists']):,.0f} ms",
                f"{r['exclusions']['chief constable']['case_exclusion']['p95_ms']} / "
                f"{r['exclusions']['chief constable']['connected_among']['p95_ms']} ms",
                f"{r['query_process_peak_rss_mb']} MB",
            )
        )
    _table(rows)


def _save(results: dict[str, Any]) -> None:
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[results["database"]] = results
    RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()

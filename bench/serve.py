"""The query path alone, as a web process would run it: time the checks, then report peak resident memory.

Run by `python -m bench` as a subprocess: `python -m bench.serve <database-url> <plan.json>`; prints JSON.
Listings are made as the candidate page makes them (a candidate directly connected is given their
direct connections only), then again with every two-step connection (the rules in full). Every check,
listing and exclusion starts on a new database connection (the timing includes opening
it, reported apart as `connect_ms`), so nothing is warmed by the one before: not the connection's
page cache on SQLite, not a prepared plan on PostgreSQL.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench.django_env import start

T = TypeVar("T")


CPU: dict[str, float] = {"ms": 0.0}
REPEATS = 4  # times each person's exclusion is timed


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """(result, milliseconds in all, milliseconds of them opening the connection). The processor time
    this process spent is left in CPU["ms"]: on a shared machine the wall-clock time also counts the
    time spent waiting for a core (and, on PostgreSQL, the server's work)."""
    from django.db import connection

    connection.close()
    began, cpu = time.perf_counter(), time.process_time()
    connection.ensure_connection()
    opened = time.perf_counter()
    result = work()
    CPU["ms"] = (time.process_time() - cpu) * 1000
    return result, (time.perf_counter() - began) * 1000, (opened - began) * 1000


def run(database: str, plan_file: Path) -> dict[str, Any]:
    start(database)
    from oversight.workforce.connections import (
        check_independence,
        connected_among,
        excluded_people,
        independent_candidates,
    )

    plan = json.loads(plan_file.read_text())
    checks = []
    for case in plan["checks"]:
        candidate, parties = case["candidate"], case["parties"]
        (result, lines), ms, connect = timed(partial(_explained, check_independence, candidate, parties))
        checks.append(
            {
                "ms": ms,
                "cpu_ms": CPU["ms"],
                "connect_ms": connect,
                "outcome": [result.blocked, result.warned, len(lines)],
            }
        )
    lists = [_listing(independent_candidates, listing, two_steps_when_direct=False) for listing in plan["lists"]]
    from oversight.cases.access import excluded_from
    from oversight.cases.models import Exclusion

    case_ids = set(plan["exclusion_cases"]["cases"])
    exclusions = []
    for case in plan["exclusions"]:
        person, subjects = case["person"], case["subjects"]
        # As a case list asks it: the standing exclusions, then the register about the cases left.
        # Timed REPEATS times, each on a new connection: a p95 of 20 requests a kind, not of 5.
        case_times, case_cpus = [], []
        for _ in range(REPEATS):
            shut, case_ms, _ = timed(partial(excluded_from, person, None, case_ids))
            case_times.append(case_ms)
            case_cpus.append(CPU["ms"])
        standing = Exclusion.objects.filter(person_id=person, case_id__in=case_ids).count()
        # The live check alone, about every subject: what a request pays when no standing row answers
        # (a register written since without an import's refresh).
        among_times, among_cpus = [], []
        for _ in range(REPEATS):
            among, ms, _ = timed(partial(connected_among, person, subjects))
            among_times.append(ms)
            among_cpus.append(CPU["ms"])
        everyone, old_ms, _ = timed(partial(excluded_people, [person]))
        exclusions.append(
            {
                "ms": among_times,
                "cpu_ms": among_cpus,
                "case_ms": case_times,
                "case_cpu_ms": case_cpus,
                "standing": standing,
                "cases_found": sorted(shut),
                "old_ms": old_ms,
                "found": sorted(among),
                "agrees_with_excluded_people": among == everyone & set(subjects),
            }
        )
    peak = peak_mb()
    # Last, apart: the same listings with every blocked candidate's two-step connections as well (the
    # rules in full, compared with networkx); no page asks for these, so the peak above leaves them out.
    full = [_listing(independent_candidates, listing, two_steps_when_direct=True) for listing in plan["lists"]]
    return {
        "checks": checks,
        "lists": lists,
        "full_lists": full,
        "exclusions": exclusions,
        "peak_rss_mb": peak,
        "peak_rss_mb_with_full_lists": peak_mb(),
    }


def peak_mb() -> float:
    """This process's peak resident memory. Linux keeps getrusage's maxrss across exec, so a process
    started by one holding the networkx graph would report the graph; the high-water mark of the
    process's own memory (VmHWM) starts again at exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _explained(check: Callable[[int, list[int]], Any], candidate: int, parties: list[int]) -> tuple[Any, list[str]]:
    result = check(candidate, parties)
    return result, result.explain()


def _listing(independent_candidates: Callable[..., Any], listing: dict[str, Any], **options: bool) -> dict[str, Any]:
    """A listing as the candidate page makes it (assignments.candidates): every result explained."""
    results, ms, _ = timed(
        lambda: [(r, r.explain()) for r in independent_candidates(listing["candidates"], listing["parties"], **options)]
    )
    outcomes = [[r.blocked, r.warned] for r, _ in results]
    lines = sum(len(explained) for _, explained in results)
    return {"ms": ms, "cpu_ms": CPU["ms"], "outcomes": outcomes, "lines": lines}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], Path(sys.argv[2]))))

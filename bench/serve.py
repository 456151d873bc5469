"""The query path alone, as a web process would run it: time the checks, then report peak resident memory.

Run by `python -m bench` as a subprocess: `python -m bench.serve <database-url> <cases.json>`; prints JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.django_env import start


def run(database: str, cases_file: Path) -> dict[str, Any]:
    start(database)
    from oversight.workforce.connections import check_independence, independent_candidates

    plan = json.loads(cases_file.read_text())
    for case in plan["checks"][:5]:  # warm the connection and the database's cache
        check_independence(case["candidate"], case["parties"]).explain()
    check_times, outcomes = [], []
    for case in plan["checks"]:
        started = time.perf_counter()
        result = check_independence(case["candidate"], case["parties"])
        explanation = result.explain()
        check_times.append((time.perf_counter() - started) * 1000)
        outcomes.append([result.blocked, result.warned, len(explanation)])
    list_times, independent = [], []
    for listing in plan["lists"]:
        started = time.perf_counter()
        results = independent_candidates(listing["candidates"], listing["parties"])
        list_times.append((time.perf_counter() - started) * 1000)
        independent.append(sum(1 for r in results if not r.blocked and not r.warned))
    return {
        "check_ms": check_times,
        "outcomes": outcomes,
        "list_ms": list_times,
        "independent": independent,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], Path(sys.argv[2]))))

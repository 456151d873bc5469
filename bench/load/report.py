"""The load test's table: per page, from locust's CSV, and /healthz from the poller, side by side."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path
from typing import Any

COLUMNS = ("requests", "failures", "p50_ms", "p95_ms", "p99_ms", "max_ms")


def pages(stats_csv: Path) -> list[dict[str, Any]]:
    """One row per named request of locust's `_stats.csv`, its total last."""
    rows = []
    with stats_csv.open(newline="") as handle:
        for line in csv.DictReader(handle):
            rows.append(
                {
                    "page": line["Name"] if line["Name"] != "Aggregated" else "all pages",
                    "requests": int(line["Request Count"]),
                    "failures": int(line["Failure Count"]),
                    "p50_ms": _number(line["50%"]),
                    "p95_ms": _number(line["95%"]),
                    "p99_ms": _number(line["99%"]),
                    "max_ms": _number(line["Max Response Time"]),
                }
            )
    return sorted(rows, key=lambda row: row["page"] == "all pages")


def _number(text: str) -> float | None:
    return None if text in {"", "N/A"} else round(float(text), 1)


def polled(name: str, answers: list[tuple[float, int, float]]) -> dict[str, Any]:
    """The poller's answers as a row of the table: a failure is anything but 200."""
    times = sorted(ms for _, _, ms in answers)
    row: dict[str, Any] = {"page": name, "requests": len(answers), "failures": sum(s != 200 for _, s, _ in answers)}
    if len(times) >= 2:
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        row |= {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1)}
    row["max_ms"] = round(times[-1], 1) if times else None
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """A fixed-width text table; milliseconds as locust rounds them (two significant figures above 100)."""
    head = f"{'Page':<24} {'Requests':>9} {'Failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = [_cell(row.get(column)) for column in COLUMNS]
        widths = (9, 9, 8, 8, 8, 8)
        lines.append(f"{row['page']:<24} " + " ".join(f"{cell:>{w}}" for cell, w in zip(cells, widths, strict=True)))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def failures_between(history_csv: Path, start: float, end: float) -> dict[str, int]:
    """Requests and failures locust counted from `start` to `end` (Unix seconds), from its history."""
    totals = []
    with history_csv.open(newline="") as handle:
        for line in csv.DictReader(handle):
            if line["Name"] == "Aggregated":
                counts = int(line["Total Request Count"]), int(line["Total Failure Count"])
                totals.append((int(line["Timestamp"]), *counts))
    before = [(r, f) for t, r, f in totals if t <= start] or [(0, 0)]
    upto = [(r, f) for t, r, f in totals if t <= end] or [(0, 0)]
    return {"requests": upto[-1][0] - before[-1][0], "failures": upto[-1][1] - before[-1][1]}

"""`python -m bench.ingest`: how well documents are read into proposed items and actions.

Every document in bench/ingest/sources.json is read as the product reads an upload
(`oversight.lib.documents.read_path`, or the plain text when the reader is not there yet). Reports
go through `extract_report(text, published)`, register entries through `extract_register` (its
entries' items; `extract_report` when there is none) and responses through `extract_response(text)`.
Proposals are matched to the hand-made labels in bench/ingest/labels.json as bench/ingest/scoring.py
describes. Prints precision, recall and F1 per kind, attribute accuracy over matched items
(reference, due date, deadline phrase, urgency, addressees, whole text), action precision, recall
and status accuracy, and pages per second (reading and extraction together, the best of --repeat
passes); lists every miss by document; writes bench/ingest/results.json.

Exit status 1 when the extraction functions cannot be imported.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ingest.scoring import KINDS, Counts, Score, score_actions, score_items

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "documents"
SOURCES = HERE / "sources.json"
LABELS = HERE / "labels.json"
RESULTS = HERE / "results.json"

Reader = Callable[[Path], tuple[str, int]]


def load() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The sources (one per document) and the labels keyed by file name."""
    sources = json.loads(SOURCES.read_text(encoding="utf-8"))["documents"]
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["documents"]
    return sources, labels


def reader() -> tuple[Reader, str]:
    """The product's reader when it is there; the file's own text (one page) when it is not."""
    read_path = getattr(importlib.import_module("oversight.lib.documents"), "read_path", None)
    if read_path is None:

        def plain(path: Path) -> tuple[str, int]:
            return path.read_text(encoding="utf-8"), 1

        return plain, "plain text (oversight.lib.documents.read_path not available)"

    def product(path: Path) -> tuple[str, int]:
        document = read_path(path)
        return document.text, document.pages

    return product, "oversight.lib.documents.read_path"


def extractors() -> tuple[Callable[..., Any], ...] | None:
    """extract_report, extract_response and the register reader (extract_register's items, else extract_report)."""
    # Looked up by name so this runs (and type-checks) before and after the rules land.
    module = importlib.import_module("oversight.lib.extraction")
    extract_report = getattr(module, "extract_report", None)
    extract_response = getattr(module, "extract_response", None)
    if extract_report is None or extract_response is None:
        return None
    extract_register = getattr(module, "extract_register", None)
    if extract_register is None:
        return extract_report, extract_response, extract_report

    def register_items(text: str, published: dt.date | None) -> list[Any]:
        return [entry.item for entry in extract_register(text, published)]

    return extract_report, extract_response, register_items


def plain(value: Any) -> Any:
    """A proposal (dataclass with enums and dates) as the `oversight extract --json` dict."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def run_once(sources: list[dict[str, Any]], read: Reader, extract: tuple[Callable[..., Any], ...]) -> dict[str, Any]:
    """Read and extract every document once: proposals by file, pages and seconds taken."""
    extract_report, extract_response, extract_register = extract
    proposals: dict[str, dict[str, list[dict[str, Any]]]] = {}
    pages = 0
    began = time.perf_counter()
    for source in sources:
        text, count = read(DOCUMENTS / source["file"])
        pages += count
        if source["kind"] == "response":
            proposals[source["file"]] = {"items": [], "actions": [plain(a) for a in extract_response(text)]}
        else:
            # No publication date known: read as the command reads a file without --published.
            published = dt.date.fromisoformat(source["published"]) if source.get("published") else None
            extract_items = extract_register if source["kind"] == "register" else extract_report
            proposals[source["file"]] = {"items": [plain(i) for i in extract_items(text, published)], "actions": []}
    return {"proposals": proposals, "pages": pages, "seconds": time.perf_counter() - began}


def score(sources: list[dict[str, Any]], labels: dict[str, Any], proposals: dict[str, Any]) -> tuple[Score, dict]:
    total = Score()
    per_document = {}
    for source in sources:
        name = source["file"]
        want = labels.get(name, {})
        got = proposals[name]
        result = score_items(got["items"], want.get("items", []))
        result.add(score_actions(got["actions"], want.get("actions", [])))
        total.add(result)
        per_document[name] = result
    return total, per_document


def _rate(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def _row(name: str, counts: Counts) -> str:
    return (
        f"{name:<22} {counts.precision:>9.2f} {counts.recall:>6.2f} {counts.f1:>5.2f}"
        f" {counts.tp:>4} {counts.fp:>4} {counts.fn:>4}"
    )


def table(total: Score, documents: int, pages: int, seconds: float, how: str) -> str:
    lines = [
        f"Document reading benchmark: {documents} documents, {pages} pages; reader: {how}",
        "",
        f"{'':<22} {'precision':>9} {'recall':>6} {'F1':>5} {'TP':>4} {'FP':>4} {'FN':>4}",
    ]
    lines += [_row(kind, total.by_kind[kind]) for kind in KINDS]
    lines.append(_row("all items", total.items))
    lines.append(_row("actions", total.actions))
    lines += ["", "Over matched items and actions:"]
    for name, tally in sorted(total.attributes.items()):
        lines.append(f"  {name:<20} {_rate(tally.rate):>5}  ({tally.right}/{tally.total})")
    lines += ["", f"Pages per second (reading and extraction): {pages / seconds:,.1f}  ({seconds * 1000:.1f} ms)"]
    return "\n".join(lines)


def misses_text(per_document: dict[str, Score]) -> str:
    lines = []
    for name, result in per_document.items():
        for miss in result.misses:
            text = miss.text if len(miss.text) <= 110 else miss.text[:107] + "..."
            lines.append(f"  {name}: [{miss.kind}] {miss.why}: {text}")
    return "\n".join(["Misses by document:", *lines]) if lines else "Misses by document: none"


def results_json(total: Score, per_document: dict[str, Score], pages: int, seconds: float, how: str) -> dict:
    def counts(c: Counts) -> dict[str, Any]:
        return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                "tp": c.tp, "fp": c.fp, "fn": c.fn}  # fmt: skip

    return {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reader": how,
        "documents": len(per_document),
        "pages": pages,
        "pages_per_second": round(pages / seconds, 1),
        "by_kind": {kind: counts(total.by_kind[kind]) for kind in KINDS},
        "items": counts(total.items),
        "actions": counts(total.actions),
        "attributes": {
            name: {"right": t.right, "total": t.total, "rate": t.rate} for name, t in total.attributes.items()
        },
        "misses": {name: [dataclasses.asdict(m) for m in result.misses] for name, result in per_document.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the set for the speed figure")
    parser.add_argument("--quiet", action="store_true", help="leave out the list of misses")
    args = parser.parse_args()
    sources, labels = load()
    read, how = reader()
    extract = extractors()
    if extract is None:
        message = "extraction not available: oversight.lib.extraction has no extract_report/extract_response"
        print(message, file=sys.stderr)
        sys.exit(1)
    runs = [run_once(sources, read, extract) for _ in range(max(1, args.repeat))]
    fastest = min(runs, key=lambda run: run["seconds"])
    total, per_document = score(sources, labels, runs[0]["proposals"])
    print(table(total, len(sources), fastest["pages"], fastest["seconds"], how))
    if not args.quiet:
        print()
        print(misses_text(per_document))
    RESULTS.write_text(
        json.dumps(results_json(total, per_document, fastest["pages"], fastest["seconds"], how), indent=2) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

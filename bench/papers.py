"""`python -m bench.papers`: how long a force's committee paper takes as a page, a PDF and a DOCX.

Loads the demo into its own database (var/bench-papers.sqlite3 unless --database is given), then
renders every meeting's paper --runs times and prints the median and worst time of each step, and
the median processor time of this process (on a shared machine the wall-clock time includes waiting
for a core). The target for the PDF is under one second for a force's paper. Not a test: timings
vary by machine and with what else runs on it.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable

from bench.django_env import PROJECT_DIR, start

DEFAULT_DATABASE = f"sqlite:///{PROJECT_DIR / 'var' / 'bench-papers.sqlite3'}"
PDF_TARGET_SECONDS = 1.0


def _timed(step: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and processor times of each run."""
    times, processor = [], []
    for _ in range(runs):
        started, started_processor = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - started)
        processor.append(time.process_time() - started_processor)
    return times, processor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress log is not the table
    start(args.database)
    from django.core.management import call_command

    from oversight.recommendations import rendering
    from oversight.recommendations.models import CommitteeMeeting
    from oversight.recommendations.papers import build_paper

    call_command("migrate", verbosity=0)
    if not CommitteeMeeting.objects.exists():
        call_command("load_demo", verbosity=0)
    print(f"{'Meeting':<48} {'Step':<6} {'median s':>9} {'worst s':>9} {'cpu s':>7}  target")
    for meeting in CommitteeMeeting.objects.select_related("committee").order_by("held_on"):
        paper = build_paper(meeting)
        steps: dict[str, Callable[[], object]] = {
            "build": lambda meeting=meeting: build_paper(meeting),  # type: ignore[misc]
            "pdf": lambda paper=paper: rendering.paper_pdf(paper),  # type: ignore[misc]
            "docx": lambda paper=paper: rendering.paper_docx(paper),  # type: ignore[misc]
        }
        rendering.paper_pdf(paper)  # the first render loads fonts: not what a reader waits for
        for name, step in steps.items():
            times, processor = _timed(step, args.runs)
            target = ("met" if max(times) < PDF_TARGET_SECONDS else "MISSED") if name == "pdf" else ""
            print(
                f"{str(meeting)[:48]:<48} {name:<6} {statistics.median(times):>9.3f} {max(times):>9.3f} "
                f"{statistics.median(processor):>7.3f}  {target}"
            )


if __name__ == "__main__":
    main()

"""`oversight jobs sweep [--today YYYY-MM-DD]`: run the daily jobs' owed and due days here and now (the
workers do this by themselves; this is for a scheduler or a person). `oversight jobs status`: each job's
latest finished day and its runs waiting, retrying or failed. A malformed `--today` exits with status 2;
a sweep in which a run failed exits with status 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.jobs.health import job_lines
from oversight.jobs.models import RunStatus
from oversight.jobs.sweep import run_sweep, sweep_day
from oversight.lib.commandline import day_option


class Command(BaseCommand):
    help = "Daily jobs: `sweep` runs what is owed and due; `status` shows where each job stands."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        sweep = actions.add_parser("sweep", help="Run each daily job for the days it owes, up to today")
        sweep.add_argument("--today", type=str, default=None, help="The day to sweep up to (YYYY-MM-DD)")
        actions.add_parser("status", help="Each daily job's latest finished day and its unfinished or failed runs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self._status()
            return
        today = day_option(options["today"]) if options["today"] else sweep_day()
        report = run_sweep(today)
        for name, day, result in report.done:
            self.stdout.write(f"{name} for {day:%Y-%m-%d}: done ({result})")
        for name, day, status, summary in report.failed:
            outcome = "failed for good" if status == RunStatus.FAILED else "failed, to be tried again"
            self.stderr.write(f"{name} for {day:%Y-%m-%d}: {outcome}: {summary}")
        self.stdout.write(f"Swept up to {today:%-d %B %Y}: {len(report.done)} done, {len(report.failed)} failed.")
        if report.failed:
            raise CommandError("A daily job failed: see `oversight jobs status`.", returncode=1)

    def _status(self) -> None:
        for line in job_lines():
            last = f"last done {line.last_done:%Y-%m-%d}" if line.last_done else "never done"
            self.stdout.write(f"{line.name}: {last}; {line.unfinished} waiting or retrying; {line.failed} failed")

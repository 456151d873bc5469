"""`oversight worker`: django-tasks' `db_worker` (same options), which also queues the daily sweep when
one is due (`oversight.jobs.worker`): at start, then every `--tick` seconds. Run this instead of
`db_worker`; `make run` starts one beside the web server."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval

from oversight.jobs import rules
from oversight.jobs.worker import Ticker, tick


class Command(DbWorkerCommand):
    help = "Run background jobs from the database queue, and queue the daily sweep when one is due"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--tick",
            type=valid_interval,
            default=rules.TICK_SECONDS,
            help="Seconds between looks whether a daily sweep is due (default: %(default)r)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options.pop("tick")
        # With --reload the jobs run in a child process the reloader starts: only that one ticks.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            tick()  # at once, so a day missed while no worker ran is caught up on start
            if not options["batch"]:
                Ticker(seconds).start()
        super().handle(*args, **options)

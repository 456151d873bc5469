"""`oversight returns remind [--today YYYY-MM-DD]`: queue a day's return reminders by hand (the daily
sweep sends them each morning, `oversight.jobs`). Running it twice on one day sends nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.lib.commandline import day_option
from oversight.returns.tasks import send_return_reminders


class Command(BaseCommand):
    help = "National returns: `remind` queues the reminders due today for returns not yet submitted."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        remind = actions.add_parser("remind", help="Queue today's reminders before and after each deadline")
        remind.add_argument("--today", type=str, default=None, help="The day to remind as of (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = day_option(options["today"]) if options["today"] else timezone.localdate()
        result = send_return_reminders.enqueue(today.isoformat())
        self.stdout.write(f"Reminders for {today:%-d %B %Y} queued (job {result.id}).")

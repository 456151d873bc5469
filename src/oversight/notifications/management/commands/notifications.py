"""`oversight notifications sweep|digest|retry [--date YYYY-MM-DD]`: the daily sweep of due dates,
the daily digest emails, and sending emails whose retry is due. Each runs in this process (the job
scheduler calls the same functions); running one twice for a day tells nobody twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.lib.commandline import day_option
from oversight.notifications import delivery, digest, sweep


class Command(BaseCommand):
    help = "Notifications: `sweep` (due dates), `digest` (daily emails), `retry` (emails not yet sent)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        for name, helptext in (
            ("sweep", "Notify reviews, due dates, 56-day responses and case dates coming and passed"),
            ("digest", "Queue each person's daily digest email"),
        ):
            action = actions.add_parser(name, help=helptext)
            action.add_argument("--date", type=str, default=None, help="The day (YYYY-MM-DD); today by default")
        actions.add_parser("retry", help="Send every email whose next attempt is due")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "retry":
            self.stdout.write(f"{delivery.retry_due()} email(s) sent.")
            return
        day = day_option(options["date"], "--date") if options["date"] else timezone.localdate()
        if options["action"] == "sweep":
            self.stdout.write(f"Sweep for {day:%-d %B %Y}: {sweep.run(day)} notification(s) written.")
        else:
            self.stdout.write(f"Digest for {day:%-d %B %Y}: {digest.send(day)} email(s) queued.")

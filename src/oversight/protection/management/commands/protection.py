"""`oversight protection remind`: queue today's worklist reminders (a scheduler runs it daily; the
worker sends them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.protection.tasks import send_worklist_reminders


class Command(BaseCommand):
    help = "Protective measures: `remind` queues an email to each recorder with items on their worklist."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        actions.add_parser("remind", help="Queue the worklist reminders")

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_worklist_reminders.enqueue(timezone.now().isoformat())
        self.stdout.write(f"Worklist reminders queued (job {result.id}).")

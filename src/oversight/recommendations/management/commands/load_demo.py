"""`oversight load_demo`: load the demo once (later runs change nothing) and print the demo logins."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from oversight.recommendations import demo


class Command(BaseCommand):
    help = "Load the demo data unless it is already loaded, then print a login for each role."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("The demo logins share a published password: the demo is never loaded in production.")
        if demo.is_loaded():
            self.stdout.write("Demo data is already loaded: nothing changed.")
        else:
            demo.load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(demo.logins_table())

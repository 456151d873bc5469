"""`oversight load_demo`: load each demo in settings.DEMO_LOADERS once (later runs change nothing),
all in one transaction, then print one table of every demo login."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oversight.organisations.demo import logins_table


def loaders() -> list[ModuleType]:
    """The demo modules, in the order settings.DEMO_LOADERS names them."""
    return [importlib.import_module(name) for name in settings.DEMO_LOADERS]


class Command(BaseCommand):
    help = "Load the demo data unless it is already loaded, then print a login for each role."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("The demo logins share a published password: the demo is never loaded in production.")
        modules = loaders()
        with transaction.atomic():
            missing = [module for module in modules if not module.is_loaded()]
            for module in missing:
                module.load()
        if missing:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data is already loaded: nothing changed.")
        self.stdout.write(logins_table([login for module in modules for login in module.logins()]))

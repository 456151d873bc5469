"""`oversight refresh_exclusions`: record the standing exclusions of every live case from the register as it is.

Imports do this by themselves (workforce.signals.register_changed); run it after loading cases from
elsewhere, or after upgrading from a release without standing exclusions. It only ever adds.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from oversight.cases.models import Case
from oversight.cases.services import record_exclusions


class Command(BaseCommand):
    help = "Record standing exclusions for every live PPDA case (adds, never lifts)."

    def handle(self, *args: Any, **options: Any) -> None:
        live = list(Case.objects.live().values_list("pk", flat=True))
        with transaction.atomic():
            added = record_exclusions(live)
        self.stdout.write(f"{added:,} exclusions added across {len(live):,} live cases.")

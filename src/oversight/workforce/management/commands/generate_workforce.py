"""`oversight generate-workforce [--scale 0.02] [--seed 1] [--forces slug,...] [--replace]`: a synthetic register.

Also available as `oversight generate_workforce`: Django names commands after their module, and
`generate-workforce.py` beside this file re-exports the same command.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oversight.organisations.models import Organisation
from oversight.workforce.generator import generate


class Command(BaseCommand):
    help = "Generate a realistic synthetic workforce (people, units, postings, line management, associations)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", type=float, default=0.02, help="Fraction of national size (1.0 = about 240,000)")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, scale and date give the same register")
        parser.add_argument("--forces", default="", help="Comma-separated force slugs (default: all 43 forces)")
        parser.add_argument("--replace", action="store_true", help="Delete the forces' existing registers first")

    def handle(self, *args: Any, scale: float, seed: int, forces: str, replace: bool, **options: Any) -> None:
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")
        chosen = self._forces(forces)
        started = time.monotonic()
        try:
            summary = generate(chosen, scale=scale, seed=seed, replace=replace)
        except ValueError as error:
            raise CommandError(f"{error}; use --replace to build it again.") from error
        counts = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in vars(summary).items())
        self.stdout.write(f"{len(chosen)} forces: {counts} in {time.monotonic() - started:.1f} s")

    def _forces(self, slugs: str) -> list[Organisation]:
        forces = Organisation.objects.forces().order_by("slug")
        if not slugs:
            return list(forces)
        wanted = [slug.strip() for slug in slugs.split(",") if slug.strip()]
        found = list(forces.filter(slug__in=wanted))
        unknown = set(wanted) - {force.slug for force in found}
        if unknown:
            raise CommandError(f"No force with slug: {', '.join(sorted(unknown))}")
        return found

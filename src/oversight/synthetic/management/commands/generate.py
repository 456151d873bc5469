"""`oversight generate [--seed N] [--scale X] [--on YYYY-MM-DD] [--only PARTS] [--force] [--password P]`:
a whole England and Wales, reproducible from the seed (see the README, "National-scale data").

Refuses a database that holds anything beyond reference data unless --force, which deletes it all
first. Each part shows a progress bar on stderr (a bar on a terminal, plain lines otherwise) and its
time; the logins are printed at the end with their password (given, from OVERSIGHT_GENERATE_PASSWORD,
or generated: never the demo's).
"""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.synthetic import nation
from oversight.synthetic.checksum import database_checksum
from oversight.synthetic.people import PASSWORD_ENV, Nation, choose_password, short_name
from oversight.synthetic.plan import Part, Plan


class Command(BaseCommand):
    help = "Generate a whole England and Wales: workforces, registers, PPDA cases, measures, a national return."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="The same seed, scale and day give the same data")
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is national size (about 240,000 people)")
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="The day taken as today")
        parser.add_argument("--only", default="", help=f"Comma-separated parts: {', '.join(Part)} (default: all)")
        parser.add_argument(
            "--force", action="store_true", help="Delete everything in the database first (reference data is kept)"
        )
        parser.add_argument("--password", default=None, help=f"The logins' password (else ${PASSWORD_ENV}, else made)")
        parser.add_argument("--checksum", action="store_true", help="Print a checksum of the database at the end")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = self._plan(options)
        try:
            password, generated = choose_password(options["password"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self._check_database(force=options["force"])
        self.stdout.write(
            f"Generating {', '.join(plan.parts)} for {len(plan.forces)} forces at scale {plan.scale} "
            f"(seed {plan.seed}, as on {plan.on:%-d %B %Y}, {connection.vendor})."
        )
        bars: TextIO = getattr(self.stderr, "_out", sys.stderr)  # raw: Django's wrapper ends each write with a newline
        outcome = nation.build(plan, password, bars, tty=bars.isatty())
        nation.analyse()
        for part, written in outcome.written.items():
            self.stdout.write(f"  {part}: " + ", ".join(f"{value:,} {name}" for name, value in written.items()))
        self.stdout.write("Time: " + nation.timed(outcome.seconds))
        if outcome.nation is not None and outcome.nation.forces:
            self.stdout.write(_logins(outcome.nation, password, generated))
        if options["checksum"]:
            self.stdout.write(f"Checksum: {database_checksum()}")

    def _plan(self, options: dict[str, Any]) -> Plan:
        scale = options["scale"]
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")
        chosen = [name.strip() for name in options["only"].split(",") if name.strip()]
        unknown = sorted(set(chosen) - set(Part))
        if unknown:
            raise CommandError(f"Unknown parts: {', '.join(unknown)}. The parts are: {', '.join(Part)}.")
        parts = tuple(part for part in Part if not chosen or part in chosen)
        if missing := nation.missing_needs(parts):
            raise CommandError("Choose the parts each needs as well: " + "; ".join(missing) + ".")
        on = options["on"] or timezone.localdate()
        if on > timezone.localdate():
            raise CommandError("--on cannot be in the future.")
        forces = tuple(Organisation.objects.forces().order_by("slug"))
        if not forces:
            raise CommandError("No forces: run `oversight migrate` first (it writes the 43 forces).")
        return Plan(seed=options["seed"], scale=scale, on=on, parts=parts, forces=forces)

    def _check_database(self, *, force: bool) -> None:
        held = nation.content_counts()
        if not held:
            return
        described = ", ".join(f"{count:,} {label}" for label, count in held.items())
        if not force:
            raise CommandError(
                f"This database already holds data ({described}). `oversight generate` builds a nation only on "
                "a database with nothing but reference data. Use --force to delete everything in it first "
                "(the organisations and statutory rules are kept); nothing has been changed."
            )
        self.stdout.write(self.style.WARNING(f"--force: deleting {described} and everything else first."))
        nation.wipe()


def _logins(built: Nation, password: str, generated: bool) -> str:
    """Who can sign in: the national logins, and each force's by its prefix (one force as the example)."""
    example = next(iter(built.forces.values()))
    prefix = short_name(example.force)
    lines: list[str | None] = [
        "",
        "Logins (every one has the same password):  " + password,
        "(Generated for this run: keep it, it is not stored anywhere else.)" if generated else None,
        "",
        "  National: "
        + ", ".join(u.username for u in built.administrators)
        + " (system administrators), "
        + (built.analyst.username if built.analyst else "")
        + " (APCC national analyst), "
        + ", ".join(sorted({u.username for u in built.hmicfrs.values()}))
        + " (HMICFRS force liaison leads by region)",
        f"  Each force, by its prefix ({prefix} for {example.force.name}; the force's slug without "
        "'-police', '-constabulary' or '-police-service'):",
        f"    {prefix}.liaison (liaison officer), {prefix}.owner1 to .owner4 (recommendation owners), "
        f"{prefix}.jac (audit committee member), {prefix}.opcc (OPCC officer of its governing body),",
        f"    {prefix}.psd.lead (PSD lead), {prefix}.psd.handler1 and .psd.handler2 (case handlers), {prefix}.aa "
        f"(appropriate authority), {prefix}.investigator, {prefix}.spoc, {prefix}.protection (protection team)",
        "",
    ]
    return "\n".join(line for line in lines if line is not None)

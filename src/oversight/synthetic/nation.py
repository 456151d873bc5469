"""Build the nation part by part, each in one transaction with its progress bar and its time.

Only on a database with nothing but reference data (the organisations and statutory rules the data
migrations write); `wipe` empties one first, keeping those, for `--force`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, models, transaction

from oversight.cases.models import Case
from oversight.organisations.models import GoverningBodyTerm, Organisation
from oversight.organisations.reference import load_reference_organisations
from oversight.protection.models import ExtensionStep, Measure, MeasureRule, MeasureType, RuleArea
from oversight.protection.statute import load_rules
from oversight.recommendations.models import Report, TrackingRecord
from oversight.returns.models import ReturnRequest
from oversight.workforce.generator import generate as generate_workforce
from oversight.workforce.models import Person

from . import cases, protection, register, returns
from .people import Nation, create_people
from .plan import Part, Plan
from .progress import Progress

# What shows a database is in use: any of these rows (reference data has none of them).
CONTENT: tuple[tuple[type[models.Model], str], ...] = (
    (User, "logins"),
    (Person, "workforce register entries"),
    (Report, "reports"),
    (TrackingRecord, "tracking records"),
    (Case, "PPDA cases"),
    (Measure, "protective measures"),
    (ReturnRequest, "national return requests"),
)
NEEDS: dict[Part, tuple[Part, ...]] = {
    Part.WORKFORCE: (),
    Part.PEOPLE: (Part.WORKFORCE,),
    Part.REGISTER: (Part.PEOPLE,),
    Part.CASES: (Part.PEOPLE,),
    Part.PROTECTION: (Part.PEOPLE,),
    Part.RETURNS: (Part.PEOPLE, Part.REGISTER),
}


def content_counts() -> dict[str, int]:
    """What the database holds beyond reference data, by kind (empty when there is none)."""
    counts = {label: model._default_manager.count() for model, label in CONTENT}
    return {label: count for label, count in counts.items() if count}


def missing_needs(parts: tuple[Part, ...]) -> list[str]:
    """Each chosen part whose prerequisite is not chosen, in words."""
    return [f"{part} needs {need}" for part in parts for need in NEEDS[part] if need not in parts]


def wipe() -> None:
    """Delete every row, then put back what the data migrations wrote (organisations, statutory rules)."""
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        load_reference_organisations(Organisation, GoverningBodyTerm)
        load_rules(MeasureType, MeasureRule, RuleArea, ExtensionStep, Organisation)


@dataclass
class Outcome:
    """What each part wrote and how long it took."""

    seconds: dict[str, float] = field(default_factory=dict)
    written: dict[str, dict[str, Any]] = field(default_factory=dict)
    nation: Nation | None = None


def build(plan: Plan, password: str, stream: TextIO, tty: bool | None = None) -> Outcome:
    outcome, nation = Outcome(), Nation()
    for part in plan.parts:
        progress = Progress(stream, str(part), _total(plan, part), tty=tty)
        with transaction.atomic():
            outcome.written[part] = _run(part, plan, password, nation, progress.advance)
        outcome.seconds[part] = progress.finish()
    outcome.nation = nation
    return outcome


def _run(part: Part, plan: Plan, password: str, nation: Nation, advance: Callable[[int], None]) -> dict[str, Any]:
    if part == Part.WORKFORCE:
        summary = generate_workforce(
            plan.forces, scale=plan.scale, seed=plan.seed, on=plan.on, after_force=lambda *_: advance(1)
        )
        return dict(vars(summary))
    if part == Part.PEOPLE:
        made = create_people(plan, password, advance)
        nation.forces, nation.hmicfrs = made.forces, made.hmicfrs
        nation.analyst, nation.administrators = made.analyst, made.administrators
        return {"logins": User.objects.count()}
    builders = {Part.REGISTER: register.build, Part.CASES: cases.build, Part.PROTECTION: protection.build,
                Part.RETURNS: returns.build}  # fmt: skip
    result: dict[str, Any] = builders[part](plan, nation, advance)
    return result


def _total(plan: Plan, part: Part) -> int:
    if part == Part.CASES:
        return sum(plan.ppda_cases(force) for force in plan.forces)
    if part == Part.PROTECTION:
        return protection.total(plan)
    if part == Part.RETURNS:
        return Organisation.objects.filter(kind="governing_body", is_active=True).count()
    return len(plan.forces)


def timed(seconds: dict[str, float]) -> str:
    total = sum(seconds.values())
    parts = ", ".join(f"{part} {value:.1f} s" for part, value in seconds.items())
    return f"{parts}; {total:.1f} s in all ({time.strftime('%H:%M:%S')})"


def analyse() -> None:
    """Refresh the planner's statistics after the bulk load (PostgreSQL would otherwise guess, badly)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 2000")
        cursor.execute("ANALYZE")

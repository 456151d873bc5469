"""What `oversight generate` builds and how much of it: the seed, the scale, the day it is "today",
each force's share, and the sizes with their sources.

Everything random is drawn from a `random.Random` named by the seed and what it is for (the part and
the force), so a part gives the same rows whatever ran before it, and the same seed, scale and day
give the same nation.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from enum import StrEnum

from oversight.organisations.models import Organisation

# PPDA allegations: "about 360 a year nationally (2018-2021)" (brief, section 5, from the
# super-complaint report); five years of them.
PPDA_PER_YEAR = 360
PPDA_YEARS = 5
PPDA_MIN_PER_FORCE = 2  # even the smallest force at the smallest scale has a live and a closed case

# A register holds "50 to 250 live inspection items per force" (brief, section 10): about 150
# here at scale 0.5 and above; below it shrinks with the scale, never under a tenth of that.
REGISTER_ITEMS = 150
REGISTER_FLOOR = 0.1

# Protective measures made in a year (bench/protection/generate.py gives the sources): one year.
MEASURES_PER_YEAR = {
    "nmo": 37_000,
    "dvpn": 8_000,
    "dvpo": 6_000,
    "pre_charge_bail": 20_000,
    "restraining_order": 9_000,
    "spo": 1_000,
}


class Part(StrEnum):
    """The parts, in the order they are built (each needs those before it)."""

    WORKFORCE = "workforce"
    PEOPLE = "people"
    REGISTER = "register"
    CASES = "cases"
    PROTECTION = "protection"
    RETURNS = "returns"


@dataclass(frozen=True)
class Plan:
    seed: int
    scale: float
    on: dt.date
    parts: tuple[Part, ...] = tuple(Part)
    forces: tuple[Organisation, ...] = field(default_factory=tuple)

    def rng(self, *names: object) -> random.Random:
        """A generator of its own for each purpose: `plan.rng("cases", force.slug)`."""
        return random.Random(":".join([str(self.seed), *(str(name) for name in names)]))  # noqa: S311

    @property
    def register_share(self) -> float:
        return min(1.0, max(REGISTER_FLOOR, self.scale * 2))

    def weight(self, force: Organisation) -> float:
        """The force's share of the nation, by officers (forces.csv)."""
        total = sum(f.officers_approx or 0 for f in self.forces) or 1
        return (force.officers_approx or 0) / total

    def ppda_cases(self, force: Organisation) -> int:
        national = PPDA_PER_YEAR * PPDA_YEARS * self.scale
        return max(PPDA_MIN_PER_FORCE, round(national * self.weight(force)))

    def measures(self, force: Organisation, kind: str) -> int:
        return round(MEASURES_PER_YEAR[kind] * self.scale * self.weight(force))

    def days_ago(self, days: int) -> dt.date:
        return self.on - dt.timedelta(days=days)

"""A synthetic workforce for demos and benchmarks, sized from `forces.csv`, reproducible from a seed.

At scale 1.0 the 43 forces hold about 240,000 people: officers in proportion to each force's
`officers_approx`, staff making up the national balance. Each force gets areas, teams led by a
sergeant (or a staff supervisor) under a rank hierarchy up to the chief constable, postings going
back over careers, line management for the current and recent postings, a few declared
associations and some shared previous cases. Rows are written in bulk (COPY on PostgreSQL,
batched executemany on SQLite) with ids assigned here, so national scale takes minutes. The
line-management closure (`ChainLink`, see chains.py) of each force is computed from the rows in
memory and written with them, since raw writes do not pass through the model's bulk methods.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, models, transaction

from oversight.organisations.models import Organisation

from . import chains
from .models import Association as AssociationModel
from .models import AssociationKind, CaseInvolvement, ChainLink, LineManagement, Person, Posting, Unit

NATIONAL_PEOPLE = 240_000  # officers and staff in England and Wales, roughly (issue 3)
TEAM_MEMBERS = 7  # people a sergeant or staff supervisor leads
YEAR = 365.25

# Officer ranks above constable, each with how many of the rank below one of them manages.
OFFICER_SPANS = [("Sgt", TEAM_MEMBERS), ("Insp", 5), ("Ch Insp", 4), ("Supt", 3), ("Ch Supt", 3), ("ACC", 4)]
STAFF_SPANS = [("Supervisor", TEAM_MEMBERS), ("Manager", 5), ("Head of Department", 4), ("Director", 5)]
CHIEF_OFFICERS = ["DCC", "CC"]

# Kinds of team, their share of teams, and whether they belong to an area (else force-wide).
OFFICER_TEAMS = [
    ("Response Team", 0.50, True),
    ("Neighbourhood Team", 0.20, True),
    ("CID Team", 0.12, True),
    ("Public Protection Team", 0.10, True),
    ("Roads Policing Team", 0.04, False),
    ("Firearms Team", 0.04, False),
]
STAFF_TEAMS = [
    ("Contact Centre Team", 0.30, False),
    ("PCSO Team", 0.20, True),
    ("Custody Detention Team", 0.10, True),
    ("Investigation Support Team", 0.10, True),
    ("Corporate Services Team", 0.20, False),
    ("Forensic Services Team", 0.10, False),
]
OFFICER_TEAM_KINDS = {name for name, _, _ in OFFICER_TEAMS}
DETECTIVE_TEAMS = {"CID Team", "Public Protection Team"}
VULNERABLE_TEAMS = {"Public Protection Team", "PCSO Team", "Neighbourhood Team"}

AREAS = {
    "west-midlands-police": [
        "Birmingham East",
        "Birmingham West",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    ],
}
GENERIC_AREAS = ["North", "South", "East", "West", "Central", "North East", "North West", "South East", "South West"]
FIRST_NAMES = (
    "Aisha Amir Amy Ben Bilal Chloe Chris Dan Deepa Ella Emma Fatima Gary Grace Hannah Harry Imran Jack Jade "
    "James Jas Kate Kieran Laura Leah Liam Lucy Mark Megan Mo Nadia Neil Olivia Omar Paul Priya Rachel Raj "
    "Rebecca Rob Ruth Sam Sara Sean Sophie Tom Tariq Usman Vicky Will Yasmin Zoe"
)
SURNAMES = (
    "Ahmed Ali Allen Bailey Baker Begum Bell Brown Campbell Carter Clarke Cooper Davies Edwards Evans Green "
    "Griffiths Hall Harris Hughes Hussain Jackson James Johnson Jones Kaur Khan King Lee Lewis Martin Mistry "
    "Moore Morgan Morris Murphy Patel Phillips Price Roberts Robinson Shah Singh Smith Taylor Thomas Turner "
    "Walker Ward Watson White Williams Wilson Wood Wright Young"
)


@dataclass
class Summary:
    people: int = 0
    units: int = 0
    postings: int = 0
    line_management: int = 0
    associations: int = 0
    case_involvements: int = 0
    chain_links: int = 0

    def add(self, other: Summary) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Team:
    unit: int
    kind: str
    area: str
    leader: int | None = None


@dataclass
class _Rows:
    """The rows for one force, ids assigned, ready to write."""

    units: list[tuple[object, ...]] = field(default_factory=list)
    people: list[tuple[object, ...]] = field(default_factory=list)
    postings: list[tuple[object, ...]] = field(default_factory=list)
    managed: list[tuple[object, ...]] = field(default_factory=list)
    associations: list[tuple[object, ...]] = field(default_factory=list)
    cases: list[tuple[object, ...]] = field(default_factory=list)


class _Ids:
    """Next free primary key per table, read once, so rows can refer to each other before they are written."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
            self.next[model] = (top or 0) + 1
        self.next[model] += 1
        return self.next[model] - 1


def force_sizes(forces: Sequence[Organisation], scale: float) -> dict[int, tuple[int, int]]:
    """(officers, staff) per force: the national total shared in proportion to officers."""
    all_officers = sum(f.officers_approx or 0 for f in Organisation.objects.forces()) or 1
    officer_share = all_officers / NATIONAL_PEOPLE
    sizes = {}
    for force in forces:
        total = max(12, round((force.officers_approx or 0) * NATIONAL_PEOPLE / all_officers * scale))
        officers = max(8, round(total * officer_share))
        sizes[force.pk] = (officers, max(4, total - officers))
    return sizes


def generate(
    forces: Sequence[Organisation],
    *,
    scale: float,
    seed: int,
    on: dt.date | None = None,
    replace: bool = False,
    after_force: Callable[[Organisation, Summary], None] | None = None,
) -> Summary:
    """Build a workforce for each force; with `replace`, the forces' existing registers are deleted first.

    `after_force` is told of each force once its rows are written (a progress bar counts them)."""
    on = on or dt.date.today()
    sizes = force_sizes(forces, scale)
    summary = Summary()
    ids = _Ids()
    for force in forces:
        with transaction.atomic():
            if replace:
                delete_register(force)
            elif Person.objects.filter(force=force).exists():
                raise ValueError(f"{force} already has a workforce register")
            rng = random.Random(f"{seed}:{force.slug}")  # noqa: S311 (synthetic data, not security)
            rows = _ForceBuilder(force, rng, ids, on).build(*sizes[force.pk])
            written = _write(rows)
            written.chain_links = _write_chains(rows)
            summary.add(written)
        if after_force is not None:
            after_force(force, written)
    _reset_sequences()
    _analyse()
    return summary


def delete_register(force: Organisation) -> None:
    """Delete a force's register: our tables in bulk, then people and units by the ORM (other apps' rules apply)."""
    people = Person.objects.filter(force=force).values("pk")
    ChainLink.objects.filter(descendant__in=people)._raw_delete(ChainLink.objects.db)
    ChainLink.objects.filter(ancestor__in=people)._raw_delete(ChainLink.objects.db)
    for model in (CaseInvolvement, AssociationModel, LineManagement, Posting):
        model.objects.filter(person__in=people)._raw_delete(model.objects.db)
    AssociationModel.objects.filter(other__in=people)._raw_delete(AssociationModel.objects.db)
    LineManagement.objects.filter(manager__in=people)._raw_delete(LineManagement.objects.db)
    Person.objects.filter(force=force).delete()
    Unit.objects.filter(force=force).delete()


class _ForceBuilder:
    def __init__(self, force: Organisation, rng: random.Random, ids: _Ids, on: dt.date) -> None:
        self.force, self.rng, self.ids, self.on = force, rng, ids, on
        self.rows = _Rows()
        self.teams: dict[int, _Team] = {}
        self.leaders: dict[tuple[str, str], int] = {}  # (area, level) -> a unit for senior people
        self.area_of: dict[int, str] = {}
        self.current: dict[int, tuple[int, dt.date]] = {}  # person -> (unit, posting start)
        self.service: dict[int, dt.date] = {}
        self.kind_of: dict[int, str] = {}
        self.members: set[int] = set()
        self.first_names, self.surnames = FIRST_NAMES.split(" "), SURNAMES.split(" ")

    def build(self, officers: int, staff: int) -> _Rows:
        areas = self._areas(officers + staff)
        chiefs = [self._person("officer", rank, self._unit("Chief Officer Team", ""), 8) for rank in CHIEF_OFFICERS]
        self._manage(chiefs[1], [chiefs[0]])
        officer_top = self._hierarchy(officers - 2, OFFICER_SPANS, OFFICER_TEAMS, areas, "officer")
        staff_top = self._hierarchy(staff, STAFF_SPANS, STAFF_TEAMS, areas, "staff")
        self._manage(chiefs[0], officer_top + staff_top)
        self._history()
        self._associations()
        self._cases(areas)
        return self.rows

    def _areas(self, total: int) -> list[str]:
        names = AREAS.get(self.force.slug, GENERIC_AREAS)
        return names[: max(2, min(len(names), round(total / 1500)))]

    def _unit(self, name: str, area: str) -> int:
        key = (area, name)
        if key not in self.leaders:
            pk = self.ids.take(Unit)
            self.rows.units.append((pk, self.force.pk, name, area))
            self.leaders[key] = pk
        return self.leaders[key]

    def _person(self, kind: str, rank: str, unit: int, level: int, role: str = "", vulnerable: bool = False) -> int:
        pk = self.ids.take(Person)
        self.kind_of[pk] = kind
        years = min(38.0, 3 * level + self.rng.triangular(0.3, 25, 3 if level == 0 else 8))
        self.service[pk] = self.on - dt.timedelta(days=round(years * YEAR))
        started = self.on - dt.timedelta(days=round(min(years, self.rng.expovariate(1 / 4.0)) * YEAR))
        self.current[pk] = (unit, max(started, self.service[pk]))
        name = f"{self.rng.choice(self.first_names)} {self.rng.choice(self.surnames)}"
        vulnerable = vulnerable or self.rng.random() < 0.05
        self.rows.people.append(
            (pk, self.force.pk, f"{pk % 1_000_000:06d}", name, kind, rank, role, unit, self.service[pk], vulnerable)
        )
        return pk

    def _manage(self, manager: int, people: Iterable[int]) -> None:
        for person in people:
            started = self.current[person][1]
            self.rows.managed.append((self.ids.take(LineManagement), person, manager, started, None))

    def _hierarchy(
        self,
        size: int,
        spans: list[tuple[str, int]],
        teams: list[tuple[str, float, bool]],
        areas: list[str],
        kind: str,
    ) -> list[int]:
        """Teams of members under leaders, then each rank above managing a few of the rank below."""
        per_leader = [1.0]
        for _, span in spans:
            per_leader.append(per_leader[-1] / span)
        leaders = max(1, math.ceil(size * per_leader[1] / sum(per_leader)))
        level_people = self._teams(size, leaders, spans[0][0], teams, areas, kind)
        for level, (rank, _) in enumerate(spans[1:], start=2):
            span = spans[level - 1][1]
            groups = [level_people[i : i + span] for i in range(0, len(level_people), span)]
            level_people = [self._senior(kind, rank, group, level) for group in groups]
        return level_people

    def _teams(
        self, size: int, count: int, rank: str, teams: list[tuple[str, float, bool]], areas: list[str], kind: str
    ) -> list[int]:
        """`count` teams with a leader each and `size - count` members between them; returns leaders by area."""
        labels: dict[tuple[str, str], int] = defaultdict(int)
        made: list[_Team] = []
        for n in range(count):
            name, _, local = self.rng.choices(teams, weights=[t[1] for t in teams])[0]
            area = areas[n % len(areas)] if local else ""
            labels[(area, name)] += 1
            made.append(_Team(self._unit(f"{name} {_label(labels[(area, name)])}", area), name, area))
        made.sort(key=lambda team: (team.area, team.kind))
        for team in made:
            detective = team.kind in DETECTIVE_TEAMS
            lead_rank = "DS" if detective and rank == "Sgt" else rank
            team.leader = self._person(kind, lead_rank, team.unit, 1, f"{team.kind} leader")
            self.teams[team.unit] = team
            self.area_of[team.leader] = team.area
        for n in range(size - count):
            self._member(made[n % len(made)], kind)
        return [team.leader for team in made if team.leader is not None]

    def _member(self, team: _Team, kind: str) -> None:
        if kind == "officer":
            rank = "DC" if team.kind in DETECTIVE_TEAMS else "PC"
        else:
            rank = "PCSO" if team.kind == "PCSO Team" else f"Grade {self.rng.choice('BCDE')}"
        role = "Investigator" if rank == "DC" else team.kind.removesuffix(" Team")
        pk = self._person(kind, rank, team.unit, 0, role, team.kind in VULNERABLE_TEAMS)
        self.members.add(pk)
        self.area_of[pk] = team.area
        assert team.leader is not None
        self._manage(team.leader, [pk])

    def _senior(self, kind: str, rank: str, group: list[int], level: int) -> int:
        area = self.area_of.get(group[0], "")
        if level == 2:  # an inspector (or staff manager) sits with the first of the teams they lead
            unit = self.current[group[0]][0]
        else:
            unit = self._unit("Command Team" if level < 5 else "Senior Leadership Team", area)
        pk = self._person(kind, rank, unit, level, "Command")
        self.area_of[pk] = area
        self._manage(pk, group)
        return pk

    def _history(self) -> None:
        """Current postings, earlier postings back through each career, and managers for recent ones."""
        pools: dict[tuple[str, str], list[_Team]] = defaultdict(list)  # (area or "*", officer/staff) -> teams
        for team in self.teams.values():
            category = "officer" if team.kind in OFFICER_TEAM_KINDS else "staff"
            pools[(team.area, category)].append(team)
            pools[("*", category)].append(team)
        for person, (unit, started) in self.current.items():
            self.rows.postings.append((self.ids.take(Posting), person, unit, started, None))
            area = self.area_of.get(person, "") if self.rng.random() < 0.7 else "*"
            pool = pools.get((area, self.kind_of[person])) or pools[("*", self.kind_of[person])]
            self._earlier_postings(person, started, pool)

    def _earlier_postings(self, person: int, before: dt.date, pool: list[_Team]) -> None:
        end = before - dt.timedelta(days=1)
        for _ in range(4):
            if end <= self.service[person]:
                return
            start = max(self.service[person], end - dt.timedelta(days=round(self.rng.uniform(2.5, 8) * YEAR)))
            team = self.rng.choice(pool)
            self.rows.postings.append((self.ids.take(Posting), person, team.unit, start, end))
            # Earlier managers are recorded for team members only: a senior officer's old team leader
            # is no longer in their chain, and linking them would join whole commands together.
            recent = end >= self.on - dt.timedelta(days=round(8 * YEAR))
            if recent and person in self.members and team.leader not in (None, person):
                self.rows.managed.append((self.ids.take(LineManagement), person, team.leader, start, end))
            end = start - dt.timedelta(days=1)

    def _associations(self) -> None:
        people = list(self.current)
        kinds = [AssociationKind.PARTNER, AssociationKind.FAMILY, AssociationKind.FRIENDSHIP]
        for _ in range(round(len(people) * 0.02)):
            person, other = self.rng.sample(people, 2)
            declared = max(self.service[person], self.service[other]) + dt.timedelta(days=self.rng.randint(0, 2000))
            kind = self.rng.choices(kinds, weights=[5, 3, 2])[0]
            pk = self.ids.take(AssociationModel)
            self.rows.associations.append((pk, person, other, kind.value, min(declared, self.on), ""))

    def _cases(self, areas: list[str]) -> None:
        local: dict[str, list[int]] = defaultdict(list)
        for person, area in self.area_of.items():
            local[area].append(person)
        for n in range(round(len(self.current) / 50)):
            candidates = local[self.rng.choice(areas)]
            if len(candidates) < 2:
                continue
            people = self.rng.sample(candidates, min(len(candidates), self.rng.randint(2, 4)))
            started = self.on - dt.timedelta(days=self.rng.randint(30, round(8 * YEAR)))
            ended: dt.date | None = started + dt.timedelta(days=self.rng.randint(30, 700))
            ended = ended if ended and ended < self.on else None
            reference = f"{self.force.slug[:4].upper()}-{started.year}-{n:05d}"
            for person, role in zip(people, ["subject", "investigator", "witness", "witness"], strict=False):
                pk = self.ids.take(CaseInvolvement)
                self.rows.cases.append((pk, person, reference, role, started, ended))


def _label(n: int) -> str:
    """A, B, ... Z, then A2, B2, ..."""
    letter = chr(ord("A") + (n - 1) % 26)
    return letter if n <= 26 else f"{letter}{(n - 1) // 26 + 1}"


TABLES: list[tuple[type[models.Model], list[str], str]] = [
    (Unit, ["id", "force_id", "name", "area"], "units"),
    (
        Person,
        [
            "id",
            "force_id",
            "staff_number",
            "name",
            "kind",
            "rank_or_grade",
            "role",
            "unit_id",
            "service_start",
            "works_with_vulnerable",
        ],
        "people",
    ),
    (Posting, ["id", "person_id", "unit_id", "started_on", "ended_on"], "postings"),
    (LineManagement, ["id", "person_id", "manager_id", "started_on", "ended_on"], "managed"),
    (AssociationModel, ["id", "person_id", "other_id", "kind", "declared_on", "note"], "associations"),
    (CaseInvolvement, ["id", "person_id", "case_reference", "role", "started_on", "ended_on"], "cases"),
]
ANALYSED: list[type[models.Model]] = [*(model for model, _, _ in TABLES), ChainLink]


def _write(rows: _Rows) -> Summary:
    for model, columns, attribute in TABLES:
        insert_rows(model._meta.db_table, columns, getattr(rows, attribute))
    return Summary(
        people=len(rows.people),
        units=len(rows.units),
        postings=len(rows.postings),
        line_management=len(rows.managed),
        associations=len(rows.associations),
        case_involvements=len(rows.cases),
    )


def _write_chains(rows: _Rows) -> int:
    """The force's line-management closure, from its periods as generated."""
    up: dict[int, list[chains.Up]] = defaultdict(list)
    for _, person, manager, started, ended in cast(list[tuple[int, int, int, dt.date, dt.date | None]], rows.managed):
        up[person].append((manager, started, ended))
    return chains.write(chains.closure(up, list(up)))


def insert_rows(table: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    """Write rows as fast as the database allows: COPY on PostgreSQL, batched executemany elsewhere."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {quoted} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, [tuple(_plain(value) for value in row) for row in rows[start : start + 20_000]])


def _plain(value: object) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _analyse() -> None:
    """Refresh the planner's statistics: after a bulk load PostgreSQL would otherwise guess, and badly."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 0")  # the whole tables, as `make bench` always did
        for model in ANALYSED:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    chains.settle_register()


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in TABLES])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

"""Who is connected to whom in the workforce, and whether a candidate is independent of a case's parties.

Pure query functions over the register: nothing is kept in memory between calls, so a web process
never holds the national graph. Each function reads only the rows around the people it is asked
about, with plain ORM queries that run the same on SQLite and PostgreSQL, and pairs them in Python.

Two people are DIRECTLY connected on a date (today by default) when (issue 3; numbers in rules.py):
- same unit: they had postings to one unit whose periods overlap, and the overlap ended within the
  last CONNECTION_YEARS years or is still going on;
- line management: one is above the other in the line-management chain, at any depth, following
  line-management periods that were current within that window (up or down);
- association: either declared an association (partner, family, friendship, other) with the other;
- same case: both were involved in the same previous case, each within the window.
They are connected WITHIN TWO STEPS when someone is directly connected to both, except where that
someone is simply above both in line management: everyone in a force shares a chief constable, so
a common senior manager says nothing about independence (see rules.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection, models
from django.db.models import Q

from .models import Association, CaseInvolvement, LineManagement, Person, Posting, Unit
from .rules import COMMON_SENIOR_CONNECTS, MAX_CHAIN_DEPTH, window_start

CHUNK = 5000  # ids per IN (...) list: well under SQLite's limit on bound parameters

# One line-management period on a chain: (manager, managed person, started, ended).
Step = tuple[int, int, dt.date, dt.date | None]


class LinkKind(models.TextChoices):
    SAME_UNIT = "same_unit", "Same unit"
    LINE_MANAGEMENT = "line_management", "Line management"
    ASSOCIATION = "association", "Declared association"
    SAME_CASE = "same_case", "Same previous case"
    IS_PARTY = "is_party", "Is a party"


@dataclass(frozen=True)
class Link:
    """Why `person_id` is directly connected to `other_id`, in words."""

    kind: LinkKind
    person_id: int
    other_id: int
    explanation: str
    person_name: str = ""
    other_name: str = ""

    @property
    def sentence(self) -> str:
        """The explanation with both names, for someone who does not have the list in front of them."""
        if self.kind in (LinkKind.LINE_MANAGEMENT, LinkKind.IS_PARTY):
            return self.explanation
        return f"{self.person_name} and {self.other_name}: {self.explanation}"


@dataclass(frozen=True)
class IndependenceResult:
    """A candidate's connections to a case's parties: direct ones block, two-step ones warn."""

    candidate_id: int
    direct: list[Link]
    indirect: list[tuple[Link, Link]]

    @property
    def blocked(self) -> bool:
        return bool(self.direct)

    @property
    def warned(self) -> bool:
        return bool(self.indirect)

    def explain(self) -> list[str]:
        lines = [f"Directly connected: {link.sentence}" for link in self.direct]
        lines += [
            f"Within two steps of {second.other_name}, through {first.other_name}: {first.sentence}; {second.sentence}"
            for first, second in self.indirect
        ]
        return lines or ["No connection with any party found."]


@dataclass(frozen=True)
class _Edge:
    """A direct connection before it is put into words (names are fetched once for all edges)."""

    kind: LinkKind
    person_id: int
    other_id: int
    unit_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    steps: tuple[Step, ...] = ()
    label: str = ""
    roles: tuple[str, str] = ("", "")
    upper: int | None = None  # for line management: which of the two is above the other

    def flipped(self) -> _Edge:
        return replace(self, person_id=self.other_id, other_id=self.person_id, roles=self.roles[::-1])


# ----------------------------------------------------------------------------------------------
# Public interface


def direct_links(person_id: int, others: Collection[int], *, on: dt.date | None = None) -> list[Link]:
    """Every direct connection between `person_id` and any of `others`, explained."""
    on = on or dt.date.today()
    edges = [edge for find in _BETWEEN for edge in find({person_id}, set(others) - {person_id}, on)]
    return _to_links(edges, on)


def neighbours(person_id: int, *, on: dt.date | None = None) -> set[int]:
    """Everyone directly connected to `person_id`."""
    return {edge.other_id for edge in _edges_around({person_id}, on or dt.date.today())}


def connected_to_any(person_id: int, party_ids: Collection[int], *, on: dt.date | None = None) -> bool:
    """Is this person one of the parties or directly connected to one? (The fast path for access checks.)"""
    parties = set(party_ids)
    if person_id in parties:
        return True
    on = on or dt.date.today()
    return any(any(True for _ in find({person_id}, parties, on)) for find in _BETWEEN)


def connected_among(person_id: int, others: Collection[int], *, on: dt.date | None = None) -> set[int]:
    """The members of `others` that are this person or directly connected to them.

    Works from both sides with the "between" finders (walking up the chain only), so its cost follows
    the sizes of the two sets, not the person's reporting tree.
    """
    targets = set(others)
    found = {person_id} & targets
    rest = targets - {person_id}
    if not rest:
        return found
    on = on or dt.date.today()
    for find in _BETWEEN:
        found |= {edge.other_id for edge in find({person_id}, rest, on)}
    return found


def excluded_people(party_ids: Collection[int], *, on: dt.date | None = None) -> set[int]:
    """The parties and everyone directly connected to any of them."""
    parties = set(party_ids)
    return parties | {edge.other_id for edge in _edges_around(parties, on or dt.date.today())}


def check_independence(
    candidate_id: int, party_ids: Collection[int], *, on: dt.date | None = None
) -> IndependenceResult:
    """A candidate's direct and two-step connections to the parties, explained."""
    return independent_candidates([candidate_id], party_ids, on=on)[0]


def independent_candidates(
    candidate_ids: Collection[int], party_ids: Collection[int], *, on: dt.date | None = None
) -> list[IndependenceResult]:
    """`check_independence` for many candidates at once, in the candidates' order, in a few set-based queries."""
    on = on or dt.date.today()
    candidates = list(dict.fromkeys(candidate_ids))
    parties = set(party_ids)
    around = _edges_around(parties | set(candidates), on)  # one pass for both sides
    to_party: dict[int, list[_Edge]] = defaultdict(list)  # neighbour -> edges neighbour -> party
    for edge in around:
        if edge.person_id in parties:
            to_party[edge.other_id].append(edge.flipped())
    middle = set(to_party) - parties
    direct: dict[int, list[_Edge]] = {c: list(to_party.get(c, [])) for c in candidates}
    for candidate in parties.intersection(candidates):
        direct[candidate].insert(0, _Edge(LinkKind.IS_PARTY, candidate, candidate))
    indirect: dict[int, list[tuple[_Edge, _Edge]]] = defaultdict(list)
    for edge in around:
        if edge.person_id in direct and edge.other_id in middle:
            pairs = [(edge, second) for second in to_party[edge.other_id]]
            indirect[edge.person_id] += [pair for pair in pairs if not _common_senior(*pair)]
    return _results(candidates, direct, indirect, on)


def _common_senior(first: _Edge, second: _Edge) -> bool:
    """The middle person is only above both in line management: not a two-step connection (rules.py)."""
    middle = first.other_id
    return first.upper == middle and second.upper == middle and not COMMON_SENIOR_CONNECTS


# ----------------------------------------------------------------------------------------------
# Finding edges: "between" finders read only rows of the two sets; "around" finds all neighbours.


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _current(on: dt.date, start: str = "started_on", end: str = "ended_on") -> Q:
    """Periods that had begun by `on` and had not ended before the connection window opened."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": window_start(on)}))


def _postings(on: dt.date, **lookup: Iterable[int]) -> list[tuple[int, int, dt.date, dt.date | None]]:
    (field, ids), *rest = lookup.items()
    found: list[tuple[int, int, dt.date, dt.date | None]] = []
    for chunk in _chunks(ids):
        query = Posting.objects.filter(_current(on), **{f"{field}__in": chunk})
        for extra, values in rest:
            query = query.filter(**{f"{extra}__in": list(values)})
        found += query.values_list("person_id", "unit_id", "started_on", "ended_on")
    return found


def _same_unit(sources: set[int], targets: set[int] | None, on: dt.date) -> Iterator[_Edge]:
    mine = _postings(on, person_id=sources)
    units = {unit for _, unit, _, _ in mine}
    theirs = _postings(on, unit_id=units) if targets is None else _postings(on, person_id=targets, unit_id=units)
    by_unit: dict[int, list[tuple[int, int, dt.date, dt.date | None]]] = defaultdict(list)
    for row in theirs:
        by_unit[row[1]].append(row)
    for person, unit, started, ended in mine:
        for other, _, other_started, other_ended in by_unit[unit]:
            since = max(started, other_started)
            until = _earliest_end(ended, other_ended)
            if other != person and (until is None or since <= until):
                yield _Edge(LinkKind.SAME_UNIT, person, other, unit_id=unit, since=since, until=until)


def _earliest_end(first: dt.date | None, second: dt.date | None) -> dt.date | None:
    if first is None or second is None:
        return first or second
    return min(first, second)


def _associations(sources: set[int], targets: set[int] | None, on: dt.date) -> Iterator[_Edge]:
    for chunk in map(set, _chunks(sources)):
        rows = Association.objects.filter(Q(person_id__in=chunk) | Q(other_id__in=chunk), declared_on__lte=on)
        for person, other, kind, declared in rows.values_list("person_id", "other_id", "kind", "declared_on"):
            for one, two in ((person, other), (other, person)):
                if one in chunk and (targets is None or two in targets):
                    yield _Edge(LinkKind.ASSOCIATION, one, two, since=declared, label=kind)


def _same_case(sources: set[int], targets: set[int] | None, on: dt.date) -> Iterator[_Edge]:
    fields = ("person_id", "case_reference", "role", "started_on", "ended_on")
    mine = [row for chunk in _chunks(sources) for row in _involvements(on, person_id__in=chunk).values_list(*fields)]
    references = {row[1] for row in mine}
    theirs = _involvements(on, case_reference__in=references)
    if targets is not None:
        theirs = theirs.filter(person_id__in=targets)
    by_case: dict[str, list[tuple[int, str, str, dt.date, dt.date | None]]] = defaultdict(list)
    for row in theirs.values_list(*fields):
        by_case[row[1]].append(row)
    for person, reference, role, started, _ in mine:
        for other, _, other_role, other_started, _ in by_case[reference]:
            if other != person:
                since = min(started, other_started)
                yield _Edge(LinkKind.SAME_CASE, person, other, since=since, label=reference, roles=(role, other_role))


def _involvements(on: dt.date, **lookup: object) -> models.QuerySet[CaseInvolvement]:
    return CaseInvolvement.objects.filter(_current(on), **lookup)


def _walk(sources: set[int], on: dt.date, *, upward: bool) -> dict[int, dict[int, tuple[Step, ...]]]:
    """For each source, everyone above (or below) it in line management, with the shortest chain of steps."""
    onward: dict[int, list[Step]] = defaultdict(list)
    for chunk in _chunks(sources):
        for manager, person, started, ended in _chain_rows(chunk, on, upward):
            onward[person if upward else manager].append((manager, person, started, ended))
    reached: dict[int, dict[int, tuple[Step, ...]]] = {source: {} for source in sources}
    frontier: dict[int, dict[int, tuple[Step, ...]]] = {source: {source: ()} for source in sources}
    for _ in range(MAX_CHAIN_DEPTH):
        if not frontier:
            break
        frontier = _advance(frontier, reached, onward, upward)
    return reached


def _chain_rows(sources: list[int], on: dt.date, upward: bool) -> list[Step]:
    """Every line-management period on the chains above (or below) the sources, in one recursive query.

    Plain SQL (WITH RECURSIVE) that SQLite and PostgreSQL both run; the chain is then walked in memory.
    """
    near, far = ("person_id", "manager_id") if upward else ("manager_id", "person_id")
    table = connection.ops.quote_name(LineManagement._meta.db_table)
    current = "lm.started_on <= %s AND (lm.ended_on IS NULL OR lm.ended_on >= %s)"
    people = connection.ops.quote_name(Person._meta.db_table)
    seeds = ", ".join(["%s"] * len(sources))
    sql = f"""
        WITH RECURSIVE reach(node, depth) AS (
            SELECT id, 0 FROM {people} WHERE id IN ({seeds})
            UNION
            SELECT lm.{far}, reach.depth + 1 FROM {table} lm JOIN reach ON lm.{near} = reach.node
            WHERE {current} AND reach.depth < %s
        )
        SELECT lm.manager_id, lm.person_id, lm.started_on, lm.ended_on FROM {table} lm
        WHERE lm.{near} IN (SELECT node FROM reach) AND {current}
    """  # noqa: S608 (no user input: table and column names are ours, values are parameters)
    window = [_sql_date(on), _sql_date(window_start(on))]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sources, *window, MAX_CHAIN_DEPTH, *window])
        rows = cursor.fetchall()
    return [(manager, person, _date(started), _date(ended)) for manager, person, started, ended in rows]


def _sql_date(day: dt.date) -> Any:
    return day.isoformat() if connection.vendor == "sqlite" else day


def _date(value: object) -> Any:
    """Dates from raw SQL: SQLite returns them as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _advance(
    frontier: dict[int, dict[int, tuple[Step, ...]]],
    reached: dict[int, dict[int, tuple[Step, ...]]],
    onward: dict[int, list[Step]],
    upward: bool,
) -> dict[int, dict[int, tuple[Step, ...]]]:
    following: dict[int, dict[int, tuple[Step, ...]]] = {}
    for source, level in frontier.items():
        found: dict[int, tuple[Step, ...]] = {}
        for node, path in level.items():
            for step in onward.get(node, ()):
                nxt = step[0] if upward else step[1]
                if nxt != source and nxt not in reached[source] and nxt not in found:
                    found[nxt] = (*path, step)
        reached[source].update(found)
        if found:
            following[source] = found
    return following


def _chain_between(sources: set[int], targets: set[int], on: dt.date) -> Iterator[_Edge]:
    """Chain edges found by walking up only, from both sets: cheap whatever their seniority."""
    above = _walk(sources | targets, on, upward=True)
    for source in sources:
        for other, steps in above[source].items():
            if other in targets:
                yield _Edge(LinkKind.LINE_MANAGEMENT, source, other, steps=steps, upper=other)
    for target in targets:
        for other, steps in above[target].items():
            if other in sources:
                yield _Edge(LinkKind.LINE_MANAGEMENT, other, target, steps=steps, upper=other)


def _chain_around(sources: set[int], on: dt.date) -> Iterator[_Edge]:
    for upward in (True, False):
        for source, reached in _walk(sources, on, upward=upward).items():
            for other, steps in reached.items():
                yield _Edge(LinkKind.LINE_MANAGEMENT, source, other, steps=steps, upper=other if upward else source)


_BETWEEN = (_associations, _same_unit, _same_case, _chain_between)


def _edges_around(sources: set[int], on: dt.date) -> list[_Edge]:
    """Every direct connection of every source person."""
    if not sources:
        return []
    return [
        *_same_unit(sources, None, on),
        *_associations(sources, None, on),
        *_same_case(sources, None, on),
        *_chain_around(sources, on),
    ]


# ----------------------------------------------------------------------------------------------
# Putting edges into words


def _results(
    candidates: list[int],
    direct: dict[int, list[_Edge]],
    indirect: dict[int, list[tuple[_Edge, _Edge]]],
    on: dt.date,
) -> list[IndependenceResult]:
    everything = [edge for edges in direct.values() for edge in edges]
    everything += [edge for pairs in indirect.values() for pair in pairs for edge in pair]
    words = _Words(everything)
    return [
        IndependenceResult(
            candidate_id=candidate,
            direct=[words.link(edge, on) for edge in sorted(direct[candidate], key=_order)],
            indirect=[(words.link(a, on), words.link(b, on)) for a, b in sorted(indirect[candidate], key=_pair_order)],
        )
        for candidate in candidates
    ]


def _order(edge: _Edge) -> tuple[str, int, dt.date]:
    return (edge.kind, edge.other_id, edge.since or dt.date.min)


def _pair_order(pair: tuple[_Edge, _Edge]) -> tuple[int, int, str, str]:
    return (pair[1].other_id, pair[0].other_id, pair[0].kind, pair[1].kind)


def _to_links(edges: list[_Edge], on: dt.date) -> list[Link]:
    words = _Words(edges)
    return [words.link(edge, on) for edge in sorted(edges, key=_order)]


def _years(since: dt.date | None, until: dt.date | None, on: dt.date) -> str:
    if since is None:
        return ""
    end = str(until.year) if until is not None and until < on else "present"
    return f"{since.year} to {end}"


class _Words:
    """The names of the people and units the edges mention, fetched in two queries."""

    def __init__(self, edges: list[_Edge]) -> None:
        people = {e.person_id for e in edges} | {e.other_id for e in edges}
        people |= {person for e in edges for step in e.steps for person in step[:2]}
        self.names: dict[int, str] = {}
        for chunk in _chunks(people):
            for pk, rank, name in Person.objects.filter(pk__in=chunk).values_list("pk", "rank_or_grade", "name"):
                self.names[pk] = f"{rank} {name}".strip()
        unit_ids = {e.unit_id for e in edges if e.unit_id is not None}
        self.units = {unit.pk: str(unit) for unit in Unit.objects.filter(pk__in=unit_ids)}

    def link(self, edge: _Edge, on: dt.date) -> Link:
        return Link(
            kind=edge.kind,
            person_id=edge.person_id,
            other_id=edge.other_id,
            explanation=self.explain(edge, on),
            person_name=self.names.get(edge.person_id, ""),
            other_name=self.names.get(edge.other_id, ""),
        )

    def explain(self, edge: _Edge, on: dt.date) -> str:
        if edge.kind == LinkKind.SAME_UNIT:
            return f"both in {self.units.get(edge.unit_id or 0, 'a unit')}, {_years(edge.since, edge.until, on)}"
        if edge.kind == LinkKind.ASSOCIATION:
            return f"declared {edge.label} ({edge.since.year if edge.since else 'undated'})"
        if edge.kind == LinkKind.SAME_CASE:
            roles = "; ".join(edge.roles)
            return f"both involved in case {edge.label} ({roles}), from {edge.since.year if edge.since else 'undated'}"
        if edge.kind == LinkKind.IS_PARTY:
            return f"{self.names.get(edge.person_id, '')} is a party to the case"
        return self.chain(edge.steps, on)

    def chain(self, steps: tuple[Step, ...], on: dt.date) -> str:
        if len(steps) == 1:
            manager, person, started, ended = steps[0]
            return f"{self.names[manager]} line-manages {self.names[person]} ({_years(started, ended, on)})"
        ordered = sorted(steps, key=lambda step: self.depth(step, steps))
        top, bottom = ordered[0][0], ordered[-1][1]
        through = ", ".join(self.names[step[1]] for step in ordered[:-1])
        return f"{self.names[top]} is above {self.names[bottom]} in the line-management chain, through {through}"

    @staticmethod
    def depth(step: Step, steps: tuple[Step, ...]) -> int:
        """How many steps sit above this one in the chain (a chain's steps may be stored top-down or bottom-up)."""
        managers = {s[1]: s[0] for s in steps}
        depth, node = 0, step[0]
        while node in managers:
            node, depth = managers[node], depth + 1
        return depth

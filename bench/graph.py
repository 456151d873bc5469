"""The same connection graph held in memory with networkx, built once from the database, for comparison.

Edges carry one boolean attribute per kind of connection, and `upper` for line management (the
one above), so the same two-step rule can be applied. Building it reads every connection, which is
also how the benchmark counts them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import networkx as nx
from django.db import connection

from oversight.workforce.connections import LinkKind
from oversight.workforce.models import Association, LineManagement, Person
from oversight.workforce.rules import window_start

Pair = tuple[int, int]


def _param(day: dt.date) -> Any:
    return day if connection.vendor == "postgresql" else day.isoformat()


def _rows(sql: str, params: Sequence[Any]) -> Iterator[Pair]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(100_000):
            yield from batch


def _current(alias: str) -> str:
    return f"{alias}.started_on <= %s AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= %s)"


def same_unit_pairs(on: dt.date) -> Iterator[Pair]:
    far = _param(dt.date(9999, 12, 31))
    sql = f"""
        SELECT a.person_id, b.person_id FROM workforce_posting a
        JOIN workforce_posting b ON a.unit_id = b.unit_id AND a.person_id < b.person_id
        WHERE {_current("a")} AND {_current("b")}
          AND a.started_on <= COALESCE(b.ended_on, %s) AND b.started_on <= COALESCE(a.ended_on, %s)
    """  # noqa: S608 (no user input)
    window = [_param(on), _param(window_start(on))]
    return _rows(sql, [*window, *window, far, far])


def same_case_pairs(on: dt.date) -> Iterator[Pair]:
    sql = f"""
        SELECT a.person_id, b.person_id FROM workforce_caseinvolvement a
        JOIN workforce_caseinvolvement b ON a.case_reference = b.case_reference AND a.person_id < b.person_id
        WHERE {_current("a")} AND {_current("b")}
    """  # noqa: S608 (no user input)
    window = [_param(on), _param(window_start(on))]
    return _rows(sql, [*window, *window])


def chain_pairs(on: dt.date) -> Iterator[Pair]:
    """(person, someone above them) for every pair on a line-management chain within the window."""
    managers: dict[int, set[int]] = defaultdict(set)
    current = LineManagement.objects.filter(started_on__lte=on).exclude(ended_on__lt=window_start(on))
    for person, manager in current.values_list("person_id", "manager_id").iterator(chunk_size=100_000):
        managers[person].add(manager)
    above: dict[int, frozenset[int]] = {}

    def ancestors(person: int, visiting: frozenset[int]) -> frozenset[int]:
        if person not in above:
            found: set[int] = set()
            for manager in managers.get(person, ()):
                if manager not in visiting:
                    found |= {manager} | ancestors(manager, visiting | {person})
            above[person] = frozenset(found - {person})
        return above[person]

    for person in list(managers):
        for upper in ancestors(person, frozenset()):
            yield person, upper


def build(on: dt.date) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(Person.objects.values_list("pk", flat=True).iterator(chunk_size=100_000))
    graph.add_edges_from(same_unit_pairs(on), same_unit=True)
    for person, upper in chain_pairs(on):
        graph.add_edge(person, upper, line_management=True, upper=upper)
    declared = Association.objects.filter(declared_on__lte=on).values_list("person_id", "other_id")
    graph.add_edges_from(declared, association=True)
    graph.add_edges_from(same_case_pairs(on), same_case=True)
    return graph


KINDS = {
    "same_unit": LinkKind.SAME_UNIT,
    "line_management": LinkKind.LINE_MANAGEMENT,
    "association": LinkKind.ASSOCIATION,
    "same_case": LinkKind.SAME_CASE,
}


def _kinds(data: dict[str, Any]) -> list[str]:
    return [label for key, label in KINDS.items() if data.get(key)]


def check(
    graph: nx.Graph, names: dict[int, str], candidate: int, parties: Sequence[int]
) -> tuple[bool, bool, list[str]]:
    """The independence check on the in-memory graph: (blocked, warned, explanation)."""
    mine = graph.adj[candidate]
    direct = [f"{names[candidate]} is a party"] if candidate in parties else []
    indirect: list[str] = []
    for party in parties:
        if party in mine:
            direct += [f"{names[candidate]} and {names[party]}: {kind}" for kind in _kinds(mine[party])]
        theirs = graph.adj[party]
        for middle in mine.keys() & theirs.keys():
            if middle not in parties:
                indirect += _two_steps(mine[middle], theirs[middle], middle, f"{names[party]} through {names[middle]}")
    return bool(direct), bool(indirect), direct + indirect


def _two_steps(first: dict[str, Any], second: dict[str, Any], middle: int, words: str) -> list[str]:
    """Every pair of kinds, except a middle person who is only above both in line management."""
    found = []
    for one in _kinds(first):
        for two in _kinds(second):
            above_both = one == two == LinkKind.LINE_MANAGEMENT and first["upper"] == second["upper"] == middle
            if not above_both:
                found.append(f"Within two steps of {words}: {one}; {two}")
    return found

"""The rule queries use an index on every large table, on SQLite and PostgreSQL, as the database will be.

Every query the connection rules send while checking (chief officers and constables as parties, a
listing, the per-request exclusion) is captured and its plan read: `EXPLAIN QUERY PLAN` on SQLite,
`EXPLAIN (FORMAT JSON)` on PostgreSQL. A full scan of a register table, or of the whole of one of its
indexes, fails the test.

The world here is small, and on a small table a full scan is the right plan; what matters is the plan
at national scale. So on SQLite the statistics are those of the national register (the sqlite_stat1
rows ANALYZE wrote for `python -m bench` at scale 1.0, below); with the statistics of the national
register the code before the closure table scanned the whole line-management table, and this test
failed on it. (A register never analysed has no statistics, and SQLite then assumes large tables and
seeks; one analysed when small and grown by an import does not keep its small statistics: the
import's refresh of the closure analyses again, chains.py.) On PostgreSQL, whose statistics
cannot be set by hand, sequential scans are priced out (`enable_seqscan = off`): the planner then
takes any index that can serve the query, so a sequential scan left in the plan means none can.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.cases.access import excluded_from
from oversight.cases.models import Arrival, Case, Exclusion, Subject
from oversight.cases.services import record_exclusions
from oversight.organisations.models import Organisation
from oversight.workforce import connections
from oversight.workforce.generator import generate
from oversight.workforce.models import ChainLink, LineManagement, Person

ON = dt.date(2024, 6, 30)
LARGE = (
    "workforce_person",
    "workforce_posting",
    "workforce_linemanagement",
    "workforce_chainlink",
    "workforce_association",
    "workforce_caseinvolvement",
    "cases_exclusion",
    "cases_subject",
)

# sqlite_stat1 after ANALYZE of the national register (python -m bench --scale 1.0): rows, then rows
# per distinct value of each leading column of the index.
NATIONAL_STATS = [
    ("workforce_association", "association_other", "4957 1"),
    ("workforce_association", "association_person", "4957 1"),
    ("workforce_association", "workforce_association_other_id_d4e44b46", "4957 1"),
    ("workforce_association", "workforce_association_person_id_75e369c5", "4957 1"),
    ("workforce_caseinvolvement", "case_involvement_person", "14826 1"),
    ("workforce_caseinvolvement", "case_involvement_reference", "14826 4"),
    ("workforce_caseinvolvement", "workforce_caseinvolvement_person_id_70688c59", "14826 1"),
    ("workforce_chainlink", "chain_link_down", "2901813 79 2 1 1"),
    ("workforce_chainlink", "chain_link_up", "2901813 12 2 1 1"),
    ("workforce_linemanagement", "line_mgmt_manager", "476614 13 2"),
    ("workforce_linemanagement", "line_mgmt_person", "476614 2 1"),
    ("workforce_linemanagement", "workforce_linemanagement_manager_id_e02a61c0", "476614 13"),
    ("workforce_linemanagement", "workforce_linemanagement_person_id_c375e702", "476614 2"),
    ("workforce_person", "sqlite_autoindex_workforce_person_1", "247957 247957"),
    ("workforce_person", "sqlite_autoindex_workforce_person_2", "247957 5767 1"),
    ("workforce_person", "workforce_person_force_id_efe64781", "247957 5767"),
    ("workforce_person", "workforce_person_unit_id_054935db", "247957 9"),
    ("workforce_posting", "posting_one_open_per_person", "247957 1"),
    ("workforce_posting", "posting_person_period", "683874 3 1"),
    ("workforce_posting", "posting_unit_period", "683874 24 1 1"),
    ("workforce_posting", "workforce_posting_person_id_31f399b1", "683874 3"),
    ("workforce_posting", "workforce_posting_unit_id_ac0d62d2", "683874 24"),
    ("workforce_unit", "sqlite_autoindex_workforce_unit_1", "29386 684 162 1"),
    ("workforce_unit", "workforce_unit_force_id_80285149", "29386 684"),
]


@pytest.fixture
def world(wmp: Organisation) -> dict[str, Any]:
    """A generated force, and the people whose checks are hardest: its chief constable, a constable, a
    superintendent, the force's investigators."""
    generate([wmp], scale=0.01, seed=7, on=ON)
    people = Person.objects.filter(force=wmp)
    chief = people.get(rank_or_grade="CC")
    superintendent = people.filter(rank_or_grade="Supt").order_by("pk").first()
    constable = LineManagement.objects.filter(person__rank_or_grade="PC").order_by("pk").first()
    assert superintendent is not None and constable is not None
    pool = list(people.filter(rank_or_grade__in=["DC", "DS"]).values_list("pk", flat=True))
    assert ChainLink.objects.filter(ancestor=chief).count() > 100
    everyone = list(people.values_list("pk", flat=True))
    return {
        "chief": chief.pk,
        "superintendent": superintendent.pk,
        "constable": constable.person_id,
        "pool": pool,
        "everyone": everyone,
        # A case against the chief constable (an exclusion for everyone in the force), and cases
        # against people around the others, each with its standing exclusions.
        "cases": _open_cases(wmp, [chief.pk, superintendent.pk, constable.person_id, *everyone[:40]]),
    }


def _open_cases(force: Organisation, subjects: list[int]) -> list[int]:
    opener = User.objects.create(username="plans.opener")
    cases = Case.objects.bulk_create(
        Case(
            reference=f"PLAN-{n}", force=force, arrival=Arrival.COMPLAINT, received_on=ON, summary="-", opened_by=opener
        )
        for n in range(len(subjects))
    )
    ids = [case.pk for case in cases]
    Subject.objects.bulk_create(
        Subject(case_id=case, person_id=person) for case, person in zip(ids, subjects, strict=True)
    )
    record_exclusions(ids)
    assert Exclusion.objects.filter(case_id=ids[0]).count() > 100
    return ids


def _below_the_bound(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with mock.patch.multiple(connections, MIN_BELOW=1, PER_CANDIDATE=0):
            return call()

    return run


def rule_queries(world: dict[str, Any]) -> list[str]:
    """The SQL of every read the rules make for the checks people run."""
    chief, superintendent, constable, pool = world["chief"], world["superintendent"], world["constable"], world["pool"]
    calls: list[Callable[[], object]] = [
        lambda: connections.check_independence(pool[0], [chief], on=ON).explain(),
        lambda: connections.check_independence(chief, [constable], on=ON).explain(),
        lambda: connections.check_independence(pool[1], [superintendent, constable], on=ON).explain(),
        lambda: connections.independent_candidates(pool, [constable], on=ON),
        lambda: connections.independent_candidates(pool, [chief], on=ON),
        lambda: connections.direct_links(constable, [chief, superintendent], on=ON),
        lambda: connections.connected_among(chief, world["everyone"], on=ON),
        lambda: connections.connected_among(constable, world["everyone"], on=ON),
        lambda: connections.connected_to_any(superintendent, [constable], on=ON),
        lambda: excluded_from(chief, None, set(world["cases"])),
        lambda: excluded_from(constable, None, set(world["cases"])),
        # Both sides of a two-step check with more people below than the bound: counted, then read
        # from the side with fewer (the bound made small, as a senior pair at national size has it).
        _below_the_bound(lambda: connections.check_independence(superintendent, [chief], on=ON).explain()),
        _below_the_bound(lambda: connections.check_independence(chief, [superintendent], on=ON).explain()),
    ]
    found = []
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            call()
        found += [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
        ]
    assert found
    return found


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_full_scans(sql: str) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        details = [row[-1] for row in cursor.fetchall()]
    # "SEARCH t USING INDEX i (col=?)" reads a range; "SCAN t" or "SCAN t USING INDEX i" reads it all.
    for detail in details:
        if detail.startswith("SCAN ") and _is_large(detail.split()[1], sql):
            yield detail


def _is_large(name: str, sql: str) -> bool:
    """A register table, by name or by the alias the SQL gives it ("workforce_chainlink lm")."""
    tables = "|".join(LARGE)
    return name in LARGE or bool(re.search(rf'"?(?:{tables})"?\s+(?:AS\s+)?"?{re.escape(name)}\b', sql, re.I))


def _use_statistics(rows: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl LIKE 'workforce_%'")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", rows)
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads sqlite_stat1 again


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite plans")
def test_no_full_scan_of_a_register_table_on_sqlite(world: dict[str, Any]) -> None:
    _use_statistics(NATIONAL_STATS)
    scans = {detail: sql for sql in rule_queries(world) for detail in _sqlite_full_scans(sql)}
    assert not scans, json.dumps(scans, indent=1)


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _pg_nodes(child)


def _pg_full_scans(sql: str) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        [[document]] = cursor.fetchall()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    for node in _pg_nodes(plan):
        table = node.get("Relation Name", "")
        if table not in LARGE:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node):
            yield f"{kind} on {table}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_no_full_scan_of_a_register_table_on_postgresql(world: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
    scans = {detail: sql for sql in rule_queries(world) for detail in _pg_full_scans(sql)}
    assert not scans, json.dumps(scans, indent=1)


def test_checks_against_a_chief_constable_take_a_few_queries(world: dict[str, Any]) -> None:
    """A check, and the exclusion, of a chief constable: a fixed handful of queries, none per person below."""
    with CaptureQueriesContext(connection) as captured:
        connections.check_independence(world["pool"][0], [world["chief"]], on=ON).explain()
    with CaptureQueriesContext(connection) as among:
        connections.connected_among(world["chief"], world["pool"][:5], on=ON)
    assert len(captured) <= 25
    assert len(among) <= 8


def _closure_reads(sql: str) -> list[str]:
    """How each read of the closure in the plan of `sql` is keyed: its index and condition, in the engine's words."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall() if "chain_link_" in row[-1]]
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        [[document]] = cursor.fetchall()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    # An index read names its index (a bitmap's heap read is keyed by its index read); any other read of
    # the table (a sequential scan) is keyed on nothing.
    return [
        f"{node['Node Type']} {node.get('Index Name', '')} {node.get('Index Cond', '')}"
        for node in _pg_nodes(plan)
        if str(node.get("Index Name", "")).startswith("chain_link_")
        or (node.get("Relation Name") == "workforce_chainlink" and node["Node Type"] != "Bitmap Heap Scan")
    ]


def _pg_rows_read_below(sql: str) -> list[int]:
    """Run `sql`: how many index entries each read of the closure keyed on the person alone (the people
    below them) went through. A bitmap index scan counts its whole range whatever LIMIT is above it."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        [[document]] = cursor.fetchall()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    return [
        int(node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * int(node["Actual Loops"])
        for node in _pg_nodes(plan)
        if node.get("Index Name") == "chain_link_down" and "descendant_id" not in node.get("Index Cond", "")
    ]


def test_the_exclusion_of_a_chief_constable_never_reads_their_reporting_tree(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-request exclusion is one query, and every read of the closure in it is keyed on a lower
    person (the person themselves: who is above them; or a subject: is the subject below the
    person?) or, on PostgreSQL, is the range of people below the person cut off after a bound (read
    whole when it is short, a constable's, and left for the seeks when it is not). None reads
    everyone below the person, which for a chief constable is the force: here the bound is set below
    the size of the chief's tree, and the range read stops at it."""
    bound = 3
    monkeypatch.setattr(connections, "BELOW_AT_LEAST", bound)
    monkeypatch.setattr(connections, "BELOW_PER_SUBJECT", 0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _use_statistics(NATIONAL_STATS)
        else:
            cursor.execute("ANALYZE")
            cursor.execute("SET LOCAL enable_seqscan = off")
    for person in (world["chief"], world["constable"]):
        with CaptureQueriesContext(connection) as captured:
            found = connections.connected_among(person, world["everyone"], on=ON)
        assert len(captured) == 1
        assert found - {person}  # asked about subjects some of whom are connected
        sql = captured[0]["sql"]
        reads = _closure_reads(sql)
        assert len(reads) >= 2, reads  # above the person, and below them
        below = [read for read in reads if "descendant_id" not in read]
        assert len(below) == (connection.vendor == "postgresql"), reads
        if connection.vendor == "postgresql":
            assert all(rows <= bound for rows in _pg_rows_read_below(sql)), _pg_rows_read_below(sql)
    assert len(found) < len(connections.connected_among(world["chief"], world["everyone"], on=ON)) > bound


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's visibility map")
@pytest.mark.django_db(transaction=True)
def test_a_replaced_register_leaves_every_register_table_vacuumed_on_postgresql(wmp: Organisation) -> None:
    """After a large write every table of the register is vacuumed once committed: every page
    all-visible (the rows the replaced register left dead are gone, or a page holding them would not
    be), so an index read does not walk past dead entries and a seek that finds a chain (a chief
    constable above a subject) answers from the index alone, as one that finds none does."""
    from oversight.workforce.generator import ANALYSED

    generate([wmp], scale=0.01, seed=7, on=ON)
    generate([wmp], scale=0.01, seed=8, on=ON, replace=True)
    tables = [model._meta.db_table for model in ANALYSED]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)", [tables])
        found = {name: (pages, visible) for name, pages, visible in cursor.fetchall()}
    assert set(found) == set(tables)
    assert found["workforce_posting"][0] > 0
    assert {name: pages for name, (pages, _) in found.items()} == {
        name: visible for name, (_, visible) in found.items()
    }

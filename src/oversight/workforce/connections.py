"""Who is connected to whom in the workforce, and whether a candidate is independent of a case's parties.

Pure query functions over the register: nothing is kept in memory between calls, so a web process
never holds the national graph. Each function reads only the rows around the people it is asked
about, and pairs them in Python.

How a check stays the same price whatever the size of the force or the rank of the party:
- Chains come from the line-management closure (`models.ChainLink`, kept current by chains.py): "who
  is above X" is one short range of the index chain_link_up, read from the LOWER person of a pair,
  so no query ever walks down a reporting tree, whose size is the force for a chief constable. The
  path itself (for the words) is walked up from the lower person through a handful of periods.
- Unit, association and case rows are read from the SMALLER of two sets of people (its postings, then
  the postings in those units; its declarations; its cases, then the people in them).
- Two-step connections start from the side whose direct connections are fewer: the parties' when
  few people are below them (a listing of thousands of investigators against a constable), else
  whichever side has fewer below it, counted on both sides up to a growing bound so that neither
  tree is read to learn it (one investigator against a chief constable starts from the investigator,
  a chief constable against a chief inspector from the chief inspector), and ask the other side only
  about those middle people. A middle person who is only above both is skipped in the query, not
  afterwards.
- Every read goes through a named index, one parameter whatever the number of ids (json_each on
  SQLite, = ANY on PostgreSQL), and SQLite is told the index (INDEXED BY), so statistics taken when
  the register was small, or none, cannot turn a lookup into a full scan (tests/test_query_plans.py).
- `connected_among` answers the per-request exclusion (is this person, or anyone directly connected
  to them, among these case subjects?) in one query asked from the subjects' side: for each subject,
  one seek in the closure keyed on (person, subject) for a chain from them up to the person, and a
  look-up among the few hundred people the person's own rows reach (above them, declarations, units,
  previous cases). PostgreSQL reads the people below the person as one range of the closure when
  they are few (a constable's none, a superintendent's hundreds), hashed, instead of a seek for
  each subject, and seeks only when they are more than a bound (a chief constable's are the force);
  nothing below the person is sent to Python and back, and the cost follows the number of subjects.
  The subjects are sent in index order, and the answer comes back as one value (a JSON array on
  SQLite, an array on PostgreSQL), so a chief constable above all 2,000 subjects does not pay for
  2,000 rows through the driver that a constable's empty answer does not (README).
  A case request asks it only about the cases that no standing exclusion already shuts the person
  out of (cases/access.py `excluded_from`): those written when a case is opened and whenever a
  force's register is imported hold a senior officer's whole tree of subjects, read as one short
  range keyed on the person, so the seeks that find a chain (one per subject below a chief
  constable, each on its own index page) are only made for connections newer than those rows.
The cost that remains is the size of the answer: a listing of a force's investigators against its
chief constable blocks every one of them, each with their own connections within two steps.

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
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, models

from oversight.lib.idlists import gather, gathered
from oversight.lib.idlists import id_list as _id_list
from oversight.lib.idlists import index_hint as _hint
from oversight.lib.idlists import rows_of as _rows_of

from .models import ChainLink, Unit
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


class _Edge(NamedTuple):
    """A direct connection before it is put into words (names are fetched once for all edges)."""

    kind: LinkKind
    person_id: int
    other_id: int
    unit_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    label: str = ""
    roles: tuple[str, str] = ("", "")
    upper: int | None = None  # for line management: which of the two is above the other

    def flipped(self) -> _Edge:
        return self._replace(person_id=self.other_id, other_id=self.person_id, roles=self.roles[::-1])


# ----------------------------------------------------------------------------------------------
# Public interface


def direct_links(person_id: int, others: Collection[int], *, on: dt.date | None = None) -> list[Link]:
    """Every direct connection between `person_id` and any of `others`, explained."""
    on = on or dt.date.today()
    edges = _between({person_id}, set(others) - {person_id}, on)
    words = _Words(edges, on)
    return [words.link(edge) for edge in sorted(edges, key=_order)]


def neighbours(person_id: int, *, on: dt.date | None = None) -> set[int]:
    """Everyone directly connected to `person_id`."""
    return {edge.other_id for edge in _around({person_id}, on or dt.date.today()) or []}


def connected_to_any(person_id: int, party_ids: Collection[int], *, on: dt.date | None = None) -> bool:
    """Is this person one of the parties or directly connected to one? (The fast path for access checks.)"""
    return bool(connected_among(person_id, party_ids, on=on))


def connected_among(person_id: int, others: Collection[int], *, on: dt.date | None = None) -> set[int]:
    """The members of `others` that are `person_id` itself or directly connected to it.

    `person_id in excluded_people(others)` for each of `others` at once, without reading everyone
    connected to the person (a chief constable's reporting tree is the force): one query, keyed on each
    of `others` and on the person's own rows, so the cost follows len(others), not the force.
    """
    on = on or dt.date.today()
    wanted = set(others)
    found = wanted & {person_id}
    rest = wanted - found
    if rest:
        found |= _connected(person_id, rest, on)
    return found


def excluded_people(party_ids: Collection[int], *, on: dt.date | None = None) -> set[int]:
    """The parties and everyone directly connected to any of them."""
    parties = set(party_ids)
    return parties | {edge.other_id for edge in _around(parties, on or dt.date.today()) or []}


def check_independence(
    candidate_id: int, party_ids: Collection[int], *, on: dt.date | None = None
) -> IndependenceResult:
    """A candidate's direct and two-step connections to the parties, explained."""
    return independent_candidates([candidate_id], party_ids, on=on)[0]


def independent_candidates(
    candidate_ids: Collection[int],
    party_ids: Collection[int],
    *,
    on: dt.date | None = None,
    two_steps_when_direct: bool = True,
) -> list[IndependenceResult]:
    """`check_independence` for many candidates at once, in the candidates' order, in a few set-based queries.

    With `two_steps_when_direct=False`, a candidate directly connected to a party is given no two-step
    connections (they are blocked whatever those are): what a listing shows, as the team page does
    for a member directly connected. Against a chief constable every candidate of the force is
    directly connected, and their two-step connections (each their own neighbourhood) would be most
    of the work and of the page.
    """
    on = on or dt.date.today()
    candidates = list(dict.fromkeys(candidate_ids))
    chosen, parties = set(candidates), set(party_ids)
    direct: dict[int, list[_Edge]] = {c: [] for c in candidates}
    for edge in _between(chosen, parties, on):
        direct[edge.person_id].append(edge)
    for candidate in parties.intersection(candidates):
        direct[candidate].insert(0, _Edge(LinkKind.IS_PARTY, candidate, candidate))
    asked = chosen if two_steps_when_direct else {c for c in chosen if not direct[c]}
    indirect = _two_steps(asked, parties, on) if parties and asked else {}
    return _results(candidates, direct, indirect, on)


# ----------------------------------------------------------------------------------------------
# Two steps: someone directly connected to a candidate and to a party (not a party themselves).
#
# The people directly connected to a senior officer are their whole reporting tree, so the middle
# people are found from whichever side is smaller: the parties' neighbours when they are few (a
# listing of thousands of candidates against a constable), else the candidates' (one candidate
# against a chief constable). The other side is then only asked about those people (`_between`).

PER_CANDIDATE = 50  # about how many people one candidate is directly connected to
MIN_BELOW = 200  # below this many people under the parties, start from the parties even for one candidate


def _two_steps(candidates: set[int], parties: set[int], on: dt.date) -> dict[int, list[tuple[_Edge, _Edge]]]:
    """For each candidate, (candidate -> middle, middle -> party) pairs, common seniors left out."""
    around_parties = _parties_side(candidates, parties, on)
    to_party: dict[int, list[_Edge]] = defaultdict(list)  # middle -> edges middle -> party
    firsts: list[_Edge] = []  # candidate -> middle
    if around_parties is not None:
        for edge in around_parties:
            if edge.other_id not in parties:
                to_party[edge.other_id].append(edge.flipped())
        above_only = {m for m, edges in to_party.items() if all(_is_above(edge, m) for edge in edges)}
        firsts = _between(candidates, set(to_party), on, skip_above_target=above_only)
    else:
        from_candidate: dict[int, list[_Edge]] = defaultdict(list)
        for edge in _around(candidates, on) or []:
            if edge.other_id not in parties:
                from_candidate[edge.other_id].append(edge)
        above_only = {m for m, edges in from_candidate.items() if all(_is_above(edge, m) for edge in edges)}
        for second in _between(set(from_candidate), parties, on, skip_above_source=above_only):
            to_party[second.person_id].append(second)
        firsts = [first for middle in to_party for first in from_candidate[middle]]
    # A middle person above both (first and second edge both line management with them above) is no
    # connection (rules.COMMON_SENIOR_CONNECTS): such a first edge pairs only with the middle's other edges.
    not_above = {m: [e for e in seconds if not _is_above(e, m)] for m, seconds in to_party.items()}
    found: dict[int, list[tuple[_Edge, _Edge]]] = defaultdict(list)
    for first in firsts:
        middle = first.other_id
        seconds = not_above[middle] if _is_above(first, middle) else to_party[middle]
        if seconds:
            found[first.person_id] += [(first, second) for second in seconds]
    return found


def _parties_side(candidates: set[int], parties: set[int], on: dt.date) -> list[_Edge] | None:
    """The parties' direct connections when starting from them is the smaller work, else None.

    Few people below the parties (at most MIN_BELOW, or PER_CANDIDATE a candidate): read them at
    once. More: count the people below each side in turn, up to a bound that grows fourfold, and
    start from the side that fits first, so a chief constable checked against a chief inspector in a
    large unit starts from the chief inspector's few hundred, and a constable against a chief
    constable from the constable, and neither side's whole tree is read to learn which is smaller.
    """
    bound = max(MIN_BELOW, PER_CANDIDATE * len(candidates))
    around = _around(parties, on, below_limit=bound)
    if around is not None:
        return around
    while _below_count(candidates, on, bound) > bound:
        bound *= 4
        if _below_count(parties, on, bound) <= bound:
            return _around(parties, on)
    return None


def _is_above(edge: _Edge, middle: int) -> bool:
    """A line-management edge with the middle person above: paired with another such, it is no connection."""
    return edge.kind == LinkKind.LINE_MANAGEMENT and edge.upper == middle and not COMMON_SENIOR_CONNECTS


# ----------------------------------------------------------------------------------------------
# Finding edges. `_between(sources, targets)` reads rows from the smaller of the two sets (its
# postings, associations and cases) and chains from the lower person of each pair (the closure, one
# short index range per person); `_around(sources)` finds every neighbour of the sources.


def _between(
    sources: set[int],
    targets: set[int],
    on: dt.date,
    *,
    skip_above_source: Collection[int] = (),
    skip_above_target: Collection[int] = (),
) -> list[_Edge]:
    """Every direct edge source -> target; chain edges with a skipped person above are left out."""
    if not sources or not targets:
        return []
    above = _chain_pairs(sources, targets - set(skip_above_target), on)
    below = _chain_pairs(targets, sources - set(skip_above_source), on)
    return [
        *_same_unit(sources, targets, on),
        *_associations(sources, targets, on),
        *_same_case(sources, targets, on),
        *(_Edge(LinkKind.LINE_MANAGEMENT, lower, upper, upper=upper) for lower, upper in above),
        *(_Edge(LinkKind.LINE_MANAGEMENT, upper, lower, upper=upper) for lower, upper in below),
    ]


def _around(sources: set[int], on: dt.date, *, below_limit: int | None = None) -> list[_Edge] | None:
    """Every direct connection of every source person; None if more than `below_limit` are below them."""
    if not sources:
        return []
    below = _chain_below(sources, on, below_limit)
    if below is None:
        return None
    return [
        *_same_unit(sources, None, on),
        *_associations(sources, None, on),
        *_same_case(sources, None, on),
        *(
            _Edge(LinkKind.LINE_MANAGEMENT, lower, upper, upper=upper)
            for lower, upper in _chain_pairs(sources, None, on)
        ),
        *(_Edge(LinkKind.LINE_MANAGEMENT, upper, lower, upper=upper) for lower, upper in below),
    ]


def _connected(person: int, others: set[int], on: dt.date) -> set[int]:
    """Which of `others` are directly connected to `person`, in one query asked from the side of `others`.

    Each of `others` is kept when it is among the people reached from the person's own rows (those
    above them in the closure, their declarations, everyone in their units and previous cases: a few
    hundred rows at most, read once) or when the closure holds a chain from it up to the person. On
    SQLite that is one seek in the closure keyed on (person, other) for each of `others`; on
    PostgreSQL the people below the person are read as one range when there are few of them (a
    constable, a superintendent) and sought one by one only when there are many (a chief constable).
    Nothing reads more of the people below the person than a bounded range (a chief constable's are
    the whole force): the cost follows len(others).
    """
    among, among_param = _rows_of(sorted(others))  # in index order: each seek lands beside the last
    near, near_params = _reached_from(person, on)
    table = connection.ops.quote_name(ChainLink._meta.db_table)
    window = _window(on)
    seek = (
        f"SELECT 1 FROM {table} lm{_hint('chain_link_down')} "  # noqa: S608 (our names)
        f"WHERE lm.ancestor_id = %s AND lm.descendant_id = s.value AND {_CHAIN}"
    )
    if connection.vendor == "postgresql":
        # Where a seek costs a round of the executor and a descent of the index, the people below the
        # person are read once as a range of chain_link_down keyed on the person, in the index's order
        # so that the LIMIT stops the scan (a bitmap scan would gather the whole range first), and
        # hashed; only when the range is longer than `cap` (a senior officer's tree) is each subject
        # sought instead, as a scalar subquery (PostgreSQL may answer a correlated EXISTS by hashing
        # the whole tree, the force for a chief constable). A constable's range is empty and a
        # superintendent's a few hundred rows; a chief constable reads `cap` rows before the seeks.
        cap = max(BELOW_AT_LEAST, BELOW_PER_SUBJECT * len(others))
        head = (
            f"WITH below AS MATERIALIZED (SELECT lm.descendant_id FROM {table} lm "  # noqa: S608 (our names)
            f"WHERE lm.ancestor_id = %s AND {_CHAIN} ORDER BY lm.descendant_id LIMIT %s) "
        )
        head_params = [person, *window, cap]
        below = (
            "CASE WHEN (SELECT count(*) FROM below) < %s THEN s.value IN (SELECT descendant_id FROM below) "  # noqa: S608
            f"ELSE ({seek} LIMIT 1) IS NOT NULL END"
        )
        below_params = [cap, person, *window]
    else:
        # SQLite runs a correlated EXISTS as one seek per row, and stops at the first row it finds; a
        # seek in its in-process B-tree costs about what reading a row of the person's range would.
        head, head_params, below, below_params = "", [], f"EXISTS ({seek})", [person, *window]
    # The answer comes back as one value, not a row per subject: a chief constable above every subject
    # would otherwise pay for thousands of rows through the driver, which a constable does not.
    sql = f"{head}SELECT {gather('s.value')} FROM {among} WHERE s.value IN ({near}) OR {below}"  # noqa: S608
    (found,) = _fetch(sql, [*head_params, among_param, *near_params, *below_params])[0]
    return gathered(found)


# PostgreSQL reads at most BELOW_PER_SUBJECT rows of the person's range of the closure for each
# subject asked about (BELOW_AT_LEAST when they are few) before it chooses to seek for each subject
# instead: reading a row of a range costs a small part of a seek, so the range read that does not
# answer adds a fraction to the seeks, and one that does answer saves them all.
BELOW_AT_LEAST = 64
BELOW_PER_SUBJECT = 4


def _reached_from(person: int, on: dt.date) -> tuple[str, list[Any]]:
    """A query for the people directly connected to `person` other than those below them: above them in
    the closure, their declarations either way, the people in their units and their previous cases (the
    rules `_between` applies), each read from the person's own rows through its index, then a unit's or
    a case's rows through theirs. A few hundred rows at most, whatever the person's rank."""
    chain = connection.ops.quote_name(ChainLink._meta.db_table)
    upward = [person, *_window(on)]
    mine, mine_params = _when("p", on)
    theirs, theirs_params = _when("t", on)
    both = [person, *mine_params, *theirs_params]
    # Two postings overlap (each ends on or after it starts: posting_ends_after_start).
    overlap = (
        "(p.ended_on IS NULL OR t.started_on <= p.ended_on) AND (t.ended_on IS NULL OR p.started_on <= t.ended_on)"
    )
    # CROSS JOIN: SQLite reads the tables in the order written, the person's rows first.
    parts = [
        (
            f"SELECT lm.ancestor_id FROM {chain} lm{_hint('chain_link_up')} WHERE lm.descendant_id = %s AND {_CHAIN}",  # noqa: S608 (our names)
            upward,
        ),
        (
            f"SELECT a.other_id FROM workforce_association a{_hint('association_person')} "  # noqa: S608 (our names)
            "WHERE a.person_id = %s AND a.declared_on <= %s",
            [person, _sql_date(on)],
        ),
        (
            f"SELECT a.person_id FROM workforce_association a{_hint('association_other')} "  # noqa: S608 (our names)
            "WHERE a.other_id = %s AND a.declared_on <= %s",
            [person, _sql_date(on)],
        ),
        (
            f"SELECT t.person_id FROM workforce_posting p{_hint('posting_person_period')} "  # noqa: S608 (our names)
            f"CROSS JOIN workforce_posting t{_hint('posting_unit_period')} "
            f"WHERE p.person_id = %s AND {mine} AND t.unit_id = p.unit_id AND {theirs} AND {overlap}",
            both,
        ),
        (
            f"SELECT t.person_id FROM workforce_caseinvolvement p{_hint('case_involvement_person')} "  # noqa: S608 (our names)
            f"CROSS JOIN workforce_caseinvolvement t{_hint('case_involvement_reference')} "
            f"WHERE p.person_id = %s AND {mine} AND t.case_reference = p.case_reference AND {theirs}",
            both,
        ),
    ]
    return " UNION ALL ".join(sql for sql, _ in parts), [param for _, params in parts for param in params]


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


PostingRow = tuple[int, int, dt.date, dt.date | None]

# The register's reads, each through the index named (SQLite is told so with INDEXED BY: statistics
# taken when the register was small, or none, cannot turn a lookup into a scan of the table).
_READS = {
    "postings of people": (
        "workforce_posting",
        "posting_person_period",
        "person_id",
        "person_id, unit_id, started_on, ended_on",
    ),
    "postings in units": (
        "workforce_posting",
        "posting_unit_period",
        "unit_id",
        "person_id, unit_id, started_on, ended_on",
    ),
    "cases of people": (
        "workforce_caseinvolvement",
        "case_involvement_person",
        "person_id",
        "person_id, case_reference, role, started_on",
    ),
    "people in cases": (
        "workforce_caseinvolvement",
        "case_involvement_reference",
        "case_reference",
        "person_id, case_reference, role, started_on",
    ),
    "managers of people": (
        "workforce_linemanagement",
        "line_mgmt_person",
        "person_id",
        "manager_id, person_id, started_on, ended_on",
    ),
}


def _when(alias: str, on: dt.date) -> tuple[str, list[Any]]:
    """Periods that had begun by `on` and had not ended before the connection window opened."""
    sql = f"{alias}.started_on <= %s AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= %s)"
    return sql, _window(on)


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:  # dates arrive as dates: Django's SQLite connection reads date columns
        cursor.execute(sql, params)
        return cursor.fetchall()


def _read(name: str, ids: Collection[Any], on: dt.date) -> list[tuple[Any, ...]]:
    """Rows of one register table for these ids, current on `on`."""
    if not ids:
        return []
    table, index, column, columns = _READS[name]
    where, param = _id_list(f"t.{column}", ids)
    when, params = _when("t", on)
    sql = f"SELECT {columns} FROM {table} t{_hint(index)} WHERE {where} AND {when}"  # noqa: S608 (our names)
    return _fetch(sql, [param, *params])


def _read_around(name: str, via: str, ids: Collection[Any], on: dt.date) -> list[tuple[Any, ...]]:
    """Rows of `name` sharing their key (a unit, a case) with the rows `via` reads for `ids`, current on
    `on`: everyone in these people's units or cases, in one round trip."""
    if not ids:
        return []
    table, index, column, columns = _READS[name]
    via_table, via_index, via_column, _ = _READS[via]
    where, param = _id_list(f"s.{via_column}", ids)
    inner, inner_params = _when("s", on)
    outer, outer_params = _when("t", on)
    keys = f"SELECT s.{column} FROM {via_table} s{_hint(via_index)} WHERE {where} AND {inner}"  # noqa: S608
    # PostgreSQL: the keys as one array first (an InitPlan), so that the outer read is an index lookup
    # whatever the planner guesses about how many keys there are.
    among = f"= ANY(ARRAY({keys}))" if connection.vendor == "postgresql" else f"IN ({keys})"
    sql = f"SELECT {columns} FROM {table} t{_hint(index)} WHERE t.{column} {among} AND {outer}"  # noqa: S608
    return _fetch(sql, [param, *inner_params, *outer_params])


def _declarations(ids: Collection[int], on: dt.date) -> list[tuple[Any, ...]]:
    """Associations declared by or about these people by `on`, through both indexes, in one round trip."""
    if not ids:
        return []
    by, by_param = _id_list("t.person_id", ids)
    about, about_param = _id_list("t.other_id", ids)
    columns = "t.id, t.person_id, t.other_id, t.kind, t.declared_on"
    table = "workforce_association"
    sql = (
        f"SELECT {columns} FROM {table} t{_hint('association_person')} WHERE {by} AND t.declared_on <= %s "  # noqa: S608
        f"UNION ALL SELECT {columns} FROM {table} t{_hint('association_other')} WHERE {about} AND t.declared_on <= %s"
    )
    return _fetch(sql, [by_param, _sql_date(on), about_param, _sql_date(on)])


def _same_unit(sources: set[int], targets: set[int] | None, on: dt.date) -> list[_Edge]:
    """Shared postings, read from the smaller side: its postings, then the postings in those units."""
    if targets is not None and len(targets) < len(sources):
        return [edge.flipped() for edge in _same_unit(targets, sources, on)]
    around = _read_around("postings in units", "postings of people", sources, on)
    mine = [row for row in around if row[0] in sources]
    by_unit: dict[int, list[PostingRow]] = defaultdict(list)
    for row in around:
        if targets is None or row[0] in targets:
            by_unit[row[1]].append(row)
    edges = []
    for person, unit, started, ended in mine:
        for other, _, other_started, other_ended in by_unit[unit]:
            since = max(started, other_started)
            until = _earliest_end(ended, other_ended)
            if other != person and (until is None or since <= until):
                edges.append(_Edge(LinkKind.SAME_UNIT, person, other, unit_id=unit, since=since, until=until))
    return edges


def _earliest_end(first: dt.date | None, second: dt.date | None) -> dt.date | None:
    if first is None or second is None:
        return first or second
    return min(first, second)


def _associations(sources: set[int], targets: set[int] | None, on: dt.date) -> list[_Edge]:
    """Declarations by or about the smaller side (association_person, association_other)."""
    probe = sources if targets is None or len(sources) <= len(targets) else targets
    rows = {pk: rest for pk, *rest in _declarations(probe, on)}
    edges = []
    for person, other, kind, declared in rows.values():
        for one, two in ((person, other), (other, person)):
            if one in sources and (targets is None or two in targets):
                edges.append(_Edge(LinkKind.ASSOCIATION, one, two, since=declared, label=kind))
    return edges


def _same_case(sources: set[int], targets: set[int] | None, on: dt.date) -> list[_Edge]:
    """Previous cases of the smaller side (case_involvement_person), then everyone in them (..._reference)."""
    probe = sources if targets is None or len(sources) <= len(targets) else targets
    by_case: dict[str, list[tuple[int, str, str, dt.date]]] = defaultdict(list)
    for row in _read_around("people in cases", "cases of people", probe, on):
        by_case[row[1]].append(row)
    edges = []
    for rows in by_case.values():
        for person, reference, role, started in rows:
            if person not in sources:
                continue
            for other, _, other_role, other_started in rows:
                if other != person and (targets is None or other in targets):
                    since = min(started, other_started)
                    edges.append(
                        _Edge(LinkKind.SAME_CASE, person, other, since=since, label=reference, roles=(role, other_role))
                    )
    return edges


# Chains: the line-management closure (models.ChainLink, kept current by chains.py). A chain counts on
# `on` when its latest start is on or before `on` and its earliest end is not before the window opened.

_CHAIN = "lm.started_on <= %s AND (lm.ended_on IS NULL OR lm.ended_on >= %s)"


def _chain_rows(
    index: str, where: str, params: list[Any], on: dt.date, limit: int | None = None
) -> list[tuple[int, int]]:
    """Closure rows through `index`; SQLite is told to use it (INDEXED BY), whatever its statistics say."""
    table = connection.ops.quote_name(ChainLink._meta.db_table)
    hint = _hint(index)
    sql = f"SELECT lm.descendant_id, lm.ancestor_id FROM {table} lm{hint} WHERE {where} AND {_CHAIN}"  # noqa: S608
    window = _window(on)
    if limit is not None:
        sql += " LIMIT %s"
        window.append(limit + 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *window])
        return cursor.fetchall()


def _chain_pairs(lowers: Collection[int], uppers: Collection[int] | None, on: dt.date) -> set[tuple[int, int]]:
    """(lower, upper) for each of `lowers` and everyone above them (among `uppers`): from the lower
    people only (chain_link_up: one short range each), whatever the number of people below the upper."""
    if not lowers or (uppers is not None and not uppers):
        return set()
    where, param = _id_list("lm.descendant_id", lowers)
    params = [param]
    if uppers is not None:
        also, other = _id_list("lm.ancestor_id", uppers, indexed=False)
        where, params = f"{where} AND {also}", [param, other]
    return set(_chain_rows("chain_link_up", where, params, on))


def _chain_below(uppers: Collection[int], on: dt.date, limit: int | None) -> set[tuple[int, int]] | None:
    """(lower, upper) for everyone below `uppers` (chain_link_down); None when there are more than `limit`."""
    where, param = _id_list("lm.ancestor_id", uppers)
    rows = _chain_rows("chain_link_down", where, [param], on, limit)
    return None if limit is not None and len(rows) > limit else set(rows)


def _below_count(uppers: Collection[int], on: dt.date, bound: int) -> int:
    """How many closure rows are below `uppers` (chain_link_down), counted no further than bound + 1:
    an index range of at most that length, and no row sent back."""
    where, param = _id_list("lm.ancestor_id", uppers)
    table = connection.ops.quote_name(ChainLink._meta.db_table)
    inner = f"SELECT 1 FROM {table} lm{_hint('chain_link_down')} WHERE {where} AND {_CHAIN} LIMIT %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({inner}) below", [param, *_window(on), bound + 1])  # noqa: S608
        return int(cursor.fetchone()[0])


def _window(on: dt.date) -> list[Any]:
    return [_sql_date(on), _sql_date(window_start(on))]


def _sql_date(day: dt.date) -> Any:
    return day.isoformat() if connection.vendor == "sqlite" else day


def _paths(pairs: set[tuple[int, int]], on: dt.date) -> dict[tuple[int, int], tuple[Step, ...]]:
    """The shortest chain of periods from each lower person up to the upper one, for the explanation.

    Walks up from the lower people only, through the periods of the people above them (a few rows
    each). Where several chains are as short, the one through the most recent periods is told.
    """
    lowers = {lower for lower, _ in pairs}
    nodes = lowers | {upper for _, upper in _chain_pairs(lowers, None, on)}
    onward: dict[int, list[Step]] = defaultdict(list)
    for manager, person, started, ended in _read("managers of people", nodes, on):
        onward[person].append((manager, person, started, ended))
    for steps in onward.values():
        steps.sort(key=_recent_first)
    wanted: dict[int, set[int]] = defaultdict(set)
    for lower, upper in pairs:
        wanted[lower].add(upper)
    found: dict[tuple[int, int], tuple[Step, ...]] = {}
    for lower, uppers in wanted.items():
        for upper, path in _walk_up(lower, uppers, onward).items():
            found[(lower, upper)] = path
    return found


def _recent_first(step: Step) -> tuple[bool, int, int, int]:
    _, _, started, ended = step
    return (ended is not None, -(ended or started).toordinal(), -started.toordinal(), step[0])


def _walk_up(lower: int, uppers: set[int], onward: dict[int, list[Step]]) -> dict[int, tuple[Step, ...]]:
    reached: dict[int, tuple[Step, ...]] = {lower: ()}
    frontier = [lower]
    for _ in range(MAX_CHAIN_DEPTH):
        following = []
        for node in frontier:
            for step in onward.get(node, ()):
                if step[0] not in reached:
                    reached[step[0]] = (*reached[node], step)
                    following.append(step[0])
        if not following or uppers.issubset(reached):
            break
        frontier = following
    return {upper: reached[upper] for upper in uppers if upper in reached}


# ----------------------------------------------------------------------------------------------
# Putting edges into words


def _results(
    candidates: list[int],
    direct: dict[int, list[_Edge]],
    indirect: dict[int, list[tuple[_Edge, _Edge]]],
    on: dt.date,
) -> list[IndependenceResult]:
    everything: set[_Edge] = set()
    for edges in direct.values():
        everything.update(edges)
    for pairs in indirect.values():
        everything.update(edge for pair in pairs for edge in pair)
    words = _Words(everything, on)
    return [
        IndependenceResult(
            candidate_id=candidate,
            direct=[words.link(edge) for edge in sorted(direct[candidate], key=_order)],
            indirect=[(words.link(a), words.link(b)) for a, b in sorted(indirect.get(candidate, ()), key=_pair_order)],
        )
        for candidate in candidates
    ]


def _order(edge: _Edge) -> tuple[Any, ...]:
    """By kind, the other person and date; then by every other detail, so that ties never depend on
    the order the database returned the rows in."""
    return (
        edge.kind,
        edge.other_id,
        edge.since or dt.date.min,
        edge.until or dt.date.max,
        edge.unit_id or 0,
        edge.label,
        edge.roles,
        edge.upper or 0,
    )


def _pair_order(pair: tuple[_Edge, _Edge]) -> tuple[Any, ...]:
    first, second = pair
    return (
        second.other_id,
        first.other_id,
        first.kind,
        second.kind,
        *_order(first)[2:],
        *_order(second)[2:],
    )


def _years(since: dt.date | None, until: dt.date | None, on: dt.date) -> str:
    if since is None:
        return ""
    end = str(until.year) if until is not None and until < on else "present"
    return f"{since.year} to {end}"


class _Words:
    """The chains behind the line-management edges, and the names of the people and units the edges
    mention, fetched once for all edges; each edge and each chain is put into words once however
    often it is used (a listing against a senior officer repeats the same middle people)."""

    def __init__(self, edges: Collection[_Edge], on: dt.date) -> None:
        self.on = on
        chains = {
            (edge.other_id, edge.person_id) if edge.upper == edge.person_id else (edge.person_id, edge.other_id)
            for edge in edges
            if edge.kind == LinkKind.LINE_MANAGEMENT
        }
        self.paths = _paths(chains, on) if chains else {}
        people = {e.person_id for e in edges} | {e.other_id for e in edges}
        people |= {person for steps in self.paths.values() for step in steps for person in step[:2]}
        self.names = _names(people)
        self.units: dict[int, str] = {}
        for chunk in _chunks({e.unit_id for e in edges if e.unit_id is not None}):
            self.units.update((unit.pk, str(unit)) for unit in Unit.objects.filter(pk__in=chunk).order_by())
        self.links: dict[_Edge, Link] = {}
        self.chains: dict[tuple[int, int], str] = {}

    def link(self, edge: _Edge) -> Link:
        found = self.links.get(edge)
        if found is None:
            found = self.links[edge] = Link(
                kind=edge.kind,
                person_id=edge.person_id,
                other_id=edge.other_id,
                explanation=self.explain(edge),
                person_name=self.names.get(edge.person_id, ""),
                other_name=self.names.get(edge.other_id, ""),
            )
        return found

    def explain(self, edge: _Edge) -> str:
        on = self.on
        if edge.kind == LinkKind.SAME_UNIT:
            return f"both in {self.units.get(edge.unit_id or 0, 'a unit')}, {_years(edge.since, edge.until, on)}"
        if edge.kind == LinkKind.ASSOCIATION:
            return f"declared {edge.label} ({edge.since.year if edge.since else 'undated'})"
        if edge.kind == LinkKind.SAME_CASE:
            roles = "; ".join(edge.roles)
            return f"both involved in case {edge.label} ({roles}), from {edge.since.year if edge.since else 'undated'}"
        if edge.kind == LinkKind.IS_PARTY:
            return f"{self.names.get(edge.person_id, '')} is a party to the case"
        lower = edge.other_id if edge.upper == edge.person_id else edge.person_id
        key = (lower, edge.upper or 0)
        if key not in self.chains:
            self.chains[key] = self.chain(self.paths[key], on)
        return self.chains[key]

    def chain(self, steps: tuple[Step, ...], on: dt.date) -> str:
        if len(steps) == 1:
            manager, person, started, ended = steps[0]
            return f"{self.names[manager]} line-manages {self.names[person]} ({_years(started, ended, on)})"
        ordered = steps[::-1]  # from the top down
        top, bottom = ordered[0][0], ordered[-1][1]
        through = ", ".join(self.names[step[1]] for step in ordered[:-1])
        return f"{self.names[top]} is above {self.names[bottom]} in the line-management chain, through {through}"


def _names(people: Collection[int]) -> dict[int, str]:
    """Rank and name of each person, as colleagues write it ("Sgt A Khan")."""
    if not people:
        return {}
    where, param = _id_list("id", people)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, rank_or_grade, name FROM workforce_person WHERE {where}", [param])  # noqa: S608
        return {pk: f"{rank} {name}".strip() for pk, rank, name in cursor.fetchall()}

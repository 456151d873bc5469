"""The line-management closure (`models.ChainLink`): who is above whom, and on which days the chain counts.

Why a closure. The chain rule connects two people when one is above the other at any depth (rules.py).
Walking the chain when asked costs as much as the chain upward and, downward, as the whole reporting
tree: a chief constable's is the force, so a check against a chief officer read every line of the
force. With the closure, "is A above D?" is one lookup in an index, "who is above D?" one short range
of an index, and neither depends on the size of the force or the length of the chain.

What a row says. (ancestor, descendant, depth, started_on, ended_on): there is a chain of
line-management periods from `descendant` up to `ancestor`, `depth` steps long, whose latest start is
`started_on` and whose earliest end is `ended_on` (none while every period on it is open). The rules
follow a period on a day when it had begun by that day and had not ended before the connection window
opened; a chain is followed when all its periods are, which is exactly when its latest start is on or
before the day and its earliest end is on or after the day the window opens. So the query is the same
two comparisons as for one period, and the window (a setting) is not baked into the table. Two people
may be joined by several chains (someone with a current and an earlier manager): a chain is kept
unless another starts no later and ends no earlier, so a pair has one row, or a few. Chains longer than
rules.MAX_CHAIN_DEPTH are not kept: the rules treat them as broken data. At national scale (about
480,000 line-management periods) the closure holds about 2.9 million rows.

The path itself (who is in between, for the explanation) is not stored: `connections.py` walks it up
from the lower person, a handful of rows, only for the links it puts into words.

Kept current. A chain from D upward only passes through periods of D and of people above D, so when
the periods of person X change, the rows to recompute are those of X and of everyone below X (read from
the closure itself; the rows below X do not change). `refresh(people)` does that, in one transaction.
It is called:
- after every save or delete of one `LineManagement` (signals below: the admin site, the demo, tests);
- once per bulk write: `LineManagementQuerySet.bulk_create`, `update` and `delete` (models.py); a
  `deferred()` block gathers the people of several writes into one refresh at its end (the importer),
  which also refreshes the planner's statistics when it touched many people (`analyse`);
- by the generator, which writes raw SQL and computes the closure of each force with its rows
  (`closure()` on the rows in memory), and by migration 0003 for registers that existed before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import ChainLink, LineManagement
from .rules import MAX_CHAIN_DEPTH

CHUNK = 5000
ANALYSE_AFTER = 1000  # people whose chains were refreshed at once: statistics are refreshed too
COLUMNS = ["ancestor_id", "descendant_id", "depth", "started_on", "ended_on"]

# One line-management period seen from the person managed: (manager, started, ended).
Up = tuple[int, dt.date, dt.date | None]
# One closure row: (ancestor, descendant, depth, latest start, earliest end).
Row = tuple[int, int, int, dt.date, dt.date | None]


def closure(up: Mapping[int, Sequence[Up]], starts: Iterable[int]) -> Iterator[Row]:
    """The closure rows of each start person, from everyone's periods upward (`up[person]`)."""
    for start in starts:
        kept: dict[int, list[tuple[dt.date, dt.date | None, int]]] = {}
        frontier: list[tuple[int, dt.date, dt.date | None]] = [(start, dt.date.min, None)]
        for depth in range(1, MAX_CHAIN_DEPTH + 1):
            following = []
            for node, started, ended in frontier:
                for manager, period_start, period_end in up.get(node, ()):
                    if manager == start:
                        continue
                    label = (max(started, period_start), _earliest(ended, period_end))
                    labels = kept.setdefault(manager, [])
                    if any(_covers(other, label) for other in labels):
                        continue  # another chain counts on every day this one would: go no further
                    labels[:] = [other for other in labels if not _covers(label, other)]
                    labels.append((*label, depth))
                    following.append((manager, *label))
            if not following:
                break
            frontier = following
        for ancestor, labels in kept.items():
            for started, ended, depth in labels:
                yield (ancestor, start, depth, started, ended)


def _earliest(first: dt.date | None, second: dt.date | None) -> dt.date | None:
    if first is None or second is None:
        return first or second
    return min(first, second)


def _covers(one: tuple[Any, ...], other: tuple[Any, ...]) -> bool:
    """Does chain `one` count on every day chain `other` counts (starts no later, ends no earlier)?"""
    return bool(one[0] <= other[0] and (one[1] is None or (other[1] is not None and one[1] >= other[1])))


# ----------------------------------------------------------------------------------------------
# Keeping the table current

_pending: ContextVar[set[int] | None] = ContextVar("chain_refresh_pending", default=None)


@contextmanager
def deferred() -> Iterator[set[int]]:
    """Gather the people whose chains change inside the block; refresh them once, at its end."""
    outer = _pending.get()
    if outer is not None:
        yield outer
        return
    touched: set[int] = set()
    token = _pending.set(touched)
    try:
        yield touched
    finally:
        _pending.reset(token)
    refresh(touched)


def refresh(people: Iterable[int]) -> None:
    """Recompute the closure rows of these people and of everyone below them."""
    people = set(people)
    pending = _pending.get()
    if pending is not None:
        pending |= people
        return
    if not people:
        return
    with transaction.atomic():
        affected = people | _below(people)
        # A person's rows come from the periods upward of them alone: a chunk at a time, the periods
        # read stay the size of a chunk's chains, however many people an import touched.
        for chunk in _chunks(affected):
            ChainLink.objects.filter(descendant_id__in=chunk)._raw_delete(ChainLink.objects.db)
            write(closure(_upward(set(chunk)), chunk))
        if len(affected) >= ANALYSE_AFTER:
            analyse()


def analyse() -> None:
    """Refresh the planner's statistics of the register after a large write (an import of a force).

    Statistics taken when the register was small would have the planner scan whole tables it thinks
    tiny. On SQLite a sample is enough (analysis_limit), so this takes a second, not a minute.
    """
    from .generator import ANALYSED

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 2000")
        for model in ANALYSED:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    settle_register()


def settle_register() -> None:
    """PostgreSQL, after a large write: VACUUM (ANALYZE) every table of the register, the closure
    included, once the write is committed, so that the rows a replaced register left dead are gone
    and every page is marked all-visible.

    Until then an index read in the postings, the line management or the people walks past the dead
    entries of the rows the import or the generator replaced (a whole force's, or the nation's), and
    an index-only seek that finds a row (a chief constable above a case's subject) also reads the
    table to check the row is visible, which one that finds nothing (a constable) does not.
    Autovacuum would get there, minutes later, while the checks were paying for it. VACUUM cannot
    run inside a transaction, hence on_commit (at once when no transaction is open); a failure is
    logged, not raised, as the write has landed.
    """
    if connection.vendor != "postgresql":
        return
    from .generator import ANALYSED

    def vacuum() -> None:
        with connection.cursor() as cursor:
            for model in ANALYSED:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")

    transaction.on_commit(vacuum, robust=True)


def rebuild_everything() -> int:
    """Recompute the whole closure from the register (migration 0003, and after raw writes of the periods)."""
    with transaction.atomic():
        ChainLink.objects.all()._raw_delete(ChainLink.objects.db)
        up: dict[int, list[Up]] = defaultdict(list)
        periods = LineManagement.objects.order_by().values_list("person_id", "manager_id", "started_on", "ended_on")
        for person, manager, started, ended in periods.iterator(chunk_size=50_000):
            up[person].append((manager, started, ended))
        return write(closure(up, list(up)))


def write(rows: Iterable[Row]) -> int:
    """Insert closure rows in bulk (COPY on PostgreSQL)."""
    from .generator import insert_rows

    batch: list[Row] = []
    written = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= 100_000:
            insert_rows(ChainLink._meta.db_table, COLUMNS, batch)  # type: ignore[arg-type]
            written, batch = written + len(batch), []
    if batch:
        insert_rows(ChainLink._meta.db_table, COLUMNS, batch)  # type: ignore[arg-type]
    return written + len(batch)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _below(people: set[int]) -> set[int]:
    """Everyone below these people on any day (the closure before the change: rows below do not change)."""
    found: set[int] = set()
    for chunk in _chunks(people):
        found.update(ChainLink.objects.filter(ancestor_id__in=chunk).values_list("descendant_id", flat=True))
    return found


def _upward(people: set[int]) -> dict[int, list[Up]]:
    """The periods upward from these people, as far as a chain is followed, level by level."""
    up: dict[int, list[Up]] = defaultdict(list)
    seen: set[int] = set()
    frontier = set(people)
    for _ in range(MAX_CHAIN_DEPTH):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        following: set[int] = set()
        for chunk in _chunks(frontier):
            rows = LineManagement.objects.filter(person_id__in=chunk).order_by()
            for person, manager, started, ended in rows.values_list(
                "person_id", "manager_id", "started_on", "ended_on"
            ):
                up[person].append((manager, started, ended))
                following.add(manager)
        frontier = following
    return up


@receiver(pre_save, sender=LineManagement)
def _remember_person(sender: type[LineManagement], instance: LineManagement, **kwargs: Any) -> None:
    """A saved period may have moved to another person: both people's chains change."""
    if instance.pk is not None:
        before = LineManagement.objects.filter(pk=instance.pk).values_list("person_id", flat=True).first()
        instance._chain_person_before = before  # type: ignore[attr-defined]


@receiver(post_save, sender=LineManagement)
def _saved(sender: type[LineManagement], instance: LineManagement, **kwargs: Any) -> None:
    before = getattr(instance, "_chain_person_before", None)
    refresh({instance.person_id} | ({before} if before is not None else set()))


@receiver(post_delete, sender=LineManagement)
def _deleted(sender: type[LineManagement], instance: LineManagement, **kwargs: Any) -> None:
    refresh({instance.person_id})

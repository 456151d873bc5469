"""Many ids as one bound parameter, and an answer of many ids as one value, on SQLite and PostgreSQL.

A list of thousands of ids sent as `IN (%s, %s, ...)` costs a placeholder and an adapted parameter
each, and a new statement text for every length; sent as one JSON array (SQLite's json_each) or one
array (PostgreSQL's = ANY, unnest) it is one parameter whatever its size. An answer of many ids is
gathered into one value (json_group_array, array_agg) instead of a row each through the driver.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django.db import connection


def id_list(column: str, ids: Collection[int], *, indexed: bool = True) -> tuple[str, Any]:
    """`column` among `ids` as one parameter, whatever their number: a JSON array SQLite reads with
    json_each, an array PostgreSQL compares with = ANY. Not `indexed`: the column is only a filter
    (SQLite's unary + and PostgreSQL's + 0 keep the planner from driving the query by it)."""
    if connection.vendor == "postgresql":
        return f"{column}{'' if indexed else ' + 0'} = ANY(%s::bigint[])", _array(ids)
    return f"{'' if indexed else '+'}{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))  # noqa: S608


def rows_of(ids: Collection[int]) -> tuple[str, Any]:
    """`ids` as a table `s` with one column `value`, from one parameter (json_each on SQLite, unnest on
    PostgreSQL)."""
    if connection.vendor == "postgresql":
        return "unnest(%s::bigint[]) AS s(value)", _array(ids)
    return "json_each(%s) AS s", json.dumps(list(ids))


def _array(ids: Collection[int]) -> str:
    """PostgreSQL's text form of a bigint array: one statement whatever the ids (a list would be sent
    as int2[], int4[] or int8[] by the size of its largest id, a different statement each)."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def gather(column: str) -> str:
    """An aggregate of `column` over the rows as one value: read it back with `gathered`."""
    return f"array_agg({column})" if connection.vendor == "postgresql" else f"json_group_array({column})"


def gathered(value: Any) -> set[int]:
    """The ids `gather` collected (PostgreSQL's array_agg of no rows is NULL)."""
    if value is None:
        return set()
    return set(value if isinstance(value, list) else json.loads(value))


def index_hint(index: str) -> str:
    """SQLite is told which index to read (INDEXED BY), whatever its statistics say; PostgreSQL chooses."""
    return f" INDEXED BY {index}" if connection.vendor == "sqlite" else ""

"""Reads for dashboards and exports from a read replica, when one is configured; everything else from the primary.

Nothing reads from the replica unless it runs inside `reading_from_replica()`, which the dashboard
and export views enter once they have made their access decisions on the primary. Inside it:

- every write goes to the primary, and once the block has written, its later reads do too;
- a read inside a transaction on the primary (a guarded change, `select_for_update`) stays there;
- the models that hold access decisions and locked records (`PRIMARY_ONLY`: cases, victims, the
  workforce register and its connections, exclusions, grants, audit and read logs, memberships,
  governing-body terms, sessions, tokens) are read from the primary;
- a query sent to the replica that names one of those models' tables (in a subquery, a join) is
  refused with `ReplicaRefused`: an access decision cannot ride along on the replica by accident.
  A view that needs one in a replica query decides it first with `decided_on_primary`.

The replica lags the primary: an exclusion recorded a moment ago may not be there yet. That is
why no access decision and no locked record is ever read from it, and why the figures read from
it are at most as old as the lag: the same figures the person could have seen a moment earlier.
With no replica configured (`DATABASE_REPLICA_URL` unset) the block changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

REPLICA = "replica"
T = TypeVar("T")

# Apps whose every model holds an access decision, a locked record or a trail of them.
PRIMARY_ONLY_APPS = frozenset({"cases", "victims", "workforce", "grants", "audit", "auditlog", "sessions", "api",
                               "accounts", "otp_totp", "otp_static", "django_otp"})  # fmt: skip
# Models of other apps that decide access: who holds which role where, and which body governs which force.
PRIMARY_ONLY_MODELS = frozenset({"organisations.membership", "organisations.governingbodyterm", "auth.group",
                                 "auth.permission"})  # fmt: skip


class ReplicaRefused(RuntimeError):
    """A query for the replica named a table that only the primary may answer for."""


@dataclass
class _Block:
    wrote: bool = False


_BLOCK: ContextVar[_Block | None] = ContextVar("reading_from_replica", default=None)


def replica_configured() -> bool:
    return REPLICA in connections


def primary_only(model: type[Model]) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in PRIMARY_ONLY_APPS or label in PRIMARY_ONLY_MODELS


@cache
def _primary_only_tables() -> frozenset[str]:
    """Quoted names of the primary-only tables (many-to-many tables included), as they appear in SQL."""
    models = apps.get_models(include_auto_created=True)
    return frozenset(f'"{model._meta.db_table}"' for model in models if primary_only(_owner(model)))


def _owner(model: type[Model]) -> type[Model]:
    """The model an auto-created many-to-many table belongs to."""
    if model._meta.auto_created and isinstance(model._meta.auto_created, type):
        return model._meta.auto_created
    return model


def _refuse_primary_only(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    named = [table for table in _primary_only_tables() if table in sql]
    if named:
        raise ReplicaRefused(f"A replica query named {', '.join(sorted(named))}: decide it on the primary first.")
    return execute(sql, params, many, context)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Send this block's reads of report data to the replica (see the module's rules); a no-op without one."""
    if not replica_configured() or _BLOCK.get() is not None:
        yield
        return
    token = _BLOCK.set(_Block())
    try:
        with ExitStack() as stack:
            stack.enter_context(connections[REPLICA].execute_wrapper(_refuse_primary_only))
            yield
    finally:
        _BLOCK.reset(token)


def streamed_from_replica(chunks: Iterable[T]) -> Iterator[T]:
    """A streamed response's chunks, each made inside `reading_from_replica()`. The block is left
    between chunks, so the rest of the request, and the next one on this thread, never inherits it."""
    iterator = iter(chunks)
    while True:
        with reading_from_replica():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def decided_on_primary(values: QuerySet[Any, T]) -> QuerySet[Any, T] | list[T]:
    """Inside `reading_from_replica()`: the values, read now from the primary, for a replica query to
    filter by. Outside: the QuerySet unchanged, one subquery of the statement that uses it."""
    if _BLOCK.get() is None:
        return values
    return list(values.using(DEFAULT_DB_ALIAS))


class ReplicaRouter:
    """The router behind `reading_from_replica()`; listed in settings.DATABASE_ROUTERS."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        block = _BLOCK.get()
        if block is None or block.wrote or primary_only(model) or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        block = _BLOCK.get()
        if block is not None:
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica is a copy: migrations run on the primary

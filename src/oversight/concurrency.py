"""The shared kernel of every guarded change: one permission guard and one optimistic lock.

A service function calls `require(...)` with its app's `can_<verb>_<noun>` answer, and
`lock_for_change(...)` inside `transaction.atomic()`: the row is locked, and a change made from a
page opened before someone else's save is refused with one message, the person's input kept.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)

STALE_MESSAGE = (
    "Someone else changed this {noun} after you opened it. Your changes have not been saved: "
    "reload the page to see theirs, then make your change again."
)


class ConcurrentEditError(ValidationError):
    """Someone else saved the record after this person opened it."""

    def __init__(self, noun: str = "record") -> None:
        super().__init__(STALE_MESSAGE.format(noun=noun), code="stale")


def require(allowed: bool, message: str = "You cannot make this change.") -> None:
    """The guard: refuse unless the access rule allowed it (views turn the refusal into a 404)."""
    if not allowed:
        raise PermissionDenied(message)


def check_version(current: int, expected: int | None, noun: str = "record") -> None:
    """Refuse a change made on a stale copy; `expected` None means the caller holds no copy."""
    if expected is not None and current != expected:
        raise ConcurrentEditError(noun)


def lock_for_change(model: type[ModelT], pk: Any, expected_version: int | None, noun: str = "record") -> ModelT:
    """The row locked for update, refusing a stale copy. Call inside `transaction.atomic()`."""
    locked = model._default_manager.select_for_update().get(pk=pk)
    check_version(locked.version, expected_version, noun)  # type: ignore[attr-defined]
    return locked


def bump_version(record: models.Model, *fields: str) -> None:
    """Save the changed fields with the next version (and any auto_now stamp)."""
    stamps = [f.name for f in record._meta.concrete_fields if getattr(f, "auto_now", False)]
    record.version += 1  # type: ignore[attr-defined]
    record.save(update_fields=[*fields, "version", *stamps])

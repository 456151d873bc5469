"""One SHA-256 of everything in the database, the same for the same data whatever the ids.

Sequential ids depend on what the database held before (a sequence is not reset by deleting rows),
so each row is read in id order and every reference to it is written as its position in that order;
random ids (ids.py) are drawn from the seed and kept. Password hashes (salted) and last logins are
left out, and so are the change trail and sessions, which the product writes as things happen, and
Django's permissions and content types, which migrations write in an order of their own (a reference
to a permission is written as its app and codename).
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import models

SKIPPED_APPS = frozenset({"contenttypes", "sessions", "auditlog", "admin", "django_tasks_database"})
SKIPPED_FIELDS = frozenset({"password", "last_login"})
# The tamper-evident trail hashes the change log's rows, times included (audit/chain.py): skipped with them.
SKIPPED_MODELS = frozenset({"audit.TrailEntry"})


def _sequential(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


class _Positions:
    """Each model's ids -> their position in id order (a permission's: its name), read once."""

    def __init__(self) -> None:
        self.cache: dict[type[models.Model], dict[object, object]] = {}

    def of(self, model: type[models.Model]) -> dict[object, object]:
        if model not in self.cache:
            if model is Permission:
                names = Permission.objects.values_list("pk", "content_type__app_label", "codename")
                self.cache[model] = {pk: f"{app}.{codename}" for pk, app, codename in names}
            else:
                ids = model._base_manager.order_by("pk").values_list("pk", flat=True)
                self.cache[model] = {pk: n for n, pk in enumerate(ids)}
        return self.cache[model]


def database_checksum() -> str:
    digest = hashlib.sha256()
    for label, value in model_checksums().items():
        digest.update(f"{label}:{value}".encode())
    return digest.hexdigest()


def model_checksums() -> dict[str, str]:
    """A SHA-256 per model (its label), to find which one differs."""
    positions, sums = _Positions(), {}
    for model in sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.label):
        skipped = model._meta.app_label in SKIPPED_APPS or model._meta.label in SKIPPED_MODELS
        if skipped or model is Permission or model._meta.proxy:
            continue
        digest = hashlib.sha256()
        through = bool(model._meta.auto_created)  # a many-to-many table: its rows as a set, its own ids aside
        fields = [
            f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS and not (through and f.primary_key)
        ]
        rows = [
            repr(tuple(_value(f, v, positions) for f, v in zip(fields, row, strict=True)))
            for row in model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
        ]
        for row in sorted(rows) if through else rows:
            digest.update(row.encode())
        sums[model._meta.label] = digest.hexdigest()
    return sums


def _value(field: models.Field, value: object, positions: _Positions) -> object:
    if value is None:
        return None
    if field.primary_key and _sequential(field.model):
        return positions.of(field.model)[value]
    if field.is_relation and field.related_model is not None:
        target = field.related_model
        assert isinstance(target, type)
        return positions.of(target)[value] if _sequential(target) else value
    return str(value)

"""A tracking record's change history in words, for auditors: field labels, names, UK dates.

The change trail stores field names and raw values (codes, ids, ISO dates); this turns them into
what the record's pages say, and leaves out the machinery (version numbers, ids, time stamps).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from oversight.audit.history import HistoryEntry
from oversight.organisations.models import Organisation

from .models import Evidence, ExtensionRequest, TrackingRecord

MODELS: tuple[type[models.Model], ...] = (TrackingRecord, ExtensionRequest, Evidence)
INTERNAL = {"id", "version", "created_at", "updated_at", "tracking", "item"}
ACTIONS = {"create": "Created", "update": "Changed", "delete": "Deleted", "access": "Read"}
EMPTY = {"", "None", "null"}


def _field(name: str) -> models.Field[object, object] | None:
    for model in MODELS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return field if isinstance(field, models.Field) else None
    return None


def _name_of(field: models.Field[object, object], value: str) -> str:
    if not value.isdigit():
        return value
    related = field.related_model
    if related is User or (isinstance(related, type) and issubclass(related, User)):
        user = User.objects.filter(pk=int(value)).first()
        return (user.get_full_name() or user.get_username()) if user else "A former user"
    if related is Organisation:
        organisation = Organisation.objects.filter(pk=int(value)).first()
        return organisation.name if organisation else value
    return value


def _date_in_words(value: str, *, with_time: bool) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if with_time:
        return f"{timezone.localtime(moment) if timezone.is_aware(moment) else moment:%-d %B %Y, %H:%M}"
    return f"{moment:%-d %B %Y}"


def value_in_words(field: models.Field[object, object] | None, value: str) -> str:
    """A stored value as the pages show it: a choice's label, a person's name, a UK date."""
    if value in EMPTY:
        return "Not set"
    if field is None:
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return _name_of(field, value)
    if isinstance(field, models.DateField):
        return _date_in_words(value, with_time=isinstance(field, models.DateTimeField))
    if isinstance(field, models.BooleanField):
        return {"True": "Yes", "False": "No"}.get(value, value)
    return value


def _label(name: str, field: models.Field[object, object] | None) -> str:
    label = str(field.verbose_name) if field is not None else name.replace("_", " ")
    return label[:1].upper() + label[1:]


def in_words(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    worded = []
    for entry in entries:
        changes = []
        for name, old, new in entry.changes:
            if name in INTERNAL:
                continue
            field = _field(name)
            changes.append((_label(name, field), value_in_words(field, old), value_in_words(field, new)))
        if changes or not entry.changes:
            worded.append(replace(entry, action=ACTIONS.get(entry.action, entry.action), changes=changes))
    return worded

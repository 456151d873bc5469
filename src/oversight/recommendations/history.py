"""A tracking record's change history in words, for auditors: field labels, names, UK dates.

The change trail stores field names and raw values (codes, ids, ISO dates); this turns them into
what the record's pages say, and leaves out the machinery (version numbers, ids, time stamps).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from oversight.audit.history import HistoryEntry
from oversight.organisations.models import Organisation

from .models import Evidence, ExtensionRequest, OwnerChange, RagChange, TrackingRecord, Transition

MODELS: tuple[type[models.Model], ...] = (TrackingRecord, ExtensionRequest, Evidence)
INTERNAL = {"id", "version", "created_at", "updated_at", "tracking", "item"}
# Told by the record's transition rows, with who, when and why: left out of the trail's entries.
TOLD_BY_TRANSITIONS = {"status", "signoff", "rag_override", "rag_override_reason", "owner", "portfolio"}
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


@dataclass(frozen=True)
class WordedEntry(HistoryEntry):
    """An entry of the history in words; a transition row's entry carries its reason."""

    reason: str = ""


def in_words(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    worded = []
    for entry in entries:
        changes = []
        for name, old, new in entry.changes:
            if name in INTERNAL or name in TOLD_BY_TRANSITIONS:
                continue
            field = _field(name)
            changes.append((_label(name, field), value_in_words(field, old), value_in_words(field, new)))
        if changes or not entry.changes:
            worded.append(replace(entry, action=ACTIONS.get(entry.action, entry.action), changes=changes))
    return worded


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "No owner"


def _rag(value: str) -> str:
    return dict(RagChange._meta.get_field("to_rag").flatchoices).get(value, "") or "The suggested rating"


def transitions_in_words(record: TrackingRecord) -> list[WordedEntry]:
    """The record's transition rows (status and sign-off, RAG overrides, owners) as history entries."""
    subject = f"Tracking record: {record}"
    entries = [
        WordedEntry(t.at, _person(t.by), t.get_action_display(), subject, [
            ("Local status", t.get_from_status_display(), t.get_to_status_display()),
            ("Sign-off stage", t.get_from_signoff_display(), t.get_to_signoff_display()),
        ], t.reason)
        for t in Transition.objects.filter(tracking=record).select_related("by")
    ]  # fmt: skip
    entries += [
        WordedEntry(r.at, _person(r.by), r.action_label, subject, [("RAG rating", _rag(r.from_rag), _rag(r.to_rag))],
                    r.reason)
        for r in RagChange.objects.filter(tracking=record).select_related("by")
    ]  # fmt: skip
    for o in OwnerChange.objects.filter(tracking=record).select_related("by", "from_owner", "to_owner"):
        changes = [("Owner", _person(o.from_owner), _person(o.to_owner))] if o.from_owner_id != o.to_owner_id else []
        if o.from_portfolio != o.to_portfolio:
            changes.append(("Portfolio", o.from_portfolio or "Not set", o.to_portfolio or "Not set"))
        entries.append(WordedEntry(o.at, _person(o.by), o.action_label, subject, changes, o.reason))
    return entries


def history_in_words(record: TrackingRecord, trail: list[HistoryEntry]) -> list[HistoryEntry]:
    """The change trail and the transition rows in words, merged, newest first."""
    merged = [*in_words(trail), *transitions_in_words(record)]
    return sorted(merged, key=lambda entry: entry.at, reverse=True)

"""A subject access export (UK GDPR Art. 15) for one person with a login: their own records.

What is in it: the account, the roles held, the sign-in attempts, the API tokens (names and dates,
never the key), the changes the person made to records of the register, returns, coding,
organisations, grants and tokens (from the change trail), and the changes of state they made.

What is not, whatever exists: anything about PPDA cases, victims, protective measures and the
workforce register (the case lock reaches all of them), and reads, refusals and alerts (which are
about locked records). Data processed for the prevention or detection of crime or the apprehension
or prosecution of offenders is exempt from the right of access to the extent that giving it would
be likely to prejudice those purposes (Data Protection Act 2018 Sch. 2 Part 1 para 2), and a
misconduct investigation may be exempt as a regulatory function (para 7); which of the withheld
records may be given is the data protection officer's decision with the force's PSD lead, outside
this export. The note saying so is the same in every export, so an export does not tell the person
who makes it, or the subject, that any such record exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.utils import timezone

from oversight.accounts.models import LoginAttempt
from oversight.api.models import ApiToken
from oversight.audit.models import log_read
from oversight.organisations.models import Membership
from oversight.recommendations.models import OwnerChange, RagChange, ResponseTransition, Transition
from oversight.returns.models import RequestTransition, ReturnTransition

# Apps whose records fall under the PPDA case lock, directly or through the workforce register.
WITHHELD_APPS = ("cases", "victims", "protection", "workforce", "audit")
WITHHELD_NOTE = (
    "Records about PPDA cases, victims, protective measures and the workforce register, and reads of locked "
    "records, are not in this export, whether or not any exist. The data protection officer reviews them with the "
    "force's professional standards lead under the Data Protection Act 2018, Schedule 2, Part 1, paragraph 2 (crime "
    "and taxation) and paragraph 7 (functions designed to protect the public), and gives what may be given "
    "separately."
)
TRANSITIONS = (Transition, RagChange, OwnerChange, ResponseTransition, RequestTransition, ReturnTransition)


def _when(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "active": user.is_active,
        "joined": _when(user.date_joined),
        "last_sign_in": _when(user.last_login),
    }


def _roles(user: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    return [
        {
            "organisation": m.organisation.name,
            "role": m.get_role_display(),
            "portfolio": m.portfolio,
            "approved": _when(m.approved_at),
        }
        for m in memberships
    ]


def _sign_ins(user: User) -> list[dict[str, Any]]:
    attempts = LoginAttempt.objects.filter(username__iexact=user.username).order_by("attempted_at", "pk")
    return [
        {"at": _when(a.attempted_at), "succeeded": a.succeeded, "from": a.ip_address}
        for a in attempts.iterator(chunk_size=1000)
    ]


def _tokens(user: User) -> list[dict[str, Any]]:
    return [
        {"name": t.name, "created": _when(t.created_at), "expires": _when(t.expires_at), "revoked": _when(t.revoked_at)}
        for t in ApiToken.objects.filter(user=user).order_by("created_at")
    ]


def _changes(user: User) -> list[dict[str, Any]]:
    entries = (
        LogEntry.objects.filter(actor=user)
        .exclude(content_type__app_label__in=WITHHELD_APPS)
        .select_related("content_type")
        .order_by("timestamp", "pk")
    )
    return [
        {
            "at": _when(e.timestamp),
            "action": e.get_action_display(),
            "record": f"{e.content_type.name}: {e.object_repr}",
            "changes": e.changes_dict or {},
        }
        for e in entries.iterator(chunk_size=1000)
    ]


def _state_changes(user: User) -> list[dict[str, Any]]:
    found = []
    for model in TRANSITIONS:
        for row in model._default_manager.filter(by=user).order_by("at", "pk"):
            found.append({"at": _when(row.at), "what": str(model._meta.verbose_name), "reason": row.reason})
    return sorted(found, key=lambda change: change["at"] or "")


def subject_access_export(subject: User, by: User) -> dict[str, Any]:
    """The export as data (JSON and the readable page are rendered from it); its making is logged."""
    log_read(by, subject, "subject access export", route="export")
    return {
        "produced": _when(timezone.now()),
        "produced_by": by.get_username(),
        "account": _account(subject),
        "roles": _roles(subject),
        "sign_in_attempts": _sign_ins(subject),
        "api_tokens": _tokens(subject),
        "changes_made": _changes(subject),
        "changes_of_state_made": _state_changes(subject),
        "not_included": WITHHELD_NOTE,
    }

"""Who the load test signs in as, and which pages each may open: chosen in the load test's database
through the product's own access modules, so that no request is aimed at a page its persona is refused.

A persona is a kind of person (a force liaison officer, a PSD case handler, a PCC office user, a
national analyst) played by up to `per_kind` real users of the database, each from another
organisation. Each gets a password of the run's own (the load test's database only), since a
generated database's passwords are not known to it.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("liaison", "psd_handler", "pcc", "national")
SAMPLE = 40  # ids of each page kind per persona: enough to spread the reads, few enough to stay warm
WRITES_PER_PERSONA = 12  # records a persona's progress updates go to; each load-test user claims its own


@dataclass
class Persona:
    """One user and the addresses of the pages they may open (from the URL resolver)."""

    kind: str
    username: str
    organisation: str
    items: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)  # progress update forms


def register_filters() -> list[str]:
    """Query strings of the register as people filter it: by status, RAG, overdue, sorted, a second page."""
    from oversight.lib.rag import Rag
    from oversight.recommendations.filters import OVERDUE_DUE
    from oversight.recommendations.models import TrackingStatus

    return [
        f"status={TrackingStatus.IN_PROGRESS.value}",
        f"rag={Rag.RED.value}&sort=due",
        f"overdue={OVERDUE_DUE}",
        f"status={TrackingStatus.OPEN.value}&rag={Rag.AMBER.value}",
        "open=1&page=2",
        "",
    ]


def choose(per_kind: int, seed: int, password: str) -> dict[str, Any]:
    """The run's personas and their pages; sets each chosen user's password to `password`."""
    from oversight.organisations.models import Membership, Role

    roles = {
        "liaison": Role.LIAISON_OFFICER,
        "psd_handler": Role.PSD_HANDLER,
        "pcc": Role.OPCC_OFFICER,
        "national": Role.NATIONAL_ANALYST,
    }
    rng = random.Random(seed)
    personas: list[dict[str, Any]] = []
    taken_writes: set[int] = set()
    for kind in KINDS:
        memberships = Membership.objects.counting().filter(role=roles[kind], user__is_active=True)
        seen: set[int] = set()
        for membership in memberships.select_related("user", "organisation").order_by("organisation__name", "pk"):
            if membership.organisation_id in seen or membership.user_id in {p["user_id"] for p in personas}:
                continue
            seen.add(membership.organisation_id)
            persona = _pages(Persona(kind, membership.user.username, membership.organisation.name), rng, taken_writes)
            personas.append({"user_id": membership.user_id, **asdict(persona)})
            if len(seen) == per_kind:
                break
    _set_passwords([p["user_id"] for p in personas], password)
    for chosen in personas:
        chosen["codes"] = _recovery_codes(chosen["user_id"], rng)
    plan = {"personas": _interleaved(personas), "urls": _urls(), "register_filters": register_filters()}
    return plan | {"password": password}


def _interleaved(personas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One of each kind, then the second of each kind, ...: the load test's users take them in this
    order, so even a few users play every kind of person."""
    by_kind = [[p for p in personas if p["kind"] == kind] for kind in KINDS]
    rounds = max((len(group) for group in by_kind), default=0)
    return [group[n] for n in range(rounds) for group in by_kind if n < len(group)]


CODES_PER_PERSONA = 30  # each simulated user spends one at sign-in; about four users share a persona


def _recovery_codes(user_id: int, rng: random.Random) -> list[str]:
    """A set of one-time recovery codes for the persona (the load test's database only), replacing any:
    the second factor is completed at each sign-in as a person would, and each simulated user spends
    its own code, since a TOTP code is accepted once per 30 seconds for an account."""
    from django.contrib.auth.models import User

    from oversight.accounts.models import RecoveryCode, RecoveryCodes, hash_recovery_code

    codes = [f"load-{rng.getrandbits(80):020x}" for _ in range(CODES_PER_PERSONA)]
    user = User.objects.get(pk=user_id)
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="Load test codes", confirmed=True)
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=hash_recovery_code(c)) for c in codes)
    return codes


def _urls() -> dict[str, str]:
    from django.urls import reverse

    names = {
        "sign_in": "accounts:login",
        "second_factor": "accounts:second_factor",
        "home": "home",
        "register": "recommendations:register",
        "cases": "cases:list",
    }
    return {key: reverse(name) for key, name in names.items()}


def _each(name: str, ids: list[int]) -> list[str]:
    from django.urls import reverse

    return [reverse(name, args=[pk]) for pk in ids]


def _sample(ids: list[int], rng: random.Random) -> list[int]:
    return sorted(rng.sample(ids, min(SAMPLE, len(ids))))


def _pages(persona: Persona, rng: random.Random, taken_writes: set[int]) -> Persona:
    from django.contrib.auth.models import User

    from oversight.cases.access import visible_cases
    from oversight.recommendations import access
    from oversight.recommendations.models import CommitteeMeeting

    user = User.objects.get(username=persona.username)
    records = list(access.visible_tracking_records(user).order_by("pk").values_list("pk", flat=True))
    items = _sample(records, rng)
    persona.items = _each("recommendations:tracking", items)
    cases = list(visible_cases(user).order_by("pk").values_list("pk", flat=True))
    persona.cases = _each("cases:detail", _sample(cases, rng))
    meetings = CommitteeMeeting.objects.filter(committee__in=access.visible_committees(user)).order_by("pk")
    persona.papers = _each("recommendations:paper", _sample(list(meetings.values_list("pk", flat=True)), rng))
    persona.writes = _each("recommendations:tracking_update", _writable(user, items, taken_writes))
    return persona


def _writable(user: Any, items: list[int], taken: set[int]) -> list[int]:
    """Records this persona may post an update on (`can_contribute`), none shared with another persona."""
    from oversight.recommendations import access
    from oversight.recommendations.models import TrackingRecord

    writes = []
    for record in TrackingRecord.objects.filter(pk__in=items).order_by("pk"):
        if record.pk not in taken and access.can_contribute(user, record):
            writes.append(record.pk)
            taken.add(record.pk)
        if len(writes) == WRITES_PER_PERSONA:
            break
    return writes


def _set_passwords(user_ids: list[int], password: str) -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    User.objects.filter(pk__in=user_ids).update(password=make_password(password))

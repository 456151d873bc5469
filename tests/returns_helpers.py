"""Helpers for national returns tests: a draft request from the APCC, and sending it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item
from oversight.returns import services
from oversight.returns.models import Question, ReturnRequest
from tests.personas import Personas

DEADLINE = dt.date(2099, 1, 31)


def question(request: ReturnRequest, kind: str) -> Question:
    return request.questions.get(kind=kind)


def draft_request(personas: Personas, item: Item, **changes: object) -> ReturnRequest:
    fields: dict[str, object] = {
        "body": Organisation.objects.get(slug="apcc"),
        "title": "PPDA recommendation 3a",
        "items": [item],
        "deadline": DEADLINE,
    }
    fields.update(changes)
    return services.create_request(personas.national_analyst, services.RequestDraft(**fields))  # type: ignore[arg-type]


def send(request: ReturnRequest, by: User) -> ReturnRequest:
    request.refresh_from_db()
    return services.send_request(request, by, request.version, today=dt.date(2024, 1, 1))

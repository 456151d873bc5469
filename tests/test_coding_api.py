"""Coding in the API: the analysts read and write themes, codings and suggestions; bad input is 400
with nothing written; every other persona gets 404 from every operation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from oversight.coding.models import BulkAcceptance, Coding, Suggestion, SuggestionStatus, Theme
from oversight.recommendations.models import Item
from oversight.returns.models import ReturnRequest
from tests.personas import Personas
from tests.test_api import api_client
from tests.test_coding import answer_of, coded_request
from tests.test_coding_access import REFUSED, person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(personas: Personas, item: Item) -> ReturnRequest:
    return coded_request(personas, item)


def _post(client: Client, url: str, body: object) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _operations() -> list[tuple[str, str]]:
    client = Client()
    client.force_login(User.objects.create_user("openapi.reader"))
    document = client.get("/api/openapi.json").json()
    return [
        (method, path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "coding" in operation.get("tags", [])
    ]


def test_the_analyst_codes_through_the_api(personas: Personas, coded: ReturnRequest) -> None:
    client = api_client(personas.national_analyst)
    base = f"/api/v1/coding/requests/{coded.pk}"
    assert [t["name"] for t in client.get(f"{base}/themes").json()] == ["Advocacy", "Training"]
    funding = _post(client, f"{base}/themes", {"name": "Funding", "description": "Money"})
    assert funding.status_code == 200
    answer = answer_of(coded, "merseyside-police")
    body = {"answer_id": answer.pk, "start": 0, "end": 10, "theme_id": funding.json()["id"], "quote": True}
    made = _post(client, f"{base}/codings", body)
    assert made.status_code == 200 and made.json()["text"] == answer.text[:10]
    assert len(client.get(f"{base}/codings").json()) == 2
    pending = [s for s in client.get(f"{base}/suggestions").json() if s["status"] == "pending"]
    accepted = _post(client, f"/api/v1/coding/suggestions/{pending[0]['id']}/accept", {})
    assert accepted.json()["suggestion_id"] == pending[0]["id"]
    rejected = _post(client, f"/api/v1/coding/suggestions/{pending[1]['id']}/reject", {})
    assert rejected.json()["status"] == "rejected"
    bulk = _post(client, f"{base}/suggestions/accept-above", {"threshold": 0.0})
    assert bulk.json()["accepted"] == len(pending) - 2
    assert _post(client, f"{base}/suggestions", {}).status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"end": 10_000}, {"start": 5, "end": 5}, {"theme_id": 999_999}, {"answer_id": 999_999}, {"start": "x"}],
)
def test_bad_codings_are_400_and_write_nothing(
    personas: Personas, coded: ReturnRequest, change: dict[str, object]
) -> None:
    client = api_client(personas.national_analyst)
    answer = answer_of(coded, "merseyside-police")
    body = {"answer_id": answer.pk, "start": 0, "end": 10, "theme_id": Theme.objects.get(name="Training").pk}
    response = _post(client, f"/api/v1/coding/requests/{coded.pk}/codings", {**body, **change})
    assert response.status_code in (400, 422)
    assert Coding.objects.count() == 1


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_from_every_api_operation(personas: Personas, coded: ReturnRequest, name: str) -> None:
    client = api_client(person(personas, name))
    suggestion = Suggestion.objects.pending().first()
    assert suggestion is not None
    ids = {"request_id": coded.pk, "suggestion_id": suggestion.pk}
    operations = _operations()
    assert len(operations) >= 9
    body = {"name": "x", "answer_id": 1, "start": 0, "end": 1, "theme_id": 1, "threshold": 0.0}
    for method, path in operations:
        url = path.format(**ids)
        response = client.get(url) if method == "get" else _post(client, url, body)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Not found"}
    assert Theme.objects.count() == 2 and Coding.objects.count() == 1
    assert not Suggestion.objects.exclude(status=SuggestionStatus.PENDING).exists()
    assert not BulkAcceptance.objects.exists()

"""Writing a national request through the API: a national analyst creates a draft, edits its details,
adds and removes questions, sends it and closes it, through the guarded services. A stale version is
409, bad input 400 or 422 with a clear message and nothing written, and everyone outside the
requesting body gets 404 from every operation; the OpenAPI document still generates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns.models import Question, RequestStatus, RequestTransition, Return, ReturnRequest
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import DEADLINE, draft_request
from tests.test_api import api_client
from tests.test_returns_access import REFUSED, _person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

BASE = "/api/v1/returns/requests"


def _send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def _new(item: Item, **changes: object) -> dict[str, Any]:
    return {"title": "Vetting: recommendation 4", "item_ids": [item.pk], "deadline": str(DEADLINE), **changes}


@pytest.fixture
def analyst(personas: Personas) -> Client:
    return api_client(personas.national_analyst)


def test_an_analyst_writes_sends_and_closes_a_request(analyst: Client, item: Item) -> None:
    created = _send(analyst, "POST", BASE, _new(item, standard=["accepted", "actions_taken"]))
    assert created.status_code == 200, created.content
    body = created.json()
    assert (body["status"], body["version"], body["item_ids"]) == ("draft", 1, [item.pk])
    assert [q["kind"] for q in body["questions"]] == ["accepted", "actions_taken"]
    url = f"{BASE}/{body['id']}"

    edited = _send(analyst, "PATCH", url, {"version": 1, "title": "Vetting: rec 4", "deadline": "2099-03-01"})
    assert edited.status_code == 200 and (edited.json()["title"], edited.json()["deadline"]) == (
        "Vetting: rec 4",
        "2099-03-01",
    )
    assert edited.json()["introduction"] == "" and edited.json()["version"] == 2

    question = {"version": 2, "kind": "choice", "text": "Funded how?", "options": ["Grant", "Commissioned"]}
    added = _send(analyst, "POST", f"{url}/questions", {**question, "required": True})
    assert added.status_code == 200 and added.json()["version"] == 3
    choice = added.json()["questions"][-1]
    assert (choice["kind"], choice["options"], choice["required"]) == ("choice", ["Grant", "Commissioned"], True)
    removed = _send(analyst, "DELETE", f"{url}/questions/{body['questions'][1]['id']}", {"version": 3})
    assert removed.status_code == 200
    assert [q["kind"] for q in removed.json()["questions"]] == ["accepted", "choice"]

    sent = _send(analyst, "POST", f"{url}/send", {"version": 4})
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert sent.json()["counts"]["total"] == 43 == Return.objects.filter(request_id=body["id"]).count()

    closed = _send(analyst, "POST", f"{url}/close", {"version": 5, "reason": "All 43 answered"})
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closed_by"]) == ("closed", "apcc.analyst")
    assert closed.json()["closed_at"] is not None
    step = RequestTransition.objects.get(request_id=body["id"], to_status=RequestStatus.CLOSED)
    assert (step.from_status, step.reason, step.by.username) == ("sent", "All 43 answered", "apcc.analyst")


def test_a_stale_version_is_409_and_changes_nothing(analyst: Client, personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    url = f"{BASE}/{request.pk}"
    assert _send(analyst, "PATCH", url, {"version": 1, "title": "First"}).status_code == 200
    for method, path, body in [
        ("PATCH", url, {"version": 1, "title": "Second"}),
        ("POST", f"{url}/questions", {"version": 1, "kind": "free_text", "text": "Anything else?"}),
        ("DELETE", f"{url}/questions/{request.questions.first().pk}", {"version": 1}),  # type: ignore[union-attr]
        ("POST", f"{url}/send", {"version": 1}),
    ]:
        response = _send(analyst, method, path, body)
        assert response.status_code == 409, (method, path)
        assert "Someone else changed this record" in response.json()["detail"]
    request.refresh_from_db()
    assert (request.title, request.version, request.status) == ("First", 2, "draft")
    assert request.questions.count() == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline": "2001-01-01"}, "The deadline must be today or in the future"),
        ({"item_ids": [999_999]}, "No recommendation 999999"),
        ({"recipients": "chosen"}, "Select the governing bodies or forces to ask"),
        ({"title": "   "}, "Enter a title"),
    ],
)
def test_bad_input_to_create_is_400_with_a_message(
    analyst: Client, item: Item, change: dict[str, object], message: str
) -> None:
    response = _send(analyst, "POST", BASE, _new(item, **change))
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"deadline": "not a date"}, {"item_ids": []}, {"recipients": "everyone"}, {"title": "x" * 301},
     {"standard": ["yes_no"]}, {"item_ids": [2**70]}, {"title": "a\x00b"}],
)  # fmt: skip
def test_malformed_input_to_create_is_422(analyst: Client, item: Item, change: dict[str, object]) -> None:
    response = _send(analyst, "POST", BASE, _new(item, **change))
    assert response.status_code == 422
    assert not ReturnRequest.objects.exists()


def test_bad_changes_to_a_draft_are_400(analyst: Client, personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    url = f"{BASE}/{request.pk}"
    cases = [
        ("PATCH", url, {"version": 1, "deadline": "2001-01-01"}, "The deadline must be today or in the future"),
        ("PATCH", url, {"version": 1, "organisation_ids": [1]}, "Set recipients to 'chosen'"),
        ("POST", f"{url}/questions", {"version": 1, "kind": "choice", "text": "Which?", "options": ["One"]},
         "Enter at least two options"),
        ("DELETE", f"{url}/questions/999999", {"version": 1}, "That question is not part of this request"),
    ]  # fmt: skip
    for method, path, body, message in cases:
        response = _send(analyst, method, path, body)
        assert response.status_code == 400 and message in response.json()["detail"], (path, response.content)
    request.refresh_from_db()
    assert request.version == 1 and request.questions.count() == 5


def test_a_sent_request_takes_no_edit_no_question_and_no_second_send(
    analyst: Client, sent_request: ReturnRequest
) -> None:
    url, version = f"{BASE}/{sent_request.pk}", sent_request.version
    questions = sent_request.questions.count()
    for method, path, body, message in [
        ("PATCH", url, {"version": version, "title": "Changed"}, "its details can no longer change"),
        ("POST", f"{url}/questions", {"version": version, "kind": "free_text", "text": "More?"}, "its questions"),
        ("DELETE", f"{url}/questions/{sent_request.questions.first().pk}", {"version": version}, "its questions"),  # type: ignore[union-attr]
        ("POST", f"{url}/send", {"version": version}, "its questions can no longer change"),
    ]:
        response = _send(analyst, method, path, body)
        assert response.status_code == 400 and message in response.json()["detail"], path
    sent_request.refresh_from_db()
    assert sent_request.title == "PPDA recommendation 3a" and sent_request.questions.count() == questions


def test_only_a_sent_request_is_closed(analyst: Client, personas: Personas, item: Item) -> None:
    draft = draft_request(personas, item)
    response = _send(analyst, "POST", f"{BASE}/{draft.pk}/close", {"version": 1})
    assert response.status_code == 400 and "Only a sent request can be closed" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.closed_at is None


def test_an_analyst_of_two_bodies_names_the_body(personas: Personas, item: Item) -> None:
    member(personas.national_analyst, Organisation.objects.get(slug="npcc"), Role.NATIONAL_ANALYST)
    client = api_client(personas.national_analyst)
    unnamed = _send(client, "POST", BASE, _new(item))
    assert unnamed.status_code == 400 and "Say which national body" in unnamed.json()["detail"]
    npcc = Organisation.objects.get(slug="npcc")
    named = _send(client, "POST", BASE, _new(item, body_id=npcc.pk))
    assert named.status_code == 200 and named.json()["body"]["slug"] == "npcc"


@pytest.mark.parametrize("name", [*REFUSED, "opcc_officer"])
def test_everyone_outside_the_body_gets_404_and_nothing_changes(
    personas: Personas, sent_request: ReturnRequest, item: Item, name: str
) -> None:
    client = api_client(_person(personas, name))
    draft = draft_request(personas, item, title="Another")
    apcc = Organisation.objects.get(slug="apcc")
    created = _send(client, "POST", BASE, _new(item, body_id=apcc.pk))
    assert created.status_code == 404 and created.json() == {"detail": "Not found"}
    question = draft.questions.first()
    assert question is not None
    for method, path, body in [
        ("PATCH", f"{BASE}/{draft.pk}", {"version": 1, "title": "Mine"}),
        ("POST", f"{BASE}/{draft.pk}/questions", {"version": 1, "kind": "free_text", "text": "Mine?"}),
        ("DELETE", f"{BASE}/{draft.pk}/questions/{question.pk}", {"version": 1}),
        ("POST", f"{BASE}/{draft.pk}/send", {"version": 1}),
        ("POST", f"{BASE}/{sent_request.pk}/close", {"version": sent_request.version}),
    ]:
        response = _send(client, method, path, body)
        assert response.status_code == 404 and response.json() == {"detail": "Not found"}, (method, path)
    assert ReturnRequest.objects.count() == 2
    draft.refresh_from_db()
    sent_request.refresh_from_db()
    assert (draft.title, draft.version, draft.status, draft.questions.count()) == ("Another", 1, "draft", 5)
    assert sent_request.status == "sent" and Question.objects.filter(request=draft).count() == 5


def test_the_operations_are_in_the_openapi_document(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.no_role)
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/returns/requests"])
    assert {"get", "patch"} <= set(paths["/api/v1/returns/requests/{request_id}"])
    assert "post" in paths["/api/v1/returns/requests/{request_id}/questions"]
    assert "delete" in paths["/api/v1/returns/requests/{request_id}/questions/{question_id}"]
    assert "post" in paths["/api/v1/returns/requests/{request_id}/send"]
    assert "post" in paths["/api/v1/returns/requests/{request_id}/close"]
    assert "get" in paths["/api/v1/coding/requests/{request_id}/agreement"]


def test_the_deadline_check_uses_today(analyst: Client, item: Item) -> None:
    today = dt.date.today().isoformat()
    assert _send(analyst, "POST", BASE, _new(item, deadline=today)).status_code == 200

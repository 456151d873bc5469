"""The national returns API: requests and the tracker for the analyst; answering, submitting,
clarifying and resubmitting a return; bad input answered with a clear message and nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from oversight.returns.models import Acceptance, QuestionKind, Return, ReturnRequest, ReturnStatus
from tests.personas import Personas
from tests.returns_helpers import question
from tests.test_api import api_client

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

BASE = "/api/v1/returns"


def _put(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_analyst_reads_requests_and_the_tracker(personas: Personas, sent_request: ReturnRequest) -> None:
    client = api_client(personas.national_analyst)
    [listed] = client.get(f"{BASE}/requests").json()["items"]
    assert listed["id"] == sent_request.pk and listed["status"] == "sent"
    detail = client.get(f"{BASE}/requests/{sent_request.pk}").json()
    assert detail["counts"] == {"total": 43, "answered": 0, "by_status": {"draft": 43}}
    assert [q["kind"] for q in detail["questions"]][:2] == ["accepted", "actions_taken"]
    tracker = client.get(f"{BASE}/requests/{sent_request.pk}/returns").json()
    assert len(tracker) == 43 and {row["status"] for row in tracker} == {"draft"}


def test_the_officer_answers_submits_and_is_refused_an_edit_after(personas: Personas, wm_return: Return) -> None:
    client = api_client(personas.opcc_officer)
    [mine] = client.get(f"{BASE}/returns").json()["items"]
    assert mine["id"] == wm_return.pk
    accepted = question(wm_return.request, QuestionKind.ACCEPTED).pk
    saved = _put(
        client, f"{BASE}/returns/{wm_return.pk}/answers", {"version": 1, "answers": {str(accepted): "accepted"}}
    )
    assert saved.status_code == 200 and saved.json()["version"] == 2
    submitted = _post(client, f"{BASE}/returns/{wm_return.pk}/submit", {"version": 2}).json()
    assert submitted["status"] == "submitted"
    assert submitted["versions"][0]["answers"] == [
        {"question_id": accepted, "text": "accepted", "file_name": "", "sha256": ""}
    ]
    late = _put(
        client, f"{BASE}/returns/{wm_return.pk}/answers", {"version": 3, "answers": {str(accepted): "not_accepted"}}
    )
    assert late.status_code == 400 and "cannot be changed" in late.json()["detail"]
    wm_return.refresh_from_db()
    assert wm_return.answers.get().text == Acceptance.ACCEPTED


@pytest.mark.parametrize("key", ["999999", "abc", "-1", "1" * 40])
def test_an_answer_to_a_question_that_does_not_exist_is_400(personas: Personas, wm_return: Return, key: str) -> None:
    response = _put(
        api_client(personas.opcc_officer),
        f"{BASE}/returns/{wm_return.pk}/answers",
        {"version": 1, "answers": {key: "x"}},
    )
    assert response.status_code == 400 and "has no question" in response.json()["detail"]
    assert not wm_return.answers.exists()


def test_a_stale_version_is_409_and_the_analyst_may_not_answer(personas: Personas, wm_return: Return) -> None:
    taken = str(question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk)
    officer = api_client(personas.opcc_officer)
    _put(officer, f"{BASE}/returns/{wm_return.pk}/answers", {"version": 1, "answers": {taken: "First"}})
    stale = _put(officer, f"{BASE}/returns/{wm_return.pk}/answers", {"version": 1, "answers": {taken: "Second"}})
    assert stale.status_code == 409
    analyst = _put(api_client(personas.national_analyst), f"{BASE}/returns/{wm_return.pk}/answers",
                   {"version": 2, "answers": {taken: "Analyst's words"}})  # fmt: skip
    assert analyst.status_code == 403
    assert wm_return.answers.get().text == "First"


def test_clarification_and_resubmission(personas: Personas, wm_return: Return) -> None:
    officer, analyst = api_client(personas.opcc_officer), api_client(personas.national_analyst)
    accepted = str(question(wm_return.request, QuestionKind.ACCEPTED).pk)
    taken = question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk
    _put(officer, f"{BASE}/returns/{wm_return.pk}/answers", {"version": 1, "answers": {accepted: "accepted"}})
    _post(officer, f"{BASE}/returns/{wm_return.pk}/submit", {"version": 2})
    refused = _post(officer, f"{BASE}/returns/{wm_return.pk}/clarification",
                    {"version": 3, "points": [{"question_id": taken, "text": "Mine?"}]})  # fmt: skip
    assert refused.status_code == 403
    returned = _post(analyst, f"{BASE}/returns/{wm_return.pk}/clarification",
                     {"version": 3, "points": [{"question_id": taken, "text": "What was done?"}]})  # fmt: skip
    assert returned.json()["status"] == "returned"
    assert returned.json()["versions"][0]["clarification_points"] == [{"question_id": taken, "text": "What was done?"}]
    _put(officer, f"{BASE}/returns/{wm_return.pk}/answers", {"version": 4, "answers": {str(taken): "Reviewed."}})
    done = _post(officer, f"{BASE}/returns/{wm_return.pk}/resubmit", {"version": 5}).json()
    assert done["status"] == ReturnStatus.RESUBMITTED and [v["number"] for v in done["versions"]] == [1, 2]
    counts = analyst.get(f"{BASE}/requests/{wm_return.request_id}").json()["counts"]
    assert counts["answered"] == 1 and counts["by_status"]["resubmitted"] == 1

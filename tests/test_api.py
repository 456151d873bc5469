"""The register's JSON API, per persona: who sees what, who may change what, and what a refusal looks like."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oversight.api.models import ApiToken
from oversight.organisations.models import Organisation
from oversight.recommendations import services
from oversight.recommendations.models import (
    ItemKind,
    ProgressUpdate,
    ReportKind,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
)
from tests.conftest import client_for
from tests.documents_corpus import simple_pdf
from tests.factories import ReportFactory, TrackingRecordFactory
from tests.personas import Personas

BASE = "/api/v1/recommendations"
SEES_WMP = ["liaison", "owner", "second_owner", "hmicfrs_lead", "committee_member", "opcc_officer"]
REFUSED = ["other_force", "other_hmicfrs_lead", "administrator", "national_analyst", "no_role"]
SEES_BUT_CANNOT_POST = ["second_owner", "hmicfrs_lead", "committee_member", "opcc_officer"]


def api_client(user: User) -> Client:
    _, raw = ApiToken.issue(user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def with_hmicfrs(tracking: TrackingRecord) -> TrackingRecord:
    TrackingRecord.objects.filter(pk=tracking.pk).update(
        status=TrackingStatus.PENDING_SIGNOFF, signoff=SignoffStage.WITH_HMICFRS
    )
    tracking.refresh_from_db()
    return tracking


@pytest.fixture
def avon_tracking(personas: Personas) -> TrackingRecord:
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    return TrackingRecordFactory(item__report=ReportFactory(forces=[avon]), organisation=avon)


# Reports: published documents, readable by everyone signed in.


def test_reports_list_and_detail_with_items(personas: Personas, tracking: TrackingRecord) -> None:
    client = api_client(personas.no_role)
    listing = client.get(f"{BASE}/reports").json()
    assert listing["count"] == 1
    assert listing["items"][0]["title"] == tracking.item.report.title
    assert listing["items"][0]["forces"][0]["slug"] == "west-midlands-police"
    detail = client.get(f"{BASE}/reports/{tracking.item.report_id}").json()
    assert [item["reference"] for item in detail["items"]] == [tracking.item.reference]
    assert detail["items"][0]["deadline_phrase"] == "Within six months"


def test_missing_report_is_404(personas: Personas) -> None:
    response = api_client(personas.liaison).get(f"{BASE}/reports/99999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


# Reading tracking records.


@pytest.mark.parametrize("persona", SEES_WMP)
def test_people_of_the_register_see_the_record(
    personas: Personas, tracking: TrackingRecord, avon_tracking: TrackingRecord, persona: str
) -> None:
    client = api_client(getattr(personas, persona))
    listing = client.get(f"{BASE}/tracking").json()
    assert listing["count"] == 1
    assert [row["id"] for row in listing["items"]] == [tracking.pk]
    detail = client.get(f"{BASE}/tracking/{tracking.pk}")
    assert detail.status_code == 200
    assert detail.json()["organisation"]["name"] == "West Midlands Police"


@pytest.mark.parametrize("persona", REFUSED)
def test_people_outside_the_register_get_404_and_never_see_it_listed(
    personas: Personas, tracking: TrackingRecord, avon_tracking: TrackingRecord, persona: str
) -> None:
    client = api_client(getattr(personas, persona))
    listing = client.get(f"{BASE}/tracking").json()
    assert tracking.pk not in [row["id"] for row in listing["items"]]
    expected = [avon_tracking.pk] if persona in ("other_force", "other_hmicfrs_lead") else []
    assert [row["id"] for row in listing["items"]] == expected
    assert listing["count"] == len(expected)
    filtered = client.get(f"{BASE}/tracking", {"organisation": tracking.organisation_id}).json()
    assert filtered == {"items": [], "count": 0}
    for path in (f"/tracking/{tracking.pk}", f"/tracking/{tracking.pk}/actions"):
        response = client.get(BASE + path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}


def test_a_missing_record_and_a_hidden_one_answer_alike(personas: Personas, tracking: TrackingRecord) -> None:
    client = api_client(personas.other_force)
    hidden = client.get(f"{BASE}/tracking/{tracking.pk}")
    missing = client.get(f"{BASE}/tracking/{tracking.pk + 1000}")
    assert (
        (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (404, {"detail": "Not found"})
    )


POLICY_PDF = simple_pdf([["Policy"]])  # evidence must be a PDF that opens (lib/screening.py)


def test_detail_has_statuses_rag_dates_updates_evidence_and_transitions(
    personas: Personas, tracking: TrackingRecord
) -> None:
    services.post_update(tracking, personas.owner, "Policy drafted")
    upload = SimpleUploadedFile("policy.pdf", POLICY_PDF, content_type="application/pdf")
    services.add_evidence(tracking, personas.owner, title="Policy", effective_on=dt.date(2022, 9, 1), upload=upload)
    services.override_rag(tracking, personas.liaison, "amber", "Awaiting training dates")
    body = api_client(personas.committee_member).get(f"{BASE}/tracking/{tracking.pk}").json()
    assert body["item"]["text"] == tracking.item.text
    assert body["status"] == TrackingStatus.IN_PROGRESS
    assert body["signoff"] == SignoffStage.NOT_SUBMITTED
    assert (body["rag"], body["rag_reason"], body["rag_overridden"]) == ("amber", "Awaiting training dates", True)
    assert body["suggested_rag"] == "red"  # the factory's due date is in 2022
    assert body["due_on"] == body["original_due_on"] == tracking.due_on.isoformat()
    assert body["overdue"] is True and body["slips"] == 0
    assert [update["text"] for update in body["updates"]] == ["Policy drafted"]
    assert body["updates"][0]["author"]["name"] == "Owen Patel"
    version = body["evidence"][0]["versions"][0]
    assert version["sha256"] == hashlib.sha256(POLICY_PDF).hexdigest()
    assert (version["original_name"], version["size"]) == ("policy.pdf", len(POLICY_PDF))
    assert [step["action"] for step in body["transitions"]] == ["set_status"]
    assert body["version"] == TrackingRecord.objects.get(pk=tracking.pk).version


# Filters: the register page's, applied inside the caller's scope.


@pytest.fixture
def register(personas: Personas, wmp: Organisation) -> dict[str, TrackingRecord]:
    peel = ReportFactory(forces=[wmp], kind=ReportKind.PEEL)
    future = dt.date.today() + dt.timedelta(days=200)
    return {
        "overdue": TrackingRecordFactory(item__report=peel, organisation=wmp, owner=personas.owner),
        "on_track": TrackingRecordFactory(
            item__report=peel, item__kind=ItemKind.AREA_FOR_IMPROVEMENT, organisation=wmp,
            owner=personas.second_owner, due_on=future, status=TrackingStatus.IN_PROGRESS,
        ),
        "closed": TrackingRecordFactory(
            organisation=wmp, status=TrackingStatus.CLOSED, signoff=SignoffStage.SIGNED_OFF,
        ),
    }  # fmt: skip


def _ids(client: Client, **params: Any) -> set[int]:
    body = client.get(f"{BASE}/tracking", params).json()
    assert body["count"] == len(body["items"])
    return {row["id"] for row in body["items"]}


def test_filters(personas: Personas, register: dict[str, TrackingRecord]) -> None:
    ProgressUpdate.objects.create(tracking=register["on_track"], author=personas.second_owner, text="Going well")
    client = api_client(personas.liaison)
    overdue, on_track, closed = register["overdue"], register["on_track"], register["closed"]
    assert _ids(client) == {overdue.pk, on_track.pk, closed.pk}
    assert _ids(client, overdue="true") == {overdue.pk}
    assert _ids(client, rag="red") == {overdue.pk}
    assert _ids(client, rag="green") == {on_track.pk}
    assert _ids(client, rag="blue") == {closed.pk}
    assert _ids(client, status="in_progress") == {on_track.pk}
    assert _ids(client, signoff="signed_off") == {closed.pk}
    assert _ids(client, kind="afi") == {on_track.pk}
    assert _ids(client, report_kind="peel") == {overdue.pk, on_track.pk}
    assert _ids(client, report=closed.item.report_id) == {closed.pk}
    assert _ids(client, owner=personas.second_owner.pk) == {on_track.pk}
    assert _ids(client, organisation=overdue.organisation_id, owner=personas.owner.pk) == {overdue.pk}
    assert client.get(f"{BASE}/tracking", {"rag": "purple"}).status_code == 422


def test_list_is_paginated_with_the_full_count(personas: Personas, register: dict[str, TrackingRecord]) -> None:
    body = api_client(personas.liaison).get(f"{BASE}/tracking", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 3 and len(body["items"]) == 1


def test_pages_walk_the_filtered_list_in_due_order(personas: Personas, register: dict[str, TrackingRecord]) -> None:
    """The database pages the filtered, sorted list: each page's count is the filtered total."""
    client = api_client(personas.liaison)
    pages = [client.get(f"{BASE}/tracking", {"limit": 1, "offset": offset}).json() for offset in range(4)]
    assert [page["count"] for page in pages] == [3, 3, 3, 3]
    walked = [row["id"] for page in pages for row in page["items"]]
    assert walked == [register["overdue"].pk, register["closed"].pk, register["on_track"].pk]
    peel = [client.get(f"{BASE}/tracking", {"limit": 1, "offset": n, "report_kind": "peel"}).json() for n in (0, 1)]
    assert [(page["count"], [row["id"] for row in page["items"]]) for page in peel] == [
        (2, [register["overdue"].pk]),
        (2, [register["on_track"].pk]),
    ]


# Progress updates.


@pytest.mark.parametrize("persona", ["owner", "liaison"])
def test_owner_and_liaison_post_updates(personas: Personas, tracking: TrackingRecord, persona: str) -> None:
    response = post_json(
        api_client(getattr(personas, persona)), f"{BASE}/tracking/{tracking.pk}/updates", {"text": "Done"}
    )
    assert response.status_code == 201
    assert response.json()["text"] == "Done"
    assert ProgressUpdate.objects.get(tracking=tracking).author == getattr(personas, persona)


@pytest.mark.parametrize("persona", SEES_BUT_CANNOT_POST)
def test_who_sees_but_may_not_post_gets_403(personas: Personas, tracking: TrackingRecord, persona: str) -> None:
    response = post_json(
        api_client(getattr(personas, persona)), f"{BASE}/tracking/{tracking.pk}/updates", {"text": "x"}
    )
    assert response.status_code == 403
    assert "may not act" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_outsiders_cannot_post_updates(personas: Personas, tracking: TrackingRecord, persona: str) -> None:
    response = post_json(
        api_client(getattr(personas, persona)), f"{BASE}/tracking/{tracking.pk}/updates", {"text": "x"}
    )
    assert (response.status_code, response.json()) == (404, {"detail": "Not found"})
    assert not ProgressUpdate.objects.exists()


def test_an_empty_update_is_refused_with_a_message(personas: Personas, tracking: TrackingRecord) -> None:
    response = post_json(api_client(personas.owner), f"{BASE}/tracking/{tracking.pk}/updates", {"text": "  "})
    assert response.status_code == 400
    assert response.json()["detail"] == "Enter the progress update."
    assert response.json()["errors"] == {"text": ["Enter the progress update."]}
    assert not ProgressUpdate.objects.exists()


# Sign-off steps.
# A token is refused every sign-off step (they need a recent second factor): tests/test_api_step_up.py.
# The steps' own rules (order, reasons, evidence, a stale version) are the services': tests/test_services.py.


def step(user: User, tracking: TrackingRecord, action: str, reason: str = "", version: int | None = None) -> Any:
    body = {"action": action, "reason": reason, "version": tracking.version if version is None else version}
    return post_json(api_client(user), f"{BASE}/tracking/{tracking.pk}/transitions", body)


def test_a_change_is_recorded_in_the_audit_trail_under_the_token_holder(
    personas: Personas, tracking: TrackingRecord
) -> None:
    response = post_json(api_client(personas.owner), f"{BASE}/tracking/{tracking.pk}/updates", {"text": "Started"})
    assert response.status_code == 201
    entry = LogEntry.objects.get_for_object(tracking).order_by("-timestamp").first()
    assert entry is not None and entry.actor == personas.owner
    assert TrackingRecord.objects.get(pk=tracking.pk).status == TrackingStatus.IN_PROGRESS


@pytest.mark.parametrize("persona", ["liaison", "owner", "second_owner", "committee_member", "opcc_officer"])
def test_who_sees_but_may_not_sign_off_gets_403(personas: Personas, tracking: TrackingRecord, persona: str) -> None:
    tracking = with_hmicfrs(tracking)
    response = step(getattr(personas, persona), tracking, "sign_off")
    assert response.status_code == 403
    assert not Transition.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_outsiders_cannot_take_steps(personas: Personas, tracking: TrackingRecord, persona: str) -> None:
    tracking = with_hmicfrs(tracking)
    response = step(getattr(personas, persona), tracking, "sign_off")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found"})
    assert TrackingRecord.objects.get(pk=tracking.pk).signoff == SignoffStage.WITH_HMICFRS


def test_an_unknown_action_is_400(personas: Personas, tracking: TrackingRecord) -> None:
    response = step(personas.owner, tracking, "close_it")
    assert response.status_code == 400
    assert "'close_it' is not a sign-off step." in response.json()["detail"]


# Allowed actions.


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hmicfrs_lead", ["sign_off", "return_from_hmicfrs"]),
        ("liaison", []),
        ("owner", []),
        ("committee_member", []),
    ],
)
def test_actions_with_hmicfrs(personas: Personas, tracking: TrackingRecord, persona: str, expected: list[str]) -> None:
    tracking = with_hmicfrs(tracking)
    body = api_client(getattr(personas, persona)).get(f"{BASE}/tracking/{tracking.pk}/actions").json()
    assert [row["action"] for row in body] == expected


def test_actions_when_submitted_include_labels_and_reason_flags(personas: Personas, tracking: TrackingRecord) -> None:
    TrackingRecord.objects.filter(pk=tracking.pk).update(signoff=SignoffStage.SUBMITTED)
    body = api_client(personas.liaison).get(f"{BASE}/tracking/{tracking.pk}/actions").json()
    assert body == [
        {"action": "return_to_owner", "label": "Returned to owner by liaison officer", "needs_reason": True},
        {"action": "pass_to_hmicfrs", "label": "Submitted to HMICFRS", "needs_reason": False},
    ]


# The OpenAPI document.


def test_openapi_document_lists_the_register_paths(personas: Personas) -> None:
    response = api_client(personas.no_role).get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {
        f"{BASE}/reports",
        f"{BASE}/reports/{{report_id}}",
        f"{BASE}/tracking",
        f"{BASE}/tracking/{{tracking_id}}",
        f"{BASE}/tracking/{{tracking_id}}/actions",
        f"{BASE}/tracking/{{tracking_id}}/updates",
        f"{BASE}/tracking/{{tracking_id}}/transitions",
    } <= paths
    described = document["components"]["schemas"]["TrackingDetailOut"]["properties"]["rag_reason"]
    assert described["description"].startswith("Why the RAG rating")


def test_openapi_document_needs_a_login_or_a_token(personas: Personas) -> None:
    assert Client().get("/api/openapi.json").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer ovs_nonsense").get("/api/openapi.json").status_code == 401
    assert client_for(personas.no_role).get("/api/openapi.json").status_code == 200


def test_a_session_login_is_not_an_api_credential(personas: Personas, tracking: TrackingRecord) -> None:
    response = client_for(personas.liaison).get(f"{BASE}/tracking")
    assert response.status_code == 401

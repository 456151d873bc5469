"""The steps the site takes only with a second factor entered within 15 minutes (ASVS 4.0.3 V3.7.1),
asked of the API: a token carries no second factor, so it is refused with 403 and a message, after
the 404 of someone who cannot see the record, and nothing is written. On the site the same step is
taken with a fresh factor and asked for again with a stale one."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from oversight.accounts.factors import VERIFIED_AT_SESSION_KEY
from oversight.api.auth import (
    FRESH_FACTOR_DETAIL,
    FRESH_FACTOR_NOTE,
    FreshFactorNeeded,
    TokenAuth,
    refuse_without_fresh_second_factor,
)
from oversight.api.models import ApiToken
from oversight.api.urls import api
from oversight.audit.models import TrailEntry
from oversight.notifications.models import Notification
from oversight.recommendations import services
from oversight.recommendations.models import (
    HmicfrsStatusEntry,
    ProgressUpdate,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
)
from tests.conftest import client_for
from tests.personas import Personas

BASE = "/api/v1/recommendations"
STEPS = list(services.RULES)
FACTOR_PAGE = reverse("accounts:second_factor")
STATUS_AT = {
    SignoffStage.SUBMITTED: TrackingStatus.PENDING_SIGNOFF,
    SignoffStage.WITH_HMICFRS: TrackingStatus.PENDING_SIGNOFF,
}


def ready_for(step: str, tracking: TrackingRecord, personas: Personas) -> User:
    """Put the record where `step` is open (with evidence, for a submission) and return someone who may take it."""
    services.add_evidence(
        tracking, personas.owner, title="Force policy", effective_on=dt.date(2022, 9, 1), url="https://example.org/p"
    )
    stage = services.RULES[step].from_stages[0]
    TrackingRecord.objects.filter(pk=tracking.pk).update(
        signoff=stage, status=STATUS_AT.get(stage, TrackingStatus.IN_PROGRESS)
    )
    tracking.refresh_from_db()
    people = [personas.owner, personas.liaison, personas.hmicfrs_lead]
    return next(person for person in people if step in services.allowed_actions(person, tracking))


def read_write_token(user: User) -> Client:
    token, raw = ApiToken.issue(user, "step-up test")
    assert not token.read_only and token.expires_at > timezone.now()
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def take(client: Client, tracking: TrackingRecord, step: str, tracking_id: int | None = None) -> Any:
    body = {"action": step, "reason": "Reasons given", "version": tracking.version}
    path = f"{BASE}/tracking/{tracking.pk if tracking_id is None else tracking_id}/transitions"
    return client.post(path, json.dumps(body), content_type="application/json")


def written(tracking: TrackingRecord) -> tuple[Any, ...]:
    """The record as stored and how many rows a step writes: transitions, audit and trail rows, the
    inspectorate's status history, notifications."""
    record = TrackingRecord.objects.values_list("status", "signoff", "version", "hmicfrs_status", "closed_on")
    counted = (Transition, LogEntry, TrailEntry, HmicfrsStatusEntry, Notification)
    return (record.get(pk=tracking.pk), *(model.objects.count() for model in counted))


def on_the_site(user: User, factor_minutes: int) -> Client:
    client = client_for(user)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = (timezone.now() - dt.timedelta(minutes=factor_minutes)).isoformat()
    session.save()
    return client


def site_step(client: Client, tracking: TrackingRecord, step: str) -> Any:
    url = reverse("recommendations:tracking_signoff", args=[tracking.pk, step])
    return client.post(url, {"reason": "Reasons given", "version": tracking.version})


@pytest.mark.parametrize("step", STEPS)
def test_a_token_is_refused_every_sign_off_step_with_the_message_and_nothing_is_written(
    personas: Personas, tracking: TrackingRecord, step: str
) -> None:
    client = read_write_token(ready_for(step, tracking, personas))
    before = written(tracking)
    response = take(client, tracking, step)
    assert (response.status_code, response.json()) == (403, {"detail": FRESH_FACTOR_DETAIL})
    assert "second factor" in FRESH_FACTOR_DETAIL and "on the site" in FRESH_FACTOR_DETAIL
    assert written(tracking) == before
    assert not Transition.objects.filter(tracking=tracking, action=step).exists()


@pytest.mark.parametrize("step", STEPS)
def test_someone_who_cannot_see_the_record_still_gets_404_not_the_refusal(
    personas: Personas, tracking: TrackingRecord, step: str
) -> None:
    ready_for(step, tracking, personas)
    clients = {person.username: read_write_token(person) for person in personas.refused_tracking()}
    before = written(tracking)
    missing = TrackingRecord.objects.order_by("-pk").values_list("pk", flat=True).first() + 1  # type: ignore[operator]
    for username, client in clients.items():
        for tracking_id in (tracking.pk, missing):
            response = take(client, tracking, step, tracking_id)
            assert (response.status_code, response.json()) == (404, {"detail": "Not found"}), username
    assert written(tracking) == before


@pytest.mark.parametrize("step", STEPS)
def test_the_same_step_on_the_site_with_a_fresh_factor_is_taken(
    personas: Personas, tracking: TrackingRecord, step: str
) -> None:
    person = ready_for(step, tracking, personas)
    response = site_step(on_the_site(person, factor_minutes=1), tracking, step)
    assert response.status_code == 302 and response["Location"] == reverse(
        "recommendations:tracking", args=[tracking.pk]
    )
    row = Transition.objects.get(tracking=tracking, action=step)
    assert row.by == person
    assert TrackingRecord.objects.get(pk=tracking.pk).signoff == services.RULES[step].to_stage


@pytest.mark.parametrize("step", STEPS)
def test_the_same_step_on_the_site_with_a_stale_factor_asks_for_it_again(
    personas: Personas, tracking: TrackingRecord, step: str
) -> None:
    person = ready_for(step, tracking, personas)
    before = written(tracking)
    response = site_step(on_the_site(person, factor_minutes=16), tracking, step)
    assert response.status_code == 302 and response["Location"].startswith(FACTOR_PAGE)
    assert "again=1" in response["Location"]
    assert written(tracking) == before


def test_the_refused_token_still_makes_ordinary_changes(personas: Personas, tracking: TrackingRecord) -> None:
    person = ready_for("submit", tracking, personas)
    client = read_write_token(person)
    assert take(client, tracking, "submit").status_code == 403
    response = client.post(
        f"{BASE}/tracking/{tracking.pk}/updates",
        json.dumps({"text": "Policy drafted"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert ProgressUpdate.objects.get(tracking=tracking).author == person


def test_a_token_sent_with_a_fresh_signed_in_session_is_still_refused(
    personas: Personas, tracking: TrackingRecord
) -> None:
    """The session cookie might be anyone's: the token is what authenticates, and it carries no factor."""
    person = ready_for("sign_off", tracking, personas)
    client = on_the_site(person, factor_minutes=1)
    _, raw = ApiToken.issue(person, "with a cookie")
    before = written(tracking)
    response = client.post(
        f"{BASE}/tracking/{tracking.pk}/transitions",
        json.dumps({"action": "sign_off", "reason": "", "version": tracking.version}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert (response.status_code, response.json()) == (403, {"detail": FRESH_FACTOR_DETAIL})
    assert written(tracking) == before


def test_the_decision_follows_the_sites_rule_for_a_session_and_refuses_a_token(personas: Personas) -> None:
    """The API takes only tokens today; should it take a session, the site's 15 minutes apply."""
    person = personas.hmicfrs_lead

    def request_with(factor_minutes: int) -> Any:
        request = RequestFactory().post("/api/v1/")
        request.session = on_the_site(person, factor_minutes).session
        request.user = person
        return request

    refuse_without_fresh_second_factor(request_with(factor_minutes=14))  # fresh: goes on
    with pytest.raises(FreshFactorNeeded):
        refuse_without_fresh_second_factor(request_with(factor_minutes=16))
    with_token = request_with(factor_minutes=1)
    _, raw = ApiToken.issue(person, "decision")
    assert TokenAuth().authenticate(with_token, raw) == person
    with pytest.raises(FreshFactorNeeded):
        refuse_without_fresh_second_factor(with_token)


def test_every_refused_operation_says_so_in_the_openapi_document(personas: Personas) -> None:
    """Found from the API's own operations: those that call the refusal, and only those, describe it."""
    document = client_for(personas.liaison).get("/api/openapi.json").json()
    described = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if FRESH_FACTOR_NOTE in operation.get("description", "")
    }
    refusing = {
        (f"/api{prefix.rstrip('/')}{'/' if path else ''}{path.lstrip('/')}", method.lower())
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        if "refuse_without_fresh_second_factor" in inspect.getsource(operation.view_func)
        for method in operation.methods
    }
    assert refusing == described
    assert (f"{BASE}/tracking/{{tracking_id}}/transitions", "post") in described
    for path, method in described:
        assert "403" in document["paths"][path][method]["responses"]

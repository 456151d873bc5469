"""Who sees national returns: every page of the returns app (read from the URL resolver) and every
operation of its API (read from the OpenAPI document) tried by every persona. The requesting body's
analysts and the organisation's own people get in; everyone else gets what a missing record gets."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns import access, services
from oversight.returns.models import Acceptance, QuestionKind, Return, ReturnRequest
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import draft_request, question, send
from tests.test_api import api_client

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

# Personas of tests/personas.py who have nothing to do with the APCC's request to governing bodies.
REFUSED = [
    "liaison", "owner", "second_owner", "hmicfrs_lead", "committee_member", "other_force", "other_hmicfrs_lead",
    "administrator", "no_role", "other_national_analyst", "other_opcc_officer",
]  # fmt: skip
ANSWERING_ONLY = {"answer", "prefill", "submit", "resubmit"}
MANAGING_ONLY = {"clarify"}
POST_ONLY = {"remove_question", "send", "close", "submit", "resubmit"}


@pytest.fixture(autouse=True)
def _fixed_csrf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same CSRF token on every page, so two pages can be compared byte for byte."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)
    yield


def _person(personas: Personas, name: str) -> User:
    if name == "other_national_analyst":
        user = User.objects.create_user("npcc.analyst", "npcc.analyst@example.org")
        member(user, Organisation.objects.get(slug="npcc"), Role.NATIONAL_ANALYST)
        return user
    if name == "other_opcc_officer":
        user = User.objects.create_user("avon.opcc", "avon.opcc@example.org")
        avon = Organisation.objects.get(slug="avon-and-somerset-police").governing_body_on()
        member(user, avon, Role.OPCC_OFFICER)  # type: ignore[arg-type]
        return user
    person: User = getattr(personas, name)
    return person


@pytest.fixture
def submitted(personas: Personas, item: Item) -> Return:
    """West Midlands PCC's return, answered with a file and submitted: every route has a real target."""
    request = draft_request(personas, item)
    draft = services.QuestionDraft(QuestionKind.EVIDENCE, "Your service specification")
    services.add_question(request, personas.national_analyst, None, draft)
    send(request, personas.national_analyst)
    record = request.returns.get(organisation__memberships__user=personas.opcc_officer)
    accepted, evidence = question(request, QuestionKind.ACCEPTED).pk, question(request, QuestionKind.EVIDENCE).pk
    upload = SimpleUploadedFile("plan.txt", b"Our plan", content_type="text/plain")
    record = services.save_answers(
        record, personas.opcc_officer, None, {accepted: Acceptance.ACCEPTED}, {evidence: upload}
    )
    return services.submit_return(record, personas.opcc_officer, record.version)


def _routes() -> list[tuple[str, str]]:
    resolver = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "returns")
    return [(p.name or "", str(p.pattern)) for p in resolver.url_patterns if isinstance(p, URLPattern)]


ROUTES = _routes()


def _url(name: str, record: Return, question_id: int) -> str:
    kwargs: dict[str, int] = {}
    pattern = dict(ROUTES)[name]
    if "<int:pk>" in pattern:
        kwargs["pk"] = record.request_id if not pattern.startswith("return/") else record.pk
    if "<int:question>" in pattern:
        kwargs["question"] = question_id
    if "<int:number>" in pattern:
        kwargs["number"] = 1
    return reverse(f"returns:{name}", kwargs=kwargs)


def _evidence_question(record: Return) -> int:
    return question(record.request, QuestionKind.EVIDENCE).pk


def test_every_route_is_in_the_matrix() -> None:
    names = {name for name, _ in ROUTES}
    assert names >= {"requests", "new", "request", "send", "return", "answer", "submit", "clarify", "version"}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_on_every_page_and_action(personas: Personas, submitted: Return, name: str) -> None:
    client = client_for(_person(personas, name))
    for route, _ in ROUTES:
        if route in ("requests", "new"):
            continue
        url = _url(route, submitted, _evidence_question(submitted))
        # A step taken only by POST answers GET with 405 whoever asks and whether or not the record exists.
        assert client.get(url).status_code == (405 if route in POST_ONLY else 404), route
        assert client.post(url, {"version": "1"}).status_code == 404, route
    assert client.get(reverse("returns:new")).status_code == 404 or name == "other_national_analyst"
    listing = client.get(reverse("returns:requests")).content.decode()
    assert reverse("returns:return", args=[submitted.pk]) not in listing
    assert reverse("returns:request", args=[submitted.request_id]) not in listing
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.version == 3


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_the_page_a_missing_return_gets(personas: Personas, submitted: Return, name: str) -> None:
    client = client_for(_person(personas, name))
    url = reverse("returns:return", args=[submitted.pk])
    refused = client.get(url)
    Return.objects.filter(pk=submitted.pk).delete()
    missing = client.get(url)
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert refused.headers == missing.headers
    assert b"Page not found" in refused.content


@pytest.mark.parametrize("name", [*REFUSED, "opcc_officer"])
def test_refused_people_get_the_page_a_missing_request_gets(
    personas: Personas, sent_request: ReturnRequest, name: str
) -> None:
    # Another request to the same bodies: deleting this one leaves every person's navigation as it was.
    send(draft_request(personas, sent_request.items.get(), title="Another request"), personas.national_analyst)
    client = client_for(_person(personas, name))
    url = reverse("returns:request", args=[sent_request.pk])
    refused = client.get(url)
    ReturnRequest.objects.filter(pk=sent_request.pk).delete()
    missing = client.get(url)
    assert refused.status_code == missing.status_code == 404
    assert (refused.content, refused.headers) == (missing.content, missing.headers)


def test_the_analyst_manages_but_does_not_answer(personas: Personas, submitted: Return) -> None:
    client = client_for(personas.national_analyst)
    question_id = _evidence_question(submitted)
    for route, _ in ROUTES:
        if route in POST_ONLY:
            continue
        status = client.get(_url(route, submitted, question_id)).status_code
        # A sent request's details no longer change: its edit page sends the analyst back, saying why.
        expected = 404 if route in ANSWERING_ONLY else 302 if route == "edit" else 200
        assert status == expected, route


def test_the_officer_answers_their_return_only(personas: Personas, submitted: Return) -> None:
    client = client_for(personas.opcc_officer)
    question_id = _evidence_question(submitted)
    for route, pattern in ROUTES:
        if route in ("submit", "resubmit") or not pattern.startswith("return/"):
            continue
        status = client.get(_url(route, submitted, question_id)).status_code
        # A submitted return's answer page sends the officer back to the return, saying why.
        expected = 404 if route in MANAGING_ONLY else 302 if route == "answer" else 200
        assert status == expected, route
    other = Return.objects.exclude(pk=submitted.pk).filter(request=submitted.request).first()
    assert other is not None
    assert client.get(reverse("returns:return", args=[other.pk])).status_code == 404


def test_a_forces_liaison_officer_sees_only_their_forces_return(
    personas: Personas, forces_request: ReturnRequest, wmp: Organisation
) -> None:
    mine = forces_request.returns.get(organisation=wmp)
    assert set(access.visible_returns(personas.liaison)) == {mine}
    assert not access.visible_returns(personas.opcc_officer).filter(request=forces_request).exists()
    client = client_for(personas.liaison)
    assert client.get(reverse("returns:return", args=[mine.pk])).status_code == 200
    avon = forces_request.returns.get(organisation__slug="avon-and-somerset-police")
    assert client.get(reverse("returns:return", args=[avon.pk])).status_code == 404
    assert client_for(personas.other_force).get(reverse("returns:return", args=[avon.pk])).status_code == 200


def test_a_deactivated_organisation_stops_counting(personas: Personas, wm_return: Return) -> None:
    Organisation.objects.filter(pk=wm_return.organisation_id).update(is_active=False)
    assert not access.visible_returns(personas.opcc_officer).exists()


def test_the_nav_link_shows_for_people_with_a_request_or_a_return(
    personas: Personas, sent_request: ReturnRequest
) -> None:
    assert access.can_use_returns(personas.national_analyst) and access.can_use_returns(personas.opcc_officer)
    assert not access.can_use_returns(personas.liaison) and not access.can_use_returns(personas.no_role)
    page = client_for(personas.opcc_officer).get(reverse("home")).content.decode()
    assert 'href="/returns/"' in page
    assert 'href="/returns/"' not in client_for(personas.owner).get(reverse("home")).content.decode()


# --- the API ----------------------------------------------------------------------------------------


def _operations() -> list[tuple[str, str]]:
    client = Client()
    client.force_login(User.objects.create_user("openapi.reader"))
    document = client.get("/api/openapi.json").json()
    return [
        (method, path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "returns" in operation.get("tags", [])
    ]


def test_the_api_appears_in_the_openapi_document(db: None) -> None:
    paths = {path for _, path in _operations()}
    assert "/api/v1/returns/requests/{request_id}" in paths
    assert "/api/v1/returns/returns/{return_id}/answers" in paths


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_from_every_api_operation(personas: Personas, submitted: Return, name: str) -> None:
    client = api_client(_person(personas, name))
    accepted = question(submitted.request, QuestionKind.ACCEPTED).pk
    ids = {"request_id": submitted.request_id, "return_id": submitted.pk, "question_id": accepted}
    body = {
        "version": 3, "answers": {str(accepted): "accepted"}, "points": [{"question_id": None, "text": "Why?"}],
        "kind": "free_text", "text": "Why?", "reason": "Done",
    }  # fmt: skip
    operations = _operations()
    assert len(operations) >= 8
    for method, path in operations:
        url = path.format(**ids)
        if "{" not in path:  # lists: nothing of West Midlands' return (Avon's officer sees Avon's own)
            listed = client.get(url).json()["items"]
            assert submitted.pk not in [row["id"] for row in listed if "organisation" in row], path
            assert all(row.get("organisation", {}).get("slug") != "west-midlands-police" for row in listed)
            assert all(row.get("request_id") != submitted.request_id or name == "other_opcc_officer" for row in listed)
            assert submitted.request_id not in [row["id"] for row in listed if "organisation" not in row], path
            continue
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Not found"}
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.version == 3


def test_an_api_refusal_is_the_answer_for_a_missing_return(personas: Personas, submitted: Return) -> None:
    client = api_client(personas.owner)
    refused = client.get(f"/api/v1/returns/returns/{submitted.pk}")
    missing = client.get("/api/v1/returns/returns/999999")
    assert (refused.status_code, refused.content) == (missing.status_code, missing.content)


def test_sending_is_refused_to_an_officer_even_with_the_requests_id(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    response = client_for(personas.opcc_officer).post(reverse("returns:send", args=[request.pk]), {"version": "1"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.is_draft and not request.returns.exists()
    assert send(request, personas.national_analyst).returns.count() == 43

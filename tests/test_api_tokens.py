"""API tokens: which tokens open the API, what is stored, the tokens page and the management command."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from oversight.accounts.rules import TOKEN_MAX_LIFETIME
from oversight.api.models import ApiToken, hash_token
from oversight.recommendations.models import ProgressUpdate, TrackingRecord
from tests.conftest import client_for
from tests.personas import Personas

TRACKING_LIST = "/api/v1/recommendations/tracking"
TOKENS_PAGE = "/api-tokens/"


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# Which tokens open the API.


def test_an_active_token_opens_the_api_and_records_its_use(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.liaison, "script")
    assert token.last_used_at is None
    assert bearer(raw).get(TRACKING_LIST).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ovs_not-a-real-token", "Token {raw}", "Basic {raw}"],
    ids=["none", "empty", "unknown", "wrong-scheme", "basic"],
)
def test_missing_or_malformed_credentials_are_401(personas: Personas, header: str) -> None:
    _, raw = ApiToken.issue(personas.liaison, "script")
    headers = {"HTTP_AUTHORIZATION": header.format(raw=raw)} if header else {}
    response = Client(**headers).get(TRACKING_LIST)
    assert response.status_code == 401


def test_a_revoked_token_is_401(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.liaison, "script")
    assert bearer(raw).get(TRACKING_LIST).status_code == 200
    token.revoke()
    assert bearer(raw).get(TRACKING_LIST).status_code == 401


def test_an_expired_token_is_401(personas: Personas) -> None:
    _, raw = ApiToken.issue(personas.liaison, "script", expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(raw).get(TRACKING_LIST).status_code == 401
    _, fresh = ApiToken.issue(personas.liaison, "script", expires_at=timezone.now() + dt.timedelta(days=1))
    assert bearer(fresh).get(TRACKING_LIST).status_code == 200


def test_a_deactivated_persons_token_is_401(personas: Personas) -> None:
    _, raw = ApiToken.issue(personas.liaison, "script")
    personas.liaison.is_active = False
    personas.liaison.save()
    assert bearer(raw).get(TRACKING_LIST).status_code == 401


def test_the_raw_token_is_never_stored(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.liaison, "script")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw.startswith("ovs_") and len(raw) > 40
    assert raw not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == hash_token(raw)


# The tokens page.


def test_the_page_creates_a_token_and_shows_it_once(personas: Personas) -> None:
    client = client_for(personas.owner)
    response = client.post(TOKENS_PAGE, {"name": "Power BI", "access": "write", "lifetime": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r"ovs_[\w-]+", response.content.decode())
    assert raw is not None
    token = ApiToken.objects.get(user=personas.owner)
    assert token.name == "Power BI" and token.key_hash == hash_token(raw.group())
    assert token.expires_at is not None and token.expires_at - timezone.now() > dt.timedelta(days=29)
    assert bearer(raw.group()).get(TRACKING_LIST).status_code == 200
    again = client.get(TOKENS_PAGE).content.decode()
    assert "Power BI" in again and raw.group() not in again


def test_every_token_expires_within_a_year(personas: Personas) -> None:
    response = client_for(personas.owner).post(TOKENS_PAGE, {"name": "Service", "access": "read", "lifetime": "never"})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    with pytest.raises(ValidationError):
        ApiToken.issue(personas.owner, "Service", timezone.now() + TOKEN_MAX_LIFETIME + dt.timedelta(days=1))
    token, _ = ApiToken.issue(personas.owner, "Default")
    assert token.expires_at is not None and token.expires_at - timezone.now() < dt.timedelta(days=91)


def test_the_page_makes_a_read_only_token(personas: Personas) -> None:
    client_for(personas.owner).post(TOKENS_PAGE, {"name": "Report", "access": "read", "lifetime": "90"})
    assert ApiToken.objects.get(user=personas.owner).read_only


def test_the_form_asks_what_the_token_may_do(personas: Personas) -> None:
    response = client_for(personas.owner).post(TOKENS_PAGE, {"name": "Report", "lifetime": "90"})
    assert response.status_code == 400 and "Select what the token may do" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_form_refuses_a_missing_name_with_a_message(personas: Personas) -> None:
    response = client_for(personas.owner).post(TOKENS_PAGE, {"name": "", "access": "read", "lifetime": "30"})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_your_own_tokens(personas: Personas) -> None:
    ApiToken.issue(personas.owner, "Mine")
    ApiToken.issue(personas.liaison, "Rachel's secret job")
    page = client_for(personas.owner).get(TOKENS_PAGE).content.decode()
    assert "Mine" in page
    assert "secret job" not in page


def test_you_can_revoke_your_own_token(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.owner, "Mine")
    response = client_for(personas.owner).post(f"{TOKENS_PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(raw).get(TRACKING_LIST).status_code == 401


def test_another_persons_token_is_404_and_keeps_working(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.liaison, "Rachel's")
    response = client_for(personas.owner).post(f"{TOKENS_PAGE}{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(raw).get(TRACKING_LIST).status_code == 200


def test_revoking_needs_a_post(personas: Personas) -> None:
    token, _ = ApiToken.issue(personas.owner, "Mine")
    assert client_for(personas.owner).get(f"{TOKENS_PAGE}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_needs_login() -> None:
    response = Client().get(TOKENS_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The management command.


def test_the_command_issues_a_working_token(personas: Personas) -> None:
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", "wmp.liaison", "Nightly export", "--expires-days", "7", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=personas.liaison)
    assert token.name == "Nightly export" and token.key_hash == hash_token(raw)
    assert token.expires_at is not None and token.expires_at - timezone.now() < dt.timedelta(days=7, minutes=1)
    assert "cannot be shown again" in err.getvalue()
    assert bearer(raw).get(TRACKING_LIST).status_code == 200


def test_the_command_refuses_an_unknown_person(personas: Personas) -> None:
    with pytest.raises(CommandError, match="No active user called 'nobody'"):
        call_command("issue_api_token", "nobody", "x", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_the_command_issues_a_read_only_token_and_refuses_more_than_a_year(personas: Personas) -> None:
    call_command("issue_api_token", "wmp.liaison", "Report", "--read-only", stdout=StringIO(), stderr=StringIO())
    token = ApiToken.objects.get(user=personas.liaison)
    assert token.read_only and token.expires_at - timezone.now() > dt.timedelta(days=89)
    with pytest.raises(CommandError, match="between 1 and 365"):
        call_command(
            "issue_api_token", "wmp.liaison", "x", "--expires-days", "366", stdout=StringIO(), stderr=StringIO()
        )
    assert ApiToken.objects.count() == 1


# Read-only tokens and the limits on token use.


def post_update(client: Client, tracking: TrackingRecord) -> Any:
    body = json.dumps({"text": "Done"})
    return client.post(f"{TRACKING_LIST}/{tracking.pk}/updates", body, content_type="application/json")


def test_a_read_only_token_reads_but_changes_nothing(personas: Personas, tracking: TrackingRecord) -> None:
    _, raw = ApiToken.issue(personas.owner, "report", read_only=True)
    assert bearer(raw).get(TRACKING_LIST).status_code == 200
    response = post_update(bearer(raw), tracking)
    assert response.status_code == 403
    assert "This token is read-only" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()
    _, writer = ApiToken.issue(personas.owner, "writer")
    assert post_update(bearer(writer), tracking).status_code == 201


def test_a_read_only_token_is_refused_alike_for_a_record_it_cannot_see(personas: Personas) -> None:
    _, raw = ApiToken.issue(personas.owner, "report", read_only=True)
    missing = bearer(raw).post(f"{TRACKING_LIST}/999999/updates", "{}", content_type="application/json")
    assert missing.status_code == 403  # refused before the record is looked up: nothing learnt


def test_requests_per_account_are_limited_with_retry_after(personas: Personas, settings: Any) -> None:
    settings.API_REQUESTS_PER_ACCOUNT = 3
    _, first = ApiToken.issue(personas.liaison, "one")
    _, second = ApiToken.issue(personas.liaison, "two")
    statuses = [bearer(raw).get(TRACKING_LIST).status_code for raw in (first, second, first)]
    assert statuses == [200, 200, 200]
    response = bearer(second).get(TRACKING_LIST)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.json()["detail"]
    _, other = ApiToken.issue(personas.owner, "someone else")
    assert bearer(other).get(TRACKING_LIST).status_code == 200


def test_requests_per_address_are_limited_across_accounts(personas: Personas, settings: Any) -> None:
    settings.API_REQUESTS_PER_ADDRESS = 2
    raws = [ApiToken.issue(user, "t")[1] for user in (personas.liaison, personas.owner, personas.opcc_officer)]
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="192.0.2.1") for raw in raws]
    assert [c.get(TRACKING_LIST).status_code for c in clients] == [200, 200, 429]
    elsewhere = Client(HTTP_AUTHORIZATION=f"Bearer {raws[2]}", REMOTE_ADDR="192.0.2.2")
    assert elsewhere.get(TRACKING_LIST).status_code == 200


def test_bad_tokens_from_an_address_lock_it_out_even_for_a_right_token(personas: Personas, settings: Any) -> None:
    settings.API_BAD_TOKENS_PER_ADDRESS = 3
    _, raw = ApiToken.issue(personas.liaison, "script")
    guesser = Client(HTTP_AUTHORIZATION="Bearer ovs_guess", REMOTE_ADDR="192.0.2.9")
    assert [guesser.get(TRACKING_LIST).status_code for _ in range(3)] == [401, 401, 401]
    right = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="192.0.2.9")
    response = right.get(TRACKING_LIST)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="192.0.2.10").get(TRACKING_LIST).status_code == 200

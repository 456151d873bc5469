"""API tokens: which tokens open the API, what is stored, the tokens page and the management command."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from oversight.api.models import ApiToken, hash_token
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
    response = client.post(TOKENS_PAGE, {"name": "Power BI", "lifetime": "30"})
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


def test_a_token_that_never_expires(personas: Personas) -> None:
    client_for(personas.owner).post(TOKENS_PAGE, {"name": "Service", "lifetime": "never"})
    assert ApiToken.objects.get(user=personas.owner).expires_at is None


def test_the_form_refuses_a_missing_name_with_a_message(personas: Personas) -> None:
    response = client_for(personas.owner).post(TOKENS_PAGE, {"name": "", "lifetime": "30"})
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

"""Signing in and out, lock-out after repeated failures, password change, session expiry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_and_out(personas: Personas) -> None:
    client = Client()  # an owner: a role that needs no second factor (tests/test_second_factor.py)
    response = _login(client, "wmp.owner", PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_shows_the_error_summary(personas: Personas) -> None:
    response = _login(Client(), "wmp.liaison", "wrong password")
    content = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "govuk-error-summary" in content and "There is a problem" in content


def test_repeated_failures_lock_the_account_even_with_the_right_password(personas: Personas) -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "wmp.liaison", "wrong password")
    response = _login(client, "wmp.liaison", PASSWORD)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "locked" in response.content.decode()  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302


def test_failures_below_the_limit_do_not_lock(personas: Personas) -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, "wmp.liaison", "wrong password")
    assert _login(client, "wmp.liaison", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_lockout_of_one_account_leaves_others_alone(personas: Personas) -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "wmp.liaison", "wrong password")
    assert _login(Client(), "wmp.owner", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_password_change(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.owner)
    new_password = "a-much-longer-new-passphrase"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(new_password)


def test_password_change_refuses_a_weak_password_with_a_clear_message(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.owner)
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(PASSWORD)


def test_sessions_expire_when_idle() -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY

"""Project-wide promises: every page needs login, migrations are complete, headers are set."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.personas import Personas

OPEN_WITHOUT_LOGIN = {"accounts:login", "healthz", "readyz"}


def _all_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    resolver = resolver or get_resolver()
    found: list[tuple[str, str]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _all_patterns(pattern, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), f"{namespace}{pattern.name}"))
    return found


def _example_path(route: str) -> str:
    route = re.sub(r"<(?:int:)?\w+>", "1", route)
    route = re.sub(r"<(?:slug|str|path):\w+>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), _all_patterns())
def test_every_url_needs_login_except_login_and_health(route: str, name: str) -> None:
    response = Client().get(_example_path(route))
    if name in OPEN_WITHOUT_LOGIN:
        assert response.status_code == 200
    elif route.startswith("admin/"):
        # The admin site sends people to Oversight's own sign-in page, by way of its login URL.
        followed = Client().get(_example_path(route), follow=True)
        assert followed.redirect_chain, f"{route} answered {response.status_code} without login"
        assert followed.redirect_chain[-1][0].startswith("/accounts/login/")
    elif route.startswith("api/"):
        assert response.status_code in (401, 404, 405), f"{route} answered {response.status_code} without a token"
        if name.endswith("openapi-json"):
            assert response.status_code == 401
    else:
        assert response.status_code == 302, f"{route} answered {response.status_code} without login"
        assert response["Location"].startswith("/accounts/login/")


def test_no_missing_migrations(db: None) -> None:
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit as exit_:
        pytest.fail(f"Models have changes not in a migration:\n{output.getvalue()}")
        raise exit_


@pytest.mark.django_db
def test_security_headers_on_every_response() -> None:
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_health_check_answers_without_login() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_for_signed_in_people_are_never_cached(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.liaison)
    assert "no-store" in client.get("/recommendations/")["Cache-Control"]

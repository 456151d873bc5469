"""Shared fixtures: the personas, a West Midlands tracking record, files kept out of the tree, and
test clients signed in with their second factor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.test.client import ClientMixin

from oversight.organisations.models import Organisation
from oversight.recommendations.models import TrackingRecord
from tests.factories import ReportFactory, TrackingRecordFactory
from tests.personas import Personas, make_personas
from tests.signing_in import verify_test_client

UNVERIFIED_MARKER = "second_factor_unverified"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{UNVERIFIED_MARKER}: test clients sign in with the password only, as a browser does before "
        "its second factor (the tests of the second factor itself)",
    )


_password_only = [False]  # set for the tests marked second_factor_unverified


@pytest.fixture(scope="session", autouse=True)
def _second_factor_for_test_clients() -> Iterator[None]:
    """`client.login` and `client.force_login` sign in with a second factor, as a person does after
    entering their code: the person gets a confirmed authenticator device and the session holds it
    and the time it was entered, the state `accounts.factors.mark_verified` leaves
    (`tests/signing_in.py`). Without it every persona who needs a factor would meet the factor's
    page. For the whole session, so that clients made in module-scoped fixtures are signed in alike;
    tests of the factor itself are marked `second_factor_unverified` and sign in with the password alone."""
    original = ClientMixin._login

    def login_with_factor(self: ClientMixin, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        if not _password_only[0]:
            verify_test_client(self, user)

    ClientMixin._login = login_with_factor  # type: ignore[method-assign]
    try:
        yield
    finally:
        ClientMixin._login = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _password_only_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    _password_only[0] = request.node.get_closest_marker(UNVERIFIED_MARKER) is not None
    try:
        yield
    finally:
        _password_only[0] = False


@pytest.fixture(autouse=True)
def _api_rate_limits_out_of_the_way(settings: Any) -> None:
    """The suite sends thousands of API requests a minute from one address and a few personas (a
    module's world reads every answer); the limits' own tests set theirs (tests/test_api_tokens.py)."""
    settings.API_REQUESTS_PER_ACCOUNT = settings.API_REQUESTS_PER_ADDRESS = 10**6


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def wmp(db: None) -> Organisation:
    return Organisation.objects.get(slug="west-midlands-police")


@pytest.fixture
def tracking(personas: Personas, wmp: Organisation) -> TrackingRecord:
    """A West Midlands tracking record owned by the owner persona."""
    report = ReportFactory(forces=[wmp])
    return TrackingRecordFactory(
        item__report=report, organisation=wmp, owner=personas.owner, portfolio="Public protection"
    )


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client

"""Shared fixtures: the personas, a West Midlands tracking record, and files kept out of the tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from oversight.organisations.models import Organisation
from oversight.recommendations.models import TrackingRecord
from tests.factories import ReportFactory, TrackingRecordFactory
from tests.personas import Personas, make_personas


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

"""The protective measures demo, loaded by `oversight load_demo` with the rest: every measure passes the
rules, the worklist has work on it, and PC Hart's DVPN is locked with his case."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from oversight.protection import access, demo
from oversight.protection.models import Measure, MeasureStatus
from oversight.protection.worklist import worklist
from tests.test_demo import FAST_HASHERS


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _seen(username: str) -> set[str]:
    return set(access.visible_measures(User.objects.get(username=username)).values_list("reference", flat=True))


def test_the_demo_is_loaded_with_its_logins(loaded: str, db: None) -> None:
    assert demo.is_loaded()
    assert "wmp.protection" in loaded and "gmp.protection" in loaded


def test_the_team_never_sees_pc_harts_dvpn_and_the_psd_lead_does(loaded: str, db: None) -> None:
    team, lead = _seen("wmp.protection"), _seen("psd.lead")
    assert {demo.MARKER, "WMP/DVPO/0198", "WMP/NMO/2291", "WMP/BAIL/7710", "WMP/RO/0057"} <= team
    assert "WMP/DVPN/0419" not in team and "WMP/DVPN/0419" in lead
    assert Measure.objects.get(reference="WMP/DVPN/0419").case is not None
    assert _seen("gmp.protection") == {"GMP/DAPN/0031", "GMP/DAPO/0012"}


def test_the_worklist_has_work(loaded: str, db: None) -> None:
    work = worklist(User.objects.get(username="wmp.protection"))
    assert [b.measure.reference for b in work.breaches_without_response] == ["WMP/RO/0057"]
    assert [p.incident_reference for p in work.unused_victim_not_told] == ["20/88213/26"]
    assert [m.reference for m in work.ending_soon] == ["WMP/BAIL/7710"]
    assert Measure.objects.get(reference=demo.MARKER).status == MeasureStatus.ENDED  # its DVPO followed

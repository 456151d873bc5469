"""The protective measures API (/api/v1/protection/): the rules refuse there as on the pages (400 with
every reason and its source, nothing written), a locked measure is a 404 like a missing one, and
counts reveal no locked record to a force's readers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from oversight.api.models import ApiToken
from oversight.cases.models import Case
from oversight.protection.models import Measure
from tests.case_personas import CasePersonas, Workforce
from tests.protection_world import ProtectionWorld, make_world

pytest_plugins = ["tests.case_fixtures"]
BASE = "/api/v1/protection"


@pytest.fixture
def protection(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case) -> ProtectionWorld:
    return make_world(case_personas, case_workforce, ppda_case)


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'tests')[1]}")


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{path}", json.dumps(body), content_type="application/json")


def test_a_notice_and_its_order_through_the_api(protection: ProtectionWorld) -> None:
    client = api(protection.team)
    made = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0)
    notice = {
        "force_id": protection.public.force_id, "kind": "dvpn", "reference": "API-DVPN", "restrained_name": "Al Rae",
        "victim_name": "Bo Rae", "authority": "police", "authorised_by_rank": "Supt", "made_at": made.isoformat(),
    }  # fmt: skip
    created = post(client, "/measures", notice)
    assert created.status_code == 201, created.content
    notice_id = created.json()["id"]
    assert created.json()["rule_source_url"].startswith("https://www.legislation.gov.uk/ukpga/2010/17/")
    order = {
        **notice, "kind": "dvpo", "reference": "API-DVPO", "authority": "court", "court": "Birmingham",
        "made_at": timezone.now().replace(microsecond=0).isoformat(), "notice_id": notice_id,
        "ends_on": (timezone.localdate() + dt.timedelta(days=34)).isoformat(),
    }  # fmt: skip
    refused = post(client, "/measures", order)
    assert refused.status_code == 400
    assert "at most 28 days" in refused.json()["errors"]["ends_on"][0]
    assert "Crime and Security Act 2010" in refused.json()["detail"]
    assert not Measure.objects.filter(reference="API-DVPO").exists()
    order["ends_on"] = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    assert post(client, "/measures", order).status_code == 201
    assert client.get(f"{BASE}/measures/{notice_id}").json()["status"] == "ended"


def test_an_unknown_type_and_an_unauthorised_rank_are_refused(protection: ProtectionWorld) -> None:
    body = {
        "force_id": protection.public.force_id, "kind": "asbo", "reference": "X", "restrained_name": "A",
        "victim_name": "B", "authority": "police", "authorised_by_rank": "PC", "made_at": timezone.now().isoformat(),
    }  # fmt: skip
    assert "not a measure type" in post(api(protection.team), "/measures", body).json()["detail"]
    body["kind"] = "dvpn"
    assert "superintendent" in post(api(protection.team), "/measures", body).json()["detail"]
    assert not Measure.objects.filter(reference="X").exists()


@pytest.mark.parametrize("who", ["team", "other_team", "analyst", "no_role"])
def test_a_locked_measure_is_answered_as_a_missing_one(protection: ProtectionWorld, who: str) -> None:
    client = api(getattr(protection, who))
    locked = client.get(f"{BASE}/measures/{protection.locked.pk}")
    missing = client.get(f"{BASE}/measures/{2**40}")
    assert locked.status_code == missing.status_code == 404
    assert locked.content == missing.content
    body = {"version": 1, "served_at": timezone.now().isoformat()}
    assert post(client, f"/measures/{protection.locked.pk}/serve", body).status_code == 404


def test_recording_for_another_force_is_refused_as_not_found(protection: ProtectionWorld) -> None:
    body = {
        "force_id": protection.avon.force_id, "kind": "dvpn", "reference": "Y", "restrained_name": "A",
        "victim_name": "B", "authority": "police", "authorised_by_rank": "Supt", "made_at": timezone.now().isoformat(),
    }  # fmt: skip
    assert post(api(protection.team), "/measures", body).status_code == 404


def test_counts(protection: ProtectionWorld, case_personas: CasePersonas) -> None:
    national = api(protection.analyst).get(f"{BASE}/counts").json()
    assert national["total"] == 3 and national["by_kind"] == {"dvpn": 3}
    assert api(protection.team).get(f"{BASE}/counts").json()["total"] == 1  # the locked one is not counted for it
    assert api(case_personas.psd_lead).get(f"{BASE}/counts").json()["total"] == 2
    assert api(protection.no_role).get(f"{BASE}/counts").status_code == 404
    assert [m["reference"] for m in api(protection.analyst).get(f"{BASE}/measures").json()["items"]] == []


def test_the_rules_with_their_sources(protection: ProtectionWorld) -> None:
    rules = api(protection.team).get(f"{BASE}/rules").json()
    dapn = next(rule for rule in rules if rule["kind"] == "dapn")
    assert dapn["hearing_within_hours"] == 48 and any("Cleveland" in area for area in dapn["areas"])
    assert all(rule["source_url"].startswith("https://www.legislation.gov.uk/") for rule in rules)

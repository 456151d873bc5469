"""Pages of protective measures: the journey of the issue (a notice recorded, its order refused for its
length with the rule's reason and source, then made; a breach, the arrest and outcome; a power not used
and the victim told; the worklist), and every route refusing each persona it must, as a missing record.

Routes are read from the URL resolver, each id pointed at a real record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from oversight.cases.models import Case
from oversight.protection.models import Breach, Measure, MeasureStatus, ReportedBy, Response, UnusedPower
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.protection_world import ProtectionWorld, make_world

pytest_plugins = ["tests.case_fixtures"]
TODAY = timezone.localdate()


@pytest.fixture
def protection(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case) -> ProtectionWorld:
    return make_world(case_personas, case_workforce, ppda_case)


@pytest.fixture
def fixed_csrf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)
    yield


def date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def post(client: Client, name: str, data: dict[str, str], **kwargs: int) -> object:
    return client.post(reverse(f"protection:{name}", kwargs=kwargs or None), data)


def test_the_journey_of_the_issue(protection: ProtectionWorld) -> None:
    client = client_for(protection.team)
    assert client.get(reverse("protection:measures")).status_code == 200
    assert client.get(reverse("protection:new")).status_code == 200
    yesterday, before = TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=2)
    notice = {
        "force": str(protection.public.force_id), "kind": "dvpn", "measure_reference": "J-DVPN",
        "restrained_name": "Paul Black",
        "victim_name": "Ann Black", "conditions": "Not to contact Ann Black", "authority": "police",
        "authorised_by_rank": "Supt", **date("made_on", before), "made_time": "09:30",
    }  # fmt: skip
    response = client.post(reverse("protection:new"), notice)
    dvpn = Measure.objects.get(reference="J-DVPN")
    assert response.status_code == 302 and response["Location"] == reverse("protection:measure", args=[dvpn.pk])
    order = {
        "force": str(protection.public.force_id), "kind": "dvpo", "measure_reference": "J-DVPO", "notice": str(dvpn.pk),
        "restrained_name": "Paul Black", "victim_name": "Ann Black", "authority": "court",
        "court": "Birmingham Magistrates' Court", **date("made_on", yesterday), "made_time": "10:00",
        **date("ends_on", yesterday + dt.timedelta(days=34)),
    }  # fmt: skip
    refused = client.post(reverse("protection:new"), order)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "There is a problem" in body and "at most 28 days" in body
    assert "Crime and Security Act 2010, s.28(10)" in body
    assert "legislation.gov.uk/ukpga/2010/17/section/28" in body
    assert not Measure.objects.filter(reference="J-DVPO").exists()
    order.update(date("ends_on", yesterday + dt.timedelta(days=27)))
    assert client.post(reverse("protection:new"), order).status_code == 302
    dvpo = Measure.objects.get(reference="J-DVPO")
    dvpn.refresh_from_db()
    assert dvpn.status == MeasureStatus.ENDED
    page = client.get(reverse("protection:measure", args=[dvpo.pk])).content.decode()
    assert "Ends on" in page and "Crime and Security Act 2010" in page

    breach = {**date("reported_on", TODAY), "reported_time": "00:05", "reported_by": ReportedBy.VICTIM,
              "description": "He phoned her twelve times"}  # fmt: skip
    response = client.post(reverse("protection:report_breach", args=[dvpo.pk]), breach)
    reported = Breach.objects.get(measure=dvpo)
    assert response.status_code == 302
    assert reported in Breach.objects.without_response()
    worklist = client.get(reverse("protection:worklist")).content.decode()
    assert f"{dvpo}" in worklist
    arrest = {"version": "1", "response": Response.ARREST, **date("responded_on", TODAY), "responded_time": "00:45"}
    assert client.post(reverse("protection:breach_response", args=[reported.pk]), arrest).status_code == 302
    outcome = {"version": "2", "outcome": "conviction", **date("outcome_on", TODAY)}
    assert client.post(reverse("protection:breach_outcome", args=[reported.pk]), outcome).status_code == 302
    reported.refresh_from_db()
    assert reported.response == Response.ARREST and reported.outcome == "conviction"
    assert reported.hours_to_arrest == 0.7

    power = {
        "force": str(protection.public.force_id), "incident_reference": "20/999/26", "kind": "spo",
        **date("decided_on", TODAY), "reason": "Not stalking: a single incident", "instead": "Referral to the IDVA",
    }  # fmt: skip
    assert client.post(reverse("protection:new_unused"), power).status_code == 302
    unused = UnusedPower.objects.get(incident_reference="20/999/26")
    assert "20/999/26" in client.get(reverse("protection:worklist")).content.decode()
    told = {"version": "1", **date("told_on", TODAY), "told_time": "00:30", "method": "phone"}
    assert client.post(reverse("protection:unused_told", args=[unused.pk]), told).status_code == 302
    assert "20/999/26" not in client.get(reverse("protection:worklist")).content.decode()


def test_an_unauthorised_rank_is_refused_on_the_page_with_its_source(protection: ProtectionWorld) -> None:
    data = {
        "force": str(protection.public.force_id), "kind": "dvpn", "measure_reference": "R-1", "restrained_name": "A",
        "victim_name": "B", "authority": "police", "authorised_by_rank": "Insp", **date("made_on", TODAY),
        "made_time": "00:01",
    }  # fmt: skip
    response = client_for(protection.team).post(reverse("protection:new"), data)
    assert response.status_code == 400
    assert "at least the rank of superintendent" in response.content.decode()
    assert not Measure.objects.filter(reference="R-1").exists()


# Every route, every refused persona


def _routes() -> list[URLPattern]:
    resolver = get_resolver()
    [namespace] = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "protection"]
    return list(namespace.url_patterns)  # type: ignore[attr-defined]


def _target(route: URLPattern, protection: ProtectionWorld, locked: bool) -> dict[str, int]:
    if "<int:pk>" not in str(route.pattern):
        return {}
    name = route.name or ""
    measure = protection.locked if locked else protection.public
    if name.startswith("breach"):
        breach = Breach.objects.get_or_create(
            measure=measure, reported_at=timezone.now() - dt.timedelta(hours=1),
            defaults={"reported_by": ReportedBy.VICTIM, "description": "x", "recorded_by": measure.recorded_by},
        )[0]  # fmt: skip
        return {"pk": breach.pk}
    if name.startswith("unused"):
        return {"pk": protection.locked_power.pk}
    return {"pk": measure.pk}


def _refused(protection: ProtectionWorld, case_personas: CasePersonas) -> dict[str, tuple[User, bool]]:
    """Who must get a 404, and whether only for the records locked with the PPDA case."""
    return {
        "other_team": (protection.other_team, False),
        "analyst_records": (protection.analyst, False),
        "no_role": (protection.no_role, False),
        "subject": (case_personas.subject, False),
        "team_locked": (protection.team, True),
        "opcc_locked": (case_personas.opcc_officer, True),
        "partner_locked": (case_personas.subject_partner, True),
        "connected_administrator_locked": (case_personas.connected_administrator, True),
    }


ROUTE_NAMES = [route.name for route in _routes() if "<int:pk>" in str(route.pattern)]


@pytest.mark.parametrize("route_name", ROUTE_NAMES)
def test_every_record_route_refuses_as_a_missing_record(
    protection: ProtectionWorld, case_personas: CasePersonas, fixed_csrf: None, route_name: str
) -> None:
    route = next(r for r in _routes() if r.name == route_name)
    for label, (user, locked_only) in _refused(protection, case_personas).items():
        kwargs = _target(route, protection, locked=locked_only)
        client = client_for(user)
        url = reverse(f"protection:{route_name}", kwargs=kwargs)
        missing = reverse(f"protection:{route_name}", kwargs={"pk": 2**40})
        for method in ("get", "post"):
            refused = getattr(client, method)(url)
            absent = getattr(client, method)(missing)
            assert refused.status_code == absent.status_code == 404, (label, method, url)
            assert refused.content == absent.content, (label, method)


@pytest.mark.parametrize("route_name", ROUTE_NAMES)
def test_the_force_team_reaches_every_route_of_its_unlocked_records(
    protection: ProtectionWorld, route_name: str
) -> None:
    if route_name.startswith("unused"):
        power = UnusedPower.objects.create(
            force=protection.public.force, incident_reference="20/2/26", measure_type=protection.public.measure_type,
            decided_on=TODAY, reason="r", instead="i", recorded_by=protection.team,
        )  # fmt: skip
        kwargs = {"pk": power.pk}
    else:
        route = next(r for r in _routes() if r.name == route_name)
        kwargs = _target(route, protection, locked=False)
    response = client_for(protection.team).get(reverse(f"protection:{route_name}", kwargs=kwargs))
    assert response.status_code == 200, route_name


# Setting a plan measure is the governing body's, not the force team's: tests/test_protection_dashboard.py
# tries each persona on it (test_only_opcc_officers_reach_the_plan_page).
OWN_ACCESS_TESTS = {"plan_measure_new"}


@pytest.mark.parametrize(
    "route_name", [r.name for r in _routes() if "<int:pk>" not in str(r.pattern) and r.name not in OWN_ACCESS_TESTS]
)
def test_section_pages_refuse_people_with_no_part_in_it(protection: ProtectionWorld, route_name: str) -> None:
    for user in (protection.no_role,):
        assert client_for(user).get(reverse(f"protection:{route_name}")).status_code == 404
    assert client_for(protection.team).get(reverse(f"protection:{route_name}")).status_code == 200


def test_the_analyst_sees_counts_only(protection: ProtectionWorld) -> None:
    page = client_for(protection.analyst).get(reverse("protection:measures")).content.decode()
    assert "You see counts only: 3 protective measures" in page
    assert "WMP-DVPN" not in page
    assert client_for(protection.analyst).get(reverse("protection:worklist")).status_code == 404

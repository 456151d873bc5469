"""The load test's parts that need no server: the personas and pages it chooses (every one opens for
its persona, so no failure in the table is the test's own doing) and the table it prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from bench.load import report
from bench.load.plan import KINDS, choose
from oversight.cases.models import Case
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Committee, CommitteeMeeting, TrackingRecord
from tests.case_personas import CasePersonas
from tests.personas import Personas

pytest_plugins = ["tests.case_fixtures"]

PASSWORD = "load-test-password-of-this-run"


@pytest.mark.django_db
def test_every_page_chosen_for_a_persona_opens_for_it_with_the_runs_password(
    tracking: TrackingRecord, personas: Personas, wmp: Organisation, case_personas: CasePersonas, ppda_case: Case
) -> None:
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=wmp.governing_body_on())
    committee.forces.set([wmp])
    CommitteeMeeting.objects.create(committee=committee, held_on=dt.date.today(), agenda_item="07")
    plan = choose(per_kind=2, seed=1, password=PASSWORD)
    assert {persona["kind"] for persona in plan["personas"]} == set(KINDS)
    opened = {"items": 0, "cases": 0, "papers": 0, "writes": 0}
    for persona in plan["personas"]:
        client = Client()
        assert client.login(username=persona["username"], password=PASSWORD), persona["username"]
        common = [plan["urls"]["home"], *(f"{plan['urls']['register']}?{q}" for q in plan["register_filters"])]
        for url in common + persona["items"] + persona["cases"] + persona["papers"] + persona["writes"]:
            assert client.get(url).status_code == 200, (persona["username"], url)
        if persona["cases"]:
            assert client.get(plan["urls"]["cases"]).status_code == 200
        for key in opened:
            opened[key] += len(persona[key])
    assert all(opened.values()), opened  # each kind of page is reached by someone
    handler = next(p for p in plan["personas"] if p["username"] == case_personas.psd_handler.username)
    assert handler["cases"] == [f"/cases/{ppda_case.pk}/"]
    assert not any(f"/cases/{ppda_case.pk}/" in p["cases"] for p in plan["personas"] if p["kind"] != "psd_handler")


@pytest.mark.django_db
@pytest.mark.second_factor_unverified
def test_each_persona_passes_the_real_second_factor_page_with_a_code_of_the_plan(
    tracking: TrackingRecord, personas: Personas, case_personas: CasePersonas, ppda_case: Case
) -> None:
    from django.contrib.auth.models import User

    from oversight.accounts.factors import needs_second_factor

    plan = choose(per_kind=1, seed=1, password=PASSWORD)
    assert any(needs_second_factor(User.objects.get(username=p["username"])) for p in plan["personas"])
    for persona in plan["personas"]:
        client = Client()
        answer = client.post(plan["urls"]["sign_in"], {"username": persona["username"], "password": PASSWORD})
        assert answer.status_code == 302
        factor_page = plan["urls"]["second_factor"]
        if needs_second_factor(User.objects.get(username=persona["username"])):
            waiting = client.get(plan["urls"]["home"])
            assert waiting.status_code == 302 and waiting["Location"].startswith(factor_page)  # nothing before it
        code = persona["codes"].pop()
        assert client.post(factor_page, {"code": code}).status_code == 302
        assert client.get(plan["urls"]["home"]).status_code == 200
        again = Client()  # a code is spent once: another simulated user must take the next one
        again.post(plan["urls"]["sign_in"], {"username": persona["username"], "password": PASSWORD})
        assert again.post(factor_page, {"code": code}).status_code == 400  # refused: the form again, with its error


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,home,120,0,41,52.3,20.1,410.7,9000,2.0,0.0,41,50,60,70,90,120,200,300,410,410,410
GET,case,80,2,63,70.1,30.0,900.2,12000,1.3,0.03,63,70,80,90,110,160,300,600,900,900,900
,Aggregated,200,2,50,60.0,20.1,900.2,10000,3.3,0.03,50,60,70,80,100,150,250,500,900,900,900
"""

HISTORY = """Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,\
Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,\
Total Max Response Time,Total Average Content Size
100,5,,Aggregated,1,0,40,40,40,40,40,40,40,40,40,40,40,10,0,40,40,40,40,1
160,5,,Aggregated,1,0,40,40,40,40,40,40,40,40,40,40,40,60,0,40,40,40,40,1
170,5,,Aggregated,1,1,40,40,40,40,40,40,40,40,40,40,40,65,4,40,40,40,40,1
200,5,,Aggregated,1,0,40,40,40,40,40,40,40,40,40,40,40,90,4,40,40,40,40,1
"""


def test_the_table_has_each_page_then_healthz_then_the_total(tmp_path: Path) -> None:
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(STATS)
    rows = report.pages(stats)
    assert [row["page"] for row in rows] == ["home", "case", "all pages"]
    assert rows[1] == {"page": "case", "requests": 80, "failures": 2, "p50_ms": 63.0, "p95_ms": 160.0,
                            "p99_ms": 600.0, "max_ms": 900.2}  # fmt: skip
    health = report.polled("/healthz (poller)", [(float(i), 200, float(i)) for i in range(1, 101)] + [(101.0, 0, 5.0)])
    assert health["requests"] == 101 and health["failures"] == 1 and health["max_ms"] == 100.0
    assert health["p50_ms"] == 50.0
    rows.insert(2, health)
    lines = report.table(rows).splitlines()
    assert lines[0].split() == ["Page", "Requests", "Failures", "p50", "ms", "p95", "ms", "p99", "ms", "max", "ms"]
    assert lines[2].split() == ["home", "120", "0", "41", "120", "300", "411"]
    assert lines[4].startswith("/healthz (poller)") and lines[5].startswith("all pages")


def test_the_failures_in_a_window_come_from_locusts_running_totals(tmp_path: Path) -> None:
    history = tmp_path / "locust_stats_history.csv"
    history.write_text(HISTORY)
    assert report.failures_between(history, 0, 160) == {"requests": 60, "failures": 0}
    assert report.failures_between(history, 160, 175) == {"requests": 5, "failures": 4}
    assert report.failures_between(history, 175, 300) == {"requests": 25, "failures": 0}

"""The protection dashboard (protection/dashboard.py, the page and the API): figures on a small world
counted by hand below, a fixed number of queries at two sizes, who may see which scope, and the
PPDA rule: a person locked out of a case sees the same figures whether or not it has breaches."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oversight.api.models import ApiToken, hash_token
from oversight.cases.models import Case
from oversight.organisations.models import Organisation
from oversight.protection import charts, plans
from oversight.protection.dashboard import (
    Counts,
    Period,
    ProtectedCounts,
    Scope,
    dashboard,
    period_from,
    protect,
    scope_for,
)
from oversight.protection.models import Breach, Measure, Outcome, Response
from oversight.protection.plan_models import ForceFigure, PlanCount, TargetDirection
from tests.case_personas import CasePersonas, Workforce
from tests.protection_world import ProtectionWorld, make_world, new_measure

pytest_plugins = ["tests.case_fixtures"]

PERIOD = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 30))
URL = "/protection/dashboard/"
API = "/api/v1/protection/dashboard"


def london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def breach(measure: Measure, reported: dt.datetime, **extra: Any) -> Breach:
    return Breach.objects.create(
        measure=measure, reported_at=reported, reported_by="victim", description="Came to the house",
        recorded_by=measure.recorded_by, **extra,
    )  # fmt: skip


@dataclass
class World:
    protection: ProtectionWorld
    personas: CasePersonas
    wmp: Organisation
    avon: Organisation


@pytest.fixture
def world(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case) -> World:
    """West Midlands, not PPDA-linked (five in the period, one before it):
    1. DVPN, 30 Sep 23:30 (London; 22:30 UTC, still September): arrested 4 hours later, charged, convicted.
    2. DVPN, 5 Oct 09:00: arrested 24 hours later, charged, outcome pending.
    3. DVPN, 20 Oct: warned only.   4. DVPN, 2 Nov: no response recorded.
    5. NMO, 3 Nov: no action (a reason given), no further action.
    0. DVPN, 31 Aug 23:30 (London): before the period, not counted.
    Avon and Somerset: one DVPN breach on 10 Oct, arrested after 10 hours, cautioned.
    West Midlands, PPDA-linked (restraining the case's subject): 12 Oct arrested; 12 Nov nothing recorded.
    """
    protection = make_world(case_personas, case_workforce, ppda_case)
    public, avon = protection.public, protection.avon
    nmo = new_measure(case_workforce.wmp, "nmo", "WMP-NMO-1", protection.team, restrained_name="John Doe")
    first = london(dt.date(2026, 9, 30), 23, 30)
    breach(public, first, response=Response.ARREST, arrested_at=first + dt.timedelta(hours=4),
           charged_on=dt.date(2026, 10, 1), outcome=Outcome.CONVICTION)  # fmt: skip
    second = london(dt.date(2026, 10, 5), 9)
    breach(public, second, response=Response.ARREST, arrested_at=second + dt.timedelta(hours=24),
           charged_on=dt.date(2026, 10, 7))  # fmt: skip
    breach(public, london(dt.date(2026, 10, 20), 12), response=Response.WARNING)
    breach(public, london(dt.date(2026, 11, 2), 12))
    breach(nmo, london(dt.date(2026, 11, 3), 12), response=Response.NO_ACTION, no_action_reason="Victim declined",
           outcome=Outcome.NO_FURTHER_ACTION)  # fmt: skip
    breach(public, london(dt.date(2026, 8, 31), 23, 30), response=Response.ARREST)
    avon_at = london(dt.date(2026, 10, 10), 8)
    breach(avon, avon_at, response=Response.ARREST, arrested_at=avon_at + dt.timedelta(hours=10),
           outcome=Outcome.CAUTION)  # fmt: skip
    locked_at = london(dt.date(2026, 10, 12), 8)
    breach(protection.locked, locked_at, response=Response.ARREST, arrested_at=locked_at + dt.timedelta(hours=1))
    breach(protection.locked, london(dt.date(2026, 11, 12), 8))
    return World(protection, case_personas, case_workforce.wmp, case_workforce.avon)


def wmp(world: World) -> Scope:
    return Scope(frozenset({world.wmp.pk}), world.wmp.name)


def api_get(client: Client, user: User, query: str) -> Any:
    """The API with the person's bearer token (the API does not read the login session)."""
    raw = f"ovs_test_{user.pk}"
    ApiToken.objects.get_or_create(user=user, name="dashboard test", defaults={"key_hash": hash_token(raw)})
    return client.get(f"{API}?{query}", HTTP_AUTHORIZATION=f"Bearer {raw}")


def figures_json(client: Client, user: User, query: str = "") -> Any:
    response = api_get(client, user, f"from=2026-09-01&to=2026-11-30{query}")
    assert response.status_code == 200, response.content
    return response.json()


# The figures, counted by hand in the world's docstring


def test_the_force_funnel_months_and_measures_are_the_hand_counts(world: World) -> None:
    figures = dashboard(world.protection.team, wmp(world), PERIOD)
    assert figures.funnel == Counts(
        reported=5, arrested=2, charged=2, conviction=1, caution=0, acquittal=0, nfa=1, pending=3,
        warning=1, no_action=1, no_response=1,
    )  # fmt: skip
    assert [(row.month, row.counts.reported, row.counts.arrested) for row in figures.by_month] == [
        (dt.date(2026, 9, 1), 1, 1),
        (dt.date(2026, 10, 1), 2, 1),
        (dt.date(2026, 11, 1), 2, 0),
    ]
    by_measure = {row.key: row.counts.reported for row in figures.by_measure}
    assert by_measure["dvpn"] == 4 and by_measure["nmo"] == 1 and by_measure["spo"] == 0
    assert figures.median_hours_to_arrest == 14.0  # the mean of 4 and 24 hours
    assert [(row.label, row.counts.reported) for row in figures.by_force] == [(world.wmp.name, 5)]


def test_england_and_wales_adds_every_force(world: World) -> None:
    scope = scope_for(world.protection.analyst, None)
    assert scope == Scope(None, "England and Wales")
    figures = dashboard(world.protection.analyst, scope, PERIOD)
    assert (figures.funnel.reported, figures.funnel.arrested, figures.funnel.caution) == (6, 3, 1)
    assert figures.median_hours_to_arrest == 10.0  # 4, 10 and 24 hours
    assert [(row.label, row.counts.reported) for row in figures.by_force] == [
        (world.avon.name, 1),
        (world.wmp.name, 5),
    ]


def test_a_median_of_an_odd_number_is_the_middle_one(world: World) -> None:
    figures = dashboard(world.protection.other_team, scope_for(world.protection.other_team, None) or wmp(world), PERIOD)
    assert figures.scope.label == world.avon.name
    assert figures.median_hours_to_arrest == 10.0
    assert figures.funnel.reported == 1


def test_no_arrest_no_median(world: World) -> None:
    figures = dashboard(world.protection.team, wmp(world), Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert figures.median_hours_to_arrest is None
    assert figures.funnel.reported == 2


# PPDA-linked breaches


def test_someone_who_may_see_the_case_sees_its_breaches_apart(world: World) -> None:
    lead = world.personas.psd_lead
    figures = dashboard(lead, wmp(world), PERIOD)
    assert figures.funnel.reported == 5  # the main figures never include PPDA-linked breaches
    assert figures.ppda_seen is not None
    assert (figures.ppda_seen.reported, figures.ppda_seen.arrested, figures.ppda_seen.no_response) == (2, 1, 1)
    assert [row.ppda_seen.reported for row in figures.by_month] == [0, 1, 1]
    assert figures.ppda_locked == ProtectedCounts(None, None, None, None)


@pytest.mark.parametrize("name", ["team", "analyst"])
def test_locked_out_people_see_no_per_case_ppda_figure(world: World, name: str) -> None:
    person = getattr(world.protection, name)
    figures = dashboard(person, scope_for(person, world.wmp.pk) or wmp(world), PERIOD)
    assert figures.ppda_seen is None
    assert figures.ppda_locked == ProtectedCounts(None, None, None, None)  # 2 breaches: fewer than 10
    assert sum(row.ppda_seen.reported for row in figures.by_month) == 0


@pytest.mark.parametrize("name", ["team", "analyst", "subject_partner", "opcc_officer"])
def test_a_locked_out_persons_answer_is_the_same_whether_the_locked_breaches_exist_or_not(
    world: World, client: Client, name: str
) -> None:
    person = getattr(world.protection, name, None) or getattr(world.personas, name)
    query = f"&force={world.wmp.pk}"
    with_them = figures_json(client, person, query)
    page_with = _page_tables(client, person, query)
    Breach.objects.filter(measure=world.protection.locked).delete()
    assert figures_json(client, person, query) == with_them
    assert _page_tables(client, person, query) == page_with
    locked_at = london(dt.date(2026, 9, 3), 8)
    for hours in range(4):  # more of them, in another month, with arrests, charges and a conviction
        at = locked_at + dt.timedelta(hours=hours)
        breach(world.protection.locked, at, arrested_at=at + dt.timedelta(hours=5),
               charged_on=dt.date(2026, 9, 4), outcome=Outcome.CONVICTION)  # fmt: skip
    assert figures_json(client, person, query) == with_them
    Measure.objects.filter(pk=world.protection.locked.pk).delete()  # and without the locked measure at all
    assert figures_json(client, person, query) == with_them
    assert _page_tables(client, person, query) == page_with


def _page_tables(client: Client, person: User, query: str) -> str:
    """The page's main content (the layout around it carries a fresh CSRF token each time)."""
    client.force_login(person)
    response = client.get(f"{URL}?start_0=1&start_1=9&start_2=2026&end_0=30&end_1=11&end_2=2026{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_locked_total_shows_rounded_once_it_reaches_ten(world: World) -> None:
    base = london(dt.date(2026, 9, 2), 8)
    for hours in range(10):  # 12 in all
        breach(world.protection.locked, base + dt.timedelta(hours=hours))
    figures = dashboard(world.protection.team, wmp(world), PERIOD)
    assert figures.ppda_locked.reported == 10  # 12 to the nearest 5
    assert figures.ppda_locked.arrested is None  # 1 arrest


def test_protected_counts_round_to_five_and_hide_under_ten() -> None:
    assert [protect(n) for n in (0, 1, 9, 10, 12, 13, 17, 18, 102)] == [None, None, None, 10, 10, 15, 15, 20, 100]


# Who may see what


def test_someone_with_no_role_gets_404_from_the_page_and_the_api(world: World, client: Client) -> None:
    client.force_login(world.protection.no_role)
    assert client.get(URL).status_code == 404
    assert api_get(client, world.protection.no_role, "").status_code == 404
    assert scope_for(world.protection.no_role, None) is None


def test_a_force_team_may_not_ask_for_another_force(world: World, client: Client) -> None:
    team = world.protection.other_team
    client.force_login(team)
    assert client.get(f"{URL}?force={world.wmp.pk}").status_code == 404
    assert api_get(client, team, f"force={world.wmp.pk}").status_code == 404
    assert api_get(client, team, "force=999999").status_code == 404
    assert scope_for(team, world.wmp.pk) is None


def test_a_national_analyst_chooses_any_force_or_all(world: World, client: Client) -> None:
    analyst = world.protection.analyst
    national = figures_json(client, analyst)
    assert national["scope"] == "England and Wales" and national["force_ids"] is None
    assert national["funnel"]["reported"] == 6
    avon = figures_json(client, analyst, f"&force={world.avon.pk}")
    assert avon["scope"] == world.avon.name and avon["funnel"]["reported"] == 1
    client.force_login(analyst)
    page = client.get(URL)
    assert page.status_code == 200
    assert f'<option value="{world.avon.pk}">' in page.content.decode()


def test_the_opcc_officer_sees_the_force_it_governs(world: World, client: Client) -> None:
    officer = world.personas.opcc_officer
    assert scope_for(officer, None) == wmp(world)
    assert figures_json(client, officer)["funnel"]["reported"] == 5
    assert api_get(client, officer, f"force={world.avon.pk}").status_code == 404


def test_the_api_needs_a_bearer_token(world: World, client: Client) -> None:
    assert client.get(API).status_code == 401
    client.force_login(world.protection.team)
    assert client.get(API).status_code == 401


def test_a_backwards_period_is_refused_in_words(world: World, client: Client) -> None:
    response = api_get(client, world.protection.team, "from=2026-11-30&to=2026-09-01")
    assert response.status_code == 400
    client.force_login(world.protection.team)
    assert "on or after" in response.json()["detail"]
    page = client.get(f"{URL}?start_0=30&start_1=11&start_2=2026&end_0=1&end_1=9&end_2=2026")
    assert page.status_code == 400
    assert "govuk-error-summary" in page.content.decode()
    with pytest.raises(ValidationError):
        period_from(dt.date(2020, 1, 1), dt.date(2026, 1, 1))


def test_the_api_is_in_the_openapi_document(world: World, client: Client) -> None:
    client.force_login(world.protection.team)
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/protection/dashboard"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"force", "from", "to"}


# The page


def test_the_page_shows_each_chart_beside_a_table_of_its_numbers(world: World, client: Client) -> None:
    html = _page_tables(client, world.protection.team, "")
    assert html.count('role="img"') == 2  # no plan measures yet: no plan chart
    assert '<title id="funnel-chart-title">' in html and '<title id="trend-chart-title">' in html
    assert 'id="funnel-table"' in html and 'id="month-table"' in html
    assert " style=" not in html.split('id="funnel-chart-title"')[1].split("</svg>")[0]  # CSP: no inline style
    assert "No police and crime plan measures cover this period." in html


def test_an_inline_chart_has_no_style_the_policy_would_block() -> None:
    svg = charts.funnel_chart([("Reported", 28), ("Arrested", 0)], "28 breaches & no arrest")
    assert svg.startswith('<svg role="img" aria-labelledby="funnel-chart-title"')
    assert "<style" not in svg and " style=" not in svg
    assert '<title id="funnel-chart-title">28 breaches &amp; no arrest</title>' in svg


# Police and crime plan measures


def _plan(world: World) -> None:
    body = world.wmp.governing_body_on()
    assert body is not None
    officer = world.personas.opcc_officer
    plans.set_plan_measure(body, world.wmp, plans.PlanDraft(
        "Breaches of orders lead to arrest", PlanCount.BREACHES_ARRESTED, Decimal("50.0"),
        dt.date(2026, 4, 1), dt.date(2027, 3, 31),
    ), officer)  # fmt: skip
    plans.set_plan_measure(body, world.wmp, plans.PlanDraft(
        "Bail conditions in domestic abuse arrests", PlanCount.BAIL_CONDITIONS, Decimal("8"),
        dt.date(2026, 4, 1), dt.date(2027, 3, 31),
    ), officer)  # fmt: skip
    team = world.protection.team
    for month, value in ((dt.date(2026, 9, 1), 10), (dt.date(2026, 10, 1), 10)):  # none entered for November
        plans.enter_monthly_figure(world.wmp, ForceFigure.DOMESTIC_ABUSE_ARRESTS, month, value, team)
    for number, day in enumerate((dt.date(2026, 9, 15), dt.date(2026, 10, 15), dt.date(2026, 11, 15))):
        new_measure(world.wmp, "pre_charge_bail", f"WMP-BAIL-{number}", team, restrained_name="A N Other",
                    made_at=london(day, 10), arrested_on=day)  # fmt: skip


def test_plan_measures_against_their_targets(world: World) -> None:
    _plan(world)
    results = {r.measure.counts: r for r in dashboard(world.protection.team, wmp(world), PERIOD).plan}
    arrests = results[PlanCount.BREACHES_ARRESTED]
    assert (arrests.numerator, arrests.denominator, arrests.percent, arrests.words) == (2, 5, 40.0, "Not met")
    bail = results[PlanCount.BAIL_CONDITIONS]  # September and October only: November's figure is missing
    assert (bail.numerator, bail.denominator, bail.percent, bail.words) == (2, 20, 10.0, "Met")
    assert bail.missing_months == [dt.date(2026, 11, 1)]


def test_plan_measures_on_the_page_and_in_the_api(world: World, client: Client) -> None:
    _plan(world)
    html = _page_tables(client, world.personas.opcc_officer, "")
    assert html.count('role="img"') == 3 and 'id="plan-table"' in html
    assert "Not met" in html and "No figure entered for November 2026" in html
    plan = figures_json(client, world.personas.opcc_officer)["plan"]
    assert [(p["counts"], p["percent"], p["met"]) for p in plan] == [
        ("bail_conditions", 10.0, True),
        ("breaches_arrested", 40.0, False),
    ]


def test_only_the_governing_body_sets_a_plan_measure(world: World) -> None:
    body = world.wmp.governing_body_on()
    assert body is not None
    draft = plans.PlanDraft("x", PlanCount.BREACHES_CHARGED, Decimal(50), dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    for person in (world.protection.team, world.protection.analyst, world.personas.psd_lead):
        with pytest.raises(PermissionDenied):
            plans.set_plan_measure(body, world.wmp, draft, person)
    with pytest.raises(PermissionDenied):  # not a force the body governs
        plans.set_plan_measure(body, world.avon, draft, world.personas.opcc_officer)
    backwards = plans.PlanDraft("x", PlanCount.BREACHES_CHARGED, Decimal(50), dt.date(2027, 4, 1), dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        plans.set_plan_measure(body, world.wmp, backwards, world.personas.opcc_officer)


def test_only_the_force_enters_its_monthly_figure_and_a_stale_correction_is_refused(world: World) -> None:
    from oversight.concurrency import ConcurrentEditError

    month, figure = dt.date(2026, 10, 1), ForceFigure.DOMESTIC_ABUSE_ARRESTS
    for person in (world.protection.other_team, world.personas.opcc_officer, world.protection.analyst):
        with pytest.raises(PermissionDenied):
            plans.enter_monthly_figure(world.wmp, figure, month, 10, person)
    entered = plans.enter_monthly_figure(world.wmp, figure, month, 10, world.protection.team)
    corrected = plans.enter_monthly_figure(world.wmp, figure, month, 12, world.personas.psd_lead, entered.version)
    assert (corrected.value, corrected.entered_by, corrected.version) == (12, world.personas.psd_lead, 2)
    with pytest.raises(ConcurrentEditError):
        plans.enter_monthly_figure(world.wmp, figure, month, 13, world.protection.team, entered.version)
    with pytest.raises(ValidationError):
        plans.enter_monthly_figure(world.wmp, figure, dt.date(2026, 10, 2), 1, world.protection.team)


def test_an_at_most_target_is_met_below_it(world: World) -> None:
    body = world.wmp.governing_body_on()
    assert body is not None
    draft = plans.PlanDraft(
        "Few charges", PlanCount.BREACHES_CHARGED, Decimal(30), dt.date(2026, 9, 1), dt.date(2026, 9, 30),
        TargetDirection.AT_MOST,
    )  # fmt: skip
    plans.set_plan_measure(body, world.wmp, draft, world.personas.opcc_officer)
    (result,) = dashboard(world.protection.team, wmp(world), PERIOD).plan
    assert (result.numerator, result.denominator, result.met) == (1, 1, False)  # September only: 1 of 1 charged


# Queries


def _queries(person: User, scope: Scope) -> int:
    with CaptureQueriesContext(connection) as captured:
        dashboard(person, scope, PERIOD)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_data(world: World) -> None:
    _plan(world)
    analyst, lead = world.protection.analyst, world.personas.psd_lead
    _queries(analyst, Scope(None, "E&W")), _queries(lead, wmp(world))  # their memberships, read once a request
    before = (_queries(analyst, Scope(None, "E&W")), _queries(lead, wmp(world)))
    for number in range(30):
        force = world.avon if number % 2 else world.wmp
        kind = ("dvpn", "nmo", "spo")[number % 3]
        measure = new_measure(force, kind, f"MORE-{number}", world.protection.team, restrained_name="R")
        at = london(dt.date(2026, 9 + number % 3, 1 + number % 27), 10)
        breach(measure, at, response=Response.ARREST, arrested_at=at + dt.timedelta(hours=number))
        breach(world.protection.locked, at + dt.timedelta(minutes=number))
    after = (_queries(analyst, Scope(None, "E&W")), _queries(lead, wmp(world)))
    assert before == after
    assert max(after) <= 20


def test_the_json_has_every_figure_of_the_page(world: World, client: Client) -> None:
    data = figures_json(client, world.personas.psd_lead)
    assert json.dumps(data)  # plain JSON
    assert data["ppda_seen"]["reported"] == 2
    assert data["ppda_locked"] == {"reported": None, "arrested": None, "charged": None, "conviction": None}
    assert [m["counts"]["reported"] for m in data["by_month"]] == [1, 2, 2]
    assert data["median_hours_to_arrest"] == 14.0


# Setting plan measures and entering figures through the pages

PLAN_NEW, FIGURES = "/protection/dashboard/plan/new/", "/protection/dashboard/figures/"


def test_the_opcc_officer_sets_a_plan_measure_on_the_page(world: World, client: Client) -> None:
    client.force_login(world.personas.opcc_officer)
    form = {
        "force": world.wmp.pk, "name": "Arrest for breach", "counts": PlanCount.BREACHES_ARRESTED,
        "direction": TargetDirection.AT_LEAST, "target_percent": "60",
        "starts_on_0": "1", "starts_on_1": "4", "starts_on_2": "2026",
        "ends_on_0": "31", "ends_on_1": "3", "ends_on_2": "2027",
    }  # fmt: skip
    assert client.get(PLAN_NEW).status_code == 200
    bad = client.post(PLAN_NEW, {**form, "target_percent": "120"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    backwards = client.post(PLAN_NEW, {**form, "ends_on_2": "2025"})
    assert backwards.status_code == 400 and "on or after the start date" in backwards.content.decode()
    assert client.post(PLAN_NEW, form).status_code == 302
    (result,) = dashboard(world.protection.team, wmp(world), PERIOD).plan
    assert (result.measure.name, result.measure.set_by, result.percent) == (
        "Arrest for breach",
        world.personas.opcc_officer,
        40.0,
    )


def test_the_force_enters_its_monthly_figure_on_the_page(world: World, client: Client) -> None:
    from oversight.protection.plan_models import MonthlyFigure

    client.force_login(world.protection.team)
    form = {"force": world.wmp.pk, "figure": ForceFigure.DOMESTIC_ABUSE_ARRESTS, "month_0": "1", "month_1": "10",
            "month_2": "2026", "value": "31"}  # fmt: skip
    assert client.post(FIGURES, {**form, "value": "-1"}).status_code == 400
    assert client.post(FIGURES, form).status_code == 302
    figure = MonthlyFigure.objects.get()
    assert (figure.value, figure.month, figure.entered_by) == (31, dt.date(2026, 10, 1), world.protection.team)


@pytest.mark.parametrize("name", ["team", "analyst", "no_role", "other_team"])
def test_only_opcc_officers_reach_the_plan_page(world: World, client: Client, name: str) -> None:
    client.force_login(getattr(world.protection, name))
    assert client.get(PLAN_NEW).status_code == 404


@pytest.mark.parametrize("name", ["analyst", "no_role"])
def test_only_the_forces_recorders_reach_the_figures_page(world: World, client: Client, name: str) -> None:
    client.force_login(getattr(world.protection, name))
    assert client.get(FIGURES).status_code == 404


def test_the_opcc_officer_may_not_enter_a_figure_nor_a_team_another_forces(world: World, client: Client) -> None:
    client.force_login(world.personas.opcc_officer)
    assert client.get(FIGURES).status_code == 404
    client.force_login(world.protection.other_team)
    form = {"force": world.wmp.pk, "figure": ForceFigure.DOMESTIC_ABUSE_ARRESTS, "month_0": "1", "month_1": "10",
            "month_2": "2026", "value": "31"}  # fmt: skip
    assert client.post(FIGURES, form).status_code == 400  # not a force they may choose

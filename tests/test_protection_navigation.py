"""What the browser journey of issue 11 found (e2e/test_protection_journey.py): the dashboard could not be
reached from the section's navigation, and a length refused named only the bound it missed, not the range.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.cases.models import Case
from oversight.protection.models import Measure
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.protection_world import ProtectionWorld, make_world

pytest_plugins = ["tests.case_fixtures"]
DASHBOARD_LINK = f'href="{reverse("protection:dashboard")}"'


@pytest.fixture
def protection(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case) -> ProtectionWorld:
    return make_world(case_personas, case_workforce, ppda_case)


@pytest.mark.parametrize("route", ["measures", "unused_list", "worklist"])
def test_each_section_page_leads_to_the_dashboard(protection: ProtectionWorld, route: str) -> None:
    page = client_for(protection.team).get(reverse(f"protection:{route}")).content.decode()
    assert DASHBOARD_LINK in page.split('aria-label="Protective measures"')[1].split("</nav>")[0]


def test_the_dashboard_shows_the_section_navigation_to_a_force_team(protection: ProtectionWorld) -> None:
    page = client_for(protection.team).get(reverse("protection:dashboard")).content.decode()
    nav = page.split('aria-label="Protective measures"')[1].split("</nav>")[0]
    assert f'{DASHBOARD_LINK} aria-current="page">Dashboard' in nav
    assert reverse("protection:worklist") in nav


def test_a_counts_only_analyst_finds_the_dashboard_but_no_records_navigation(protection: ProtectionWorld) -> None:
    client = client_for(protection.analyst)
    measures = client.get(reverse("protection:measures")).content.decode()
    assert DASHBOARD_LINK in measures and 'aria-label="Protective measures"' not in measures
    dashboard = client.get(reverse("protection:dashboard")).content.decode()
    assert 'aria-label="Protective measures"' not in dashboard  # its links lead to records they may not read
    assert reverse("protection:worklist") not in dashboard


def test_someone_with_no_part_is_still_refused_the_dashboard(protection: ProtectionWorld) -> None:
    assert client_for(protection.no_role).get(reverse("protection:dashboard")).status_code == 404


def test_a_refused_length_names_the_whole_range_and_its_source(protection: ProtectionWorld) -> None:
    made = timezone.localdate() - dt.timedelta(days=1)
    order = {
        "force": str(protection.public.force_id), "kind": "dvpo", "measure_reference": "N-DVPO",
        "restrained_name": "Paul Black", "victim_name": "Ann Black", "authority": "court", "court": "Birmingham",
        "made_on_0": str(made.day), "made_on_1": str(made.month), "made_on_2": str(made.year), "made_time": "10:00",
    }  # fmt: skip
    for days, words in ((35, "this one lasts 35 days"), (13, "this one lasts 13 days")):
        end = made + dt.timedelta(days=days - 1)
        data = {**order, "ends_on_0": str(end.day), "ends_on_1": str(end.month), "ends_on_2": str(end.year)}
        response = client_for(protection.team).post(reverse("protection:new"), data)
        body = response.content.decode()
        assert response.status_code == 400
        assert "must last 14 to 28 days" in body and words in body
        assert "(Crime and Security Act 2010, s.28(10))" in body
    assert not Measure.objects.filter(reference="N-DVPO").exists()

"""The home page's PPDA case counts come only from cases the person may see."""

from __future__ import annotations

import pytest
from django.test import Client

from oversight.audit.models import Alert
from oversight.cases.models import Case
from oversight.cases.summary import case_summary
from tests.case_personas import CasePersonas

pytest_plugins = ["tests.case_fixtures"]
pytestmark = pytest.mark.django_db


def home_for(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_psd_lead_sees_the_case_counted(case_personas: CasePersonas, ppda_case: Case) -> None:
    assert case_summary(case_personas.psd_lead)["live"] == 1
    assert "Live cases you can see" in home_for(case_personas.psd_lead)


def test_an_excluded_lead_counts_nothing_of_the_case_nor_its_alerts(
    case_personas: CasePersonas, ppda_case: Case
) -> None:
    teammate = Client()
    teammate.force_login(case_personas.subject_teammate)
    teammate.get(f"/cases/{ppda_case.pk}/")  # raises a silent alert about the case
    assert Alert.objects.filter(object_id=ppda_case.pk).exists()
    summary = case_summary(case_personas.connected_administrator)
    assert summary["live"] == 0
    assert summary["alerts"] == 0
    assert case_summary(case_personas.psd_lead)["alerts"] == 1


def test_people_connected_to_the_subject_see_no_case_section(case_personas: CasePersonas, ppda_case: Case) -> None:
    for person in (case_personas.subject, case_personas.subject_teammate, case_personas.subject_manager):
        assert case_summary(person) == {}
        assert "PPDA cases" not in home_for(person)

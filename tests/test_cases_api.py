"""The cases API: the list, search and a case in full, scoped like the pages; 404 for anyone outside."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from oversight.api.models import ApiToken
from oversight.audit.models import Alert, AlertKind, ReadLog
from oversight.cases.models import Arrival, Case, TeamMember, TeamRole
from oversight.cases.services import NewCase, open_case
from tests.case_personas import SUBJECT_NAME, SUBJECT_STAFF_NUMBER, VICTIM_NAME, CasePersonas, Workforce

pytest_plugins = ["tests.case_fixtures"]  # the case personas' fixtures
pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases/"


def api_client(user: User) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_list_holds_the_case_for_its_team_and_lead(case_personas: CasePersonas, ppda_case: Case) -> None:
    for name, user in case_personas.allowed().items():
        body = api_client(user).get(BASE).json()
        assert body["count"] == 1, name
        [item] = body["items"]
        assert item["reference"] == ppda_case.reference
        assert item["force"] == "West Midlands Police"
        assert (item["status"], item["criminal_status"], item["conduct_status"]) == (
            "open",
            "not_started",
            "not_assessed",
        )


def test_the_list_is_empty_for_everyone_else(case_personas: CasePersonas, ppda_case: Case) -> None:
    for name, user in case_personas.refused().items():
        response = api_client(user).get(BASE)
        assert response.status_code == 200, name
        assert response.json() == {"count": 0, "items": []}, name


def test_the_list_filters(case_personas: CasePersonas, ppda_case: Case) -> None:
    client = api_client(case_personas.psd_lead)
    assert client.get(BASE, {"arrival": "hotline"}).json()["count"] == 1
    assert client.get(BASE, {"status": "closed"}).json()["count"] == 0
    assert client.get(BASE, {"status": "nonsense"}).status_code == 422


def test_a_case_in_full_logs_the_read(case_personas: CasePersonas, ppda_case: Case) -> None:
    response = api_client(case_personas.external_investigator).get(f"{BASE}{ppda_case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["victim"] == {"name": VICTIM_NAME, "is_police_staff": False}
    [subject] = body["subjects"]
    assert subject["staff_number"] == SUBJECT_STAFF_NUMBER and subject["name"] == SUBJECT_NAME
    assert subject["unit"] == "Response Team B, Walsall" and subject["works_with_vulnerable"] is True
    assert len(body["allegations"]) == 2
    assert {"name": "Kate Morgan", "role": "investigator", "organisation": "Avon and Somerset Police"} in body["team"]
    [read] = ReadLog.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id=ppda_case.pk)
    assert (read.user, read.route) == (case_personas.external_investigator, "api")


def test_outsiders_get_the_answer_a_missing_case_gets(case_personas: CasePersonas, ppda_case: Case) -> None:
    missing = ppda_case.pk + 1000
    for name, user in case_personas.refused().items():
        client = api_client(user)
        refused, absent = client.get(f"{BASE}{ppda_case.pk}"), client.get(f"{BASE}{missing}")
        assert refused.status_code == absent.status_code == 404, name
        assert refused.content == absent.content == b'{"detail": "Not found"}', name
    alerted = Alert.objects.filter(kind=AlertKind.EXCLUDED_OPENED, object_id=ppda_case.pk)
    assert sorted(alerted.values_list("actor__username", flat=True)) == sorted(
        user.username for user in case_personas.excluded().values()
    )
    assert not ReadLog.objects.exists()


def test_search_finds_only_visible_cases_and_alerts_on_excluded_people(
    case_personas: CasePersonas, ppda_case: Case
) -> None:
    found = api_client(case_personas.investigator).get(f"{BASE}search", {"q": VICTIM_NAME}).json()
    assert [item["reference"] for item in found["items"]] == [ppda_case.reference]
    for name, user in case_personas.refused().items():
        assert api_client(user).get(f"{BASE}search", {"q": SUBJECT_NAME}).json()["count"] == 0, name
    alerted = Alert.objects.filter(kind=AlertKind.EXCLUDED_SEARCHED, object_id=ppda_case.pk)
    assert alerted.count() == len(case_personas.excluded())


def test_no_token_no_answer(ppda_case: Case) -> None:
    assert Client().get(BASE).status_code == 401
    assert Client().get(f"{BASE}{ppda_case.pk}").status_code == 401


# Paging: the database counts and slices the visible cases alone.

OTHER_VICTIM = "Lena Okafor"


def _other_cases(case_personas: CasePersonas, case_workforce: Workforce, received: list[dt.date]) -> list[Case]:
    """Cases against a person with no connection to PC Hart, each with his team-mate on its team: the
    team-mate sees these and is shut out of the fixture case, which falls between them by date."""
    cases = []
    for day in received:
        new = NewCase(
            force=case_workforce.wmp, arrival=Arrival.HOTLINE, received_on=day, summary="A report.",
            victim_name=OTHER_VICTIM, subjects=[case_workforce.unrelated], allegations=["Abuse of position"],
        )  # fmt: skip
        case = open_case(new, case_personas.psd_handler)
        TeamMember.objects.create(
            case=case, user=case_personas.subject_teammate, role=TeamRole.OVERSIGHT,
            organisation=case_workforce.wmp, added_by=case_personas.psd_handler,
        )  # fmt: skip
        cases.append(case)
    return cases


def _walk(client: Client, path: str, limit: int, **params: object) -> tuple[list[int], list[str]]:
    """Every page in turn: the count each page gives, and the references in the order listed."""
    counts, references = [], []
    for offset in range(0, 12, limit):
        body = client.get(path, {"limit": limit, "offset": offset, **params}).json()
        counts.append(body["count"])
        references += [item["reference"] for item in body["items"]]
    return counts, references


RECEIVED = [dt.date(2024, 1, 10), dt.date(2024, 2, 1), dt.date(2024, 5, 6), dt.date(2024, 6, 1), dt.date(2024, 7, 9)]


def test_the_list_pages_newest_first_with_the_full_count(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    others = _other_cases(case_personas, case_workforce, RECEIVED)
    counts, references = _walk(api_client(case_personas.psd_lead), BASE, 2)
    newest_first = sorted([*others, ppda_case], key=lambda case: case.received_on, reverse=True)
    assert set(counts) == {6} and references == [case.reference for case in newest_first]
    assert api_client(case_personas.psd_lead).get(BASE, {"limit": 0}).status_code == 422
    assert api_client(case_personas.psd_lead).get(BASE, {"limit": 1001}).status_code == 422


@pytest.mark.parametrize("path", ["", "search"])
def test_a_locked_case_moves_no_count_and_no_page(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case, path: str
) -> None:
    """The shut-out team-mate pages through exactly what the list would be if the locked case did not exist."""
    others = _other_cases(case_personas, case_workforce, RECEIVED)
    params = {"q": "PPDA"} if path else {}
    as_if_absent = [case.reference for case in sorted(others, key=lambda case: case.received_on, reverse=True)]
    for limit in (1, 2, 3):
        counts, references = _walk(api_client(case_personas.subject_teammate), f"{BASE}{path}", limit, **params)
        assert set(counts) == {len(others)} and references == as_if_absent, limit
    lead_counts, lead_references = _walk(api_client(case_personas.psd_lead), f"{BASE}{path}", 2, **params)
    assert set(lead_counts) == {len(others) + 1} and ppda_case.reference in lead_references

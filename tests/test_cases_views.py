"""The core PPDA case pages: list and search, a new case, the case page, statuses, the read log, the 404s."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from oversight.audit.models import Alert, AlertKind, ReadLog
from oversight.cases.models import Case, CaseStatus, ConductStatus, CriminalStatus, TeamMember, TeamRole
from tests.case_personas import REFUSED, SUBJECT_NAME, SUBJECT_STAFF_NUMBER, VICTIM_NAME, CasePersonas, Workforce
from tests.conftest import client_for

pytest_plugins = ["tests.case_fixtures"]  # the case personas' fixtures
pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_csrf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make CSRF tokens the same on every page, so two pages can be compared byte for byte."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)
    yield


def _alerts(kind: AlertKind, case: Case) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, object_id=case.pk))


def _reads(case: Case) -> list[ReadLog]:
    content_type = ContentType.objects.get_for_model(Case)
    return list(ReadLog.objects.filter(content_type=content_type, object_id=case.pk))


# --- the list, counts and search -------------------------------------------------------------


def test_list_shows_the_case_to_its_team_and_lead_only(case_personas: CasePersonas, ppda_case: Case) -> None:
    for name, user in case_personas.allowed().items():
        page = client_for(user).get(reverse("cases:list")).content.decode()
        assert ppda_case.reference in page, name
        assert "1 case<" in page, name
    for name, user in case_personas.refused().items():
        response = client_for(user).get(reverse("cases:list"))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert ppda_case.reference not in page, name
        assert "0 cases" in page, name
        assert re.search(r"All your cases</dt>\s*<dd[^>]*>0<", page), name


def test_list_filters_by_status_and_arrival(case_personas: CasePersonas, ppda_case: Case) -> None:
    client = client_for(case_personas.psd_lead)
    assert ppda_case.reference in client.get(reverse("cases:list"), {"arrival": "hotline"}).content.decode()
    assert ppda_case.reference not in client.get(reverse("cases:list"), {"arrival": "complaint"}).content.decode()
    assert ppda_case.reference in client.get(reverse("cases:list"), {"status": "open"}).content.decode()
    assert ppda_case.reference not in client.get(reverse("cases:list"), {"status": "closed"}).content.decode()


@pytest.mark.parametrize("term", [VICTIM_NAME, "emma", SUBJECT_NAME, SUBJECT_STAFF_NUMBER.lower(), "PPDA-2024"])
def test_search_finds_visible_cases(case_personas: CasePersonas, ppda_case: Case, term: str) -> None:
    page = client_for(case_personas.investigator).get(reverse("cases:list"), {"q": term}).content.decode()
    assert ppda_case.reference in page
    assert not Alert.objects.exists()


def test_search_by_an_excluded_person_alerts_silently(
    case_personas: CasePersonas, ppda_case: Case, fixed_csrf: None
) -> None:
    client = client_for(case_personas.subject_partner)
    matching = client.get(reverse("cases:list"), {"q": VICTIM_NAME})
    other = client.get(reverse("cases:list"), {"q": "Zora Quist"})
    assert matching.status_code == other.status_code == 200
    # Nothing on the page differs except the words searched for.
    assert matching.content.decode().replace(VICTIM_NAME, "Zora Quist") == other.content.decode()
    [alert] = _alerts(AlertKind.EXCLUDED_SEARCHED, ppda_case)
    assert alert.actor == case_personas.subject_partner
    assert alert.organisation == ppda_case.force
    assert VICTIM_NAME in alert.detail
    client_for(case_personas.subject).get(reverse("cases:list"), {"q": SUBJECT_STAFF_NUMBER})
    assert len(_alerts(AlertKind.EXCLUDED_SEARCHED, ppda_case)) == 2


def test_search_by_an_unconnected_outsider_finds_nothing_and_alerts_nobody(
    case_personas: CasePersonas, ppda_case: Case
) -> None:
    for user in (case_personas.unrelated_officer, case_personas.other_force_psd, case_personas.administrator):
        page = client_for(user).get(reverse("cases:list"), {"q": VICTIM_NAME}).content.decode()
        assert ppda_case.reference not in page
    assert not Alert.objects.exists()


def test_navigation_shows_cases_to_those_with_a_way_in(case_personas: CasePersonas, ppda_case: Case) -> None:
    link = f'href="{reverse("cases:list")}"'
    for user in (case_personas.psd_handler, case_personas.investigator, case_personas.external_investigator):
        assert link in client_for(user).get(reverse("home")).content.decode()
    # The team-mate holds a team place but is excluded: the section must not hint that a case exists.
    for user in (case_personas.subject_teammate, case_personas.unrelated_officer, case_personas.opcc_officer):
        assert link not in client_for(user).get(reverse("home")).content.decode()


# --- a new case ---------------------------------------------------------------------------------


def _new_case_data(**changes: str) -> dict[str, str]:
    data = {
        "arrival": "hotline",
        "received_on_0": "4",
        "received_on_1": "3",
        "received_on_2": "2024",
        "summary": "Report through the hotline.",
        "victim_name": "Jo Bloggs",
        "subject_staff_numbers": SUBJECT_STAFF_NUMBER,
        "allegations": "Coercive control\nStalking",
    }
    data.update(changes)
    return data


def test_a_psd_handler_records_a_case(case_personas: CasePersonas, case_workforce: Workforce) -> None:
    client = client_for(case_personas.psd_handler)
    assert client.get(reverse("cases:new")).status_code == 200
    response = client.post(reverse("cases:new"), _new_case_data(subject_staff_numbers="wm40117\nWM40233"))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.force == case_workforce.wmp
    assert sorted(case.subjects.values_list("person__staff_number", flat=True)) == ["WM40117", "WM40233"]
    assert list(case.allegations.values_list("description", flat=True)) == ["Coercive control", "Stalking"]
    assert TeamMember.objects.get(case=case).user == case_personas.psd_handler


def test_a_police_staff_victim_is_found_by_staff_number(case_personas: CasePersonas) -> None:
    data = _new_case_data(victim_is_police_staff="on", victim_staff_number="WM47001")
    assert client_for(case_personas.psd_handler).post(reverse("cases:new"), data).status_code == 302
    victim = Case.objects.get().victim
    assert victim.is_police_staff
    assert victim.person is not None and victim.person.name == "Grace Adeyemi"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"subject_staff_numbers": "WM99999"}, "No one with staff number WM99999 is in the workforce register"),
        ({"subject_staff_numbers": "AS10442"}, "No one with staff number AS10442"),  # another force's officer
        ({"subject_staff_numbers": ""}, "Enter the subjects&#x27; staff numbers"),
        ({"received_on_2": str(dt.date.today().year + 1)}, "The date received cannot be in the future."),
        ({"victim_name": ""}, "Enter the victim&#x27;s name"),
        ({"victim_is_police_staff": "on", "victim_staff_number": "WM00000"}, "No one with staff number WM00000"),
        ({"victim_is_police_staff": "on", "victim_staff_number": SUBJECT_STAFF_NUMBER}, "cannot also be a subject"),
    ],
)
def test_bad_input_writes_nothing(case_personas: CasePersonas, changes: dict[str, str], message: str) -> None:
    response = client_for(case_personas.psd_handler).post(reverse("cases:new"), _new_case_data(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert 'value="Jo Bloggs"' in page or not changes.get("victim_name", "x")  # input kept
    assert not Case.objects.exists()


def test_someone_connected_to_the_subject_cannot_record_the_case(case_personas: CasePersonas) -> None:
    response = client_for(case_personas.subject_partner).post(reverse("cases:new"), _new_case_data())
    assert response.status_code == 400
    assert "You are connected to a subject of this report" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("name", ["investigator", "opcc_officer", "administrator", "unrelated_officer"])
def test_only_psd_may_open_the_new_case_page(case_personas: CasePersonas, name: str) -> None:
    client = client_for(getattr(case_personas, name))
    assert client.get(reverse("cases:new")).status_code == 404
    assert client.post(reverse("cases:new"), _new_case_data()).status_code == 404
    assert not Case.objects.exists()


# --- the case page and the 404 ----------------------------------------------------------------


def test_the_case_page_shows_the_case_and_logs_the_read(case_personas: CasePersonas, ppda_case: Case) -> None:
    response = client_for(case_personas.investigator).get(reverse("cases:detail", args=[ppda_case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        *(ppda_case.reference, VICTIM_NAME, SUBJECT_NAME, "Response Team B, Walsall", "Misuse of police systems"),
        *("Works with vulnerable victims", "Criminal track", "Conduct track", "Kate Morgan", "Avon and Somerset"),
    ]
    for text in expected:
        assert text in page, text
    assert "moj-identity-bar" in page
    [read] = _reads(ppda_case)
    assert (read.user, read.what, read.route) == (case_personas.investigator, "case page", "web")


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_the_page_a_missing_case_gets(
    case_personas: CasePersonas, ppda_case: Case, fixed_csrf: None, name: str
) -> None:
    user = getattr(case_personas, name)
    client = client_for(user)
    url = reverse("cases:detail", args=[ppda_case.pk])
    refused = client.get(url)
    excluded = name in case_personas.excluded()
    assert len(_alerts(AlertKind.EXCLUDED_OPENED, ppda_case)) == (1 if excluded else 0)
    assert not _reads(ppda_case)
    missing_elsewhere = client.get(reverse("cases:detail", args=[ppda_case.pk + 1000]))
    Case.objects.filter(pk=ppda_case.pk).delete()
    missing_here = client.get(url)
    assert refused.status_code == missing_here.status_code == missing_elsewhere.status_code == 404
    assert refused.content == missing_here.content
    assert refused.headers == missing_here.headers
    if len(user.memberships.values("organisation").distinct()) < 2:  # no switcher echoing the address
        assert refused.content == missing_elsewhere.content
    assert b"Page not found" in refused.content


def test_excluded_alert_names_the_case_and_person(case_personas: CasePersonas, ppda_case: Case) -> None:
    client_for(case_personas.connected_administrator).get(reverse("cases:detail", args=[ppda_case.pk]))
    [alert] = _alerts(AlertKind.EXCLUDED_OPENED, ppda_case)
    assert alert.actor == case_personas.connected_administrator
    assert alert.organisation == ppda_case.force
    assert ppda_case.reference in alert.detail


# --- statuses, with optimistic locking ---------------------------------------------------------


def _statuses(version: int, **changes: str) -> dict[str, str]:
    data = {
        "version": str(version),
        "status": CaseStatus.INVESTIGATION,
        "criminal_status": CriminalStatus.INVESTIGATING,
        "conduct_status": ConductStatus.INVESTIGATING,
    }
    data.update(changes)
    return data


def test_the_team_changes_statuses(case_personas: CasePersonas, ppda_case: Case) -> None:
    url = reverse("cases:statuses", args=[ppda_case.pk])
    client = client_for(case_personas.investigator)
    assert client.get(url).status_code == 200
    assert client.post(url, _statuses(ppda_case.version)).status_code == 302
    ppda_case.refresh_from_db()
    assert (ppda_case.status, ppda_case.criminal_status, ppda_case.conduct_status) == (
        CaseStatus.INVESTIGATION, CriminalStatus.INVESTIGATING, ConductStatus.INVESTIGATING,
    )  # fmt: skip
    assert ppda_case.version == 2


def test_two_people_changing_statuses_lose_nothing_silently(case_personas: CasePersonas, ppda_case: Case) -> None:
    url = reverse("cases:statuses", args=[ppda_case.pk])
    first, second = client_for(case_personas.investigator), client_for(case_personas.psd_handler)
    version = ppda_case.version
    assert first.post(url, _statuses(version, criminal_status=CriminalStatus.CHARGED)).status_code == 302
    response = second.post(url, _statuses(version, conduct_status=ConductStatus.PROCEEDINGS))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else changed this case after you opened it" in page
    assert f'<option value="{ConductStatus.PROCEEDINGS}" selected>' in page  # their input is kept
    ppda_case.refresh_from_db()
    assert ppda_case.criminal_status == CriminalStatus.CHARGED  # the first change stands
    assert ppda_case.conduct_status == ConductStatus.INVESTIGATING  # the stale one was refused


def test_closing_needs_a_date_not_before_receipt(case_personas: CasePersonas, ppda_case: Case) -> None:
    url = reverse("cases:statuses", args=[ppda_case.pk])
    client = client_for(case_personas.psd_lead)
    response = client.post(url, _statuses(1, status=CaseStatus.CLOSED))
    assert response.status_code == 400
    assert "Enter the date the case was closed." in response.content.decode()
    early = {"closed_on_0": "1", "closed_on_1": "1", "closed_on_2": "2020"}
    response = client.post(url, _statuses(1, status=CaseStatus.CLOSED, **early))
    assert "cannot be before the case was received" in response.content.decode()
    good = {"closed_on_0": "1", "closed_on_1": "6", "closed_on_2": "2025"}
    assert client.post(url, _statuses(1, status=CaseStatus.CLOSED, **good)).status_code == 302
    ppda_case.refresh_from_db()
    assert (ppda_case.status, ppda_case.closed_on) == (CaseStatus.CLOSED, dt.date(2025, 6, 1))


def test_refused_people_cannot_change_statuses(case_personas: CasePersonas, ppda_case: Case) -> None:
    url = reverse("cases:statuses", args=[ppda_case.pk])
    for name, user in case_personas.refused().items():
        client = client_for(user)
        assert client.get(url).status_code == 404, name
        assert client.post(url, _statuses(1, status=CaseStatus.CLOSED)).status_code == 404, name
    ppda_case.refresh_from_db()
    assert ppda_case.status == CaseStatus.OPEN
    assert ppda_case.version == 1


# --- the read log -------------------------------------------------------------------------------


def test_the_psd_lead_reads_who_read_the_case(case_personas: CasePersonas, ppda_case: Case) -> None:
    client_for(case_personas.investigator).get(reverse("cases:detail", args=[ppda_case.pk]))
    client_for(case_personas.external_investigator).get(reverse("cases:detail", args=[ppda_case.pk]))
    response = client_for(case_personas.psd_lead).get(reverse("cases:reads", args=[ppda_case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tom Beck" in page and "Kate Morgan" in page and "case page" in page
    assert "Mark Stevens" in page  # opening the read log is itself a read
    assert len(_reads(ppda_case)) == 3


def test_only_the_psd_lead_sees_the_read_log(case_personas: CasePersonas, ppda_case: Case) -> None:
    url = reverse("cases:reads", args=[ppda_case.pk])
    for name, user in case_personas.everyone().items():
        if name != "psd_lead":
            assert client_for(user).get(url).status_code == 404, name
    TeamMember.objects.create(
        case=ppda_case,
        user=case_personas.unrelated_officer,
        role=TeamRole.OVERSIGHT,
        organisation=ppda_case.force,
        added_by=case_personas.psd_lead,
    )
    assert client_for(case_personas.unrelated_officer).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page

"""Issue 6: the lock against insiders who hold privileged roles or edit what the lock depends on.

The excluded PSD lead here is `connected_administrator` (Ian Webb): PSD lead and administrator of
the force, and a former team-mate of the subject, so shut out of PC Hart's case.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oversight.audit.models import Alert, AlertKind, Refusal
from oversight.cases import access, audits, safeguards, search
from oversight.cases.assignments import Assignment, check_candidate, resolve_candidate
from oversight.cases.models import Arrival, Case, CaseAudit, DipSampleEntry, Exclusion, TeamRole
from oversight.cases.services import REFERENCE_ALPHABET, NewCase, new_reference, open_case
from oversight.workforce.importer import import_workforce
from oversight.workforce.models import ImportOutcome, ImportRun, Posting
from tests.case_personas import SUBJECT_STAFF_NUMBER, CasePersonas, Workforce
from tests.conftest import client_for

pytest_plugins = ["tests.case_fixtures"]
pytestmark = pytest.mark.django_db

HEADER = "record,staff_number,name,kind,rank_or_grade,role,unit,area,started_on,ended_on,service_start\n"


TEAMMATE_MOVED = HEADER + (
    "person,WM40233,Liam Foster,officer,PC,,Neighbourhood Team,Coventry,,,\n"
    "posting,WM40233,,,,,Neighbourhood Team,Coventry,2020-04-01,,\n"
)  # the team-mate's row again, now posted to Coventry only: the register no longer connects them


def _reimport_teammate_without_the_subjects_unit(
    workforce: Workforce, own: str | None = None, *, approved: bool = True
) -> list[str]:
    report = import_workforce(workforce.wmp, io.StringIO(TEAMMATE_MOVED), own_staff_number=own, approved=approved)
    return [str(error) for error in report.errors]


def test_opening_a_case_records_who_is_shut_out(ppda_case: Case, case_workforce: Workforce) -> None:
    excluded = set(Exclusion.objects.filter(case=ppda_case).values_list("person_id", flat=True))
    w = case_workforce
    assert {w.subject.pk, w.teammate.pk, w.sergeant.pk, w.inspector.pk, w.partner.pk, w.connected_admin.pk} <= excluded
    assert not {w.unrelated.pk, w.investigator.pk, w.handler.pk, w.external.pk} & excluded


def test_a_register_change_does_not_lift_an_exclusion(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    assert _reimport_teammate_without_the_subjects_unit(case_workforce) == []
    assert not Posting.objects.filter(person=case_workforce.teammate, unit=case_workforce.response_b).exists()
    teammate = case_personas.subject_teammate
    assert access.is_excluded(teammate, ppda_case)
    assert client_for(teammate).get(reverse("cases:detail", args=[ppda_case.pk])).status_code == 404
    # Nor does it make them independent: assigning them is still refused.
    candidate = resolve_candidate(ppda_case, Assignment(role=TeamRole.SPOC, staff_number="WM40233"))
    assert check_candidate(ppda_case, candidate).excluded


def test_a_change_that_removes_a_connection_to_a_live_case_is_held(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    report = import_workforce(case_workforce.wmp, io.StringIO(TEAMMATE_MOVED))
    assert report.ok and report.held == [("Liam Foster would no longer be connected to a subject", ppda_case.pk)]
    assert Posting.objects.filter(person=case_workforce.teammate, unit=case_workforce.response_b).exists()


def test_a_held_file_is_decided_by_a_lead_who_did_not_import_it_and_is_not_excluded(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    excluded_lead, lead = case_personas.connected_administrator, case_personas.psd_lead
    page = reverse("workforce:register", args=[case_workforce.wmp.slug])
    upload = SimpleUploadedFile("register.csv", TEAMMATE_MOVED.encode(), content_type="text/csv")
    response = client_for(excluded_lead).post(page, {"file": upload}, follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "held" in text and ppda_case.reference not in text
    run = ImportRun.objects.get(outcome=ImportOutcome.HELD)
    assert Posting.objects.filter(person=case_workforce.teammate, unit=case_workforce.response_b).exists()
    listing = reverse("cases:held_imports")
    detail = reverse("cases:held_import", args=[run.pk])
    # The importer (excluded, too) and everyone but a lead who may decide: not there at all.
    for refused in (
        excluded_lead,
        case_personas.psd_handler,
        case_personas.subject_teammate,
        case_personas.administrator,
    ):
        assert client_for(refused).get(detail).status_code == 404, refused.username
    assert "register.csv" not in client_for(excluded_lead).get(listing).content.decode()
    assert "register.csv" in client_for(lead).get(listing).content.decode()
    response = client_for(lead).post(detail, {"decision": "approve", "note": ""})
    assert response.status_code == 400 and "Give the reason for your decision" in response.content.decode()
    response = client_for(lead).post(detail, {"decision": "approve", "note": "HR confirms the move in 2020."})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.outcome == ImportOutcome.IMPORTED and run.decided_by == lead
    assert not Posting.objects.filter(person=case_workforce.teammate, unit=case_workforce.response_b).exists()
    fresh = type(case_personas.subject_teammate).objects.get(pk=case_personas.subject_teammate.pk)
    assert access.is_excluded(fresh, ppda_case)  # approving the change lifts nothing


def test_nobody_imports_their_own_register_entry(case_personas: CasePersonas, case_workforce: Workforce) -> None:
    errors = _reimport_teammate_without_the_subjects_unit(case_workforce, own="WM40233")
    assert errors and all("your own register entry" in error for error in errors)
    assert Posting.objects.filter(person=case_workforce.teammate, unit=case_workforce.response_b).exists()


def test_only_a_lead_who_is_not_excluded_lifts_an_exclusion_and_another_reviews_it(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    _reimport_teammate_without_the_subjects_unit(case_workforce)
    exclusion = Exclusion.objects.get(case=ppda_case, person=case_workforce.teammate)
    lead, excluded_lead = case_personas.psd_lead, case_personas.connected_administrator
    url = reverse("cases:exclusion_lift", args=[ppda_case.pk, exclusion.pk])
    for refused in (
        excluded_lead,
        case_personas.psd_handler,
        case_personas.subject_teammate,
        case_personas.administrator,
    ):
        assert client_for(refused).get(url).status_code == 404, refused.username
    response = client_for(lead).post(url, {"reason": ""})
    assert response.status_code == 400 and "Give the reason the exclusion should be lifted" in response.content.decode()
    response = client_for(lead).post(url, {"reason": "The posting to Response Team B was a data error."})
    assert response.status_code == 302
    exclusion.refresh_from_db()
    assert exclusion.lifted and exclusion.lifted_by == lead
    assert Alert.objects.filter(kind=AlertKind.EXCLUSION_LIFTED, object_id=ppda_case.pk).exists()
    fresh = type(case_personas.subject_teammate).objects.get(pk=case_personas.subject_teammate.pk)
    assert not access.is_excluded(fresh, ppda_case)
    # The lead who lifted it may not review it; no second lead who is not excluded: nobody can yet.
    review = reverse("cases:exclusion_review", args=[ppda_case.pk, exclusion.pk])
    assert client_for(lead).get(review).status_code == 404
    assert client_for(excluded_lead).get(review).status_code == 404


def test_a_lift_does_not_open_the_case_to_someone_still_connected(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    exclusion = Exclusion.objects.get(case=ppda_case, person=case_workforce.teammate)
    safeguards.lift_exclusion(exclusion, case_personas.psd_lead, "Wrongly recorded")
    fresh = type(case_personas.subject_teammate).objects.get(pk=case_personas.subject_teammate.pk)
    assert access.is_excluded(fresh, ppda_case)  # the register still shows both in Response Team B


def test_references_say_nothing_about_how_many_cases_exist(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    references = [new_reference(2026) for _ in range(200)]
    assert len(set(references)) == 200
    assert all(re.fullmatch(rf"PPDA-2026-[{REFERENCE_ALPHABET}]{{6}}", ref) for ref in references)
    cases = [
        open_case(
            NewCase(
                force=case_workforce.wmp, arrival=Arrival.HOTLINE, received_on=dt.date(2026, 1, 5), summary="Report",
                victim_name="A Person", subjects=[case_workforce.unrelated],
            ),
            case_personas.psd_handler,
        )
        for _ in range(3)
    ]  # fmt: skip
    suffixes = [case.reference.rsplit("-", 1)[1] for case in cases]
    assert len(set(suffixes)) == 3 and not any(suffix.isdigit() for suffix in suffixes)
    # Nor do the ids in their addresses: no run of consecutive numbers, none small enough to be a count.
    ids = sorted(case.pk for case in cases)
    assert all(pk >= 2**32 for pk in ids) and ids[1] - ids[0] != 1 and ids[2] - ids[1] != 1


@pytest.mark.parametrize("term", ["reference", SUBJECT_STAFF_NUMBER, "Emma Clarke"])
def test_every_search_that_matches_a_locked_case_alerts(
    ppda_case: Case, case_personas: CasePersonas, term: str
) -> None:
    query = ppda_case.reference if term == "reference" else term
    teammate = case_personas.subject_teammate
    assert list(search.search_cases(teammate, query)) == []
    assert Alert.objects.filter(kind=AlertKind.EXCLUDED_SEARCHED, actor=teammate, object_id=ppda_case.pk).count() == 1
    # Through the API too.
    from oversight.api.models import ApiToken

    _, secret = ApiToken.issue(teammate, "test")
    response = client_for(teammate).get("/api/v1/cases/search", {"q": query}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert Alert.objects.filter(kind=AlertKind.EXCLUDED_SEARCHED, actor=teammate, object_id=ppda_case.pk).count() == 2


def test_a_victim_who_is_police_staff_is_found_by_staff_number_and_alerts(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    case = open_case(
        NewCase(
            force=case_workforce.wmp, arrival=Arrival.HOTLINE, received_on=dt.date(2025, 2, 1), summary="Report",
            victim_name="Grace Adeyemi", subjects=[case_workforce.subject], victim_is_police_staff=True,
            victim_person=case_workforce.unrelated,
        ),
        case_personas.psd_handler,
    )  # fmt: skip
    assert list(search.search_cases(case_personas.psd_handler, "WM47001")) == [case]
    assert list(search.search_cases(case_personas.subject_partner, "WM47001")) == []
    assert Alert.objects.filter(kind=AlertKind.EXCLUDED_SEARCHED, object_id=case.pk).exists()


def test_refusals_are_recorded_for_unknown_ids_and_alerted_for_excluded_people(
    ppda_case: Case, case_personas: CasePersonas
) -> None:
    outsider, teammate = case_personas.unrelated_officer, case_personas.subject_teammate
    missing = Case.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    assert client_for(outsider).get(reverse("cases:detail", args=[missing])).status_code == 404
    assert client_for(outsider).get(reverse("cases:detail", args=[ppda_case.pk])).status_code == 404
    assert client_for(teammate).get(reverse("cases:detail", args=[ppda_case.pk])).status_code == 404
    assert Refusal.objects.filter(user=outsider).count() == 2
    assert not Refusal.objects.filter(user=teammate).exists()
    assert Alert.objects.filter(kind=AlertKind.EXCLUDED_OPENED, actor=teammate).count() == 1


def test_an_excluded_lead_audit_hands_the_hidden_cases_to_a_lead_who_may(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    excluded_lead, lead = case_personas.connected_administrator, case_personas.psd_lead
    other = open_case(
        NewCase(
            force=case_workforce.wmp, arrival=Arrival.COMPLAINT, received_on=dt.date(2024, 5, 1), summary="Report",
            victim_name="B Person", subjects=[case_workforce.unrelated],
        ),
        case_personas.psd_handler,
    )  # fmt: skip
    audit = audits.start_audit(case_workforce.wmp, dt.date(2024, 6, 1), excluded_lead)
    assert list(audit.entries.values_list("case_id", flat=True)) == [other.pk]
    companion = CaseAudit.objects.get(handed_from=audit)
    assert list(companion.entries.values_list("case_id", flat=True)) == [ppda_case.pk]
    assert companion.created_by == lead
    assert set(access.visible_audits(excluded_lead)) == {audit}
    assert set(access.visible_audits(lead)) == {audit, companion}
    assert client_for(excluded_lead).get(reverse("cases:audit", args=[companion.pk])).status_code == 404


def test_finalising_never_names_a_case_the_reader_may_not_see(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    lead = case_personas.psd_lead
    audit = audits.start_audit(case_workforce.wmp, dt.date(2024, 6, 1), lead)
    with pytest.raises(Exception) as raised:
        audits.finalise_audit(audit, lead, audit.version)
    assert ppda_case.reference in str(raised.value)
    # The same audit read by someone shut out of the case: the error names nothing.
    assert audits._unscored_message(list(audit.entries.all()), case_personas.subject_partner) == (
        "Score every area for every case first."
    )


def test_dip_samples_are_numbered_for_each_reader(
    ppda_case: Case, case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    complaints = [
        open_case(
            NewCase(
                force=case_workforce.wmp, arrival=Arrival.COMPLAINT, received_on=dt.date(2024, 3, day),
                summary="Complaint", victim_name=f"Victim {day}",
                subjects=[case_workforce.subject if day == 2 else case_workforce.unrelated],
            ),
            case_personas.psd_handler,
        )
        for day in (1, 2, 3)
    ]  # fmt: skip
    sample = audits.draw_dip_sample(
        case_workforce.wmp, dt.date(2024, 1, 1), dt.date(2024, 12, 31), 3, 7, case_personas.connected_administrator
    )
    assert DipSampleEntry.objects.filter(sample=sample).count() == 3  # the force's population, whoever drew
    seen = access.numbered_dip_entries(case_personas.connected_administrator, sample)
    assert [label for label, _ in seen] == ["Case 1", "Case 2"]
    assert complaints[1].pk not in {entry.case_id for _, entry in seen}
    reviewer = access.numbered_dip_entries(case_personas.opcc_officer, sample)
    assert [label for label, _ in reviewer] == ["Case 1", "Case 2", "Case 3"]

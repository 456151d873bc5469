"""Decisions on a PPDA case: reasons always, the IOPC must-refer checklist, conduct kept apart from the
criminal outcome, deployment with a future review, the open-case reports, and who may see or act."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from oversight.audit.models import Alert, AlertKind, ReadLog
from oversight.cases import decisions
from oversight.cases.models import (
    Case,
    CaseStatus,
    ConductAssessment,
    ConductOutcome,
    CriminalStatus,
    Deployment,
    OpenCaseReport,
    RecordedAs,
    RecordingDecision,
    ReferralDecision,
    ReferralOutcome,
    Subject,
)
from oversight.cases.rules import REFERRAL_CRITERIA
from tests.case_personas import CasePersonas, Workforce, make_case_personas, make_workforce, open_ppda_case
from tests.conftest import client_for

D = dt.date
TODAY = D(2026, 11, 23)
SENTENCE = "The allegation was assessed by the appropriate authority and does not meet the threshold on the evidence."


@dataclass
class World:
    people: CasePersonas
    workforce: Workforce
    case: Case

    @property
    def subject(self) -> Subject:
        return self.case.subjects.get()


def make_world() -> World:
    workforce = make_workforce()
    people = make_case_personas(workforce)
    return World(people, workforce, open_ppda_case(people, workforce))


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def errors_of(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


# Reasons are always required


def test_recording_needs_reasons(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        decisions.record_recording(world.case, world.people.psd_handler, RecordedAs.COMPLAINT, "   ")
    assert errors_of(caught)["reasons"] == [decisions.MISSING_REASONS]
    assert not RecordingDecision.objects.exists()
    decision = decisions.record_recording(world.case, world.people.psd_handler, RecordedAs.CONDUCT, "Conduct matter.")
    assert (decision.recorded_as, decision.decided_by) == (RecordedAs.CONDUCT, world.people.psd_handler)


@pytest.mark.parametrize("recorded_as", RecordedAs.values)
def test_every_recording_choice_can_be_recorded(world: World, recorded_as: str) -> None:
    decisions.record_recording(world.case, world.people.psd_lead, recorded_as, "Because the evidence shows it.")
    assert world.case.recording_decisions.get().recorded_as == recorded_as


def test_referral_conduct_deployment_and_report_need_reasons(world: World) -> None:
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(world.case, handler, [], ReferralOutcome.NOT_REFERRED, "")
    assert "reasons" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        decisions.record_conduct_assessment(
            world.case, handler, world.subject, ConductOutcome.MISCONDUCT, "", relied_on_criminal=False
        )
    assert "reasons" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        decisions.record_deployment(world.case, handler, world.subject, Deployment.RESTRICTED, TODAY, "", today=TODAY)
    assert "reasons" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        decisions.record_open_case_report(world.case, handler, D(2025, 3, 4), "", "", today=TODAY)
    assert {"reasons_still_open", "next_steps"} <= set(errors_of(caught))


# The IOPC mandatory-referral checklist


@pytest.mark.parametrize("criterion", list(REFERRAL_CRITERIA))
def test_each_criterion_means_must_refer(world: World, criterion: str) -> None:
    assert decisions.must_refer([criterion])
    assert decisions.referral_reasons([criterion]) == [REFERRAL_CRITERIA[criterion]]
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(world.case, handler, [criterion], ReferralOutcome.NOT_REFERRED, "Not needed.")
    assert errors_of(caught)["reasons"] == [decisions.NOT_REFERRED_WHILE_MUST]
    decision = decisions.record_referral(world.case, handler, [criterion], ReferralOutcome.NOT_REFERRED, SENTENCE)
    assert decision.must_refer and decision.criteria_met == [criterion]


def test_no_criterion_no_must_refer_and_short_reasons_suffice(world: World) -> None:
    assert not decisions.must_refer([])
    decision = decisions.record_referral(
        world.case, world.people.psd_handler, [], ReferralOutcome.NOT_REFERRED, "No criterion met."
    )
    assert not decision.must_refer


def test_referred_needs_the_iopc_reference_and_unknown_criteria_are_refused(world: World) -> None:
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(world.case, handler, ["serious_assault"], ReferralOutcome.REFERRED, "Referred.")
    assert "iopc_reference" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(world.case, handler, ["made_up"], ReferralOutcome.REFERRED, "x", "2024/1")
    assert "criteria_met" in errors_of(caught)
    decision = decisions.record_referral(
        world.case, handler, ["same_incident", "serious_assault"], ReferralOutcome.REFERRED, "Referred.", "2024/123"
    )
    assert decision.criteria_met == ["serious_assault", "same_incident"]  # the checklist's order
    assert decision.iopc_reference == "2024/123"


# Conduct kept apart from the criminal outcome


def test_conduct_waits_on_criminal_warning(world: World) -> None:
    case = world.case
    case.criminal_status = CriminalStatus.INVESTIGATING
    case.save()
    assert decisions.conduct_waits_on_criminal(case)
    decisions.record_conduct_assessment(
        case, world.people.psd_handler, world.subject, ConductOutcome.GROSS_MISCONDUCT, "Own evidence.",
        relied_on_criminal=False,
    )  # fmt: skip
    assert not decisions.conduct_waits_on_criminal(case)


def test_no_warning_when_the_criminal_track_is_over(world: World) -> None:
    world.case.criminal_status = CriminalStatus.NO_FURTHER_ACTION
    world.case.save()
    assert not decisions.conduct_waits_on_criminal(world.case)


def test_relying_on_the_criminal_outcome_needs_a_full_explanation(world: World) -> None:
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as caught:
        decisions.record_conduct_assessment(
            world.case, handler, world.subject, ConductOutcome.NO_CASE, "CPS dropped it.", relied_on_criminal=True
        )
    assert errors_of(caught)["reasons"] == [decisions.RELIED_ON_CRIMINAL]
    assessment = decisions.record_conduct_assessment(
        world.case, handler, world.subject, ConductOutcome.NO_CASE, SENTENCE, relied_on_criminal=True
    )
    assert assessment.criminal_outcome_relied_on


def test_conduct_for_a_subject_of_another_case_is_refused(world: World) -> None:
    other = open_ppda_case(world.people, world.workforce)
    with pytest.raises(ValidationError):
        decisions.record_conduct_assessment(
            world.case, world.people.psd_handler, other.subjects.get(), ConductOutcome.PRI, "Reasons.",
            relied_on_criminal=False,
        )  # fmt: skip


# Deployment


@pytest.mark.parametrize("review_on", [TODAY, TODAY - dt.timedelta(days=1), D(2020, 1, 1)])
def test_deployment_review_date_must_be_in_the_future(world: World, review_on: dt.date) -> None:
    with pytest.raises(ValidationError) as caught:
        decisions.record_deployment(
            world.case, world.people.psd_handler, world.subject, Deployment.RESTRICTED, review_on, "Risk.", today=TODAY
        )
    assert errors_of(caught)["review_on"] == ["The review date must be in the future."]


def test_deployment_flags_vulnerable_work_without_restriction(world: World) -> None:
    handler = world.people.psd_handler
    kept = decisions.record_deployment(
        world.case, handler, world.subject, Deployment.NO_CHANGE, TODAY + dt.timedelta(days=1), "Low risk.", today=TODAY
    )
    assert kept.works_with_vulnerable and decisions.unrestricted_with_vulnerable(kept)
    restricted = decisions.record_deployment(
        world.case, handler, world.subject, Deployment.RESTRICTED, D(2027, 2, 1), "Off public contact.", today=TODAY
    )
    assert not decisions.unrestricted_with_vulnerable(restricted)
    summary = decisions.decisions_summary(world.case, TODAY)
    assert summary.vulnerable_unrestricted == []  # the latest decision restricts


# Reports on investigations still open


def test_open_case_report_dates() -> None:
    received = D(2024, 1, 31)
    assert decisions.open_report_dates(received, D(2025, 1, 30)) == []
    assert decisions.open_report_dates(received, D(2026, 2, 1)) == [D(2025, 1, 31), D(2025, 7, 31), D(2026, 1, 31)]


def test_open_case_reports_due_at_12_18_24_months_and_none_once_closed(world: World) -> None:
    case = world.case  # received 4 March 2024
    assert decisions.open_case_reports_due(case, D(2025, 3, 3)) == []
    assert decisions.open_case_reports_due(case, D(2025, 3, 4)) == [D(2025, 3, 4)]
    assert decisions.open_case_reports_due(case, D(2026, 3, 4)) == [D(2025, 3, 4), D(2025, 9, 4), D(2026, 3, 4)]
    decisions.record_open_case_report(
        case, world.people.psd_handler, D(2025, 3, 4), "Awaiting a CPS charging decision.", "Chase the CPS.",
        today=D(2026, 3, 4),
    )  # fmt: skip
    assert decisions.open_case_reports_due(case, D(2026, 3, 4)) == [D(2025, 9, 4), D(2026, 3, 4)]
    assert decisions.next_open_report_date(case, D(2026, 3, 4)) == D(2026, 9, 4)
    case.status, case.closed_on = CaseStatus.CLOSED, D(2026, 3, 5)
    case.save()
    assert decisions.open_case_reports_due(case, D(2027, 3, 4)) == []
    assert decisions.next_open_report_date(case, D(2027, 3, 4)) is None
    with pytest.raises(ValidationError):
        decisions.record_open_case_report(case, world.people.psd_handler, D(2026, 9, 4), "x", "y", today=D(2026, 9, 4))


def test_a_report_date_not_due_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        decisions.record_open_case_report(
            world.case, world.people.psd_handler, D(2025, 4, 1), "Still open.", "Next.", today=TODAY
        )
    assert "due_on" in errors_of(caught)


def test_reports_due_list_respects_need_to_know(world: World) -> None:
    due = decisions.reports_due(world.people.psd_lead, TODAY)
    assert [(item.case, item.due_on, item.overdue) for item in due][:2] == [
        (world.case, D(2025, 3, 4), True),
        (world.case, D(2025, 9, 4), True),
    ]
    assert decisions.reports_due(world.people.connected_administrator, TODAY) == []
    assert decisions.reports_due(world.people.subject, TODAY) == []


# Who may act


def test_only_the_appropriate_authority_records_decisions(world: World) -> None:
    for user in (world.people.investigator, world.people.subject, world.people.connected_administrator):
        with pytest.raises(PermissionDenied):
            decisions.record_recording(world.case, user, RecordedAs.COMPLAINT, "Reasons.")
    assert not RecordingDecision.objects.exists()


# The page


def url(world: World, name: str = "decisions") -> str:
    return reverse(f"cases:{name}", args=[world.case.pk])


def test_decisions_page_lists_who_when_why_and_logs_the_read(world: World) -> None:
    decisions.record_recording(world.case, world.people.psd_handler, RecordedAs.COMPLAINT, "Made by the victim.")
    response = client_for(world.people.psd_lead).get(url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Recorded as complaint" in body and "Made by the victim." in body and "Nadia Iqbal" in body
    case_type = ContentType.objects.get_for_model(Case)
    assert ReadLog.objects.filter(user=world.people.psd_lead, content_type=case_type, object_id=world.case.pk).exists()


def test_investigator_sees_the_page_but_no_forms_and_cannot_post(world: World) -> None:
    client = client_for(world.people.investigator)
    body = client.get(url(world)).content.decode()
    assert "Record a recording decision" not in body
    response = client.post(
        url(world, "decision_recording"), {"recording-recorded_as": "complaint", "recording-reasons": "x"}
    )
    assert response.status_code == 404
    assert not RecordingDecision.objects.exists()


def test_blank_reasons_refused_with_a_clear_message_on_the_page(world: World) -> None:
    client = client_for(world.people.psd_handler)
    response = client.post(
        url(world, "decision_recording"), {"recording-recorded_as": "complaint", "recording-reasons": ""}
    )
    assert response.status_code == 400
    assert decisions.MISSING_REASONS in response.content.decode()
    assert not RecordingDecision.objects.exists()
    response = client.post(
        url(world, "decision_recording"), {"recording-recorded_as": "complaint", "recording-reasons": "ok"}
    )
    assert response.status_code == 302
    assert RecordingDecision.objects.get().reasons == "ok"


def test_ticking_a_criterion_shows_must_refer_with_reasons(world: World) -> None:
    client = client_for(world.people.psd_handler)
    data = {"referral-criteria_met": ["serious_sexual_offence"], "action": "check"}
    body = client.post(url(world, "decision_referral"), data).content.decode()
    assert "Must refer to the IOPC" in body and REFERRAL_CRITERIA["serious_sexual_offence"] in body
    assert not ReferralDecision.objects.exists()
    data |= {"action": "record", "referral-outcome": "not_referred", "referral-reasons": "Not needed."}
    response = client.post(url(world, "decision_referral"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Must refer to the IOPC" in body and "at least a sentence" in body
    data["referral-reasons"] = SENTENCE
    assert client.post(url(world, "decision_referral"), data).status_code == 302
    body = client.get(url(world)).content.decode()
    assert "Must refer to the IOPC" in body and "not to refer although referral criteria are met" in body


def test_conduct_warnings_on_the_page(world: World) -> None:
    world.case.criminal_status = CriminalStatus.CHARGED
    world.case.save()
    client = client_for(world.people.psd_handler)
    assert "the misconduct decision must not wait on the criminal outcome" in client.get(url(world)).content.decode()
    data = {
        "conduct-subject": world.subject.pk,
        "conduct-outcome": "no_case",
        "conduct-relied_on_criminal": "on",
        "conduct-reasons": "Charged.",
    }
    response = client.post(url(world, "decision_conduct"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "You ticked that the assessment relied on the criminal outcome" in body
    assert not ConductAssessment.objects.exists()


def test_deployment_past_review_date_refused_and_vulnerable_flag_shown(world: World) -> None:
    client = client_for(world.people.psd_handler)
    data = {
        "deployment-subject": world.subject.pk,
        "deployment-deployment": "no_change",
        "deployment-review_on_0": "1",
        "deployment-review_on_1": "1",
        "deployment-review_on_2": "2020",
        "deployment-reasons": "No risk identified.",
    }
    response = client.post(url(world, "decision_deployment"), data)
    assert response.status_code == 400 and "The review date must be in the future." in response.content.decode()
    data["deployment-review_on_2"] = "2099"
    assert client.post(url(world, "decision_deployment"), data).status_code == 302
    body = client.get(url(world)).content.decode()
    assert "works with vulnerable victims and no restriction was chosen" in body


def test_recording_an_open_case_report_through_the_page(world: World) -> None:
    client = client_for(world.people.psd_lead)
    data = {"report-due_on": "2025-03-04", "report-reasons_still_open": "CPS review.", "report-next_steps": "Chase."}
    assert client.post(url(world, "decision_open_report"), data).status_code == 302
    assert OpenCaseReport.objects.get().due_on == D(2025, 3, 4)
    body = client_for(world.people.psd_lead).get(reverse("cases:reports_due")).content.decode()
    assert "4 Sep 2025" in body and "4 Mar 2025" not in body and world.case.reference in body


# Refusals: everyone who must not see the case gets 404, on every decisions URL


DECISION_URLS = [
    "decisions",
    "decision_recording",
    "decision_referral",
    "decision_conduct",
    "decision_deployment",
    "decision_open_report",
]


def refused(world: World) -> dict[str, User]:
    return world.people.refused()


def test_refused_personas_get_404_on_every_decisions_url(world: World) -> None:
    assert {"subject", "subject_teammate", "other_force_psd", "administrator", "opcc_officer"} <= set(refused(world))
    for name, user in refused(world).items():
        client = client_for(user)
        for url_name in DECISION_URLS:
            response = (
                client.get(url(world, url_name)) if url_name == "decisions" else client.post(url(world, url_name))
            )
            assert response.status_code == 404, (name, url_name)
            assert world.case.reference not in response.content.decode()
    assert not RecordingDecision.objects.exists()


def test_an_excluded_person_opening_the_page_raises_a_silent_alert(world: World) -> None:
    response = client_for(world.people.subject_teammate).get(url(world))
    assert response.status_code == 404
    alert = Alert.objects.get(kind=AlertKind.EXCLUDED_OPENED)
    assert alert.actor == world.people.subject_teammate and alert.organisation == world.workforce.wmp
    client_for(world.people.opcc_officer).get(url(world))
    assert Alert.objects.count() == 1  # not excluded, just outside: no alert


def test_reports_due_page_hides_cases_from_the_excluded(world: World) -> None:
    for user in (world.people.subject_teammate, world.people.connected_administrator, world.people.administrator):
        body = client_for(user).get(reverse("cases:reports_due")).content.decode()
        assert world.case.reference not in body

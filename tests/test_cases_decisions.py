"""Decisions on a PPDA case: reasons always, the IOPC must-refer checklist, conduct kept apart from the
criminal outcome, deployment with a future review, the open-case reports, and who may see or act."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight.audit.models import Alert, AlertKind, ReadLog
from oversight.cases import decisions
from oversight.cases.models import (
    Allegation,
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
from oversight.cases.rules import OPEN_REPORT_SOURCE, REFERRAL_CRITERIA, REFERRAL_GUIDANCE
from tests.case_personas import CasePersonas, Workforce, make_case_personas, make_workforce, open_ppda_case
from tests.conftest import client_for

D = dt.date
TODAY = D(2026, 11, 23)
DAY = dt.timedelta(days=1)
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


def seen_on_fields(day: dt.date) -> dict[str, str]:
    """The GOV.UK date boxes of the day the referral criteria were seen to be met."""
    return {f"referral-criteria_seen_on_{n}": str(part) for n, part in enumerate((day.day, day.month, day.year))}


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
    assert decisions.referral_reasons([criterion]) == [REFERRAL_CRITERIA[criterion].label]
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(world.case, handler, [criterion], ReferralOutcome.NOT_REFERRED, "Not needed.")
    assert errors_of(caught)["reasons"] == [decisions.NOT_REFERRED_WHILE_MUST]
    decision = decisions.record_referral(world.case, handler, [criterion], ReferralOutcome.NOT_REFERRED, SENTENCE)
    assert decision.must_refer and decision.criteria_met == [criterion]


def test_no_criterion_no_must_refer_and_short_reasons_suffice(world: World) -> None:
    assert not decisions.must_refer([])
    world.case.allegations.filter(description__icontains="police systems").delete()  # nothing suggested
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
        world.case, handler, ["same_incident", "serious_corruption", "serious_assault"], ReferralOutcome.REFERRED,
        "Referred.", "2024/123",
    )  # fmt: skip
    assert decision.criteria_met == ["serious_assault", "serious_corruption", "same_incident"]  # the checklist's order
    assert decision.iopc_reference == "2024/123"


# reg 4(1)(c), what the allegations suggest, and the time limit for referring


def _allege(world: World, *descriptions: str) -> None:
    world.case.allegations.all().delete()
    for text in descriptions:
        Allegation.objects.create(case=world.case, description=text)


@pytest.mark.parametrize(
    ("allegation", "suggested"),
    [
        ("Rape of his partner at their home", ["serious_sexual_offence", "relevant_offence"]),
        ("Assault occasioning actual bodily harm", ["serious_assault"]),
        ("Non-fatal strangulation during an argument", ["serious_assault"]),
        ("Stalking involving fear of violence", ["relevant_offence"]),
        ("Racially aggravated harassment of a neighbour", ["discrimination"]),
        ("Abuse of position for a sexual purpose with a victim of crime", ["serious_corruption"]),
        ("Misuse of police systems to trace her new address", ["serious_corruption"]),
        ("Common assault of his wife", []),
        ("Controlling or coercive behaviour in an intimate relationship", []),
        ("Damaged the drapes and grapes in the kitchen", []),  # "rape" only as a whole word
    ],
)
def test_allegations_suggest_criteria(world: World, allegation: str, suggested: list[str]) -> None:
    _allege(world, allegation)
    found = decisions.suggested_criteria(world.case)
    assert list(found) == suggested
    assert all(allegation in why[0] for why in found.values())


def test_a_chief_officer_subject_suggests_reg_4_1_c(world: World) -> None:
    assert "reg 4(1)(c)" in REFERRAL_CRITERIA["chief_officer"].source
    _allege(world, "Controlling or coercive behaviour in an intimate relationship")
    subject = world.subject.person
    for rank, suggested in (("DCC", False), ("Chief Constable", True), ("CC", True), ("Commissioner", True)):
        subject.rank_or_grade = rank
        subject.save()
        assert ("chief_officer" in decisions.suggested_criteria(world.case)) is suggested, rank
    assert (
        "the local policing body is the appropriate authority"
        in decisions.suggested_criteria(world.case)["chief_officer"][0]
    )


def test_unticking_a_suggested_criterion_needs_a_sentence(world: World) -> None:
    _allege(world, "Rape of his partner at their home")
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(world.case, handler, [], ReferralOutcome.NOT_REFERRED, "Not met.")
    [message] = errors_of(caught)["reasons"]
    assert "suggest a serious sexual offence; a relevant offence" in message and "at least a sentence" in message
    decision = decisions.record_referral(world.case, handler, [], ReferralOutcome.NOT_REFERRED, SENTENCE)
    assert decision.criteria_met == []


def test_referral_time_limit_is_the_end_of_the_next_day(world: World) -> None:
    today = timezone.localdate()
    handler = world.people.psd_handler
    criteria = ["serious_corruption"]
    on_time = decisions.record_referral(
        world.case, handler, criteria, ReferralOutcome.REFERRED, "Referred.", "2026/1", criteria_seen_on=today - DAY
    )
    timing = decisions.referral_timing(on_time)
    assert timing is not None and (timing.refer_by, timing.late, timing.days_late) == (today, False, 0)
    late = decisions.record_referral(
        world.case, handler, criteria, ReferralOutcome.REFERRED, "Referred.", "2026/2", criteria_seen_on=today - 4 * DAY
    )
    timing = decisions.referral_timing(late)
    assert timing is not None and (timing.refer_by, timing.late, timing.days_late) == (today - 3 * DAY, True, 3)
    undated = decisions.record_referral(world.case, handler, criteria, ReferralOutcome.REFERRED, "Referred.", "2026/3")
    assert undated.criteria_seen_on is None and not decisions.referral_timing(undated).late  # type: ignore[union-attr]
    nothing = decisions.record_referral(world.case, handler, [], ReferralOutcome.NOT_REFERRED, SENTENCE)
    assert decisions.referral_timing(nothing) is None


@pytest.mark.parametrize(
    ("seen_on", "message"),
    [(timezone.localdate() + dt.timedelta(days=1), "cannot be in the future"),
     (D(2024, 3, 3), "cannot be before the case was received (4 March 2024)")],
)  # fmt: skip
def test_the_day_the_criteria_were_seen_must_be_real(world: World, seen_on: dt.date, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decisions.record_referral(
            world.case, world.people.psd_handler, ["serious_corruption"], ReferralOutcome.REFERRED, "Referred.",
            "2026/1", criteria_seen_on=seen_on,
        )  # fmt: skip
    assert message in errors_of(caught)["criteria_seen_on"][0]


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
    assert "Must refer to the IOPC" in body and REFERRAL_CRITERIA["serious_sexual_offence"].label in body
    assert not ReferralDecision.objects.exists()
    data |= {"action": "record", "referral-outcome": "not_referred", "referral-reasons": "Not needed."}
    data |= seen_on_fields(timezone.localdate())
    response = client.post(url(world, "decision_referral"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Must refer to the IOPC" in body and "at least a sentence" in body
    data["referral-reasons"] = SENTENCE
    assert client.post(url(world, "decision_referral"), data).status_code == 302
    body = client.get(url(world)).content.decode()
    assert "Must refer to the IOPC" in body and "not to refer although referral criteria are met" in body


def _checkbox(body: str, key: str) -> str:
    match = re.search(rf'<input[^>]*value="{key}"[^>]*>', body)
    assert match, key
    return match[0]


def test_each_criterion_has_its_meaning_and_source_beside_the_box_and_suggestions_are_pre_ticked(
    world: World,
) -> None:
    body = client_for(world.people.psd_handler).get(url(world)).content.decode()
    for criterion in REFERRAL_CRITERIA.values():
        assert html.escape(criterion.meaning, quote=False) in body and html.escape(criterion.source) in body
    assert REFERRAL_GUIDANCE in body
    assert "checked" in _checkbox(body, "serious_corruption")  # "Misuse of police systems"
    assert "checked" not in _checkbox(body, "serious_assault")
    assert "The recorded allegations suggest referral to the IOPC is mandatory" in body
    assert "mentions police systems" in body


def test_a_ticked_criterion_needs_the_day_it_was_seen(world: World) -> None:
    data = {"referral-criteria_met": ["serious_corruption"], "referral-outcome": "referred", "action": "record",
            "referral-iopc_reference": "2026/9", "referral-reasons": "Referred."}  # fmt: skip
    client = client_for(world.people.psd_handler)
    response = client.post(url(world, "decision_referral"), data)
    assert response.status_code == 400
    assert "Enter the date it first became clear that the criteria were met." in response.content.decode()
    assert not ReferralDecision.objects.exists()
    seen = timezone.localdate() - 2 * DAY
    assert client.post(url(world, "decision_referral"), data | seen_on_fields(seen)).status_code == 302
    assert ReferralDecision.objects.get().criteria_seen_on == seen


def test_checking_shows_the_time_limit_and_flags_it_passed(world: World) -> None:
    seen = timezone.localdate() - 3 * DAY
    data = {"referral-criteria_met": ["serious_corruption"], "action": "check"} | seen_on_fields(seen)
    body = client_for(world.people.psd_handler).post(url(world, "decision_referral"), data).content.decode()
    refer_by = seen + DAY
    assert f'Refer by the end of <time datetime="{refer_by:%Y-%m-%d}">{refer_by:%-d %B %Y}</time>.' in body
    assert "Time limit passed" in body
    assert f'value="{seen.day}"' in body  # the date typed is kept


def test_once_referred_the_must_refer_warning_gives_way_to_the_referral(world: World) -> None:
    handler = world.people.psd_handler
    seen = timezone.localdate() - 5 * DAY
    decisions.record_referral(
        world.case, handler, ["serious_corruption"], ReferralOutcome.NOT_REFERRED, SENTENCE, criteria_seen_on=seen
    )
    body = client_for(handler).get(url(world)).content.decode()
    assert "Must refer to the IOPC" in body and "Time limit passed" in body
    decisions.record_referral(
        world.case, handler, ["serious_corruption"], ReferralOutcome.REFERRED, "Referred.", "2026/041187",
        criteria_seen_on=seen,
    )  # fmt: skip
    body = client_for(handler).get(url(world)).content.decode()
    assert "Must refer to the IOPC" not in body and "Time limit passed" not in body
    assert "Referred to the IOPC (IOPC reference 2026/041187) on" in body
    assert "Referred late</strong> 4 days after the time limit" in body


def test_the_report_pages_cite_the_regulations(world: World) -> None:
    assert "reg 13" in OPEN_REPORT_SOURCE and "Police (Conduct) Regulations 2020, reg 19" in OPEN_REPORT_SOURCE
    client = client_for(world.people.psd_lead)
    for page in (url(world), reverse("cases:reports_due")):
        assert OPEN_REPORT_SOURCE in client.get(page).content.decode()


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

"""The recommendation 1 audit (population, suggested scores, scoring, report as page, PDF and DOCX)
and the dip sample for the governing body (reproducible, masked, reviewers only)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from oversight.audit.models import ReadLog
from oversight.cases import audits, decisions
from oversight.cases.models import (
    Arrival,
    AuditStatus,
    Case,
    CaseAudit,
    CaseStatus,
    Deployment,
    DipSample,
    RecordedAs,
    Score,
    TeamMember,
)
from oversight.cases.rules import AUDIT_CHECKLIST
from oversight.cases.services import NewCase, open_case
from oversight.concurrency import ConcurrentEditError
from oversight.organisations.models import Membership, Organisation, Role
from oversight.workforce.models import Person
from tests.case_personas import SUBJECT_NAME, SUBJECT_STAFF_NUMBER, VICTIM_NAME
from tests.conftest import client_for
from tests.test_cases_decisions import World, make_world

D = dt.date
AS_OF = D(2026, 6, 30)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def another_case(
    world: World,
    received_on: dt.date,
    *,
    closed_on: dt.date | None = None,
    arrival: Arrival = Arrival.COMPLAINT,
    subject: Person | None = None,
    victim: str = "Rosa Mendes",
    summary: str = "A complaint of harassment by an officer.",
) -> Case:
    case = open_case(
        NewCase(
            force=world.workforce.wmp,
            arrival=arrival,
            received_on=received_on,
            summary=summary,
            victim_name=victim,
            subjects=[subject or world.workforce.unrelated],
        ),
        world.people.psd_handler,
    )
    if closed_on:
        case.status, case.closed_on = CaseStatus.CLOSED, closed_on
        case.save()
    return case


# Who is in the audit


def test_population_live_and_closed_in_the_12_months_before(world: World) -> None:
    live = world.case  # received 4 March 2024, open
    closed_recently = another_case(world, D(2025, 1, 10), closed_on=D(2026, 1, 15))
    closed_on_the_boundary = another_case(world, D(2024, 11, 1), closed_on=D(2025, 6, 30))
    closed_13_months_before = another_case(world, D(2024, 6, 1), closed_on=D(2025, 5, 29))
    closed_after = another_case(world, D(2025, 2, 1), closed_on=D(2026, 8, 1))  # live on the audit date
    received_after = another_case(world, D(2026, 7, 2))
    audit = audits.start_audit(world.workforce.wmp, AS_OF, world.people.psd_lead)
    audited = set(audit.entries.values_list("case_id", flat=True))
    assert audited == {live.pk, closed_recently.pk, closed_on_the_boundary.pk, closed_after.pk}
    assert closed_13_months_before.pk not in audited and received_after.pk not in audited
    report = audits.build_report(audit, world.people.psd_lead)
    assert (report.cases, report.live, report.closed) == (4, 2, 2)


def test_other_forces_cases_are_not_in_the_audit(world: World) -> None:
    avon_case = open_case(
        NewCase(
            force=world.workforce.avon, arrival=Arrival.COMPLAINT, received_on=D(2025, 5, 1), summary="Avon case.",
            victim_name="Avon Victim", subjects=[world.workforce.external],
        ),
        world.people.other_force_psd,
    )  # fmt: skip
    audit = audits.start_audit(world.workforce.wmp, AS_OF, world.people.psd_lead)
    assert avon_case.pk not in set(audit.entries.values_list("case_id", flat=True))
    with pytest.raises(PermissionDenied):
        audits.start_audit(world.workforce.wmp, AS_OF, world.people.other_force_psd)
    with pytest.raises(PermissionDenied):
        audits.start_audit(world.workforce.wmp, AS_OF, world.people.psd_handler)


def test_an_excluded_leads_audit_omits_and_does_not_count_the_case(world: World) -> None:
    other = another_case(world, D(2025, 3, 1))
    lead = world.people.connected_administrator  # PSD lead, and a former team-mate of the subject
    audit = audits.start_audit(world.workforce.wmp, AS_OF, lead)
    assert list(audit.entries.values_list("case_id", flat=True)) == [other.pk]
    assert audits.build_report(audit, lead).cases == 1
    # A lead's audit read by the excluded lead: the row is neither shown nor counted.
    full = audits.start_audit(world.workforce.wmp, AS_OF, world.people.psd_lead)
    assert full.entries.count() == 2
    report = audits.build_report(full, lead)
    assert report.cases == 1 and [row.reference for row in report.rows] == [other.reference]
    body = client_for(lead).get(reverse("cases:audit", args=[full.pk])).content.decode()
    assert world.case.reference not in body
    hidden = full.entries.get(case=world.case)
    response = client_for(lead).get(reverse("cases:audit_entry", args=[full.pk, hidden.pk]))
    assert response.status_code == 404


def test_the_audit_date_cannot_be_in_the_future(world: World) -> None:
    with pytest.raises(ValidationError):
        audits.start_audit(world.workforce.wmp, timezone.localdate() + dt.timedelta(days=1), world.people.psd_lead)


# Suggested scores


def test_suggested_scores_from_the_case_record(world: World) -> None:
    case, handler = world.case, world.people.psd_handler
    found = audits.suggested_scores(case)
    assert found["complaint_or_conduct"].score == Score.NOT_MET
    assert found["deployment"].score == Score.NOT_MET
    assert found["impartial_joined_up"].score == Score.PARTLY  # two investigators, no declarations
    decisions.record_recording(case, handler, RecordedAs.CONDUCT, "An indication of misconduct.")
    decisions.record_deployment(case, handler, case.subjects.get(), Deployment.RESTRICTED, D(2099, 1, 1), "Risk.")
    TeamMember.objects.filter(case=case).update(declaration_signed_at=timezone.now())
    found = audits.suggested_scores(case)
    assert {key: s.score for key, s in found.items()} == {
        "complaint_or_conduct": Score.MET,
        "deployment": Score.MET,
        "impartial_joined_up": Score.MET,
    }
    decisions.record_recording(case, handler, RecordedAs.NOT_RECORDED, "On review, not recordable.")
    assert audits.suggested_scores(case)["complaint_or_conduct"].score == Score.NOT_MET


def test_no_independence_suggestion_without_independent_roles(world: World) -> None:
    other = another_case(world, D(2025, 3, 1))
    assert "impartial_joined_up" not in audits.suggested_scores(other)


def test_entry_page_prefills_suggestions_and_marks_them(world: World) -> None:
    decisions.record_recording(world.case, world.people.psd_handler, RecordedAs.COMPLAINT, "Complaint.")
    audit = audits.start_audit(world.workforce.wmp, AS_OF, world.people.psd_lead)
    entry = audit.entries.get()
    response = client_for(world.people.psd_lead).get(reverse("cases:audit_entry", args=[audit.pk, entry.pk]))
    text = " ".join(response.content.decode().split())
    assert "Suggested from the case record: Met. Recorded as complaint." in text
    assert 'id="id_score_complaint_or_conduct_2" value="met" checked="checked"' in text
    assert "Suggested from the case record, not yet confirmed" in text
    assert entry.scores == {}  # a suggestion is not a score until the lead saves it


# Scoring, findings and the report


def score_all(audit: CaseAudit, lead: User, score: Score = Score.MET) -> None:
    for entry in audit.entries.all():
        audit.refresh_from_db()
        scores = {key: score for key in AUDIT_CHECKLIST}
        audits.score_entry(entry, lead, audit.version, scores, "Checked.", "Retrain." if score == Score.NOT_MET else "")


def test_scoring_needs_action_where_not_met_and_refuses_a_stale_version(world: World) -> None:
    lead = world.people.psd_lead
    audit = audits.start_audit(world.workforce.wmp, AS_OF, lead)
    entry = audit.entries.get()
    with pytest.raises(ValidationError) as caught:
        audits.score_entry(entry, lead, audit.version, {"deployment": Score.NOT_MET}, "", "")
    assert "action_needed" in caught.value.message_dict
    audits.score_entry(entry, lead, audit.version, {"deployment": Score.NOT_MET}, "", "Decide deployment now.")
    with pytest.raises(ConcurrentEditError):
        audits.score_entry(entry, lead, audit.version, {"deployment": Score.MET}, "", "")
    entry.refresh_from_db()
    assert entry.scores == {"deployment": Score.NOT_MET}


def test_report_counts_findings_and_finalising(world: World) -> None:
    lead = world.people.psd_lead
    another_case(world, D(2025, 1, 10), closed_on=D(2026, 1, 15))
    audit = audits.start_audit(world.workforce.wmp, AS_OF, lead)
    with pytest.raises(ValidationError):
        audits.finalise_audit(audit, lead, audit.version)
    score_all(audit, lead, Score.NOT_MET)
    audit.refresh_from_db()
    improvements = {"deployment": "Deployment decided within 48 hours, checked weekly."}
    audit = audits.save_findings(audit, lead, audit.version, "Two cases not handled well.", improvements)
    report = audits.build_report(audit, lead)
    first = report.areas[0]
    assert (first.key, first.not_met, first.met, first.unscored) == ("complaint_or_conduct", 2, 0, 0)
    assert report.areas[5].improvement == improvements["deployment"]
    audit = audits.finalise_audit(audit, lead, audit.version)
    assert audit.status == AuditStatus.FINAL
    with pytest.raises(PermissionDenied):
        audits.save_findings(audit, lead, audit.version, "Changed.", {})


def test_report_page_pdf_and_docx_carry_references_not_names(world: World) -> None:
    lead = world.people.psd_lead
    audit = audits.start_audit(world.workforce.wmp, AS_OF, lead)
    score_all(audit, lead)
    audit.refresh_from_db()
    audits.save_findings(audit, lead, audit.version, "All cases handled as PPDA cases.", {"embedding": "Training."})
    client = client_for(lead)
    page = client.get(reverse("cases:audit", args=[audit.pk])).content.decode()
    assert world.case.reference in page and "All cases handled as PPDA cases." in page
    pdf = client.get(reverse("cases:audit_pdf", args=[audit.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert world.case.reference in pdf_text and "Training." in pdf_text
    docx = client.get(reverse("cases:audit_docx", args=[audit.pk]))
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert world.case.reference in cells and "All cases handled as PPDA cases." in text
    for output in (page, pdf_text, text + cells):
        assert VICTIM_NAME not in output and SUBJECT_NAME not in output and SUBJECT_STAFF_NUMBER not in output
    audit_type = ContentType.objects.get_for_model(CaseAudit)
    reads = ReadLog.objects.filter(user=lead, content_type=audit_type, object_id=audit.pk)
    assert sorted(reads.values_list("what", flat=True)) == ["audit report", "audit report DOCX", "audit report PDF"]


def test_starting_and_scoring_through_the_pages(world: World) -> None:
    client = client_for(world.people.psd_lead)
    data = {"force": world.workforce.wmp.pk, "as_of_0": "30", "as_of_1": "6", "as_of_2": "2026"}
    response = client.post(reverse("cases:audit_new"), data)
    audit = CaseAudit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:audit", args=[audit.pk])
    entry = audit.entries.get()
    post = {f"score_{key}": "met" for key in AUDIT_CHECKLIST} | {
        "version": audit.version,
        "notes": "",
        "action_needed": "",
    }
    post["score_deployment"] = "not_met"
    response = client.post(reverse("cases:audit_entry", args=[audit.pk, entry.pk]), post)
    assert response.status_code == 400 and "Enter the action needed" in response.content.decode()
    post["action_needed"] = "Decide deployment."
    assert client.post(reverse("cases:audit_entry", args=[audit.pk, entry.pk]), post).status_code == 302
    entry.refresh_from_db()
    assert entry.scores["deployment"] == "not_met"


# Refusals on audit pages


def audit_urls(audit: CaseAudit) -> tuple[list[str], list[str]]:
    """(pages read with GET, pages that change something with POST)."""
    entry = audit.entries.get()
    page, entry_page = reverse("cases:audit", args=[audit.pk]), reverse("cases:audit_entry", args=[audit.pk, entry.pk])
    reads = [
        page,
        entry_page,
        reverse("cases:audit_pdf", args=[audit.pk]),
        reverse("cases:audit_docx", args=[audit.pk]),
    ]
    return reads, [page, entry_page, reverse("cases:audit_finalise", args=[audit.pk])]


def test_audit_pages_refused_to_everyone_but_the_forces_psd_lead(world: World) -> None:
    audit = audits.start_audit(world.workforce.wmp, AS_OF, world.people.psd_lead)
    people = world.people
    refused = [
        people.psd_handler, people.investigator, people.subject, people.subject_teammate, people.subject_partner,
        people.other_force_psd, people.administrator, people.opcc_officer, people.external_investigator,
    ]  # fmt: skip
    for user in refused:
        client = client_for(user)
        reads, writes = audit_urls(audit)
        for address in reads:
            assert client.get(address).status_code == 404, (user, address)
        for address in writes:
            assert client.post(address).status_code == 404, (user, address)
        if user != people.other_force_psd:  # the Avon lead runs Avon's audits, and sees none of West Midlands'
            assert client.get(reverse("cases:audit_list")).status_code == 404
            assert client.get(reverse("cases:audit_new")).status_code == 404
    listing = client_for(people.other_force_psd).get(reverse("cases:audit_list")).content.decode()
    assert reverse("cases:audit", args=[audit.pk]) not in listing
    assert CaseAudit.objects.get().findings == ""


# Dip samples


def complaint_cases(world: World, count: int) -> list[Case]:
    return [
        another_case(
            world,
            D(2025, 1, 1) + dt.timedelta(days=day * 7),
            subject=world.workforce.subject,
            victim=VICTIM_NAME,
            summary=f"{VICTIM_NAME} says {SUBJECT_NAME} ({SUBJECT_STAFF_NUMBER}) followed her; PC Hart denies it.",
        )
        for day in range(count)
    ]


def draw(world: World, seed: int | None, size: int = 4) -> DipSample:
    return audits.draw_dip_sample(
        world.workforce.wmp, D(2025, 1, 1), D(2025, 12, 31), size, seed, world.people.psd_lead
    )


def drawn(sample: DipSample) -> list[int]:
    return list(sample.entries.order_by("position").values_list("case_id", flat=True))


def test_dip_sample_is_reproducible_with_the_same_seed(world: World) -> None:
    complaint_cases(world, 10)
    first, again = draw(world, 20240517), draw(world, 20240517)
    assert drawn(first) == drawn(again) and len(drawn(first)) == 4
    assert [e.label for e in first.entries.order_by("position")] == ["Case 1", "Case 2", "Case 3", "Case 4"]
    population = list(audits.dip_population(world.workforce.wmp, D(2025, 1, 1), D(2025, 12, 31)))
    assert audits.draw(population, 4, 7) == audits.draw(population, 4, 7)
    assert len({tuple(drawn(draw(world, seed))) for seed in range(6)}) > 1  # seeds matter
    assert draw(world, None).seed >= 0


def test_dip_population_is_complaints_received_in_the_period(world: World) -> None:
    complaints = complaint_cases(world, 2)
    another_case(world, D(2025, 3, 1), arrival=Arrival.CONDUCT_MATTER)
    another_case(world, D(2024, 12, 31))  # before the period
    recorded = another_case(world, D(2025, 4, 1), arrival=Arrival.HOTLINE)
    decisions.record_recording(recorded, world.people.psd_handler, RecordedAs.COMPLAINT, "Made by the victim.")
    population = audits.dip_population(world.workforce.wmp, D(2025, 1, 1), D(2025, 12, 31))
    assert list(population) == [*complaints, recorded]


def test_masked_summary_hides_names_and_staff_numbers(world: World) -> None:
    (case,) = complaint_cases(world, 1)
    decisions.record_recording(case, world.people.psd_handler, RecordedAs.COMPLAINT, f"{VICTIM_NAME} complained.")
    masked = audits.masked_summary(case)
    for hidden in (VICTIM_NAME, SUBJECT_NAME, SUBJECT_STAFF_NUMBER, "Hart", "Clarke", "Emma"):
        assert hidden.lower() not in masked.lower()
    assert "[victim] says [subject 1] ([subject 1]) followed her; PC [subject 1] denies it." in masked


def reviewer_pages(sample: DipSample) -> list[str]:
    entry = sample.entries.order_by("pk").first()
    assert entry is not None
    return [reverse("cases:dip_list"), reverse("cases:dip", args=[sample.pk])]


def test_reviewers_see_masked_pages_only_and_record_findings(world: World) -> None:
    complaint_cases(world, 5)
    sample = draw(world, 99)
    reviewer = client_for(world.people.opcc_officer)
    for address in reviewer_pages(sample):
        body = reviewer.get(address).content.decode()
        for hidden in (VICTIM_NAME, SUBJECT_NAME, SUBJECT_STAFF_NUMBER, "PPDA-"):
            assert hidden not in body, (address, hidden)
    body = reviewer.get(reverse("cases:dip", args=[sample.pk])).content.decode()
    assert "Case 1" in body and "[victim]" in body and str(sample.seed) in body
    entry = sample.entries.order_by("pk").first()
    assert entry is not None
    finding_url = reverse("cases:dip_finding", args=[sample.pk, entry.pk])
    response = reviewer.post(finding_url, {f"e{entry.pk}-finding": ""})
    assert response.status_code == 400 and "Enter your finding on this case." in response.content.decode()
    assert reviewer.post(finding_url, {f"e{entry.pk}-finding": "Handled well."}).status_code == 302
    entry.refresh_from_db()
    assert (entry.reviewer_finding, entry.reviewed_by) == ("Handled well.", world.people.opcc_officer)
    # The reviewers never get the cases themselves.
    assert (
        client_for(world.people.opcc_officer).get(reverse("cases:decisions", args=[entry.case_id])).status_code == 404
    )
    # The PSD lead sees the references, and cannot record the reviewers' finding.
    lead = client_for(world.people.psd_lead)
    assert entry.case.reference in lead.get(reverse("cases:dip", args=[sample.pk])).content.decode()
    assert lead.post(finding_url, {f"e{entry.pk}-finding": "Mine."}).status_code == 404


def other_opcc_officer() -> User:
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    body = avon.governing_body_on()
    assert body is not None
    user = User.objects.create_user("avon.opcc", "avon.opcc@example.org")
    Membership.objects.create(user=user, organisation=body, role=Role.OPCC_OFFICER)
    return user


def get_or_post(client: Client, addresses: Sequence[str]) -> list[int]:
    return [client.get(a).status_code for a in addresses[:1]] + [client.post(a).status_code for a in addresses[1:]]


def test_dip_pages_refused_to_everyone_else(world: World) -> None:
    complaint_cases(world, 3)
    sample = draw(world, 5)
    entry = sample.entries.order_by("pk").first()
    assert entry is not None
    people = world.people
    refused = [
        people.psd_handler, people.investigator, people.subject, people.subject_teammate, people.subject_manager,
        people.subject_partner, people.unrelated_officer, people.external_investigator, people.other_force_psd,
        people.administrator, other_opcc_officer(),
    ]  # fmt: skip
    for user in refused:
        client = client_for(user)
        assert client.get(reverse("cases:dip", args=[sample.pk])).status_code == 404, user
        assert client.post(reverse("cases:dip_finding", args=[sample.pk, entry.pk])).status_code == 404, user
        listing = client.get(reverse("cases:dip_list"))
        assert listing.status_code == 404 or reverse("cases:dip", args=[sample.pk]) not in listing.content.decode()
        if user != people.other_force_psd:
            assert client.get(reverse("cases:dip_new")).status_code == 404, user
    # The excluded PSD lead sees the sample exists in the force, but none of the cases locked to them.
    body = client_for(people.connected_administrator).get(reverse("cases:dip", args=[sample.pk])).content.decode()
    assert "Case 1" not in body and "No cases in this sample." in body
    assert client_for(people.opcc_officer).get(reverse("cases:dip_new")).status_code == 404
    assert not sample.entries.exclude(reviewer_finding="").exists()


def test_drawing_through_the_page_shows_the_seed(world: World) -> None:
    complaint_cases(world, 3)
    client = client_for(world.people.psd_lead)
    data = {
        "force": world.workforce.wmp.pk, "period_start_0": "1", "period_start_1": "1", "period_start_2": "2025",
        "period_end_0": "31", "period_end_1": "12", "period_end_2": "2025", "size": "2", "seed": "4242",
    }  # fmt: skip
    response = client.post(reverse("cases:dip_new"), data)
    sample = DipSample.objects.get()
    assert response.status_code == 302 and sample.seed == 4242 and sample.entries.count() == 2
    assert "4242" in client.get(reverse("cases:dip", args=[sample.pk])).content.decode()
    data["period_end_2"] = "2024"
    response = client.post(reverse("cases:dip_new"), data)
    assert response.status_code == 400 and "on or after its start" in response.content.decode()

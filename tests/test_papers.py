"""The committee paper: its content from a constructed history, determinism, outputs and access."""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from docx import Document

from oversight.organisations.models import Membership, Organisation, Role
from oversight.recommendations import rendering, services
from oversight.recommendations.models import (
    Committee,
    CommitteeMeeting,
    ExtensionDecision,
    ExtensionRequest,
    ForthcomingInspection,
    ItemKind,
    ReportKind,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
    TransitionAction,
)
from oversight.recommendations.papers import Paper, build_paper, natural_key, period_for
from tests.conftest import client_for
from tests.factories import ItemFactory, ReportFactory, TrackingRecordFactory
from tests.personas import Personas

LONDON = timezone.get_fixed_timezone(60)  # British Summer Time: the dates below are in September


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def move(record: TrackingRecord, by: User, when: dt.datetime, action: str, status: str, stage: str) -> None:
    """A back-dated transition, as services.transition would have written it at the time."""
    Transition.objects.create(
        tracking=record, action=action, by=by, at=when,
        from_status=record.status, to_status=status, from_signoff=record.signoff, to_signoff=stage,
    )  # fmt: skip
    record.status, record.signoff = status, stage
    record.save()


def sign_off_at(record: TrackingRecord, by: User, day: dt.date) -> None:
    move(record, by, at(day - dt.timedelta(days=7)), TransitionAction.SUBMIT, TrackingStatus.PENDING_SIGNOFF,
         SignoffStage.SUBMITTED)  # fmt: skip
    move(record, by, at(day - dt.timedelta(days=3)), TransitionAction.PASS_TO_HMICFRS,
         TrackingStatus.PENDING_SIGNOFF, SignoffStage.WITH_HMICFRS)  # fmt: skip
    move(record, by, at(day), TransitionAction.SIGN_OFF, TrackingStatus.CLOSED, SignoffStage.SIGNED_OFF)


@dataclass
class History:
    committee: Committee
    meeting: CommitteeMeeting
    previous: CommitteeMeeting
    signed: TrackingRecord
    signed_before: TrackingRecord
    open_rec: TrackingRecord
    concern: TrackingRecord
    afi: TrackingRecord
    extended: TrackingRecord
    other_force_record: TrackingRecord


def _committee(wmp: Organisation) -> Committee:
    pcc = wmp.governing_body_on()
    assert pcc is not None
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=pcc)
    committee.forces.set([wmp])
    return committee


def _extend(record: TrackingRecord, by: User, new_due: dt.date, decided: dt.datetime) -> None:
    ExtensionRequest.objects.create(
        tracking=record, requested_by=by, current_due_on=record.due_on, requested_due_on=new_due, reason="Need time",
        decision=ExtensionDecision.APPROVED, decided_by=by, decided_at=decided, decision_reason="Agreed",
    )  # fmt: skip
    record.due_on = new_due
    record.save()


@pytest.fixture
def history(personas: Personas, wmp: Organisation) -> History:
    """West Midlands between the JAC of 21 July 2022 and the JAC of 29 September 2022."""
    committee = _committee(wmp)
    previous = CommitteeMeeting.objects.create(committee=committee, held_on=dt.date(2022, 7, 21), agenda_item="06")
    meeting = CommitteeMeeting.objects.create(committee=committee, held_on=dt.date(2022, 9, 29), agenda_item="07")
    older = ReportFactory(title="Crimes Against Older People", published_on=dt.date(2019, 7, 17), forces=[wmp])
    stalking = ReportFactory(title="Stalking and Harassment", published_on=dt.date(2017, 7, 5), forces=[wmp])
    lead, liaison = personas.hmicfrs_lead, personas.liaison

    def record(report: Any, reference: str, kind: str = ItemKind.RECOMMENDATION, **item: Any) -> TrackingRecord:
        fields = {f"item__{name}": value for name, value in item.items()}
        return TrackingRecordFactory(item__report=report, item__reference=reference, item__kind=kind, **fields)

    signed = record(older, "10001", number="1")
    sign_off_at(signed, lead, dt.date(2022, 8, 15))
    signed_before = record(older, "10002", number="2")
    sign_off_at(signed_before, lead, dt.date(2022, 7, 1))
    open_rec = record(older, "10618", number="3", text="Within six months Chief Constables should ensure that "
                      "Victim Needs Assessments are always completed.")  # fmt: skip
    concern = record(stalking, "9472", kind=ItemKind.CAUSE_OF_CONCERN, number="1",
                     text="Breaches of orders are not treated as evidence of a wider pattern.")  # fmt: skip
    afi = record(
        older, "9962", kind=ItemKind.AREA_FOR_IMPROVEMENT, number="4", text="Safeguarding referrals are always made."
    )
    extended = record(stalking, "9500", number="10")
    _extend(extended, liaison, dt.date(2023, 3, 31), at(dt.date(2022, 9, 1)))
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    other = TrackingRecordFactory(item__report=ReportFactory(forces=[avon]), organisation=avon)
    return History(committee, meeting, previous, signed, signed_before, open_rec, concern, afi, extended, other)


def _labels(items: tuple[Any, ...]) -> list[str]:
    return [item.reference for item in items]


# Period


def test_period_runs_from_the_previous_meeting_to_this_one(history: History) -> None:
    period = period_for(history.meeting)
    assert (period.first_day, period.end) == (dt.date(2022, 7, 22), dt.date(2022, 9, 29))


def test_first_meeting_covers_the_three_months_before(history: History) -> None:
    period = period_for(history.previous)
    assert (period.first_day, period.end) == (dt.date(2022, 4, 22), dt.date(2022, 7, 21))


# Content


def test_items_signed_off_in_the_period_and_only_those(history: History) -> None:
    paper = build_paper(history.meeting)
    assert [(i.reference, i.signed_off_on) for i in paper.signed_off] == [("10001", dt.date(2022, 8, 15))]
    earlier = build_paper(history.previous)
    assert _labels(earlier.signed_off) == ["10002"]


def test_remaining_items_by_kind_exclude_closed_and_other_forces(history: History) -> None:
    paper = build_paper(history.meeting)
    assert _labels(paper.recommendations_remaining) == ["10618", "9500"]
    assert _labels(paper.concerns_remaining) == ["9472"]
    assert _labels(paper.afis_remaining) == ["9962"]
    footnote = paper.concerns_and_afis[0]
    assert (footnote.report_title, footnote.label) == ("Stalking and Harassment", "Cause of concern 9472")
    assert "wider pattern" in footnote.text


def test_item_signed_off_after_the_period_still_counts_as_remaining(history: History, personas: Personas) -> None:
    sign_off_at(history.open_rec, personas.hmicfrs_lead, dt.date(2022, 10, 20))
    paper = build_paper(history.meeting)
    assert "10618" in _labels(paper.recommendations_remaining)
    assert "10618" not in _labels(paper.signed_off)


def test_overdue_and_extended_as_at_period_end(history: History) -> None:
    paper = build_paper(history.meeting)
    # 10618 was due six months after July 2019; the extended item's new date is after the meeting.
    assert _labels(paper.overdue) == ["10618", "9962", "9472"]
    (extended,) = paper.extended
    assert (extended.reference, extended.slips, extended.due_on) == ("9500", 1, dt.date(2023, 3, 31))
    assert extended.original_due_on == dt.date(2017, 7, 5) + dt.timedelta(days=183)
    # Before the extension was decided (1 September), the item was overdue with no slips.
    assert _labels(build_paper(history.previous).extended) == []
    assert "9500" in _labels(build_paper(history.previous).overdue)


def test_reports_published_in_the_period_with_their_recommendations(history: History, wmp: Organisation) -> None:
    ppda = ReportFactory(title="Police perpetrated domestic abuse", kind=ReportKind.SUPER_COMPLAINT,
                         published_on=dt.date(2022, 8, 1), forces=[wmp])  # fmt: skip
    ItemFactory(report=ppda, number="10", text="Tenth", deadline_phrase="Within six months")
    ItemFactory(report=ppda, number="2", text="Second")
    ItemFactory(report=ppda, number="1", kind=ItemKind.AREA_FOR_IMPROVEMENT, text="Not a recommendation")
    ReportFactory(title="National report", published_on=dt.date(2022, 8, 11), covers_all_forces=True)
    ReportFactory(title="Avon only", published_on=dt.date(2022, 8, 2),
                  forces=[Organisation.objects.get(slug="avon-and-somerset-police")])  # fmt: skip
    ReportFactory(title="Too late", published_on=dt.date(2022, 9, 30), forces=[wmp])
    paper = build_paper(history.meeting)
    assert [r.title for r in paper.reports] == ["Police perpetrated domestic abuse", "National report"]
    assert [(r.number, r.deadline_phrase) for r in paper.reports[0].recommendations] == [
        ("2", "Within six months"),
        ("10", "Within six months"),
    ]


def test_forthcoming_inspections_notified_by_period_end(history: History, wmp: Organisation) -> None:
    ForthcomingInspection.objects.create(force=wmp, title="Thematic inspection of ROCU", expected="Early October",
                                         notified_on=dt.date(2022, 9, 1))  # fmt: skip
    ForthcomingInspection.objects.create(force=wmp, title="Later", expected="2023", notified_on=dt.date(2022, 10, 5))
    ForthcomingInspection.objects.create(force=wmp, title="Done", expected="-", notified_on=dt.date(2022, 5, 1),
                                         completed_on=dt.date(2022, 7, 1))  # fmt: skip
    ForthcomingInspection.objects.create(
        force=wmp, title="Done after the meeting", expected="-", notified_on=dt.date(2022, 5, 2),
        completed_on=dt.date(2022, 10, 20),
    )  # fmt: skip
    titles = [i.title for i in build_paper(history.meeting).forthcoming]
    assert titles == ["Done after the meeting", "Thematic inspection of ROCU"]


def test_counts_and_contact_officer(history: History) -> None:
    paper = build_paper(history.meeting)
    by_status = {count.status: count.count for count in paper.open_by_status}
    assert by_status[TrackingStatus.OPEN] == 4 and paper.open_total == 4
    assert paper.contact is not None and paper.contact.name == "Rachel Jones"


def test_natural_order_of_numbers() -> None:
    assert sorted(["10", "2", "1b", "1a"], key=natural_key) == ["1a", "1b", "2", "10"]


# The same period gives the same paper


def test_actions_after_the_period_end_do_not_change_the_paper(
    history: History, personas: Personas, wmp: Organisation
) -> None:
    before = build_paper(history.meeting)
    html_before = rendering.paper_pdf_html(before)
    # Sign-off journey today, through the services.
    services.add_evidence(history.open_rec, personas.liaison, title="Audit", effective_on=dt.date.today(),
                          url="https://example.org/audit")  # fmt: skip
    services.submit_for_signoff(history.open_rec, personas.liaison)
    services.pass_to_hmicfrs(history.open_rec, personas.liaison)
    services.sign_off(history.open_rec, personas.hmicfrs_lead)
    # A further extension, decided today.
    history.extended.refresh_from_db()
    extension = services.request_extension(history.extended, personas.liaison, dt.date(2030, 1, 1), "Again")
    services.decide_extension(extension, personas.liaison, True, "Agreed again")
    # A new report and a new inspection notification, both today.
    ReportFactory(title="Published today", published_on=dt.date.today(), forces=[wmp])
    ForthcomingInspection.objects.create(force=wmp, title="New", expected="Soon", notified_on=dt.date.today())
    after = build_paper(history.meeting)
    assert after == before
    assert rendering.paper_pdf_html(after) == html_before
    assert rendering.open_items_chart_svg(after) == rendering.open_items_chart_svg(before)


# Outputs


def test_pdf_is_a_pdf_and_its_source_shows_the_signed_off_item(history: History) -> None:
    paper = build_paper(history.meeting)
    html = rendering.paper_pdf_html(paper)
    assert "Agenda Item 07" in html and "HMICFRS UPDATE" in html
    assert "Recommendation 10001" in html and "Signed off 15 August 2022" in html
    assert "data:image/png;base64," in html  # PNG: WeasyPrint draws it faster than SVG
    assert rendering.paper_pdf(paper).startswith(b"%PDF")


def test_docx_opens_and_contains_the_signed_off_reference(history: History) -> None:
    document = Document(io.BytesIO(rendering.paper_docx(build_paper(history.meeting))))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Recommendation 10001" in cells and "15 August 2022" in cells
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "3. Signed off in the period" in headings


def test_docx_is_the_same_file_for_the_same_period(history: History) -> None:
    paper: Paper = build_paper(history.meeting)
    first = rendering.paper_docx(paper)
    time.sleep(2.1)  # python-docx dates zip entries by the clock, in two-second steps
    assert rendering.paper_docx(build_paper(history.meeting)) == first


# Views and access


def _paper_urls(meeting: CommitteeMeeting) -> list[str]:
    return [reverse(f"recommendations:{name}", args=[meeting.pk]) for name in ("paper", "paper_pdf", "paper_docx")]


READERS = ["committee_member", "liaison", "opcc_officer"]
REFUSED = ["owner", "hmicfrs_lead", "other_force", "other_hmicfrs_lead", "administrator", "national_analyst", "no_role"]


@pytest.mark.parametrize("persona", READERS)
def test_people_who_see_the_committee_read_every_form_of_the_paper(
    history: History, personas: Personas, persona: str
) -> None:
    client = client_for(getattr(personas, persona))
    page, pdf, docx = (client.get(url) for url in _paper_urls(history.meeting))
    assert page.status_code == 200 and "Recommendation 10001" in page.content.decode()
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(reverse("recommendations:committee", args=[history.committee.pk])).status_code == 200
    assert "Joint Audit Committee" in client.get(reverse("recommendations:committee_list")).content.decode()


@pytest.mark.parametrize("persona", REFUSED)
def test_people_outside_the_committee_get_404_everywhere(history: History, personas: Personas, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    urls = [
        *_paper_urls(history.meeting),
        reverse("recommendations:committee", args=[history.committee.pk]),
        reverse("recommendations:meeting_add", args=[history.committee.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert "Joint Audit Committee" not in client.get(reverse("recommendations:committee_list")).content.decode()


def test_page_shows_chart_without_inline_style(history: History, personas: Personas) -> None:
    html = client_for(personas.committee_member).get(_paper_urls(history.meeting)[0]).content.decode()
    assert 'src="data:image/svg+xml;base64,' in html and "Open 4" in html
    assert "style=" not in html and "<script>" not in html


# Meetings and forthcoming inspections


def test_liaison_officer_adds_a_meeting(history: History, personas: Personas) -> None:
    url = reverse("recommendations:meeting_add", args=[history.committee.pk])
    response = client_for(personas.liaison).post(
        url, {"held_on_0": "8", "held_on_1": "12", "held_on_2": "2022", "agenda_item": "05"}
    )
    meeting = history.committee.meetings.get(held_on=dt.date(2022, 12, 8))
    assert response.status_code == 302 and response["Location"] == reverse("recommendations:paper", args=[meeting.pk])
    assert period_for(meeting).first_day == dt.date(2022, 9, 30)


def test_meeting_form_refuses_impossible_and_duplicate_dates(history: History, personas: Personas) -> None:
    url = reverse("recommendations:meeting_add", args=[history.committee.pk])
    client = client_for(personas.liaison)
    impossible = client.post(url, {"held_on_0": "31", "held_on_1": "2", "held_on_2": "2023"})
    duplicate = client.post(url, {"held_on_0": "29", "held_on_1": "9", "held_on_2": "2022"})
    assert impossible.status_code == 400 and "Date of the meeting must be a real date" in impossible.content.decode()
    assert duplicate.status_code == 400 and "already has a meeting" in duplicate.content.decode()
    assert history.committee.meetings.count() == 2


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PSD_HANDLER, Role.INVESTIGATOR, Role.OWNER, Role.SPOC])
def test_other_roles_in_the_governing_body_do_not_read_its_papers(history: History, role: Role) -> None:
    """Any role in the commissioner's office used to read the paper; the README's table says who may."""
    person = User.objects.create_user(f"pcc-{role}", password="x")
    Membership.objects.create(user=person, organisation=history.committee.organisation, role=role)
    client = client_for(person)
    for url in [*_paper_urls(history.meeting), reverse("recommendations:committee", args=[history.committee.pk])]:
        assert client.get(url).status_code == 404, url
    assert "Joint Audit Committee" not in client.get(reverse("recommendations:committee_list")).content.decode()


@pytest.mark.parametrize("persona", ["committee_member", "opcc_officer"])
def test_readers_cannot_add_meetings(history: History, personas: Personas, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    url = reverse("recommendations:meeting_add", args=[history.committee.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"held_on_0": "1", "held_on_1": "1", "held_on_2": "2023"}).status_code == 404
    assert history.committee.meetings.count() == 2


def test_liaison_officer_records_a_forthcoming_inspection(personas: Personas, wmp: Organisation) -> None:
    response = client_for(personas.liaison).post(
        reverse("recommendations:forthcoming_add"),
        {"force": wmp.pk, "title": "Thematic inspection of ROCU", "expected": "Early October",
         "notified_on_0": "1", "notified_on_1": "9", "notified_on_2": "2022"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ForthcomingInspection.objects.get().force == wmp


def test_forthcoming_inspection_only_for_own_force(personas: Personas, wmp: Organisation) -> None:
    data = {"force": wmp.pk, "title": "X", "expected": "Soon", "notified_on_0": "1", "notified_on_1": "9",
            "notified_on_2": "2022"}  # fmt: skip
    response = client_for(personas.other_force).post(reverse("recommendations:forthcoming_add"), data)
    assert response.status_code == 400  # West Midlands is not among Avon's choices
    for persona in ("committee_member", "hmicfrs_lead", "owner", "no_role"):
        client = client_for(getattr(personas, persona))
        assert client.get(reverse("recommendations:forthcoming_add")).status_code == 404
        assert client.post(reverse("recommendations:forthcoming_add"), data).status_code == 404
    assert not ForthcomingInspection.objects.exists()


def test_an_immediate_item_is_urgent_in_the_paper_not_overdue(history: History, wmp: Organisation) -> None:
    report = ReportFactory(title="Vetting super-complaint", published_on=dt.date(2022, 8, 1), forces=[wmp])
    record = TrackingRecordFactory(item__report=report, item__reference="777", item__deadline_phrase="Immediately",
                                   item__deadline_kind="immediately", item__due_on=None, organisation=wmp,
                                   due_on=None, original_due_on=None)  # fmt: skip
    paper = build_paper(history.meeting)
    item = next(i for i in paper.recommendations_remaining if i.tracking_id == record.pk)
    assert item.urgent and item not in paper.overdue
    html = rendering.paper_pdf_html(paper)
    assert "Urgent" in html and ">None<" not in html
    text = "\n".join(cell.text for table in Document(io.BytesIO(rendering.paper_docx(paper))).tables
                     for row in table.rows for cell in row.cells)  # fmt: skip
    assert "Immediately (urgent)" in text and "None" not in text


# What a Joint Audit Committee reads for (the seed paper beside ours)


def test_each_item_shows_owner_portfolio_rag_and_signoff_stage(history: History, personas: Personas) -> None:
    record = history.open_rec
    record.owner, record.portfolio = personas.owner, "Public protection"
    record.save()
    paper = build_paper(history.meeting)
    item = next(i for i in paper.recommendations_remaining if i.reference == "10618")
    assert (item.owner, item.portfolio, item.signoff_label) == ("Owen Patel", "Public protection", "Not submitted")
    assert item.rag is not None
    html = client_for(personas.committee_member).get(_paper_urls(history.meeting)[0]).content.decode()
    assert "Owen Patel" in html and "Public protection" in html and f"app-rag--{item.rag.value}" in html
    cells = _docx_cells(rendering.paper_docx(paper))
    assert "Owen Patel\nPublic protection" in cells and "Not submitted" in " ".join(cells)


def _docx_cells(docx: bytes) -> list[str]:
    document = Document(io.BytesIO(docx))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def test_the_liaison_officers_narrative_is_kept_in_every_form_of_the_paper(
    history: History, personas: Personas
) -> None:
    url = reverse("recommendations:paper_narrative", args=[history.meeting.pk])
    data = {"version": history.meeting.version, "inspection_activity": "No further PEEL activity is scheduled.",
            "governance": "Owners are held to account at the governance boards.",
            "new_reports": "WMP accepts the three super-complaint recommendations.",
            "next_steps": "The new assurance team will review outstanding items.",
            "background_documents": "NPCC / HMICFRS super-complaint response", "contact_name": "Insp R Jones-Burns",
            "contact_title": "HMICFRS Force Liaison Officer"}  # fmt: skip
    assert client_for(personas.committee_member).post(url, data).status_code == 404
    assert client_for(personas.liaison).post(url, data).status_code == 302
    stale = client_for(personas.liaison).post(url, {**data, "next_steps": "Mine"})
    assert stale.status_code == 400 and "Someone else changed this paper" in stale.content.decode()
    paper = build_paper(CommitteeMeeting.objects.get(pk=history.meeting.pk))
    html = rendering.paper_pdf_html(paper)
    docx = Document(io.BytesIO(rendering.paper_docx(paper)))
    text = "\n".join(p.text for p in docx.paragraphs)
    for words in ("No further PEEL activity", "governance boards", "accepts the three", "new assurance team",
                  "NPCC / HMICFRS super-complaint response", "Insp R Jones-Burns"):  # fmt: skip
        assert words in html and words in text, words


def test_a_paper_for_a_meeting_still_to_come_says_its_figures_are_as_at_today(history: History) -> None:
    before = dt.date(2022, 9, 1)
    paper = build_paper(history.meeting, today=before)
    assert paper.provisional and paper.as_at == before and paper.meeting_on == dt.date(2022, 9, 29)
    assert "Provisional" in rendering.paper_pdf_html(paper) and "1 September 2022" in rendering.paper_pdf_html(paper)
    held = build_paper(history.meeting, today=dt.date(2022, 10, 1))
    assert not held.provisional and held.as_at == dt.date(2022, 9, 29)


def test_a_forthcoming_inspection_ends_once_held(history: History, personas: Personas, wmp: Organisation) -> None:
    inspection = ForthcomingInspection.objects.create(force=wmp, title="ROCU", expected="Early October",
                                                      notified_on=dt.date(2022, 7, 1))  # fmt: skip
    url = reverse("recommendations:inspection_held", args=[inspection.pk])
    assert client_for(personas.committee_member).post(url, {}).status_code == 404
    done = client_for(personas.liaison).post(url, {"held_on_0": "10", "held_on_1": "8", "held_on_2": "2022"})
    assert done.status_code == 302
    assert "ROCU" in [i.title for i in build_paper(history.previous).forthcoming]
    assert "ROCU" not in [i.title for i in build_paper(history.meeting).forthcoming]
    assert client_for(personas.liaison).get(url).status_code == 404  # held: nothing left to record


def test_the_word_paper_is_a4_with_page_numbers_and_the_agenda_item(history: History) -> None:
    document = Document(io.BytesIO(rendering.paper_docx(build_paper(history.meeting))))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.header.paragraphs[0].text == "Agenda Item 07"
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Page " in section.footer.paragraphs[0].text
    assert "None" not in "\n".join(p.text for p in document.paragraphs)

"""The register's whole journey in a browser: an owner posts an update with evidence and submits,
the liaison officer passes it to HMICFRS, the HMICFRS lead signs it off, and the committee paper
PDF shows it signed off."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from e2e.conftest import sign_in, sign_out
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Committee, CommitteeMeeting, SignoffStage, TrackingRecord
from tests.documents_corpus import simple_pdf
from tests.factories import ItemFactory, ReportFactory, TrackingRecordFactory
from tests.personas import Personas, make_personas

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = "30501"


@pytest.fixture
def journey(reference_organisations: None) -> tuple[Personas, TrackingRecord, CommitteeMeeting]:
    personas = make_personas()
    wmp = Organisation.objects.get(slug="west-midlands-police")
    report = ReportFactory(title="Victims of stalking: a joint inspection", forces=[wmp])
    item = ItemFactory(report=report, reference=REFERENCE, text="Within six months forces should record stalking.")
    record = TrackingRecordFactory(item=item, organisation=wmp, owner=personas.owner, portfolio="Public protection")
    body = wmp.governing_body_on()
    assert body is not None
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=body)
    committee.forces.add(wmp)
    today = timezone.localdate()
    CommitteeMeeting.objects.create(committee=committee, held_on=today - dt.timedelta(days=60))
    meeting = CommitteeMeeting.objects.create(committee=committee, held_on=today + dt.timedelta(days=7))
    return personas, record, meeting


def open_item_from_register(page: Page, base: str) -> None:
    page.goto(f"{base}/recommendations/")
    page.get_by_role("link", name=re.compile(REFERENCE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)


def owner_updates_adds_evidence_and_submits(page: Page, base: str, tmp_path: Path) -> None:
    sign_in(page, base, "wmp.owner")
    open_item_from_register(page, base)
    page.get_by_role("link", name="Post update").click()
    page.get_by_label("Progress update").fill("Stalking flag now applied in the crime system; audit attached.")
    page.get_by_role("button", name=re.compile("update", re.I)).click()
    expect(page.get_by_text("Stalking flag now applied in the crime system")).to_be_visible()

    page.get_by_role("link", name="Add evidence").click()
    page.get_by_label("Title").fill("Stalking flag audit, Q3")
    evidence = tmp_path / "stalking-audit.pdf"
    evidence.write_bytes(simple_pdf([["Audit of stalking flags"]]))  # a PDF that opens: evidence is screened
    page.get_by_label("Or upload a file").set_input_files(str(evidence))
    effective = page.get_by_role("group", name=re.compile("Effective date"))
    effective.get_by_label("Day").fill("1")
    effective.get_by_label("Month").fill("10")
    effective.get_by_label("Year").fill("2026")
    page.get_by_role("button", name=re.compile("evidence", re.I)).click()
    expect(page.get_by_text("stalking-audit.pdf")).to_be_visible()

    page.get_by_role("link", name="Submit for sign-off").click()
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Pending sign-off").first).to_be_visible()
    sign_out(page)


def liaison_passes_to_hmicfrs(page: Page, base: str) -> None:
    sign_in(page, base, "wmp.liaison")
    open_item_from_register(page, base)
    page.get_by_role("link", name="Submit to HMICFRS").click()
    page.get_by_role("button", name="Submit to HMICFRS").click()
    expect(page.get_by_text("With HMICFRS").first).to_be_visible()
    sign_out(page)


def lead_signs_off(page: Page, base: str) -> None:
    sign_in(page, base, "hmicfrs.lead")
    open_item_from_register(page, base)
    page.get_by_role("link", name="Sign off").click()
    page.get_by_label("Note (optional)").fill("Authorised for closure on the basis of the flag audit.")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Signed off by HMICFRS").first).to_be_visible()
    sign_out(page)


def test_owner_to_signed_off_in_the_committee_paper(
    page: Page, live_server: object, journey: tuple[Personas, TrackingRecord, CommitteeMeeting], tmp_path: Path
) -> None:
    base = str(live_server)
    _, record, meeting = journey

    owner_updates_adds_evidence_and_submits(page, base, tmp_path)
    liaison_passes_to_hmicfrs(page, base)
    lead_signs_off(page, base)
    record.refresh_from_db()
    assert record.signoff == SignoffStage.SIGNED_OFF

    sign_in(page, base, "jac.member")
    page.goto(f"{base}/recommendations/committees/")
    page.get_by_role("link", name="Joint Audit Committee").click()
    pdf_link = page.get_by_role("link", name=re.compile(f"PDF of the paper for {meeting.held_on:%-d %B %Y}"))
    pdf = page.request.get(base + pdf_link.get_attribute("href"))  # type: ignore[operator]
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    text = " ".join(text.split())
    signed_off_section = text[text.index("Signed off in the period") :]
    assert REFERENCE in signed_off_section
    assert f"Signed off {timezone.localdate():%-d %B %Y}" in signed_off_section

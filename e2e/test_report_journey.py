"""The national summary report in a browser: the APCC's analyst opens it from the coding pages,
drafts it from the coded returns, follows a source to the return version it rests on, edits a
section's text, and downloads it as Word."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from oversight.recommendations.models import ItemKind, ReportKind
from oversight.returns.models import ReturnRequest
from tests.factories import ItemFactory, ReportFactory
from tests.personas import make_personas
from tests.report_helpers import reported_request

from .test_register_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coded(reference_organisations: None) -> ReturnRequest:
    personas = make_personas()
    report = ReportFactory(title="Police perpetrated domestic abuse", kind=ReportKind.SUPER_COMPLAINT)
    item = ItemFactory(report=report, kind=ItemKind.RECOMMENDATION, number="3")
    return reported_request(personas, item)


def test_the_report_is_drafted_followed_to_its_sources_edited_and_downloaded(
    page: Page, live_server: object, coded: ReturnRequest
) -> None:
    base = str(live_server)
    sign_in(page, base, "apcc.analyst")
    page.goto(f"{base}/coding/{coded.pk}/")
    page.get_by_role("link", name="Summary report").click()
    page.get_by_role("button", name="Draft the report from the data").click()
    expect(page.get_by_text("The report has been drafted from the data.")).to_be_visible()
    expect(page.get_by_role("heading", name="Advocacy", exact=True)).to_be_visible()
    expect(page.get_by_text("Coded in 4 of 4 areas", exact=False)).to_be_visible()

    advocacy = page.locator("section", has=page.get_by_role("heading", name="Advocacy", exact=True))
    advocacy.get_by_role("link", name=re.compile(r"^\[1\] ")).last.click()  # its sources, after its quotes
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1")
    page.go_back()

    page.get_by_role("link", name="Edit “Advocacy”").click()
    page.get_by_label("Text").fill("Every area that answered named advocacy.")
    page.get_by_role("button", name="Save the section").click()
    expect(page.get_by_text("Every area that answered named advocacy.")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Edited")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Word (DOCX)").click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    assert "Every area that answered named advocacy." in [p.text for p in document.paragraphs]

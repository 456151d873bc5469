"""A request's later life in a browser: the APCC's analyst changes a draft's deadline (an error
first), sends it, codes nothing yet downloads the coding as a REFI-QDA project, and closes the
request; West Midlands PCC's officer then finds the return closed, with nothing left to submit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from playwright.sync_api import Page, expect

from oversight.organisations.models import Organisation
from oversight.recommendations.models import ItemKind, ReportKind
from oversight.returns import services
from oversight.returns.models import RequestStatus, ReturnRequest
from tests.factories import ItemFactory, ReportFactory
from tests.personas import make_personas

from .test_register_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Recommendation 3a: local support for PPDA victims"


@pytest.fixture
def draft(reference_organisations: None) -> ReturnRequest:
    personas = make_personas()
    report = ReportFactory(title="Police perpetrated domestic abuse", kind=ReportKind.SUPER_COMPLAINT)
    item = ItemFactory(report=report, kind=ItemKind.RECOMMENDATION, number="3", title="Support for PPDA victims")
    draft = services.RequestDraft(
        body=Organisation.objects.get(slug="apcc"), title=TITLE, items=[item], deadline=dt.date(2099, 1, 31)
    )
    return services.create_request(personas.national_analyst, draft)


def test_a_draft_is_changed_sent_exported_and_closed(page: Page, live_server: object, draft: ReturnRequest) -> None:
    base = str(live_server)
    sign_in(page, base, "apcc.analyst")
    page.goto(f"{base}/returns/{draft.pk}/")
    page.get_by_role("link", name="Change the title, deadline, introduction or who is asked").click()
    page.get_by_label("Year").fill("2001")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_role("alert")).to_contain_text("The deadline must be today or in the future")
    page.get_by_label("Year").fill("2099")
    page.get_by_label("Month").fill("3")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Request details saved.")).to_be_visible()
    expect(page.get_by_text("31 March 2099")).to_be_visible()
    page.get_by_role("button", name="Send to 43 organisations").click()
    expect(page.get_by_role("heading", name="0 of 43 answered")).to_be_visible()

    page.get_by_role("link", name="Code the answers into themes").click()
    page.get_by_role("link", name="Themes", exact=True).click()
    page.get_by_label("Name").fill("Advocacy")
    page.get_by_role("button", name="Add the theme").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the project (.qdpx)").click()
    saved = download.value
    assert saved.suggested_filename.endswith(".qdpx")
    archive = zipfile.ZipFile(io.BytesIO(saved.path().read_bytes()))
    assert b"Advocacy" in archive.read("project.qde")

    page.goto(f"{base}/returns/{draft.pk}/")
    page.get_by_label("Why are you closing it? (optional)").fill("Enough for the summary")
    page.get_by_role("button", name="Close the request").click()
    expect(page.get_by_text("Request closed")).to_be_visible()
    expect(page.get_by_text("Sent to closed by Nina Lowe: Enough for the summary")).to_be_visible()
    sign_out(page)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.CLOSED

    sign_in(page, base, "opcc.officer")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#request-closed")).to_contain_text("closed this request on")
    expect(page.get_by_role("button", name="Submit the return")).to_have_count(0)

"""Documents in, in a browser: a liaison officer uploads the seed PDF extract of the PCC's response,
waits while the worker reads it, reviews the proposed actions beside their passages (changes one,
drops one), confirms, and finds them in the 56-day response; then reads a committee paper into a new
report and finds its items in the register, each linked back to its passage."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from oversight.ingest.models import ReadingStatus, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations import services as register_services
from oversight.recommendations.models import GoverningBodyResponse, Item, ReportKind
from tests.factories import ItemFactory, ReportFactory
from tests.personas import Personas, make_personas

from .test_register_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).parent.parent / "tests" / "data"
SEED = DATA / "wm-pcc-response-ppda-super-complaint.pdf-extract.txt"
PAPER = DATA / "wmp-jac-hmicfrs-update-2022-09.md"


@pytest.fixture
def response(reference_organisations: None) -> tuple[Personas, GoverningBodyResponse]:
    personas = make_personas()
    wmp = Organisation.objects.get(slug="west-midlands-police")
    report = ReportFactory(
        title="Police perpetrated domestic abuse", kind=ReportKind.SUPER_COMPLAINT, forces=[wmp],
        published_on=dt.date(2023, 6, 14),
    )  # fmt: skip
    ItemFactory(report=report, reference="", number="3", text="PCCs, MoJ and chief constables should ...")
    return personas, register_services.start_response(report, wmp, personas.opcc_officer)


def run_the_worker() -> None:
    """What `make run` keeps running: the database queue's worker, here for the jobs waiting."""
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())


def test_a_response_is_read_reviewed_and_confirmed(
    page: Page, live_server: object, response: tuple[Personas, GoverningBodyResponse]
) -> None:
    base = str(live_server)
    _, ppda_response = response
    sign_in(page, base, "wmp.liaison")
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="Read a document").click()

    page.get_by_role("button", name="Upload and read").click()  # nothing chosen: the GOV.UK error summary
    expect(page.get_by_role("alert")).to_contain_text("Select the document to read")

    page.get_by_label("Document").set_input_files(str(SEED))
    page.get_by_label("A response to a report").check()
    page.get_by_label("Response (for a response)").select_option(label=str(ppda_response))
    page.get_by_role("button", name="Upload and read").click()

    expect(page.get_by_role("heading", name="Reading the document")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Waiting to be read")
    run_the_worker()
    # The page polls the reading's status and shows the result without anyone reloading it.
    expect(page.get_by_role("link", name="Review the proposals")).to_be_visible(timeout=15000)
    document = SourceDocument.objects.get()
    assert document.status == ReadingStatus.READ
    count = document.proposals.count()
    page.get_by_role("link", name="Review the proposals").click()

    expect(page.get_by_role("heading", name="Review what we found")).to_be_visible()
    first = page.locator(".govuk-summary-card").first
    expect(first.locator("mark")).to_contain_text("locking of records to the alleged abuser")
    first.get_by_role("link", name=re.compile("Change")).click()
    page.get_by_label("Taken").check()
    text = page.get_by_label("What the response commits to, or reports done")
    text.fill("Explore with WMP bespoke measures for PPDA victims: locking records to the alleged abuser.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Proposal changed.")).to_be_visible()

    second = page.locator(".govuk-summary-card").nth(1)
    dropped_text = document.proposals.order_by("position")[1].text
    second.get_by_role("button", name=re.compile("Drop")).click()
    expect(page.locator(".govuk-summary-card").nth(1)).to_contain_text("Dropped")

    page.get_by_role("button", name=re.compile(rf"Confirm {count - 1} and add them")).click()
    expect(page.get_by_text(f"{count - 1} entries added to the register.")).to_be_visible()

    page.get_by_role("link", name=re.compile("Explore with WMP bespoke measures")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Police perpetrated domestic abuse")
    steps = page.get_by_text("Explore with WMP bespoke measures for PPDA victims")
    expect(steps).to_be_visible()
    expect(page.get_by_text("Through the Domestic Abuse Regional Board").first).to_be_visible()
    assert dropped_text[:40] not in ppda_response.actions.get().steps


def test_a_committee_paper_becomes_items_in_the_register(page: Page, live_server: object, response: object) -> None:
    base = str(live_server)
    sign_in(page, base, "wmp.liaison")
    page.goto(f"{base}/documents/read/")
    page.get_by_label("Document").set_input_files(str(PAPER))
    page.get_by_label("An inspection report, or a paper about one").check()
    page.get_by_label("Report (for a report").select_option(label="A new report: enter its details below")
    page.get_by_label("Title of the new report").fill("HMICFRS update, September 2022")
    page.get_by_label("Kind of the new report").select_option(label="National thematic")
    published = page.get_by_role("group", name=re.compile("Publication date of the new report"))
    published.get_by_label("Day").fill("1")
    published.get_by_label("Month").fill("9")
    published.get_by_label("Year").fill("2022")
    page.get_by_role("button", name="Upload and read").click()
    run_the_worker()
    page.get_by_role("link", name="Review the proposals").click(timeout=15000)

    card = page.locator("#proposal-" + str(SourceDocument.objects.get().proposals.get(reference="10618").pk))
    expect(card.locator("mark")).to_contain_text("Victim Needs Ass")
    expect(card).to_contain_text("1 March 2023")
    card.get_by_role("link", name=re.compile("Change")).click()
    page.get_by_label("Deadline as written (optional)").fill("by autumn 2023")
    page.get_by_role("button", name="Save changes").click()
    expect(card).to_contain_text("We could not work out a date from 'by autumn 2023'")
    card.get_by_role("link", name=re.compile("Change")).click()
    due = page.get_by_role("group", name=re.compile("Due date"))
    due.get_by_label("Day").fill("30")
    due.get_by_label("Month").fill("11")
    due.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Save changes").click()
    expect(card).to_contain_text("30 November 2023")
    page.locator(".govuk-summary-card").last.get_by_role("button", name=re.compile("Drop")).click()
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.get_by_role("heading", name="Added to the register")).to_be_visible()

    page.goto(f"{base}/recommendations/")
    page.get_by_role("link", name=re.compile("10618")).first.click()
    expect(page.get_by_text("30 November 2023").first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"From wmp-jac-hmicfrs-update-2022-09\.md, page 1")).click()
    expect(page.locator("mark#passage")).to_contain_text("Victim Needs Ass")
    assert Item.objects.filter(report__title="HMICFRS update, September 2022").count() == 7

"""National returns in a browser: the APCC's analyst creates a request about a recommendation and sends
it to the 43 governing bodies; West Midlands PCC's officer answers and submits; the analyst returns it
for clarification; the officer clarifies and resubmits; the tracker shows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from oversight.recommendations.models import ItemKind, ReportKind
from oversight.returns.models import ReturnStatus, ReturnVersion
from tests.factories import ItemFactory, ReportFactory
from tests.personas import make_personas

from .test_register_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = "Police perpetrated domestic abuse"


@pytest.fixture
def people(reference_organisations: None) -> None:
    make_personas()
    report = ReportFactory(title=REPORT, kind=ReportKind.SUPER_COMPLAINT, covers_all_forces=True)
    ItemFactory(report=report, kind=ItemKind.RECOMMENDATION, number="3", title="Support services for PPDA victims")


def test_a_request_is_sent_answered_clarified_and_tracked(page: Page, live_server: object, people: None) -> None:
    base = str(live_server)
    sign_in(page, base, "apcc.analyst")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name="Create a request").click()
    page.get_by_role("button", name="Create the draft").click()  # nothing filled in: the error summary
    expect(page.get_by_role("alert")).to_contain_text("Enter the title of the request")
    page.get_by_label("Title of the request").fill("Recommendation 3a: local support for PPDA victims")
    page.get_by_label(re.compile("Support services for PPDA victims")).check()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", name="Recommendation 3a: local support for PPDA victims")).to_be_visible()
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Yes or no").check()
    page.get_by_label("Question", exact=True).fill("Do local services offer an independent advocate?")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Do local services offer an independent advocate?")).to_be_visible()
    page.get_by_role("button", name="Send to 43 organisations").click()
    expect(page.get_by_role("heading", name="0 of 43 answered")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "opcc.officer")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name="Recommendation 3a: local support for PPDA victims").click()
    page.get_by_role("link", name="Change the answers").click()
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("What actions have you already taken? (optional)").fill("We reviewed our commissioned services.")
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator("#return-status")).to_contain_text("Submitted")
    expect(page.get_by_text("can be changed again only if")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "apcc.analyst")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name="Recommendation 3a: local support for PPDA victims").click()
    expect(page.get_by_role("heading", name="1 of 43 answered")).to_be_visible()
    page.get_by_role("link", name="West Midlands Police and Crime Commissioner").click()
    page.get_by_role("link", name="Return for clarification").click()
    page.get_by_label(re.compile("What needs clarifying in “What actions have you already taken")).fill(
        "Which services did the review cover, and what did it find?"
    )
    page.get_by_role("button", name="Return for clarification").click()
    expect(page.locator("#return-status")).to_contain_text("Returned for clarification")
    sign_out(page)

    sign_in(page, base, "opcc.officer")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name="Recommendation 3a: local support for PPDA victims").click()
    point = page.locator(".govuk-inset-text", has_text="To clarify")
    expect(point).to_contain_text("Which services did the review cover, and what did it find?")
    page.get_by_role("link", name="Change the answers").click()
    page.get_by_label("What actions have you already taken? (optional)").fill(
        "We reviewed all four commissioned domestic abuse services in 2023."
    )
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("button", name="Resubmit the return").click()
    expect(page.locator("#return-status")).to_contain_text("Resubmitted")
    sign_out(page)

    sign_in(page, base, "apcc.analyst")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name="Recommendation 3a: local support for PPDA victims").click()
    expect(page.get_by_role("heading", name="1 of 43 answered")).to_be_visible()
    row = page.locator("#returns-table tr", has_text="West Midlands Police and Crime Commissioner")
    expect(row).to_contain_text("Resubmitted")
    row.get_by_role("link").click()
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text("We reviewed our commissioned services.")).to_be_visible()
    assert [v.status for v in ReturnVersion.objects.order_by("number")] == [
        ReturnStatus.SUBMITTED,
        ReturnStatus.RESUBMITTED,
    ]

"""GOV.UK form patterns as a person meets them in a browser: the character count on a limited text
area, and the error summary whose links move focus to the input to fix (a date's day box)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from e2e.conftest import sign_in
from oversight.forms import TEXT
from oversight.organisations.models import Organisation
from oversight.recommendations.models import ExtensionRequest, TrackingRecord
from tests.factories import ReportFactory, TrackingRecordFactory
from tests.personas import make_personas

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Why is an extension needed?"


@pytest.fixture
def record(reference_organisations: None) -> TrackingRecord:
    personas = make_personas()
    wmp = Organisation.objects.get(slug="west-midlands-police")
    return TrackingRecordFactory(item__report=ReportFactory(forces=[wmp]), organisation=wmp, owner=personas.owner)


def _extension_page(page: Page, base: str, record: TrackingRecord) -> None:
    sign_in(page, base, "wmp.owner")
    page.goto(base + reverse("recommendations:tracking_extension", args=[record.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for an extension")


def test_character_count_counts_down_and_says_when_over_the_limit(
    page: Page, live_server: object, record: TrackingRecord
) -> None:
    _extension_page(page, str(live_server), record)
    reason = page.get_by_label(REASON)
    status = page.locator(".govuk-character-count__status")
    expect(status).to_have_text(f"You have {TEXT:,} characters remaining")

    reason.fill("The supplier has not delivered.")
    expect(status).to_have_text(f"You have {TEXT - 31:,} characters remaining")

    reason.fill("x" * (TEXT + 5))
    expect(status).to_have_text("You have 5 characters too many")
    expect(reason).to_have_class(re.compile("govuk-textarea--error"))
    # Nothing was cut: the person can see the whole of what they pasted and shorten it.
    expect(reason).to_have_value("x" * (TEXT + 5))

    reason.fill("x" * TEXT)
    expect(status).to_have_text("You have 0 characters remaining")
    expect(reason).not_to_have_class(re.compile("govuk-textarea--error"))


def test_error_summary_link_moves_focus_to_the_day_of_an_invalid_date(
    page: Page, live_server: object, record: TrackingRecord
) -> None:
    _extension_page(page, str(live_server), record)
    due = page.get_by_role("group", name=re.compile("New due date"))
    due.get_by_label("Day").fill("31")
    due.get_by_label("Month").fill("2")
    due.get_by_label("Year").fill("2030")
    page.get_by_label(REASON).fill("x" * (TEXT + 1))
    page.get_by_role("button", name="Ask for extension").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary so it is read first
    expect(summary.get_by_role("link")).to_have_text(
        ["New due date must be a real date", f"{REASON.rstrip('?')} must be {TEXT:,} characters or less"]
    )

    summary.get_by_role("link", name="New due date must be a real date").click()
    day = page.get_by_role("group", name=re.compile("New due date")).get_by_label("Day")
    expect(day).to_be_focused()
    expect(day).to_have_value("31")  # what was typed is shown again, to correct

    summary.get_by_role("link", name=re.compile("characters or less")).click()
    expect(page.get_by_label(REASON)).to_be_focused()
    assert not ExtensionRequest.objects.exists()


def test_an_error_the_service_finds_in_a_date_links_to_its_day(
    page: Page, live_server: object, record: TrackingRecord
) -> None:
    """Not only the date field's own checks: a date refused for what it means links to the day too."""
    assert record.due_on is not None
    _extension_page(page, str(live_server), record)
    due = page.get_by_role("group", name=re.compile("New due date"))
    earlier = record.due_on.replace(day=1)
    due.get_by_label("Day").fill(str(earlier.day))
    due.get_by_label("Month").fill(str(earlier.month))
    due.get_by_label("Year").fill(str(earlier.year))
    page.get_by_label(REASON).fill("The supplier has not delivered.")
    page.get_by_role("button", name="Ask for extension").click()

    summary = page.locator(".govuk-error-summary")
    message = "The new due date must be after the current due date."
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(page.locator(".govuk-error-message")).to_have_text([f"Error: {message}"])  # once, above the date
    summary.get_by_role("link", name=message).click()
    expect(due.get_by_label("Day")).to_be_focused()

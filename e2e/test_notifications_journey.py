"""Notifications in a browser, as a new user meets them: the liaison officer returns an item to its
owner; the owner sees the count in the header, opens the notifications page and the item from it,
switches that kind to a daily digest; and the captured emails carry only a link."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from oversight.notifications import delivery, digest
from oversight.notifications.models import Channel, Email, Preference
from oversight.organisations.models import Organisation
from oversight.recommendations import services
from oversight.recommendations.models import TrackingRecord
from tests.factories import ItemFactory, ReportFactory, TrackingRecordFactory
from tests.personas import Personas, make_personas

from .test_register_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = "30777"
REASONS = "The stalking audit is a draft: attach the signed version."


@pytest.fixture
def submitted(reference_organisations: None, settings: Any) -> tuple[Personas, TrackingRecord]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    personas = make_personas()
    wmp = Organisation.objects.get(slug="west-midlands-police")
    item = ItemFactory(report=ReportFactory(forces=[wmp]), reference=REFERENCE, text="Forces should record stalking.")
    record = TrackingRecordFactory(item=item, organisation=wmp, owner=personas.owner)
    services.add_evidence(
        record, personas.owner, title="Audit", effective_on=dt.date(2026, 10, 1), url="https://example.org/a"
    )
    return personas, services.submit_for_signoff(record, personas.owner)


def test_an_item_returned_to_its_owner(
    page: Page, live_server: object, submitted: tuple[Personas, TrackingRecord]
) -> None:
    base = str(live_server)
    personas, record = submitted
    mail.outbox.clear()  # the liaison officer's own email about the submission

    sign_in(page, base, "wmp.liaison")
    page.goto(f"{base}/recommendations/{record.pk}/")
    page.get_by_role("link", name="Return to the owner").click()
    page.get_by_label("Reasons").fill(REASONS)
    page.get_by_role("button", name="Return to the owner").click()
    sign_out(page)

    # The owner's email went at once (the worker ran it) and says no more than that, with a link.
    [email] = mail.outbox
    assert email.to == [personas.owner.email]
    link = re.search(r"http\S+/notifications/\d+/", email.body)
    assert link is not None
    for secret in (REFERENCE, "stalking", "West Midlands", "Rachel", "draft"):
        assert secret.lower() not in (email.subject + email.body).lower()

    sign_in(page, base, "wmp.owner")
    header_link = page.locator("#notifications-link")
    expect(header_link).to_contain_text("1 unread notification")
    header_link.click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    row = page.locator("#notifications tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(REFERENCE)
    row.get_by_role("link", name="An item was returned to you with reasons").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)
    expect(page.get_by_text(REASONS).first).to_be_visible()
    expect(page.locator("#notifications-link")).not_to_contain_text("unread")

    # The owner would rather hear about returns once a day.
    page.goto(f"{base}/notifications/")
    page.get_by_role("link", name="notification settings").click()
    returned = page.get_by_role("group", name="An item was returned to you with reasons")
    returned.get_by_label("One email a day with everything new").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    assert Preference.objects.get(user=personas.owner, kind="returned").channel == Channel.DIGEST
    sign_out(page)

    # Returned again after a resubmission: no email at once, one in the day's digest.
    record = services.submit_for_signoff(TrackingRecord.objects.get(pk=record.pk), personas.owner)
    services.return_to_owner(record, personas.liaison, "Still the draft.")
    mail.outbox.clear()
    assert not Email.objects.filter(recipient=personas.owner, key__startswith="digest").exists()
    assert Email.objects.filter(recipient=personas.owner).count() == 1  # only the first, sent at once
    assert digest.send(timezone.localdate()) == 1
    assert delivery.retry_due() == 0  # the immediate backend already sent it
    [summary] = mail.outbox
    assert "An item was returned to you with reasons" in summary.body and "/notifications/" in summary.body
    assert REFERENCE not in summary.body and "draft" not in summary.body.lower()

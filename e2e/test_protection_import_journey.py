"""Importing protective measures, in a browser: the force's protection team uploads its system's export
with headings Oversight does not know, matches them once on the mapping page, and sees what was
created; then uploads a file with a 35-day DVPO and sees the row-numbered errors, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from oversight.organisations.models import Organisation, Role
from oversight.protection.models import ExtensionStep, Measure, MeasureRule, MeasureType, RuleArea
from oversight.protection.statute import load_rules
from tests.factories import member
from tests.personas import PASSWORD

from .test_register_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

THEIRS = "Order Ref,Order Type,Subject,Court Name,Date Made,Expiry,UFO\r\n"
GOOD = THEIRS + "\r\n".join(
    ["X-1,NonMol,Richard Roe,Family Court,2026-10-01,,Y", "X-2,DVPO,John Doe,Magistrates,2026-11-21 14:00,2026-12-18,"]
)
BAD = THEIRS + "X-3,DVPO,Jane Roe,Magistrates,2026-11-21 14:00,2026-12-25,\r\n"


@pytest.fixture
def team(reference_organisations: None) -> User:
    load_rules(MeasureType, MeasureRule, RuleArea, ExtensionStep, Organisation)  # emptied by an earlier flush
    person = User.objects.create_user("wmp.protection", "wmp.protection@example.org", PASSWORD)
    member(person, Organisation.objects.get(slug="west-midlands-police"), Role.PROTECTION_TEAM)
    return person


def test_a_force_export_is_mapped_once_imported_and_a_bad_one_refused(
    page: Page, live_server: object, team: User, tmp_path: Path
) -> None:
    base = str(live_server)
    good, bad = tmp_path / "orders.csv", tmp_path / "orders-bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    sign_in(page, base, "wmp.protection")
    page.goto(f"{base}/protection/imports/")
    expect(page.get_by_role("heading", name="Import protective measures and breaches")).to_be_visible()

    page.get_by_label("File of measures and breaches").set_input_files(str(good))
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("heading", name="Match your file's columns")).to_be_visible()
    for label, heading in [("The force's reference for the measure", "Order Ref"), ("Measure type", "Order Type"),
                           ("Restrained person's name", "Subject"), ("Court", "Court Name"),
                           ("Made (date and time)", "Date Made"), ("Last day in effect", "Expiry"),
                           ("Until further order (yes/no)", "UFO")]:  # fmt: skip
        page.get_by_label(label, exact=True).select_option(heading)
    page.get_by_label("Your system's codes for a Non-molestation order (optional)").fill("NonMol")
    page.get_by_role("button", name="Save and import the file").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    expect(page.get_by_role("row", name="Measures 2 0 0")).to_be_visible()
    assert Measure.objects.count() == 2

    page.get_by_role("link", name="Imports into West Midlands Police").click()
    page.get_by_label("File of measures and breaches").set_input_files(str(bad))
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was written")
    expect(page.get_by_role("row", name="2 Expiry 2026-12-25")).to_contain_text("at most 28 days")
    assert Measure.objects.count() == 2

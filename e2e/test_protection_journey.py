"""Protective measures in a browser, tried as a new member of West Midlands Police's protection team
would (issue 11): a DVPN recorded and its hearing clock read; its DVPO refused for a length of 35 days,
with the rule's reason and source and the form kept, then made for 28; the victim told; a breach
reported, the arrest, charge and outcome recorded; a power not used, the victim told later; the
dashboard's funnel table and the worklist read as each item is dealt with.

West Midlands is not a DAPN/DAPO pilot area (protection/statute.py), so the DVPN/DVPO rules apply.
Every page is reached from the navigation, as a new user would find it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from oversight.organisations.models import Organisation, Role
from oversight.protection.models import ExtensionStep, MeasureRule, MeasureType, RuleArea
from oversight.protection.statute import load_rules
from tests.factories import member
from tests.personas import PASSWORD

from .test_register_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def team(reference_organisations: None) -> User:
    """West Midlands Police's protection team member, and the statutory rules (a flush after an earlier
    browser test empties the tables the data migration filled)."""
    if not MeasureType.objects.exists():
        load_rules(MeasureType, MeasureRule, RuleArea, ExtensionStep, Organisation)
    person = User.objects.create_user("wmp.protection", "wmp.protection@example.org", PASSWORD, first_name="Dev")
    member(person, Organisation.objects.get(slug="west-midlands-police"), Role.PROTECTION_TEAM)
    return person


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def save(page: Page) -> None:
    page.get_by_role("button", name="Save").click()


def section(page: Page, heading: str) -> Locator:
    """The list under one of the worklist's headings."""
    return page.locator("h2", has_text=heading).locator("xpath=following-sibling::*[1]")


def open_section(page: Page) -> None:
    """Protective measures, from the primary navigation."""
    page.get_by_role("navigation", name="Capabilities").get_by_role("link", name="Protective measures").click()


def section_link(page: Page, name: str) -> Locator:
    """A link of the section's own navigation."""
    return page.get_by_role("navigation", name="Protective measures").get_by_role("link", name=name, exact=True)


def open_worklist(page: Page) -> None:
    open_section(page)
    section_link(page, "Worklist").click()
    expect(section_link(page, "Worklist")).to_have_attribute("aria-current", "page")


def record_the_notice_and_read_its_clock(page: Page) -> None:
    open_section(page)
    page.get_by_role("link", name="Record a measure").click()
    expect(page.get_by_role("heading", name="Record a protective measure")).to_be_visible()
    page.get_by_label("Type of measure").select_option(label="Domestic violence protection notice (DVPN)")
    page.get_by_label("Your reference for the measure").fill("WMP/DVPN/0101")
    page.get_by_label("Name of the person restrained").fill("Paul Black")
    page.get_by_label("Name of the victim protected").fill("Ann Black")
    page.get_by_label("Conditions, prohibitions or requirements, one on each line (optional)").fill(
        "Not to contact Ann Black"
    )
    page.get_by_label("A police officer of at least the rank given").check()
    page.get_by_label("Name of the officer who authorised it (optional)").fill("Sam Reid")
    page.get_by_label("Their rank (for a police officer)").fill("Superintendent")
    fill_date(page, "Date made", YESTERDAY)
    page.get_by_label("Time made", exact=True).fill("09:30")
    save(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Domestic violence protection notice WMP/DVPN/0101")
    expect(page.get_by_text("Order to be heard by")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ hours left"))).to_be_visible()


def make_the_order_refused_then_allowed(page: Page) -> None:
    open_section(page)
    page.get_by_role("link", name="Record a measure").click()
    page.get_by_label("Type of measure").select_option(label="Domestic violence protection order (DVPO)")
    page.get_by_label("Your reference for the measure").fill("WMP/DVPO/0101")
    page.get_by_label("The notice it follows (optional)").select_option(label="DVPN WMP/DVPN/0101")
    page.get_by_label("Name of the person restrained").fill("Paul Black")
    page.get_by_label("Name of the victim protected").fill("Ann Black")
    page.get_by_label("A court", exact=True).check()
    page.get_by_label("Court (for a court order)").fill("Birmingham Magistrates' Court")
    fill_date(page, "Date made", YESTERDAY)
    page.get_by_label("Time made", exact=True).fill("10:00")
    fill_date(page, "Last day it has effect (bail: the date to return)", YESTERDAY + dt.timedelta(days=34))
    save(page)

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("must last 14 to 28 days")
    expect(summary).to_contain_text("this one lasts 35 days")
    expect(summary).to_contain_text("Crime and Security Act 2010, s.28(10)")
    source = page.get_by_role("link", name="Crime and Security Act 2010, s.28(10) (opens in new tab)")
    expect(source).to_have_attribute("href", re.compile(r"legislation\.gov\.uk/ukpga/2010/17/section/28"))
    # The form is kept as typed: only the last day needs correcting.
    expect(page.get_by_label("Your reference for the measure")).to_have_value("WMP/DVPO/0101")
    expect(page.get_by_label("Court (for a court order)")).to_have_value("Birmingham Magistrates' Court")
    expect(page.get_by_label("A court", exact=True)).to_be_checked()
    last_day = page.get_by_role("group", name="Last day it has effect (bail: the date to return)", exact=True)
    expect(last_day.get_by_label("Day")).to_have_value(str((YESTERDAY + dt.timedelta(days=34)).day))

    fill_date(page, "Last day it has effect (bail: the date to return)", YESTERDAY + dt.timedelta(days=27))
    save(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Domestic violence protection order WMP/DVPO/0101")
    expect(page.get_by_text("Ends on")).to_be_visible()


def tell_the_victim(page: Page) -> None:
    page.get_by_role("link", name="Record what the victim was told").click()
    page.get_by_label("The measure was made").check()
    fill_date(page, "Date", YESTERDAY)
    page.get_by_label("Time", exact=True).fill("11:00")
    page.get_by_label("By phone").check()
    save(page)
    expect(page.get_by_text("Victim told: the measure was made")).to_be_visible()


def report_the_breach_and_what_followed(page: Page) -> None:
    page.get_by_role("link", name="Report a breach").click()
    fill_date(page, "Date reported", YESTERDAY)
    page.get_by_label("Time reported", exact=True).fill("18:00")
    page.get_by_label("The victim", exact=True).check()
    page.get_by_label("What happened").fill("He phoned her twelve times")
    save(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Breach reported")
    expect(page.get_by_text("Not recorded")).to_be_visible()

    open_worklist(page)
    expect(page.get_by_role("heading", name="Breaches with no police response recorded (1)")).to_be_visible()
    section(page, "Breaches with no police response recorded").get_by_role("link").click()

    page.get_by_role("link", name="Record the police response").click()
    page.get_by_label("Arrest", exact=True).check()
    fill_date(page, "Date (of the arrest, if arrested)", YESTERDAY)
    page.get_by_label("Time", exact=True).fill("20:00")
    save(page)
    expect(page.get_by_text(re.compile(r"\(2(\.0)? hours after the report\)"))).to_be_visible()

    page.get_by_role("link", name="Record a charge").click()
    fill_date(page, "Date charged", YESTERDAY)
    page.get_by_label("Charge", exact=True).fill("Breach of a domestic violence protection order")
    save(page)
    expect(page.get_by_text("Breach of a domestic violence protection order,")).to_be_visible()

    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_label("Conviction").check()
    fill_date(page, "Date of the outcome (not needed while pending)", YESTERDAY)
    save(page)
    expect(page.locator(".govuk-summary-list__row", has_text="Outcome")).to_contain_text("Conviction")

    open_worklist(page)
    expect(page.get_by_role("heading", name="Breaches with no police response recorded (0)")).to_be_visible()


def record_a_power_not_used_then_the_victim_told(page: Page) -> None:
    open_section(page)
    section_link(page, "Powers not used").click()
    page.get_by_role("link", name="Record a power not used").click()
    page.get_by_label("Crime or incident reference").fill("20/999/26")
    page.get_by_label("Measure available but not used").select_option(label="Stalking protection order")
    fill_date(page, "Date of the decision", YESTERDAY)
    page.get_by_label("Why it was not used").fill("A single incident: no pattern of stalking")
    page.get_by_label("What was done instead to protect the victim").fill("Referral to the IDVA")
    save(page)
    expect(page.get_by_role("heading", name="not used in 20/999/26")).to_be_visible()
    expect(page.get_by_text("Not yet told")).to_be_visible()

    open_worklist(page)
    not_told = section(page, "Powers not used: victim not told")
    expect(page.get_by_role("heading", name="Powers not used: victim not told (1)")).to_be_visible()
    not_told.get_by_role("link", name="not used in 20/999/26").click()

    page.get_by_role("link", name="Record that the victim was told").click()
    fill_date(page, "Date the victim was told", YESTERDAY)
    page.get_by_label("Time", exact=True).fill("16:00")
    page.get_by_label("By phone").check()
    save(page)
    expect(page.get_by_text("Recorded that the victim was told")).to_be_visible()
    expect(page.get_by_text("Not yet told")).to_have_count(0)

    open_worklist(page)
    expect(page.get_by_role("heading", name="Powers not used: victim not told (0)")).to_be_visible()
    expect(page.get_by_role("link", name="20/999/26")).to_have_count(0)


def figure(table: Locator, row: str) -> Locator:
    """The first number in a table's row (not PPDA-linked), found by the row's heading."""
    return (
        table.get_by_role("row")
        .filter(has=table.page.get_by_role("rowheader", name=row, exact=True))
        .get_by_role("cell")
        .first
    )


def read_the_dashboard(page: Page) -> None:
    open_section(page)
    section_link(page, "Dashboard").click()
    expect(section_link(page, "Dashboard")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Breaches of protective measures and what the police did")).to_be_visible()
    # The chart has a text alternative; its numbers are in the table beside it.
    expect(
        page.get_by_role("img", name=re.compile("Breaches reported, arrested, charged and convicted"))
    ).to_be_visible()
    funnel = page.get_by_role("table", name="Breaches at each stage")
    for stage in ("Reported", "Arrested", "Charged", "Convicted"):
        expect(figure(funnel, stage)).to_have_text("1")
    outcomes = page.get_by_role("table", name="Outcomes and responses (not PPDA-linked)")
    expect(figure(outcomes, "Conviction")).to_have_text("1")
    expect(figure(outcomes, "No response recorded")).to_have_text("0")


def test_a_notice_its_order_a_breach_and_a_power_not_used(page: Page, live_server: object, team: User) -> None:
    sign_in(page, str(live_server), "wmp.protection")
    record_the_notice_and_read_its_clock(page)
    make_the_order_refused_then_allowed(page)

    open_worklist(page)
    expect(section(page, "In force, victim not recorded as told")).to_contain_text("WMP/DVPO/0101")
    section(page, "In force, victim not recorded as told").get_by_role("link").click()
    tell_the_victim(page)
    open_worklist(page)
    expect(page.get_by_role("heading", name="In force, victim not recorded as told (0)")).to_be_visible()

    open_section(page)
    page.get_by_role("link", name="DVPO WMP/DVPO/0101").click()
    report_the_breach_and_what_followed(page)
    record_a_power_not_used_then_the_victim_told(page)
    read_the_dashboard(page)

"""A PPDA case in a browser: a hotline report becomes a case, the subject's team-mate cannot find
it, an independent investigator is assigned with the check shown, the victim's preferences are
recorded, and the recommendation 1 audit report includes the case."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.conftest import sign_in, sign_out
from oversight.audit.models import Alert, AlertKind
from oversight.cases.models import Case, TeamMember, TeamRole
from tests.case_personas import SUBJECT_STAFF_NUMBER, CasePersonas, make_case_personas, make_workforce
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

VICTIM = "Joanne Whitfield"


@pytest.fixture
def people(reference_organisations: None) -> CasePersonas:
    personas = make_case_personas(make_workforce())
    for user in (personas.psd_handler, personas.psd_lead, personas.subject_teammate):
        user.set_password(PASSWORD)
        user.save()
    return personas


def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=re.compile(legend))
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def handler_records_the_hotline_report(page: Page, base: str) -> Case:
    sign_in(page, base, "wmp.psd.handler")
    page.get_by_role("link", name="Cases", exact=True).first.click()
    page.get_by_role("button", name="Record a new case").click()
    page.get_by_label("Notification hotline").check()
    today = timezone.localdate()
    fill_date(page, "Date received", today.day, today.month, today.year)
    page.get_by_label("What was reported").fill("Caller reports coercive control by her partner, a serving PC.")
    page.get_by_label("Victim's name").fill(VICTIM)
    page.get_by_label("Subjects' staff numbers").fill(SUBJECT_STAFF_NUMBER)
    page.get_by_label("Allegations (optional)").fill("Controlling or coercive behaviour")
    page.get_by_role("button", name="Record the case").click()
    case = Case.objects.get(victim__name=VICTIM)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    return case


def teammate_cannot_find_it(page: Page, base: str, case: Case) -> None:
    sign_in(page, base, "wmp.foster")
    page.goto(f"{base}/cases/?q={VICTIM.split()[1]}")
    expect(page.get_by_text(case.reference)).to_have_count(0)
    expect(page.get_by_text(VICTIM)).to_have_count(0)
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    sign_out(page)


def handler_assigns_an_independent_investigator(page: Page, base: str, case: Case) -> None:
    sign_in(page, base, "wmp.psd.handler")
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Team and independence", exact=True).click()
    page.get_by_role("link", name="Assign someone").click()
    page.get_by_role("radio", name="Investigator", exact=True).check()
    page.get_by_label("Staff number").fill("WM35210")
    page.get_by_role("button", name="Check independence").click()
    expect(page.get_by_text("Tom Beck").first).to_be_visible()
    expect(page.get_by_text(re.compile("no connection|independent", re.I)).first).to_be_visible()
    page.get_by_role("button", name="Confirm assignment").click()
    expect(page.get_by_text("Tom Beck").first).to_be_visible()


def handler_records_the_victims_preferences(page: Page, base: str, case: Case) -> None:
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="The victim's voice", exact=True).click()
    page.get_by_role("link", name=re.compile("Record the preferences")).click()
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Agreed contact interval, in days").fill("7")
    page.get_by_label("Safe times to contact").fill("Weekdays 12 to 2pm, at her sister's")
    page.get_by_label("Safe phone number").fill("07700 900123")
    page.get_by_role("button", name=re.compile("Save|Record", re.I)).click()
    expect(page.get_by_text("Weekdays 12 to 2pm, at her sister's")).to_be_visible()
    sign_out(page)


def lead_audits_and_finds_the_case(page: Page, base: str, case: Case) -> None:
    sign_in(page, base, "wmp.psd.lead")
    page.goto(f"{base}/cases/audits/")
    page.get_by_role("link", name="Start an audit").click()
    today = timezone.localdate()
    fill_date(page, "Audit date", today.day, today.month, today.year)
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_text(case.reference).first).to_be_visible()


def test_hotline_report_to_audit(page: Page, live_server: object, people: CasePersonas) -> None:
    base = str(live_server)
    case = handler_records_the_hotline_report(page, base)
    sign_out(page)

    teammate_cannot_find_it(page, base, case)
    alerts = Alert.objects.filter(object_id=case.pk, actor=people.subject_teammate)
    assert {alert.kind for alert in alerts} >= {AlertKind.EXCLUDED_SEARCHED, AlertKind.EXCLUDED_OPENED}

    handler_assigns_an_independent_investigator(page, base, case)
    assert TeamMember.objects.active().filter(case=case, user=people.investigator, role=TeamRole.INVESTIGATOR).exists()
    handler_records_the_victims_preferences(page, base, case)
    lead_audits_and_finds_the_case(page, base, case)

"""Retention in a browser: the PSD lead finds a closed case past its period, is asked why before it
is deleted, deletes it; the administrator then reads the trail's head, and the trail still verifies.
The PSD lead also deletes the register entry of someone who left the force long ago."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.test_case_journey import sign_in, sign_out
from oversight.audit.chain import head
from oversight.cases.models import Case, CaseStatus
from oversight.workforce.models import Person, PersonKind, Posting
from tests.case_personas import CasePersonas, make_case_personas, make_workforce, open_ppda_case
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(reference_organisations: None) -> CasePersonas:
    workforce = make_workforce()
    personas = make_case_personas(workforce)
    for user in (personas.psd_lead, personas.administrator):
        user.set_password(PASSWORD)
        user.save()
    case = open_ppda_case(personas, workforce)
    closed = timezone.localdate() - dt.timedelta(days=366 * 11)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=closed, received_on=closed)
    leaver = Person.objects.create(force=workforce.wmp, staff_number="WM09001", name="Owen Leaver",
                                   kind=PersonKind.OFFICER, rank_or_grade="PC")  # fmt: skip
    left = timezone.localdate() - dt.timedelta(days=366 * 8)
    Posting.objects.create(person=leaver, unit=workforce.coventry, started_on=left - dt.timedelta(days=366 * 4),
                           ended_on=left)  # fmt: skip
    return personas


def test_a_closed_case_past_retention_is_deleted_with_a_reason(
    page: Page, live_server: object, people: CasePersonas
) -> None:
    base = str(live_server)
    case = Case.objects.get()
    sign_in(page, base, "wmp.psd.lead")
    page.goto(f"{base}/retention/")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", name="Delete this case?")).to_be_visible()
    page.get_by_role("button", name="Delete the case").click()
    expect(page.get_by_role("alert").get_by_text("Enter the reason for deleting it")).to_be_visible()
    page.get_by_label("Reason for deleting it").fill("Closed eleven years ago; nothing outstanding.")
    page.get_by_role("button", name="Delete the case").click()
    expect(page.get_by_text(f"Case {case.reference} deleted.")).to_be_visible()
    assert not Case.objects.exists()
    sign_out(page)

    sign_in(page, base, "sys.admin")  # a sign-in attempt is chained too: read the head after it
    call_command("audit", "verify", stdout=StringIO())
    last = head()
    assert last is not None
    page.goto(f"{base}/audit/trail/")
    expect(page.get_by_text(f"{last.seq}:{last.hash}").first).to_be_visible()
    expect(page.get_by_text("Whole")).to_be_visible()


def test_a_leavers_register_entry_past_retention_is_deleted_with_a_reason(
    page: Page, live_server: object, people: CasePersonas
) -> None:
    base = str(live_server)
    sign_in(page, base, "wmp.psd.lead")
    page.goto(f"{base}/retention/")
    page.get_by_role("link", name="PC Owen Leaver (WM09001)").click()
    expect(page.get_by_role("heading", name="Delete this register entry?")).to_be_visible()
    page.get_by_label("Reason for deleting it").fill("Left eight years ago; no case names them.")
    page.get_by_role("button", name="Delete the entry").click()
    expect(page.get_by_text("PC Owen Leaver deleted.")).to_be_visible()
    assert not Person.objects.filter(staff_number="WM09001").exists()

"""An administrator finds a daily job that failed for good under "Jobs" and runs it again; someone
without the role finds no such page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oversight.jobs.models import DailyRun, RunStatus
from tests.personas import make_personas

from .test_register_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def failed_run(reference_organisations: None) -> DailyRun:
    make_personas()
    return DailyRun.objects.create(
        job="returns reminders",
        day=dt.date(2026, 11, 20),
        status=RunStatus.FAILED,
        attempts=4,
        last_error="ConnectionRefusedError in oversight/returns/reminders.py:81 (_remind)",
        finished_at=timezone.now(),
    )


def test_an_administrator_runs_a_failed_day_again(page: Page, live_server: object, failed_run: DailyRun) -> None:
    base = str(live_server)
    sign_in(page, base, "admin")
    page.get_by_role("link", name="Jobs").click()
    failed = page.get_by_role("table", name="Failed runs (1)")
    expect(failed).to_contain_text("Returns reminders")
    expect(failed).to_contain_text("20 November 2026")
    expect(failed).to_contain_text("ConnectionRefusedError in oversight/returns/reminders.py:81")
    failed.get_by_role("button", name="Run again returns reminders for 20 November 2026").click()
    expect(page.get_by_text("returns reminders for 20 November 2026 will run again")).to_be_visible()
    expect(page.get_by_role("table", name="Failed runs (0)")).to_contain_text("No run has failed.")
    expect(page.get_by_role("table", name="Recent runs")).to_contain_text("Waiting to run")
    failed_run.refresh_from_db()
    assert failed_run.status == RunStatus.PENDING and failed_run.attempts == 0

    sign_out(page)
    sign_in(page, base, "wmp.liaison")
    expect(page.get_by_role("link", name="Jobs")).to_have_count(0)
    response = page.goto(f"{base}/operations/jobs/")
    assert response is not None and response.status == 404

"""The daily jobs page: a failed run shown to a system administrator with its job, day, attempts and
the error's type and place (never its message), run again from there; everyone else gets the 404 a
missing page gets, for the page and the button. And /readyz reports failed runs and a stale sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oversight.jobs import rules
from oversight.jobs.models import DailyRun, RunStatus
from oversight.jobs.sweep import run_sweep
from tests.conftest import client_for
from tests.jobs_fixtures import TODAY, Recorder, done
from tests.personas import Personas

pytest_plugins = ["tests.jobs_fixtures"]
pytestmark = pytest.mark.django_db

SECRET = "Secret Road"  # in the failing job's exception message (tests/jobs_fixtures.py)


@pytest.fixture
def failed_run(jobs: Callable[..., Recorder]) -> tuple[DailyRun, Recorder]:
    """A job whose day failed on every attempt."""
    recorder = jobs("returns reminders")
    done("returns reminders", TODAY - dt.timedelta(days=1))
    recorder.failing = {TODAY}
    for _ in range(rules.MAX_ATTEMPTS):
        run_sweep(TODAY)
        DailyRun.objects.filter(status=RunStatus.RETRYING).update(next_attempt_at=timezone.now())
    run = DailyRun.objects.get(day=TODAY)
    assert run.status == RunStatus.FAILED
    return run, recorder


def refused(personas: Personas) -> list[User]:
    staff_without_the_role = User.objects.create_user("stale.staff", is_staff=True)
    return [
        personas.liaison,
        personas.owner,
        personas.hmicfrs_lead,
        personas.committee_member,
        personas.opcc_officer,
        personas.national_analyst,
        personas.no_role,
        staff_without_the_role,
    ]


def test_an_administrator_sees_the_failed_run_without_its_message(
    personas: Personas, failed_run: tuple[DailyRun, Recorder]
) -> None:
    run, _ = failed_run
    page = client_for(personas.administrator).get(reverse("jobs:overview"))
    assert page.status_code == 200
    html = page.content.decode()
    failed_table = html.split("Failed runs (1)")[1].split("</table>")[0]
    assert "Returns reminders" in failed_table and "20 November 2026" in failed_table
    assert f">{rules.MAX_ATTEMPTS}<" in failed_table and "RuntimeError in " in failed_table
    assert reverse("jobs:run_again", args=[run.pk]) in failed_table
    assert SECRET not in html


def test_run_again_puts_the_day_back_and_the_next_sweep_runs_it(
    personas: Personas, failed_run: tuple[DailyRun, Recorder]
) -> None:
    run, recorder = failed_run
    client = client_for(personas.administrator)
    response = client.post(reverse("jobs:run_again", args=[run.pk]), follow=True)
    assert response.status_code == 200 and "will run again" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.PENDING and run.attempts == 0
    assert run.transitions.last().by == personas.administrator  # type: ignore[union-attr]

    recorder.failing = set()
    run_sweep(TODAY)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and recorder.days[-1] == TODAY

    again = client.post(reverse("jobs:run_again", args=[run.pk]))
    assert again.status_code == 400
    assert "There is a problem" in again.content.decode() and "not failed" in again.content.decode()


def test_run_again_queues_a_sweep_for_the_workers(
    personas: Personas, failed_run: tuple[DailyRun, Recorder], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    run, _ = failed_run
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.administrator).post(reverse("jobs:run_again", args=[run.pk]))
    assert DBTaskResult.objects.get().task_path == "oversight.jobs.tasks.sweep_daily_jobs"


def test_everyone_else_gets_the_page_a_missing_page_gets(
    personas: Personas, failed_run: tuple[DailyRun, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)  # pages compared byte for byte
    run, _ = failed_run
    # A run id that does not exist, as long as the real one (the switcher echoes the address).
    absent = next(
        pk for pk in range(10 ** (len(str(run.pk)) - 1), run.pk + 10) if not DailyRun.objects.filter(pk=pk).exists()
    )
    for user in refused(personas):
        client = client_for(user)
        missing = client.get("/operations/no-such-page/")
        page = client.get(reverse("jobs:overview"))
        button = client.post(reverse("jobs:run_again", args=[run.pk]))
        missing_run = client.post(reverse("jobs:run_again", args=[absent]))
        assert page.status_code == button.status_code == missing.status_code == 404, user.username
        assert button.headers == missing_run.headers
        if user.memberships.values("organisation").distinct().count() < 2:  # no switcher echoing the address
            assert page.content == button.content == missing.content == missing_run.content
            assert b"Page not found" in page.content
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.transitions.filter(by__isnull=False).count() == 0


def test_the_navigation_shows_jobs_to_administrators_only(personas: Personas) -> None:
    link = f'href="{reverse("jobs:overview")}"'
    assert link in client_for(personas.administrator).get("/").content.decode()
    assert link not in client_for(personas.liaison).get("/").content.decode()


def test_readyz_reports_failed_runs_and_a_stale_sweep_but_stays_ready(
    failed_run: tuple[DailyRun, Recorder],
) -> None:
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    jobs = ready.json()["jobs"]
    assert jobs["failed"] == 1 and jobs["stale"] is False and jobs["last_finished"] is not None

    DailyRun.objects.update(finished_at=timezone.now() - rules.STALE_AFTER - dt.timedelta(minutes=1))
    stale = Client().get("/readyz")
    assert stale.status_code == 200 and stale.json()["status"] == "ok"
    assert stale.json()["jobs"]["stale"] is True

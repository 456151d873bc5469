"""Reminders about returns not yet submitted: through the task queue, from `oversight returns remind`,
once per return, kind and day, by email with no answer content."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from oversight.returns import services
from oversight.returns.models import Acceptance, QuestionKind, Reminder, ReminderKind, Return, ReturnRequest
from oversight.returns.reminders import reminder_due
from tests.personas import Personas
from tests.returns_helpers import question

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2099, 1, 31)
SECRET = "An answer nobody outside the return may read"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


def _remind(today: str) -> str:
    out = StringIO()
    call_command("returns", "remind", "--today", today, stdout=out)
    return out.getvalue()


def test_a_due_soon_reminder_once_however_often_the_command_runs(personas: Personas, wm_return: Return) -> None:
    taken = question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk
    services.save_answers(wm_return, personas.opcc_officer, None, {taken: SECRET})
    assert "queued" in _remind("2099-01-20")  # 11 days before: too early
    assert not Reminder.objects.exists()
    _remind("2099-01-25")
    _remind("2099-01-25")
    _remind("2099-01-27")
    reminders = Reminder.objects.filter(return_record=wm_return)
    assert [(r.kind, r.on) for r in reminders] == [(ReminderKind.DUE_SOON, dt.date(2099, 1, 25))]
    assert Reminder.objects.count() == 43  # one for each governing body, none twice
    mine = [m for m in mail.outbox if personas.opcc_officer.email in m.to]
    assert len(mine) == 1 and len(mail.outbox) == 1  # only West Midlands has an officer to email
    message = mine[0]
    assert "due soon" in message.subject and "31 January 2099" in message.body
    assert f"/returns/return/{wm_return.pk}/" in message.body
    assert SECRET not in message.body and SECRET not in message.subject


def test_overdue_reminders_weekly_and_none_once_submitted(personas: Personas, wm_return: Return) -> None:
    for day in ("2099-02-01", "2099-02-01", "2099-02-05", "2099-02-07", "2099-02-08"):
        _remind(day)
    overdue = Reminder.objects.filter(return_record=wm_return, kind=ReminderKind.OVERDUE)
    assert sorted(r.on for r in overdue) == [dt.date(2099, 2, 1), dt.date(2099, 2, 8)]  # a week apart
    accepted = question(wm_return.request, QuestionKind.ACCEPTED).pk
    record = services.save_answers(wm_return, personas.opcc_officer, None, {accepted: Acceptance.ACCEPTED})
    services.submit_return(record, personas.opcc_officer, record.version)
    _remind("2099-02-20")
    assert overdue.count() == 2
    assert Reminder.objects.filter(on=dt.date(2099, 2, 20)).count() == 42


def test_a_returned_return_is_reminded_again(personas: Personas, wm_return: Return) -> None:
    accepted = question(wm_return.request, QuestionKind.ACCEPTED).pk
    record = services.save_answers(wm_return, personas.opcc_officer, None, {accepted: Acceptance.ACCEPTED})
    record = services.submit_return(record, personas.opcc_officer, record.version)
    assert reminder_due(record, dt.date(2099, 1, 30)) == ReminderKind.DUE_SOON  # what it would be, if awaited
    services.return_for_clarification(record, personas.national_analyst, None, {None: "Say more."})
    _remind("2099-01-30")
    assert Reminder.objects.filter(return_record=wm_return, kind=ReminderKind.DUE_SOON).exists()


def test_the_officer_sees_the_reminder_in_the_product(personas: Personas, wm_return: Return) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    _remind("2099-02-02")
    page = client_for(personas.opcc_officer).get(reverse("returns:requests")).content.decode()
    assert "Reminders" in page and "was due on 31 January 2099 and has not been submitted" in page


def test_a_draft_request_has_no_returns_to_remind(personas: Personas, sent_request: ReturnRequest) -> None:
    ReturnRequest.objects.filter(pk=sent_request.pk).update(status="draft")
    _remind("2099-01-30")
    assert not Reminder.objects.exists()


def test_the_command_queues_a_job_on_the_database_queue(sent_request: ReturnRequest, settings: object) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}  # type: ignore[attr-defined]
    _remind("2099-01-30")
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("send_return_reminders") and job.args_kwargs["args"] == ["2099-01-30"]
    assert not Reminder.objects.exists()  # sent when the worker runs it


def test_a_malformed_date_is_refused_with_status_2(db: None) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD") as error:
        call_command("returns", "remind", "--today", "31/01/2099")
    assert error.value.returncode == 2


def test_a_mail_server_that_is_down_leaves_no_reminder_and_the_retry_sends_it(
    personas: Personas, wm_return: Return, settings: object
) -> None:
    """The row and the email are one transaction: a refused email takes its row back, so the daily
    sweep's next attempt sends it (before, the row stayed and the reminder was never sent)."""
    from oversight.returns.reminders import send_reminders
    from tests.jobs_fixtures import mail_server_down, mail_server_up

    mail_server_down(settings)
    with pytest.raises(OSError):
        send_reminders(dt.date(2099, 1, 25))
    assert not Reminder.objects.filter(return_record=wm_return).exists()
    mail_server_up(settings)
    send_reminders(dt.date(2099, 1, 25))
    send_reminders(dt.date(2099, 1, 25))
    assert Reminder.objects.filter(return_record=wm_return).count() == 1
    assert [m.to for m in mail.outbox] == [[personas.opcc_officer.email]]

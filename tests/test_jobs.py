"""The daily sweep: each (job, day) once, missed days caught up in order within the window, failures
tried again with a wait and then failed for good, a run whose worker was killed claimed again with its
effect happening once, and messages delivered once per day and recipient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from oversight.jobs import registry, rules
from oversight.jobs.deliveries import deliver_once
from oversight.jobs.models import DailyRun, Delivery, RunStatus
from oversight.jobs.runs import LOST_WORKER, claim_next, finish
from oversight.jobs.sweep import run_sweep, sweep_day
from tests.jobs_fixtures import TODAY, Recorder, done, mail_server_down, mail_server_up, statuses

pytest_plugins = ["tests.jobs_fixtures"]
pytestmark = pytest.mark.django_db

Jobs = Callable[..., Recorder]


def days_before(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def test_three_missed_days_are_caught_up_in_order(jobs: Jobs) -> None:
    recorder = jobs("reminders")
    done("reminders", days_before(3))
    report = run_sweep(TODAY)
    assert recorder.days == [days_before(2), days_before(1), TODAY]
    assert [day for _, day, _ in report.done] == recorder.days
    assert statuses("reminders") == [(days_before(3), "done")] + [(d, "done") for d in recorder.days]
    run_sweep(TODAY)
    assert len(recorder.days) == 3  # a second sweep finds nothing owed


def test_a_new_job_starts_today_and_catch_up_stops_at_the_window(jobs: Jobs) -> None:
    fresh, old = jobs("fresh"), jobs("old")
    done("old", days_before(40))
    run_sweep(TODAY)
    assert fresh.days == [TODAY]
    assert old.days == [days_before(n) for n in range(rules.CATCH_UP_DAYS - 1, -1, -1)]  # 14 days, oldest first


def test_a_today_only_job_skips_the_days_it_missed(jobs: Jobs) -> None:
    worklist = jobs("worklist", catch_up=False)
    done("worklist", days_before(3))
    DailyRun.objects.create(job="worklist", day=days_before(2))  # planned, never run: the worker stopped
    run_sweep(TODAY)
    assert worklist.days == [TODAY]
    assert statuses("worklist") == [(days_before(3), "done"), (days_before(2), "skipped"), (TODAY, "done")]


def test_a_failing_day_is_tried_again_after_a_wait_and_later_days_wait_for_it(jobs: Jobs) -> None:
    recorder = jobs("reminders")
    done("reminders", days_before(3))
    recorder.failing = {days_before(2)}
    report = run_sweep(TODAY)
    assert recorder.days == [days_before(2)]  # the later days wait: days run in order
    [(_, day, status, _summary)] = report.failed
    assert day == days_before(2) and status == RunStatus.RETRYING
    run = DailyRun.objects.get(job="reminders", day=days_before(2))
    assert run.status == RunStatus.RETRYING and run.attempts == 1
    assert run.next_attempt_at is not None and run.next_attempt_at > timezone.now() + dt.timedelta(minutes=4)
    assert run.last_error.startswith("RuntimeError in ") and "Secret Road" not in run.last_error

    run_sweep(TODAY)
    assert recorder.days == [days_before(2)]  # its wait is not over

    recorder.failing = set()
    DailyRun.objects.filter(pk=run.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    run_sweep(TODAY)
    assert recorder.days == [days_before(2), days_before(2), days_before(1), TODAY]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2
    assert [t.to_status for t in run.transitions.all()] == ["running", "retrying", "running", "done"]


def test_a_day_that_keeps_failing_is_failed_for_good_and_the_next_days_run(jobs: Jobs) -> None:
    recorder = jobs("reminders")
    done("reminders", days_before(1))
    recorder.failing = {TODAY}
    for _ in range(rules.MAX_ATTEMPTS):
        run_sweep(TODAY)
        DailyRun.objects.filter(status=RunStatus.RETRYING).update(next_attempt_at=timezone.now())
    run = DailyRun.objects.get(job="reminders", day=TODAY)
    assert run.status == RunStatus.FAILED and run.attempts == rules.MAX_ATTEMPTS
    assert run.finished_at is not None and len(recorder.days) == rules.MAX_ATTEMPTS
    run_sweep(TODAY)
    assert len(recorder.days) == rules.MAX_ATTEMPTS  # failed for good: only a person runs it again
    recorder.failing = set()
    run_sweep(TODAY + dt.timedelta(days=1))
    assert recorder.days[-1] == TODAY + dt.timedelta(days=1)  # a failed day does not hold up the next


def test_a_run_whose_worker_was_killed_is_claimed_again_and_its_effect_happens_once(jobs: Jobs) -> None:
    """The worker dies mid-job, after emailing the first of two people: the run stays claimed until its
    lease expires, then the next sweep runs it again, and only the second person is emailed."""
    killed = {"yes": True}

    def email_two(day: dt.date) -> int:
        sent = 0
        for address in ("first@example.org", "second@example.org"):
            sent += deliver_once("email two", day, address, lambda a=address: send_mail("S", "B", None, [a]))
            if killed["yes"]:
                raise SystemExit(1)  # what the worker's second Ctrl-C does mid-task: not an ordinary failure
        return sent

    registry.daily("email two")(email_two)  # alone in the registry the `jobs` fixture emptied
    with pytest.raises(SystemExit):
        run_sweep(TODAY)
    run = DailyRun.objects.get(job="email two")
    assert run.status == RunStatus.RUNNING and run.attempts == 1
    assert [m.to for m in mail.outbox] == [["first@example.org"]]

    killed["yes"] = False
    run_sweep(TODAY)  # its lease has not expired: another worker may still be running it
    assert len(mail.outbox) == 1

    DailyRun.objects.filter(pk=run.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    run_sweep(TODAY)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2 and run.last_error == LOST_WORKER
    assert sorted(m.to[0] for m in mail.outbox) == ["first@example.org", "second@example.org"]
    assert Delivery.objects.filter(job="email two", day=TODAY).count() == 2


def test_a_worker_that_finishes_after_its_claim_passed_on_changes_nothing(jobs: Jobs) -> None:
    jobs("slow")
    job = registry.find("slow")
    assert job is not None
    DailyRun.objects.create(job="slow", day=TODAY)
    now = timezone.now()
    first = claim_next(job, TODAY, "worker-1", now)
    assert first is not None
    assert claim_next(job, TODAY, "worker-2", now) is None  # claimed, lease running
    second = claim_next(job, TODAY, "worker-2", now + rules.LEASE + dt.timedelta(seconds=1))
    assert second is not None and second.attempts == 2
    finish(first, 7, timezone.now())
    run = DailyRun.objects.get(job="slow")
    assert run.status == RunStatus.RUNNING and run.claimed_by == "worker-2" and run.result is None
    finish(second, 8, timezone.now())
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.result == 8


def test_a_run_lost_on_its_last_attempt_is_failed_for_good(jobs: Jobs) -> None:
    recorder = jobs("reminders")
    lost = timezone.now() - dt.timedelta(seconds=1)
    DailyRun.objects.create(
        job="reminders", day=TODAY, status=RunStatus.RUNNING, attempts=rules.MAX_ATTEMPTS, lease_expires_at=lost
    )
    run_sweep(TODAY)
    run = DailyRun.objects.get(job="reminders")
    assert run.status == RunStatus.FAILED and run.last_error == LOST_WORKER and recorder.days == []


def test_deliver_once_sends_again_only_what_the_mail_server_refused(settings: object) -> None:
    mail_server_down(settings)

    def send() -> None:
        send_mail("Subject", "Body", None, ["person@example.org"])

    with pytest.raises(OSError):
        deliver_once("job", TODAY, "user:1", send)
    assert not Delivery.objects.exists()  # nothing recorded: the retry sends it

    mail_server_up(settings)
    assert deliver_once("job", TODAY, "user:1", send) is True
    assert deliver_once("job", TODAY, "user:1", send) is False
    assert deliver_once("job", TODAY + dt.timedelta(days=1), "user:1", send) is True
    assert len(mail.outbox) == 2


def test_the_product_registers_its_daily_jobs() -> None:
    names = {job.name: job for job in registry.jobs()}
    assert names["returns reminders"].catch_up is True
    assert names["protection worklist reminders"].catch_up is False


def test_two_jobs_of_one_name_are_refused(jobs: Jobs) -> None:
    from django.core.exceptions import ImproperlyConfigured

    jobs("same")

    def other(day: dt.date) -> int:
        return 0

    with pytest.raises(ImproperlyConfigured, match="Two daily jobs are named 'same'"):
        registry.daily("same")(other)


def test_the_sweep_day_begins_at_the_daily_hour() -> None:
    london = timezone.get_current_timezone()
    before = dt.datetime(2026, 11, 20, rules.DAILY_HOUR - 1, 59, tzinfo=london)
    assert sweep_day(before) == dt.date(2026, 11, 19)
    assert sweep_day(before + dt.timedelta(minutes=1)) == dt.date(2026, 11, 20)


def test_the_command_sweeps_reports_and_fails_with_status_1(jobs: Jobs) -> None:
    recorder = jobs("reminders")
    done("reminders", days_before(2))
    out = StringIO()
    call_command("jobs", "sweep", "--today", TODAY.isoformat(), stdout=out)
    assert recorder.days == [days_before(1), TODAY]
    assert "2 done, 0 failed" in out.getvalue()

    recorder.failing = {TODAY + dt.timedelta(days=1)}
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("jobs", "sweep", "--today", "2026-11-21", stdout=StringIO(), stderr=err)
    assert failed.value.returncode == 1
    assert "failed, to be tried again: RuntimeError" in err.getvalue() and "Secret" not in err.getvalue()

    status = StringIO()
    call_command("jobs", "status", stdout=status)
    assert status.getvalue().strip() == "reminders: last done 2026-11-20; 1 waiting or retrying; 0 failed"


def test_the_command_refuses_a_malformed_day_with_status_2() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD") as error:
        call_command("jobs", "sweep", "--today", "20/11/2026")
    assert error.value.returncode == 2


def test_a_worker_queues_one_sweep_when_a_day_begins_and_runs_it(jobs: Jobs, monkeypatch: pytest.MonkeyPatch) -> None:
    """`oversight worker` looks at start (and every minute) whether a sweep is due, queues one unless one
    waits, and runs it like any task."""
    from django_tasks_db.models import DBTaskResult

    from oversight.jobs.sweep import sweep_due
    from oversight.jobs.worker import tick

    recorder = jobs("reminders")
    now = timezone.now()
    today = sweep_day(now)
    done("reminders", today - dt.timedelta(days=1))
    assert sweep_due(now) is True
    assert tick(now) is True
    assert tick(now) is False  # one is waiting already
    # The worker closes connections it thinks stale, the test's own transaction among them.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO(), stderr=StringIO())
    assert recorder.days == [today]
    [sweep] = DBTaskResult.objects.all()
    assert sweep.status == "SUCCESSFUL" and sweep.return_value == {"done": 1, "failed": 0}
    assert sweep_due(now) is False and tick(now) is False

    DailyRun.objects.filter(day=today).update(status=RunStatus.RETRYING, next_attempt_at=now)
    assert sweep_due(now) is True  # a retry whose wait is over

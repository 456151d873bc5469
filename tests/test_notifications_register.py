"""Notifications of the register's sign-off steps, extensions and dates (issue 12)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command

from oversight.notifications import delivery, register_events, sweep
from oversight.notifications.access import unread_count, visible_notifications
from oversight.notifications.models import Email, Notification, NotificationKind
from oversight.organisations.models import Membership, Organisation
from oversight.recommendations import services
from oversight.recommendations.models import GoverningBodyResponse, TrackingRecord
from tests.factories import ReportFactory
from tests.personas import Personas


def kinds(user: User) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _submitted(tracking: TrackingRecord, personas: Personas) -> TrackingRecord:
    services.add_evidence(
        tracking, personas.owner, title="Policy", effective_on=dt.date(2023, 1, 5), url="https://example.org/p"
    )
    return services.submit_for_signoff(tracking, personas.owner)


def test_submitting_tells_the_liaison_officer_and_not_the_owner_who_acted(
    personas: Personas, tracking: TrackingRecord
) -> None:
    _submitted(tracking, personas)
    assert kinds(personas.liaison) == [NotificationKind.SUBMITTED]
    assert kinds(personas.owner) == []
    for outsider in personas.refused_tracking():
        assert kinds(outsider) == []


def test_returned_to_owner_shows_in_their_count_and_once_only(personas: Personas, tracking: TrackingRecord) -> None:
    tracking = _submitted(tracking, personas)
    returned = services.return_to_owner(tracking, personas.liaison, "The policy is a draft: send the signed one.")
    assert kinds(personas.owner) == [NotificationKind.RETURNED]
    assert unread_count(personas.owner) == 1
    # Raised again (a second worker, a retry): still one notification and one email.
    assert register_events.tracking_moved(returned, "return_to_owner", personas.liaison) == 0
    assert Notification.objects.filter(recipient=personas.owner).count() == 1
    assert Email.objects.filter(recipient=personas.owner).count() == 1


def test_passing_to_hmicfrs_tells_the_covering_lead_and_the_owner_only(
    personas: Personas, tracking: TrackingRecord
) -> None:
    tracking = _submitted(tracking, personas)
    services.pass_to_hmicfrs(tracking, personas.liaison)
    assert kinds(personas.hmicfrs_lead) == [NotificationKind.WITH_HMICFRS]
    assert kinds(personas.owner) == [NotificationKind.WITH_HMICFRS]
    assert kinds(personas.other_hmicfrs_lead) == []


def test_sign_off_and_return_from_hmicfrs_tell_the_force(personas: Personas, tracking: TrackingRecord) -> None:
    tracking = services.pass_to_hmicfrs(_submitted(tracking, personas), personas.liaison)
    tracking = services.return_from_hmicfrs(tracking, personas.hmicfrs_lead, "Show the audit results.")
    assert NotificationKind.RETURNED in kinds(personas.owner)
    tracking = services.submit_for_signoff(tracking, personas.owner)
    tracking = services.pass_to_hmicfrs(tracking, personas.liaison)
    services.sign_off(tracking, personas.hmicfrs_lead)
    assert kinds(personas.owner).count(NotificationKind.SIGNED_OFF) == 1
    assert NotificationKind.SIGNED_OFF in kinds(personas.liaison)
    assert NotificationKind.SIGNED_OFF not in kinds(personas.hmicfrs_lead)  # who signed it off


def test_an_extension_asked_and_decided(personas: Personas, tracking: TrackingRecord) -> None:
    assert tracking.due_on is not None
    request = services.request_extension(
        tracking, personas.owner, tracking.due_on + dt.timedelta(days=60), "Training runs late."
    )
    assert kinds(personas.liaison) == [NotificationKind.EXTENSION_ASKED]
    services.decide_extension(request, personas.liaison, approve=True, reason="Agreed at the board.")
    assert kinds(personas.owner) == [NotificationKind.EXTENSION_DECIDED]


def test_nobody_is_told_about_a_record_they_cannot_see(personas: Personas, tracking: TrackingRecord) -> None:
    from oversight.notifications.services import notify

    for outsider in personas.refused_tracking():
        assert notify(outsider, NotificationKind.RETURNED, tracking, key="probe") is False
    assert not Notification.objects.filter(key="probe").exists()


def test_someone_who_leaves_the_force_no_longer_sees_its_notifications(
    personas: Personas, tracking: TrackingRecord
) -> None:
    _submitted(tracking, personas)
    assert unread_count(personas.liaison) == 1
    Membership.objects.filter(user=personas.liaison).delete()
    liaison = User.objects.get(pk=personas.liaison.pk)  # a new request: no cached memberships
    assert unread_count(liaison) == 0
    assert not visible_notifications(liaison).exists()


def test_the_email_says_only_that_something_needs_attention(personas: Personas, tracking: TrackingRecord) -> None:
    services.return_to_owner(_submitted(tracking, personas), personas.liaison, "Send the signed policy.")
    email = Email.objects.get(recipient=personas.owner)
    assert delivery.deliver(email.pk) == "sent"
    [sent] = mail.outbox
    text = sent.subject + sent.body
    assert sent.to == [personas.owner.email]
    notification = Notification.objects.get(recipient=personas.owner)
    assert f"/notifications/{notification.pk}/" in sent.body
    for secret in (tracking.item.reference, "West Midlands", "signed policy", "Rachel", tracking.item.text[:30]):
        assert secret not in text


# The daily sweep


@pytest.fixture
def day() -> dt.date:
    return dt.date(2026, 6, 1)


def test_due_dates_coming_and_passed_are_told_once_each(
    personas: Personas, tracking: TrackingRecord, day: dt.date
) -> None:
    TrackingRecord.objects.filter(pk=tracking.pk).update(
        due_on=day + dt.timedelta(days=10), next_review_on=day - dt.timedelta(days=1)
    )
    assert sweep.run(day) > 0
    assert kinds(personas.owner) == [NotificationKind.DUE_SOON]
    assert kinds(personas.liaison) == [NotificationKind.REVIEW_OVERDUE]
    # Two sweeps on one day (two workers, a re-run): nothing twice.
    assert sweep.run(day) == 0
    # The date passes: told once more, as overdue.
    assert sweep.run(day + dt.timedelta(days=11)) == 1
    assert kinds(personas.owner) == [NotificationKind.DUE_SOON, NotificationKind.OVERDUE]
    assert sweep.run(day + dt.timedelta(days=12)) == 0


def test_a_due_date_far_off_tells_nobody(personas: Personas, tracking: TrackingRecord, day: dt.date) -> None:
    TrackingRecord.objects.filter(pk=tracking.pk).update(
        due_on=day + dt.timedelta(days=15), next_review_on=day + dt.timedelta(days=8)
    )
    assert sweep.run(day) == 0


@pytest.mark.parametrize(
    ("days_left", "told"), [(15, None), (14, 14), (8, 14), (7, 7), (2, 7), (1, 1), (0, 1), (-1, None)]
)
def test_56_day_response_reminders(
    personas: Personas, wmp: Organisation, day: dt.date, days_left: int, told: int | None
) -> None:
    # Published on day 1 of 56: due 55 days later (s.55(5A) Police Act 1996).
    ReportFactory(forces=[wmp], published_on=day + dt.timedelta(days=days_left - 55))
    sweep.responses(day)
    titles = list(Notification.objects.filter(recipient=personas.opcc_officer).values_list("title", flat=True))
    if told is None:
        assert titles == []
    else:
        assert [title.split(":")[0] for title in titles] == [
            f"A 56-day response is due in {told} day{'s' if told > 1 else ''}"
        ]
        assert Notification.objects.filter(recipient=personas.liaison, kind=NotificationKind.RESPONSE_DUE).count() == 1
        assert Notification.objects.filter(recipient=personas.other_force).count() == 0


def test_a_published_response_is_not_chased(personas: Personas, wmp: Organisation, day: dt.date) -> None:
    report = ReportFactory(forces=[wmp], published_on=day - dt.timedelta(days=48))
    pcc = wmp.governing_body_on(day)
    GoverningBodyResponse.objects.create(
        report=report, force=wmp, body=pcc, due_on=day + dt.timedelta(days=7), status="published", published_on=day
    )
    assert sweep.responses(day) == 0


def test_the_sweep_command_runs_for_a_day_and_refuses_a_bad_date(
    personas: Personas, tracking: TrackingRecord, day: dt.date
) -> None:
    TrackingRecord.objects.filter(pk=tracking.pk).update(due_on=day + dt.timedelta(days=3))
    out = StringIO()
    call_command("notifications", "sweep", "--date", day.isoformat(), stdout=out)
    assert "Sweep for 1 June 2026: 1 notification(s) written." in out.getvalue()
    call_command("notifications", "sweep", "--date", day.isoformat(), stdout=out)
    assert "0 notification(s) written" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("notifications", "sweep", "--date", "1 June")


def test_the_worker_sweep_runs_the_notification_jobs_what_is_due_before_the_digest(
    personas: Personas, tracking: TrackingRecord, day: dt.date
) -> None:
    from oversight.jobs import registry
    from oversight.jobs.sweep import run_sweep

    names = [job.name for job in registry.jobs() if job.name.startswith("notifications")]
    assert (
        names
        == sorted(names)
        == ["notifications, 1: what is due", "notifications, 2: digests", "notifications, 3: retries"]
    )
    TrackingRecord.objects.filter(pk=tracking.pk).update(due_on=day + dt.timedelta(days=10))
    run_sweep(day)
    assert kinds(personas.owner) == [NotificationKind.DUE_SOON]
    run_sweep(day)  # a second sweep the same day (another worker): nothing twice
    assert kinds(personas.owner) == [NotificationKind.DUE_SOON]

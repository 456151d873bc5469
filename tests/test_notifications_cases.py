"""Notifications about PPDA cases: the silent alerts, break-glass, and the case dates of the daily sweep.

The lock holds here as everywhere: an excluded person (the connected administrator is also a PSD lead
of the force) is never told about the case, and a person shut out later loses what they were told.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oversight.audit.models import Alert
from oversight.cases.models import BreakGlass, Case, Exclusion
from oversight.cases.services import read_case
from oversight.notifications import alerts, case_events, delivery, sweep
from oversight.notifications.access import unread_count, visible_notifications
from oversight.notifications.models import Email, Notification, NotificationKind
from oversight.victims import services as victims
from tests.case_personas import SUBJECT_NAME, VICTIM_NAME, CasePersonas, Workforce

pytest_plugins = ["tests.case_fixtures"]

# The fixture case was received on 4 March 2024: its first report on an open investigation and its
# first restriction review both fall due on 4 March 2025.
REPORT_DAY = dt.date(2025, 2, 20)


def kinds(user: User) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_excluded_attempt_tells_the_psd_lead_but_never_the_excluded_lead(
    case_personas: CasePersonas, ppda_case: Case
) -> None:
    read_case(case_personas.subject, ppda_case.pk, "case page")
    assert Alert.objects.filter(object_id=ppda_case.pk).exists()
    assert alerts.notify_new_alerts() == 1
    assert kinds(case_personas.psd_lead) == [NotificationKind.ALERT]
    assert kinds(case_personas.connected_administrator) == []  # a PSD lead of the force, but excluded
    assert kinds(case_personas.subject) == []
    assert alerts.notify_new_alerts() == 0  # each alert is taken once


def test_a_refusal_and_an_alert_queue_the_same_job(
    case_personas: CasePersonas, ppda_case: Case, django_capture_on_commit_callbacks: object
) -> None:
    """The alert path must not take longer than a refusal: both queue one alerts job, nothing more."""
    queued = []
    for person, pk in ((case_personas.subject, ppda_case.pk), (case_personas.unrelated_officer, ppda_case.pk)):
        before = DBTaskResult.objects.count()
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            read_case(person, pk, "case page")
        queued.append(list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True))[before:])
    assert queued[0] == queued[1] == ["oversight.notifications.tasks.notify_alerts"]
    assert Notification.objects.count() == 0  # nobody is told inside the request


def test_break_glass_is_given_to_another_lead_to_review(case_personas: CasePersonas, ppda_case: Case) -> None:
    opened = BreakGlass.objects.create(
        case=ppda_case, user=case_personas.psd_handler, reason="Urgent safeguarding",
        expires_at=timezone.now() + dt.timedelta(hours=8),
    )  # fmt: skip
    assert case_events.break_glass_opened(opened) == 1
    assert kinds(case_personas.psd_lead) == [NotificationKind.BREAK_GLASS_REVIEW]
    assert kinds(case_personas.connected_administrator) == []
    assert kinds(case_personas.psd_handler) == []
    assert sweep.break_glass_to_review() == 0  # the sweep's catch-up tells nobody twice


def test_the_first_report_on_an_open_investigation(case_personas: CasePersonas, ppda_case: Case) -> None:
    assert sweep.case_reports(REPORT_DAY - dt.timedelta(days=29)) == 0  # not yet within the warning
    assert sweep.case_reports(REPORT_DAY) == 2
    assert kinds(case_personas.psd_lead) == [NotificationKind.CASE_REPORT_DUE]
    assert kinds(case_personas.psd_handler) == [NotificationKind.CASE_REPORT_DUE]  # the case handler
    assert kinds(case_personas.connected_administrator) == []
    assert kinds(case_personas.investigator) == []
    assert sweep.case_reports(REPORT_DAY) == 0
    assert sweep.case_reports(dt.date(2025, 3, 5)) == 2  # passed and not made: told again, as overdue


def test_the_restriction_review(case_personas: CasePersonas, ppda_case: Case) -> None:
    assert sweep.restriction_reviews(REPORT_DAY) == 1
    assert kinds(case_personas.psd_lead) == [NotificationKind.RESTRICTION_REVIEW]
    assert kinds(case_personas.connected_administrator) == []
    assert sweep.restriction_reviews(REPORT_DAY) == 0


def test_victim_contact_overdue(case_personas: CasePersonas, ppda_case: Case) -> None:
    new = victims.PreferencesInput(channel="in_person", contact_interval_days=14)
    victims.record_preferences(ppda_case, new, case_personas.psd_handler, 0)
    today = timezone.localdate()
    assert sweep.victim_contact(today + dt.timedelta(days=14)) == 0
    assert sweep.victim_contact(today + dt.timedelta(days=15)) == 1
    assert kinds(case_personas.psd_handler) == [NotificationKind.VICTIM_CONTACT_OVERDUE]
    assert kinds(case_personas.psd_lead) == []  # not on the team
    assert sweep.victim_contact(today + dt.timedelta(days=16)) == 0


def test_a_lead_shut_out_later_loses_the_notification_and_the_count(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    sweep.restriction_reviews(REPORT_DAY)
    lead = case_personas.psd_lead
    [notification] = Notification.objects.filter(recipient=lead)
    assert unread_count(lead) == 1
    Exclusion.objects.create(case=ppda_case, person=case_workforce.lead, user=lead, why="Declared association")
    lead = User.objects.get(pk=lead.pk)
    assert unread_count(lead) == 0
    assert not visible_notifications(lead).exists()
    client = Client()
    client.force_login(lead)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    # A try at a case that shuts them out, like any other: the force's other PSD lead is alerted.
    assert Alert.objects.filter(actor=lead, object_id=ppda_case.pk).count() == 1
    assert str(notification.pk) not in client.get("/notifications/").content.decode()
    # Nor is an email sent about it: the one queued is cancelled.
    email = Email.objects.get(recipient=lead)
    assert delivery.deliver(email.pk) == "cancelled"
    assert mail.outbox == []


def test_case_emails_carry_no_case_details(case_personas: CasePersonas, ppda_case: Case) -> None:
    read_case(case_personas.subject, ppda_case.pk, "case page")
    alerts.notify_new_alerts()
    sweep.run(REPORT_DAY)
    assert delivery.retry_due() >= 3
    bodies = [message.subject + message.body for message in mail.outbox]
    assert bodies
    for text in bodies:
        assert "A case needs your attention" in text
        for secret in (ppda_case.reference, SUBJECT_NAME, "Hart", VICTIM_NAME, "coercive", "West Midlands", "Walsall"):
            assert secret.lower() not in text.lower()

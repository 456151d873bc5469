"""The daily sweep: due dates coming and passed, told once each.

`run(day)` looks at the register (quarterly reviews, items' due dates, 56-day responses) and at open
cases (reports on investigations still open, victim contact, restriction reviews, break-glass
access not yet reviewed), and catches up any alert the alerts job missed. Every key carries the
date or threshold it is about, so running it twice for a day, or on two workers, tells nobody
twice; a later date (an extension, the next review) is a new notification. The job scheduler calls
it once a day; `oversight notifications sweep [--date]` runs it by hand.
"""

from __future__ import annotations

import datetime as dt

from oversight.cases.decisions import REPORT_DUE_SOON_DAYS, open_report_dates
from oversight.cases.models import BreakGlass, Case, TeamRole, restriction_review_due
from oversight.lib.deadlines import last_day_of_period
from oversight.organisations.access import members_of
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import GoverningBodyResponse, Report, ResponseStatus, TrackingRecord
from oversight.recommendations.rules import RESPONSE_DAYS
from oversight.victims.services import contact_due

from .alerts import notify_new_alerts
from .case_events import psd_leads, team, tell
from .models import NotificationKind
from .register_events import liaison_officers, owner_or_liaison
from .rules import DUE_DATE_SOON_DAYS, RESPONSE_REMINDER_DAYS, RESTRICTION_REVIEW_SOON_DAYS, REVIEW_SOON_DAYS
from .services import notify


def run(day: dt.date) -> int:
    """Everything due on or around `day`; the number of notifications written."""
    return sum(
        (
            reviews(day),
            due_dates(day),
            responses(day),
            case_reports(day),
            victim_contact(day),
            restriction_reviews(day),
            break_glass_to_review(),
            notify_new_alerts(),
        )
    )


def _date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


# The register


def reviews(day: dt.date) -> int:
    """Quarterly reviews coming within REVIEW_SOON_DAYS, and passed: the force's liaison officers."""
    soon = day + dt.timedelta(days=REVIEW_SOON_DAYS)
    told = 0
    records = TrackingRecord.objects.open().filter(next_review_on__lte=soon).select_related("organisation")
    for record in records:
        due = record.next_review_on
        assert due is not None
        kind = NotificationKind.REVIEW_OVERDUE if due < day else NotificationKind.REVIEW_DUE
        title = f"{kind.label}: review due {_date(due)}"
        for officer in liaison_officers(record.organisation):
            told += notify(officer, kind, record, key=f"{kind}:{record.pk}:{due}", title=title)
    return told


def due_dates(day: dt.date) -> int:
    """Items due within DUE_DATE_SOON_DAYS, and past due: whoever the item waits on."""
    soon = day + dt.timedelta(days=DUE_DATE_SOON_DAYS)
    told = 0
    records = TrackingRecord.objects.open().filter(due_on__lte=soon).select_related("organisation", "owner")
    for record in records:
        due = record.due_on
        assert due is not None
        kind = NotificationKind.OVERDUE if due < day else NotificationKind.DUE_SOON
        title = f"{kind.label}: due {_date(due)}"
        for person in owner_or_liaison(record):
            told += notify(person, kind, record, key=f"{kind}:{record.pk}:{due}", title=title)
    return told


def responses(day: dt.date) -> int:
    """56-day responses due in 14, 7 and 1 days and not yet published: the governing body's officers
    who write it and the force's liaison officers (the chief constable's comments)."""
    earliest = day - dt.timedelta(days=RESPONSE_DAYS)
    reports = Report.objects.filter(published_on__gt=earliest, published_on__lte=day).prefetch_related("forces")
    told = 0
    for report in reports:
        due = last_day_of_period(report.published_on, RESPONSE_DAYS)
        threshold = _threshold((due - day).days)
        if threshold is None:
            continue
        forces = Organisation.objects.forces() if report.covers_all_forces else report.forces.all()
        for force in forces:
            told += _response_due(report, force, day, due, threshold)
    return told


def _threshold(days_left: int) -> int | None:
    """The smallest reminder threshold reached: a missed day still gets the nearest reminder."""
    reached = [days for days in RESPONSE_REMINDER_DAYS if 0 <= days_left <= days]
    return min(reached) if reached else None


def _response_due(report: Report, force: Organisation, day: dt.date, due: dt.date, threshold: int) -> int:
    response = GoverningBodyResponse.objects.filter(report=report, force=force).first()
    if response is not None and response.status == ResponseStatus.PUBLISHED:
        return 0
    body = force.governing_body_on(day)
    writers = [*(members_of(body, Role.OPCC_OFFICER) if body else []), *liaison_officers(force)]
    target: GoverningBodyResponse | Report = response or report
    title = f"A 56-day response is due in {threshold} day{'s' if threshold > 1 else ''}: {_date(due)}"
    key = f"{NotificationKind.RESPONSE_DUE}:{report.pk}:{force.pk}:{threshold}"
    unique = {person.pk: person for person in writers}
    return sum(
        notify(person, NotificationKind.RESPONSE_DUE, target, key=key, title=title) for person in unique.values()
    )


# Cases


def case_reports(day: dt.date) -> int:
    """Reports on investigations open 12 months, then every 6 (cases/rules.py), due within
    REPORT_DUE_SOON_DAYS or passed and not made: the PSD leads and the case handlers."""
    soon = day + dt.timedelta(days=REPORT_DUE_SOON_DAYS)
    told = 0
    for case in Case.objects.live().select_related("force").prefetch_related("open_case_reports"):
        reported = {report.due_on for report in case.open_case_reports.all()}
        for due in open_report_dates(case.received_on, soon):
            if due not in reported:
                passed = "passed" if due < day else "due"
                title = f"A report on an open investigation is {'overdue' if due < day else 'due'}: {_date(due)}"
                people = [*psd_leads(case), *team(case, TeamRole.CASE_HANDLER)]
                told += tell(
                    people, NotificationKind.CASE_REPORT_DUE, case, f"case-report-{passed}:{case.pk}:{due}", title
                )
    return told


def victim_contact(day: dt.date) -> int:
    """Contact with the victim overdue against the agreed interval: the SPOCs and case handlers."""
    told = 0
    for case in Case.objects.live().select_related("force"):
        due = contact_due(case, day)
        if due.overdue and due.due_on is not None:
            people = team(case, TeamRole.SPOC, TeamRole.CASE_HANDLER)
            title = f"Contact with a victim is overdue: it was due {_date(due.due_on)}"
            told += tell(
                people, NotificationKind.VICTIM_CONTACT_OVERDUE, case, f"victim-contact:{case.pk}:{due.due_on}", title
            )
    return told


def restriction_reviews(day: dt.date) -> int:
    """Each restriction is reviewed yearly by a PSD lead: due within RESTRICTION_REVIEW_SOON_DAYS, or passed."""
    soon = day + dt.timedelta(days=RESTRICTION_REVIEW_SOON_DAYS)
    told = 0
    for case in Case.objects.live().select_related("force"):
        due = restriction_review_due(case)
        if due <= soon:
            passed = "passed" if due < day else "due"
            title = f"A restriction review is {'overdue' if due < day else 'due'}: {_date(due)}"
            told += tell(
                psd_leads(case),
                NotificationKind.RESTRICTION_REVIEW,
                case,
                f"restriction-{passed}:{case.pk}:{due}",
                title,
            )
    return told


def break_glass_to_review() -> int:
    """Break-glass access not yet reviewed (a lead who joined since is told too)."""
    told = 0
    for opened in BreakGlass.objects.awaiting_review().select_related("case__force"):
        leads = [lead for lead in psd_leads(opened.case) if lead.pk != opened.user_id]
        told += tell(leads, NotificationKind.BREAK_GLASS_REVIEW, opened, f"break-glass:{opened.pk}")
    return told

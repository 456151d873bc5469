"""The safeguards around the lock: break-glass access (reason, expiry, alert, review by someone else),
yearly restriction reviews, the PSD lead's alerts inbox, and 404 for everyone who must not reach them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oversight.audit.models import Alert, AlertKind
from oversight.cases import safeguards
from oversight.cases.models import BreakGlass, Case, RestrictionReview, restriction_review_due
from oversight.cases.rules import BREAK_GLASS_HOURS
from tests.case_personas import (
    CasePersonas,
    Workforce,
    make_case_personas,
    make_second_handler,
    make_workforce,
    open_ppda_case,
)
from tests.conftest import client_for


@pytest.fixture
def workforce(db: None) -> Workforce:
    return make_workforce()


@pytest.fixture
def people(workforce: Workforce) -> CasePersonas:
    return make_case_personas(workforce)


@pytest.fixture
def case(people: CasePersonas, workforce: Workforce) -> Case:
    return open_ppda_case(people, workforce)


@pytest.fixture
def second_handler(workforce: Workforce) -> User:
    return make_second_handler(workforce)


def url(name: str, *args: int) -> str:
    return reverse(f"cases:{name}", args=args)


def open_glass(client: Client, reference: str, reason: str) -> tuple[int, str]:
    response = client.post(url("break_glass"), {"reference": reference, "reason": reason})
    return response.status_code, response.content.decode()


# --- break glass -------------------------------------------------------------------------------


def test_break_glass_needs_a_reason(case: Case, second_handler: User) -> None:
    status, page = open_glass(client_for(second_handler), case.reference, "  ")
    assert status == 400 and "Give the reason you need access to this case." in page
    assert not BreakGlass.objects.exists() and not Alert.objects.exists()


def test_break_glass_opens_for_eight_hours_and_alerts_the_lead(case: Case, second_handler: User) -> None:
    client = client_for(second_handler)
    assert client.get(url("team", case.pk)).status_code == 404
    before = timezone.now()
    response = client.post(url("break_glass"), {"reference": case.reference.lower(), "reason": "Urgent safeguarding"})
    assert response.status_code == 302 and response["Location"] == url("detail", case.pk)
    opened = BreakGlass.objects.get()
    assert opened.user == second_handler and opened.reason == "Urgent safeguarding"
    hours = (opened.expires_at - before).total_seconds() / 3600
    assert BREAK_GLASS_HOURS - 0.01 < hours < BREAK_GLASS_HOURS + 0.01
    alert = Alert.objects.get(kind=AlertKind.BREAK_GLASS)
    assert alert.actor == second_handler and alert.object_id == case.pk and "Urgent safeguarding" in alert.detail
    assert client.get(url("team", case.pk)).status_code == 200
    # Expired: the case is gone again, exactly as if it did not exist.
    BreakGlass.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url("team", case.pk)).status_code == 404


def test_unknown_forbidden_and_excluded_references_get_the_same_answer(
    case: Case, people: CasePersonas, second_handler: User
) -> None:
    reason = "Need to check"
    answers = {
        "unknown": open_glass(client_for(second_handler), "PPDA-2024-99999", reason),
        "excluded": open_glass(client_for(people.subject_partner), case.reference, reason),
        "other force": open_glass(client_for(people.other_force_psd), case.reference, reason),
    }
    for who, (status, page) in answers.items():
        assert status == 400, who
        assert safeguards.NO_SUCH_CASE in page, who
        assert "Give the reason" not in page, who
    assert not BreakGlass.objects.exists()
    # Only the excluded person's attempt alerts the PSD lead, silently.
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.EXCLUDED_OPENED and alert.actor == people.subject_partner
    # Without a reason, the input is refused before anything is looked up: the same words for a reference
    # that exists and is shut to the person as for one that does not, and nothing to alert on.
    missing_reason = {
        "unknown": open_glass(client_for(second_handler), "PPDA-2024-99999", ""),
        "excluded": open_glass(client_for(people.subject_partner), case.reference, ""),
        "other force": open_glass(client_for(people.other_force_psd), case.reference, ""),
    }
    pages = {
        who: page.replace(reference, "REF")
        for (who, (_, page)), reference in zip(
            missing_reason.items(), ("PPDA-2024-99999", case.reference, case.reference), strict=True
        )
    }
    for who, (status, _) in missing_reason.items():
        assert status == 400 and "Give the reason" in pages[who] and safeguards.NO_SUCH_CASE not in pages[who], who
    assert Alert.objects.filter(kind=AlertKind.EXCLUDED_OPENED).count() == 1


def test_the_break_glass_form_is_for_professional_standards_only(case: Case, people: CasePersonas) -> None:
    for user in (people.unrelated_officer, people.administrator, people.opcc_officer, people.external_investigator):
        assert client_for(user).get(url("break_glass")).status_code == 404
        assert (
            client_for(user).post(url("break_glass"), {"reference": case.reference, "reason": "x"}).status_code == 404
        )
    assert not BreakGlass.objects.exists()


def test_someone_already_on_the_team_is_sent_to_the_case_without_break_glass(case: Case, people: CasePersonas) -> None:
    # The reason is asked of everyone before the reference is looked up; someone on the team is then sent
    # straight to the case, with nothing opened and nothing to alert on.
    response = client_for(people.psd_handler).post(url("break_glass"), {"reference": case.reference, "reason": "x"})
    assert response.status_code == 302 and response["Location"] == url("detail", case.pk)
    assert not BreakGlass.objects.exists() and not Alert.objects.exists()


def test_break_glass_is_reviewed_by_a_lead_other_than_the_opener(
    case: Case, people: CasePersonas, second_handler: User
) -> None:
    opened = safeguards.break_glass(case.reference, "Urgent", second_handler).access
    assert opened is not None
    review = url("break_glass_review", case.pk, opened.pk)
    assert client_for(second_handler).get(review).status_code == 404  # the opener, not a lead
    lead = client_for(people.psd_lead)
    response = lead.post(review, {"justified": "", "finding": ""})
    assert response.status_code == 400
    assert "Say whether the access was justified." in response.content.decode()
    assert "Give your finding." in response.content.decode()
    response = lead.post(review, {"justified": "no", "finding": "No urgency; should have asked the team."})
    assert response.status_code == 302
    opened.refresh_from_db()
    assert opened.justified is False and opened.reviewed_by == people.psd_lead
    assert opened.review_finding == "No urgency; should have asked the team."
    assert lead.get(review).status_code == 404  # reviewed once only
    page = lead.get(url("safeguards", case.pk)).content.decode()
    assert "Not justified" in page and "No urgency" in page


def test_a_lead_cannot_review_their_own_break_glass(case: Case, people: CasePersonas) -> None:
    now = timezone.now()
    own = BreakGlass.objects.create(case=case, user=people.psd_lead, reason="Test", expires_at=now)
    with pytest.raises(PermissionDenied):
        safeguards.review_break_glass(own, people.psd_lead, justified=True, finding="Fine")
    assert client_for(people.psd_lead).get(url("break_glass_review", case.pk, own.pk)).status_code == 404


# --- restriction reviews -----------------------------------------------------------------------


def test_restriction_review_dates_and_overdue_flag(case: Case, people: CasePersonas) -> None:
    assert restriction_review_due(case) == dt.date(2025, 3, 4)  # a year after receipt
    assert safeguards.restriction_overdue(case, on=dt.date(2025, 3, 5))
    assert not safeguards.restriction_overdue(case, on=dt.date(2025, 3, 4))
    lead = client_for(people.psd_lead)
    assert "is overdue" in lead.get(url("safeguards", case.pk)).content.decode()
    response = lead.post(url("restriction_review", case.pk), {"finding": " "})
    assert response.status_code == 400 and "Give the finding of your review." in response.content.decode()
    response = lead.post(url("restriction_review", case.pk), {"finding": "Team and exclusions still right."})
    assert response.status_code == 302
    review = RestrictionReview.objects.get()
    today = timezone.localdate()
    assert review.reviewed_on == today
    assert (review.next_due_on.year, review.next_due_on.month) == (today.year + 1, today.month)
    assert restriction_review_due(case) == review.next_due_on
    assert "is overdue" not in lead.get(url("safeguards", case.pk)).content.decode()


def test_only_the_psd_lead_reviews_the_restriction(case: Case, people: CasePersonas) -> None:
    handler = client_for(people.psd_handler)
    assert handler.get(url("safeguards", case.pk)).status_code == 200  # the case handler sees the safeguards
    assert handler.post(url("restriction_review", case.pk), {"finding": "x"}).status_code == 404
    assert not RestrictionReview.objects.exists()


# --- alerts ------------------------------------------------------------------------------------


def test_alerts_inbox_shows_the_leads_force_alerts_and_acknowledges(
    case: Case, people: CasePersonas, second_handler: User
) -> None:
    safeguards.break_glass(case.reference, "Urgent safeguarding", second_handler)
    lead = client_for(people.psd_lead)
    page = lead.get(url("alerts")).content.decode()
    assert "Break-glass access opened" in page and "Omar Faruk" in page and case.reference in page
    assert url("detail", case.pk) in page
    alert = Alert.objects.get()
    assert lead.post(url("alert_acknowledge", alert.pk)).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == people.psd_lead and alert.acknowledged_at is not None
    assert "Omar Faruk" not in lead.get(url("alerts")).content.decode()


def test_alerts_about_a_case_are_hidden_from_an_excluded_lead(
    case: Case, people: CasePersonas, second_handler: User
) -> None:
    safeguards.break_glass(case.reference, "Urgent safeguarding", second_handler)
    alert = Alert.objects.get()
    excluded_lead = client_for(people.connected_administrator)  # PSD lead of the force, once beside the subject
    response = excluded_lead.get(url("alerts"))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference not in page and "Omar Faruk" not in page and "No alerts waiting." in page
    assert excluded_lead.post(url("alert_acknowledge", alert.pk)).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_other_forces_and_non_leads_do_not_see_the_alerts(
    case: Case, people: CasePersonas, second_handler: User
) -> None:
    safeguards.break_glass(case.reference, "Urgent safeguarding", second_handler)
    alert = Alert.objects.get()
    page = client_for(people.other_force_psd).get(url("alerts")).content.decode()
    assert case.reference not in page and "No alerts waiting." in page
    assert client_for(people.other_force_psd).post(url("alert_acknowledge", alert.pk)).status_code == 404
    for user in (people.psd_handler, people.investigator, people.administrator, people.subject, second_handler):
        assert client_for(user).get(url("alerts")).status_code == 404
        assert client_for(user).post(url("alert_acknowledge", alert.pk)).status_code == 404
    assert client_for(people.psd_lead).get(url("alert_acknowledge", alert.pk)).status_code == 405


# --- who may reach the pages -------------------------------------------------------------------

REFUSED = (
    "subject", "subject_teammate", "subject_manager", "subject_partner", "unrelated_officer", "other_force_psd",
    "administrator", "connected_administrator", "opcc_officer",
)  # fmt: skip


@pytest.mark.parametrize("persona", REFUSED)
def test_refused_personas_get_404_on_the_safeguard_pages(
    case: Case, people: CasePersonas, second_handler: User, persona: str
) -> None:
    opened = safeguards.break_glass(case.reference, "Urgent", second_handler).access
    assert opened is not None
    client = client_for(getattr(people, persona))
    for address in (
        url("safeguards", case.pk),
        url("restriction_review", case.pk),
        url("break_glass_review", case.pk, opened.pk),
    ):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"finding": "x", "justified": "yes"}).status_code == 404, address
    assert not RestrictionReview.objects.exists()
    opened.refresh_from_db()
    assert opened.reviewed_at is None


def test_team_members_other_than_handlers_get_404_on_the_safeguards(case: Case, people: CasePersonas) -> None:
    for user in (people.investigator, people.external_investigator):
        assert client_for(user).get(url("team", case.pk)).status_code == 200
        assert client_for(user).get(url("safeguards", case.pk)).status_code == 404

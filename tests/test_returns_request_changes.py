"""Changing a draft request's details and closing a sent one: the guarded services (who may, when,
stale pages) and their pages (the form with its error summary, the close button, a closed request
shown as closed); a closed request takes no more answers, submissions or clarifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from oversight.concurrency import ConcurrentEditError
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item
from oversight.returns import services
from oversight.returns.models import (
    Acceptance,
    QuestionKind,
    Recipients,
    RequestStatus,
    Return,
    ReturnRequest,
    ReturnStatus,
)
from tests.conftest import client_for
from tests.personas import Personas
from tests.returns_helpers import draft_request, question
from tests.test_returns_access import REFUSED, _person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 1)


def _submit(record: Return, personas: Personas) -> Return:
    accepted = question(record.request, QuestionKind.ACCEPTED).pk
    record = services.save_answers(record, personas.opcc_officer, None, {accepted: Acceptance.ACCEPTED})
    return services.submit_return(record, personas.opcc_officer, record.version)


def _close(request: ReturnRequest, personas: Personas, reason: str = "") -> ReturnRequest:
    request.refresh_from_db()
    return services.close_request(request, personas.national_analyst, request.version, reason)


# --- the services ---------------------------------------------------------------------------------


def test_an_analyst_changes_a_drafts_details(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    chosen = tuple(Organisation.objects.filter(slug__in=["west-midlands-police", "merseyside-police"]))
    changes = services.RequestChanges(
        title=" Vetting ", deadline=dt.date(2099, 6, 30), recipients=Recipients.CHOSEN, chosen=chosen,
        introduction="Please answer by June.",
    )  # fmt: skip
    changed = services.update_request(request, personas.national_analyst, 1, changes, today=TODAY)
    assert (changed.title, changed.deadline, changed.introduction) == (
        "Vetting",
        dt.date(2099, 6, 30),
        "Please answer by June.",
    )
    assert changed.recipients == Recipients.CHOSEN and set(changed.organisations.all()) == set(chosen)
    assert changed.version == 2
    untouched = services.update_request(changed, personas.national_analyst, 2, services.RequestChanges(), today=TODAY)
    assert untouched.title == "Vetting" and untouched.organisations.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (services.RequestChanges(title=" "), "Enter a title"),
        (services.RequestChanges(deadline=dt.date(2025, 12, 31)), "The deadline must be today or in the future"),
        (services.RequestChanges(recipients=Recipients.CHOSEN), "Select the governing bodies or forces to ask"),
        (services.RequestChanges(recipients="everyone"), "Choose who is asked"),
    ],
)
def test_bad_details_change_nothing(
    personas: Personas, item: Item, changes: services.RequestChanges, message: str
) -> None:
    request = draft_request(personas, item)
    with pytest.raises(ValidationError, match=message):
        services.update_request(request, personas.national_analyst, 1, changes, today=TODAY)
    request.refresh_from_db()
    assert request.version == 1 and request.title == "PPDA recommendation 3a" and request.organisations.count() == 43


def test_a_stale_page_and_a_sent_request_change_nothing(personas: Personas, sent_request: ReturnRequest) -> None:
    with pytest.raises(ConcurrentEditError):
        services.update_request(sent_request, personas.national_analyst, 1, services.RequestChanges(title="Stale"))
    with pytest.raises(ValidationError, match="its details can no longer change"):
        services.update_request(
            sent_request, personas.national_analyst, sent_request.version, services.RequestChanges(title="Late")
        )
    sent_request.refresh_from_db()
    assert sent_request.title == "PPDA recommendation 3a"


def test_closing_keeps_who_when_and_why(personas: Personas, sent_request: ReturnRequest) -> None:
    closed = _close(sent_request, personas, "Enough answers for the summary")
    assert closed.status == RequestStatus.CLOSED and closed.closed_by == personas.national_analyst
    assert closed.closed_at is not None and closed.is_closed
    step = closed.transitions.get(to_status=RequestStatus.CLOSED)
    assert (step.from_status, step.by, step.reason) == (
        "sent",
        personas.national_analyst,
        "Enough answers for the summary",
    )
    with pytest.raises(ValidationError, match="Only a sent request can be closed: this one is closed"):
        _close(closed, personas)
    with pytest.raises(ConcurrentEditError):
        services.close_request(closed, personas.national_analyst, 1)


def test_a_closed_request_takes_no_answer_submission_or_clarification(
    personas: Personas, sent_request: ReturnRequest, wm_return: Return
) -> None:
    submitted = _submit(wm_return, personas)
    other = sent_request.returns.exclude(pk=wm_return.pk).first()
    assert other is not None
    _close(sent_request, personas)
    accepted = question(sent_request, QuestionKind.ACCEPTED).pk
    attempts = [
        lambda: services.return_for_clarification(submitted, personas.national_analyst, None, {None: "Why?"}),
        lambda: services.save_answers(wm_return, personas.opcc_officer, None, {accepted: Acceptance.ACCEPTED}),
        lambda: services.submit_return(wm_return, personas.opcc_officer, None),
        lambda: services.resubmit_return(wm_return, personas.opcc_officer, None),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="This request was closed on"):
            attempt()
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED and submitted.versions.count() == 1
    assert not Return.objects.filter(request=sent_request).awaiting_answer().exists()


def test_a_draft_is_not_closed(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    with pytest.raises(ValidationError, match="this one is draft"):
        services.close_request(request, personas.national_analyst, 1)


@pytest.mark.parametrize("name", [*REFUSED, "opcc_officer"])
def test_everyone_else_is_refused_both_changes(
    personas: Personas, sent_request: ReturnRequest, item: Item, name: str
) -> None:
    user = _person(personas, name)
    draft = draft_request(personas, item, title="Another")
    with pytest.raises(PermissionDenied):
        services.update_request(draft, user, 1, services.RequestChanges(title="Mine"), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.close_request(sent_request, user, sent_request.version)
    draft.refresh_from_db()
    sent_request.refresh_from_db()
    assert draft.title == "Another" and sent_request.status == RequestStatus.SENT


# --- the pages ------------------------------------------------------------------------------------


def _details(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Vetting", "deadline_0": "30", "deadline_1": "6", "deadline_2": "2099",
        "recipients": "governing_bodies", "introduction": "", "version": "1",
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_draft_is_edited_on_its_page(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    client = client_for(personas.national_analyst)
    page = client.get(reverse("returns:request", args=[request.pk])).content.decode()
    assert reverse("returns:edit", args=[request.pk]) in page and "Close the request" not in page
    form = client.get(reverse("returns:edit", args=[request.pk]))
    assert form.status_code == 200 and 'value="PPDA recommendation 3a"' in form.content.decode()
    saved = client.post(reverse("returns:edit", args=[request.pk]), _details())
    assert saved.status_code == 302 and saved["Location"] == reverse("returns:request", args=[request.pk])
    request.refresh_from_db()
    assert (request.title, request.deadline, request.version) == ("Vetting", dt.date(2099, 6, 30), 2)


def test_the_edit_form_shows_gov_uk_errors_and_a_stale_page(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    client = client_for(personas.national_analyst)
    url = reverse("returns:edit", args=[request.pk])
    bad = client.post(url, _details(title="", deadline_2="2001", recipients="chosen"))
    page = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in page and "govuk-error-summary" in page
    for message in ("The deadline must be today or in the future", "Select the governing bodies or forces to ask"):
        assert message in page, message
    assert client.post(url, _details()).status_code == 302
    stale = client.post(url, _details(title="Second"))
    assert stale.status_code == 400 and "Someone else changed this request" in stale.content.decode()
    request.refresh_from_db()
    assert request.title == "Vetting"


def test_a_sent_requests_edit_page_sends_the_analyst_back(personas: Personas, sent_request: ReturnRequest) -> None:
    client = client_for(personas.national_analyst)
    response = client.get(reverse("returns:edit", args=[sent_request.pk]), follow=True)
    assert "its details can no longer change" in response.content.decode()


def test_the_request_is_closed_from_its_page(
    personas: Personas, sent_request: ReturnRequest, wm_return: Return
) -> None:
    client = client_for(personas.national_analyst)
    url = reverse("returns:request", args=[sent_request.pk])
    assert "Close the request" in client.get(url).content.decode()
    response = client.post(
        reverse("returns:close", args=[sent_request.pk]), {"version": sent_request.version, "reason": "Done"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Closed</strong> on" in page and "by Nina Lowe" in page and "Close the request" not in page
    assert "Sent to closed by Nina Lowe: Done" in page
    officer = client_for(personas.opcc_officer).get(reverse("returns:return", args=[wm_return.pk])).content.decode()
    assert "closed this request on" in officer and "Submit the return" not in officer
    answer = client_for(personas.opcc_officer).get(reverse("returns:answer", args=[wm_return.pk]), follow=True)
    assert "This request was closed" in answer.content.decode()


def test_closing_from_a_stale_page_or_with_too_long_a_reason_is_refused(
    personas: Personas, sent_request: ReturnRequest
) -> None:
    client = client_for(personas.national_analyst)
    url = reverse("returns:close", args=[sent_request.pk])
    long = client.post(url, {"version": sent_request.version, "reason": "x" * 2001})
    assert long.status_code == 400 and "There is a problem" in long.content.decode()
    stale = client.post(url, {"version": sent_request.version - 1})
    assert stale.status_code == 400 and "Someone else changed this request" in stale.content.decode()
    sent_request.refresh_from_db()
    assert sent_request.status == RequestStatus.SENT

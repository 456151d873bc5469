"""The pages of national returns: creating and sending a request, answering, pre-filling from a
published response, submitting, returning for clarification, resubmitting, and the tracker."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item
from oversight.returns.models import Acceptance, QuestionKind, Return, ReturnRequest, ReturnStatus
from tests.conftest import client_for
from tests.personas import Personas
from tests.returns_helpers import question

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

SEED = Path(__file__).parent / "data" / "wm-pcc-response-ppda-super-complaint.pdf-extract.txt"


def _request_form(item: Item, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "PPDA recommendation 3a",
        "body": Organisation.objects.get(slug="apcc").pk,
        "items": [item.pk],
        "deadline_0": "31",
        "deadline_1": "1",
        "deadline_2": "2099",
        "recipients": "governing_bodies",
        "standard": ["accepted", "actions_taken", "actions_intended"],
    }
    data.update(changes)
    return data


def test_an_analyst_creates_adds_a_question_and_sends(personas: Personas, item: Item) -> None:
    client = client_for(personas.national_analyst)
    response = client.post(reverse("returns:new"), _request_form(item))
    request = ReturnRequest.objects.get()
    assert response["Location"] == reverse("returns:request", args=[request.pk])
    assert [q.kind for q in request.questions.all()] == ["accepted", "actions_taken", "actions_intended"]
    add = {
        "version": request.version,
        "kind": "choice",
        "text": "How is support funded?",
        "options": "Grant\nCommissioned",
    }
    assert client.post(reverse("returns:add_question", args=[request.pk]), add).status_code == 302
    page = client.get(reverse("returns:request", args=[request.pk])).content.decode()
    assert "How is support funded?" in page and "Send to 43 organisations" in page
    request.refresh_from_db()
    client.post(reverse("returns:send", args=[request.pk]), {"version": request.version})
    request.refresh_from_db()
    assert request.status == "sent" and request.returns.count() == 43
    page = client.get(reverse("returns:request", args=[request.pk])).content.decode()
    assert "0 of 43 answered" in page and "West Midlands Police and Crime Commissioner" in page


def test_the_request_form_shows_gov_uk_errors(personas: Personas, item: Item) -> None:
    client = client_for(personas.national_analyst)
    bad = _request_form(item, title="", deadline_0="31", deadline_1="2", recipients="chosen", items=[])
    response = client.post(reverse("returns:new"), bad)
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    for message in ("Enter the title of the request", "Deadline must be a real date", "Select the governing bodies"):
        assert message in page, message
    assert not ReturnRequest.objects.exists()


def test_a_stale_page_cannot_send_the_request(personas: Personas, item: Item) -> None:
    client = client_for(personas.national_analyst)
    client.post(reverse("returns:new"), _request_form(item))
    request = ReturnRequest.objects.get()
    client.post(reverse("returns:remove_question", args=[request.pk, request.questions.first().pk]), {"version": 1})  # type: ignore[union-attr]
    response = client.post(reverse("returns:send", args=[request.pk]), {"version": 1})
    assert response.status_code == 400 and "Someone else changed this request" in response.content.decode()
    assert not Return.objects.exists()


def _answers(record: Return, **by_kind: str) -> dict[str, object]:
    data: dict[str, object] = {"version": record.version}
    data.update({f"q{question(record.request, kind).pk}": text for kind, text in by_kind.items()})
    return data


def test_the_officer_answers_submits_and_cannot_then_edit(personas: Personas, wm_return: Return) -> None:
    client = client_for(personas.opcc_officer)
    url = reverse("returns:answer", args=[wm_return.pk])
    assert "Do you accept the recommendation?" in client.get(url).content.decode()
    data = _answers(wm_return, accepted=Acceptance.ACCEPTED, actions_taken="We reviewed the services.")
    assert client.post(url, data).status_code == 302
    wm_return.refresh_from_db()
    page = client.get(reverse("returns:return", args=[wm_return.pk])).content.decode()
    assert "We reviewed the services." in page and "Submit the return" in page
    client.post(reverse("returns:submit", args=[wm_return.pk]), {"version": wm_return.version})
    wm_return.refresh_from_db()
    assert wm_return.status == ReturnStatus.SUBMITTED
    followed = client.get(url, follow=True).content.decode()
    assert "it changes only if it is returned for clarification" in followed
    stale = client.post(url, _answers(wm_return, actions_taken="Sneaked in"), follow=True).content.decode()
    assert "changes only if it is returned for clarification" in stale
    assert wm_return.answers.get(question__kind=QuestionKind.ACTIONS_TAKEN).text == "We reviewed the services."


def test_a_second_officer_on_a_stale_page_is_told_and_keeps_their_text(personas: Personas, wm_return: Return) -> None:
    client = client_for(personas.opcc_officer)
    url = reverse("returns:answer", args=[wm_return.pk])
    client.post(url, _answers(wm_return, actions_taken="First"))
    response = client.post(url, _answers(wm_return, actions_taken="Second, from the stale page"))
    page = response.content.decode()
    assert response.status_code == 400 and "Someone else changed this return" in page
    assert "Second, from the stale page" in page
    assert wm_return.answers.get().text == "First"


def test_clarification_and_resubmission_through_the_pages(personas: Personas, wm_return: Return) -> None:
    officer, analyst = client_for(personas.opcc_officer), client_for(personas.national_analyst)
    officer.post(reverse("returns:answer", args=[wm_return.pk]), _answers(wm_return, accepted=Acceptance.ACCEPTED))
    officer.post(reverse("returns:submit", args=[wm_return.pk]), {"version": 2})
    taken = question(wm_return.request, QuestionKind.ACTIONS_TAKEN)
    url = reverse("returns:clarify", args=[wm_return.pk])
    empty = analyst.post(url, {"version": 3})
    assert empty.status_code == 400 and "Say what needs clarifying" in empty.content.decode()
    analyst.post(url, {"version": 3, f"q{taken.pk}": "Which services did you review?"})
    wm_return.refresh_from_db()
    assert wm_return.status == ReturnStatus.RETURNED
    page = officer.get(reverse("returns:return", args=[wm_return.pk])).content.decode()
    assert "Which services did you review?" in page and "Resubmit the return" in page
    officer.post(
        reverse("returns:answer", args=[wm_return.pk]),
        _answers(wm_return, accepted="accepted", actions_taken="All four."),
    )
    officer.post(reverse("returns:resubmit", args=[wm_return.pk]), {"version": 5})
    wm_return.refresh_from_db()
    assert wm_return.status == ReturnStatus.RESUBMITTED
    first = analyst.get(reverse("returns:version", args=[wm_return.pk, 1])).content.decode()
    second = analyst.get(reverse("returns:version", args=[wm_return.pk, 2])).content.decode()
    assert "All four." not in first and "Which services did you review?" in first and "All four." in second
    tracker = analyst.get(reverse("returns:request", args=[wm_return.request_id])).content.decode()
    assert "1 of 43 answered" in tracker and "Resubmitted" in tracker


def test_prefill_from_the_published_response(personas: Personas, wm_return: Return) -> None:
    client = client_for(personas.opcc_officer)
    upload = SimpleUploadedFile(SEED.name.replace(".pdf-extract", ""), SEED.read_bytes(), content_type="text/plain")
    response = client.post(reverse("returns:prefill", args=[wm_return.pk]), {"version": 1, "file": upload}, follow=True)
    page = response.content.decode()
    assert "Filled from the document" in page and "Check each answer" in page
    answers = {a.question.kind: a.text for a in wm_return.answers.select_related("question")}
    assert answers[QuestionKind.ACCEPTED] == Acceptance.ACCEPTED
    assert "Victims Commissioner" in answers[QuestionKind.ACTIONS_TAKEN]
    assert "Domestic Abuse Regional Board" in answers[QuestionKind.ACTIONS_INTENDED]
    assert QuestionKind.REASONS_NO_ACTION not in answers
    wm_return.refresh_from_db()
    assert wm_return.status == ReturnStatus.DRAFT  # the person reviews before submitting


def test_prefill_keeps_what_was_already_written(personas: Personas, wm_return: Return) -> None:
    client = client_for(personas.opcc_officer)
    client.post(reverse("returns:answer", args=[wm_return.pk]), _answers(wm_return, actions_taken="Our own words."))
    upload = SimpleUploadedFile("response.txt", SEED.read_bytes(), content_type="text/plain")
    client.post(reverse("returns:prefill", args=[wm_return.pk]), {"version": 2, "file": upload})
    assert wm_return.answers.get(question__kind=QuestionKind.ACTIONS_TAKEN).text == "Our own words."
    assert wm_return.answers.get(question__kind=QuestionKind.ACTIONS_INTENDED).text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("response.exe", b"MZ\x90\x00", "must be a PDF, Word (.docx), HTML, Markdown or text file"),
        ("response.pdf", b"This is not a PDF", "PDF"),
        ("response.txt", b"", "The selected file is empty"),
    ],
)
def test_prefill_refuses_a_file_it_cannot_read_with_a_clear_message(
    personas: Personas, wm_return: Return, name: str, content: bytes, message: str
) -> None:
    client = client_for(personas.opcc_officer)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("returns:prefill", args=[wm_return.pk]), {"version": 1, "file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert not wm_return.answers.exists()


def test_prefill_refuses_a_file_over_the_limit(personas: Personas, wm_return: Return, settings: object) -> None:
    settings.INGEST_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    upload = SimpleUploadedFile("response.txt", b"a" * (1024 * 1024 + 1))
    response = client_for(personas.opcc_officer).post(
        reverse("returns:prefill", args=[wm_return.pk]), {"version": 1, "file": upload}
    )
    assert response.status_code == 400 and "must be smaller than 1 MB" in response.content.decode()


def test_the_tracker_counts_states_and_days_late(personas: Personas, wm_return: Return) -> None:
    ReturnRequest.objects.filter(pk=wm_return.request_id).update(deadline="2024-01-01")
    page = client_for(personas.national_analyst).get(reverse("returns:request", args=[wm_return.request_id]))
    text = page.content.decode()
    assert "0 of 43 answered" in text and "<strong>43</strong> not submitted" in text
    assert "<strong>43</strong> late" in text


def test_the_list_shows_requests_to_analysts_and_returns_to_officers(
    personas: Personas, sent_request: ReturnRequest
) -> None:
    analyst = client_for(personas.national_analyst).get(reverse("returns:requests")).content.decode()
    assert sent_request.title in analyst and "Create a request" in analyst
    officer = client_for(personas.opcc_officer).get(reverse("returns:requests")).content.decode()
    assert "West Midlands Police and Crime Commissioner" in officer and "Create a request" not in officer

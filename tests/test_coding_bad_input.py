"""The bad input issue 10 names, proven end to end: a return edited after it was submitted, an answer to
a question that does not exist, a theme deleted while passages are coded to it, two analysts coding
the same passage at once, and malformed JSON or JSON lines given to `oversight themes suggest`. Each
is refused with a message a person can act on, and nothing is written."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from oversight.coding import services
from oversight.coding.models import Coding, Suggestion, Theme
from oversight.coding.passages import find_words
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns.models import Acceptance, QuestionKind, Return, ReturnRequest, ReturnStatus
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import draft_request, question
from tests.test_api import api_client
from tests.test_coding import answer_of, answered_request, themes

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

RETURNS = "/api/v1/returns"
CODING = "/api/v1/coding"


def _json(client: Client, method: str, path: str, body: object) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def request_(personas: Personas, item: Item) -> ReturnRequest:
    return answered_request(personas, item)


@pytest.fixture
def colleague(db: None) -> User:
    user = User.objects.create_user("apcc.second", first_name="Sam", last_name="Reid")
    member(user, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    return user


def _submitted(record: Return, personas: Personas) -> Return:
    from oversight.returns import services as returns_services

    accepted = question(record.request, QuestionKind.ACCEPTED).pk
    actions = question(record.request, QuestionKind.ACTIONS_TAKEN).pk
    answers = {accepted: Acceptance.ACCEPTED, actions: "We reviewed the services."}
    record = returns_services.save_answers(record, personas.opcc_officer, None, answers)
    return returns_services.submit_return(record, personas.opcc_officer, record.version)


# --- a return edited after it was submitted -------------------------------------------------------


def test_a_submitted_return_is_not_edited_through_the_page(personas: Personas, wm_return: Return) -> None:
    record = _submitted(wm_return, personas)
    client = client_for(personas.opcc_officer)
    actions = question(record.request, QuestionKind.ACTIONS_TAKEN).pk
    data = {"version": record.version, f"q{actions}": "Sneaked in after submitting"}
    page = client.post(reverse("returns:answer", args=[record.pk]), data, follow=True).content.decode()
    assert "changes only if it is returned for clarification" in page
    submit_again = client.post(reverse("returns:submit", args=[record.pk]), {"version": record.version})
    assert submit_again.status_code == 400 and "Only a return that is" in submit_again.content.decode()
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED and record.versions.count() == 1
    assert record.answers.get(question_id=actions).text == "We reviewed the services."
    assert record.versions.get().answers.get(question_id=actions).text == "We reviewed the services."


def test_a_submitted_return_is_not_edited_through_the_api(personas: Personas, wm_return: Return) -> None:
    record = _submitted(wm_return, personas)
    client = api_client(personas.opcc_officer)
    actions = question(record.request, QuestionKind.ACTIONS_TAKEN).pk
    body = {"version": record.version, "answers": {str(actions): "Sneaked in"}}
    refused = _json(client, "put", f"{RETURNS}/returns/{record.pk}/answers", body)
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("This return was submitted on ")
    assert "can be changed again only if the requesting body returns it for clarification" in refused.json()["detail"]
    again = _json(client, "post", f"{RETURNS}/returns/{record.pk}/submit", {"version": record.version})
    assert again.status_code == 400 and "Only a return that is" in again.json()["detail"]
    record.refresh_from_db()
    assert record.answers.get(question_id=actions).text == "We reviewed the services."
    assert record.versions.count() == 1


# --- an answer to a question that does not exist ----------------------------------------------------


def test_an_answer_to_another_requests_question_is_400_and_nothing_saved(
    personas: Personas, wm_return: Return, item: Item
) -> None:
    other = draft_request(personas, item, title="Another request")
    foreign = other.questions.first()
    assert foreign is not None and foreign.request_id != wm_return.request_id
    accepted = question(wm_return.request, QuestionKind.ACCEPTED).pk
    body = {"version": wm_return.version, "answers": {str(accepted): "accepted", str(foreign.pk): "x"}}
    response = _json(api_client(personas.opcc_officer), "put", f"{RETURNS}/returns/{wm_return.pk}/answers", body)
    assert response.status_code == 400
    assert response.json()["detail"] == f"This request has no question {foreign.pk}: nothing was saved."
    assert not wm_return.answers.exists()  # not even the good answer beside it
    wm_return.refresh_from_db()
    assert wm_return.version == 1


@pytest.mark.parametrize("answers", [["accepted"], "accepted", {"1": 5}, None])
def test_answers_that_are_not_a_map_of_text_are_a_4xx_with_a_message(
    personas: Personas, wm_return: Return, answers: object
) -> None:
    body = {"version": wm_return.version, "answers": answers}
    response = _json(api_client(personas.opcc_officer), "put", f"{RETURNS}/returns/{wm_return.pk}/answers", body)
    assert 400 <= response.status_code < 500 and response.json()["detail"]
    assert not wm_return.answers.exists()


def test_a_body_that_is_not_json_is_a_4xx(personas: Personas, wm_return: Return) -> None:
    client = api_client(personas.opcc_officer)
    response = client.put(f"{RETURNS}/returns/{wm_return.pk}/answers", "{oops", content_type="application/json")
    assert 400 <= response.status_code < 500 and response.json()["detail"]
    assert not wm_return.answers.exists()


# --- a theme deleted while passages are coded to it ------------------------------------------------


def test_a_theme_with_two_analysts_codings_is_not_deleted_and_a_merge_keeps_them_all(
    personas: Personas, request_: ReturnRequest, colleague: User
) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    span = find_words(answer.text, "independent advocate")[0]
    services.code_span(personas.national_analyst, services.SpanDraft(answer, *span, (training,), memo="mine"))
    services.code_span(colleague, services.SpanDraft(answer, *span, (training,), memo="theirs"))
    client = client_for(personas.national_analyst)
    refused = client.post(reverse("coding:delete_theme", args=[request_.pk, training.pk]))
    assert refused.status_code == 400
    assert "“Training” has 2 coded passages: merge it into another theme to keep them" in refused.content.decode()
    assert Theme.objects.filter(pk=training.pk).exists() and Coding.objects.count() == 2
    merged = client.post(reverse("coding:merge_theme", args=[request_.pk, training.pk]), {"into": advocacy.pk})
    assert merged.status_code == 302
    rows = Coding.objects.values_list("coder__username", "theme__name", "memo", "start", "end")
    assert sorted(rows) == [("apcc.analyst", "Advocacy", "mine", *span), ("apcc.second", "Advocacy", "theirs", *span)]


def test_coding_to_a_theme_deleted_since_the_page_was_opened_is_refused(
    personas: Personas, request_: ReturnRequest
) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    client = client_for(personas.national_analyst)
    page = client.get(reverse("coding:request", args=[request_.pk])).content.decode()
    assert f'value="{training.pk}"' in page
    services.delete_theme(training, personas.national_analyst)  # someone else, meanwhile
    data = {"answer": answer.pk, "words": "advocate", "themes": [advocacy.pk, training.pk]}
    response = client.post(reverse("coding:code", args=[request_.pk]), data)
    assert response.status_code == 400 and "Choose themes of this request" in response.content.decode()
    api = _json(api_client(personas.national_analyst), "post", f"{CODING}/requests/{request_.pk}/codings", {
        "answer_id": answer.pk, "start": 0, "end": 7, "theme_id": training.pk})  # fmt: skip
    assert api.status_code == 400 and f"This request has no theme {training.pk}" in api.json()["detail"]
    assert not Coding.objects.exists()


# --- two analysts coding the same passage at once -------------------------------------------------


def test_two_analysts_code_the_same_passage_through_the_api_and_both_keep_theirs(
    personas: Personas, request_: ReturnRequest, colleague: User
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    body = {"answer_id": answer.pk, "start": 0, "end": 7, "theme_id": advocacy.pk}
    url = f"{CODING}/requests/{request_.pk}/codings"
    first = _json(api_client(personas.national_analyst), "post", url, body)
    second = _json(api_client(colleague), "post", url, body)
    assert (first.status_code, second.status_code) == (200, 200)
    twice = _json(api_client(colleague), "post", url, body)
    assert twice.status_code == 400 and "already coded these words to “Advocacy”" in twice.json()["detail"]
    assert sorted(Coding.objects.values_list("coder__username", flat=True)) == ["apcc.analyst", "apcc.second"]


def test_a_double_click_on_the_page_is_a_message_not_a_500(
    personas: Personas, request_: ReturnRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request passes the check before the first one's row is saved: the database's unique
    rule refuses it, and the person is told."""
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    monkeypatch.setattr(services, "_refuse_coded_already", lambda *args: None)
    client = client_for(personas.national_analyst)
    data = {"answer": answer.pk, "words": "PPDA cases", "themes": [advocacy.pk]}
    assert client.post(reverse("coding:code", args=[request_.pk]), data).status_code == 302
    again = client.post(reverse("coding:code", args=[request_.pk]), data)
    assert again.status_code == 400
    assert "You have already coded these words to “Advocacy”. Nothing was coded." in again.content.decode()
    assert Coding.objects.count() == 1


# --- malformed JSON or JSON lines on `oversight themes suggest` -------------------------------------

THEMES = json.dumps([{"name": "Training", "description": "Training of staff"}])
GOOD_LINE = json.dumps({"id": "a", "text": "Staff were trained."})


def _files(tmp_path: Path, themes_text: str = THEMES, input_text: str = GOOD_LINE + "\n") -> list[str]:
    (tmp_path / "themes.json").write_text(themes_text, encoding="utf-8")
    (tmp_path / "passages.jsonl").write_text(input_text, encoding="utf-8")
    return ["suggest", "--themes", str(tmp_path / "themes.json"), "--input", str(tmp_path / "passages.jsonl")]


MALFORMED = [
    pytest.param({"themes_text": "[" * 100_000}, "themes.json is not valid JSON for this command", id="deep-json"),
    pytest.param({"input_text": "[" * 100_000 + "\n"}, "line 1 is not valid JSON for this command", id="deep-jsonl"),
    pytest.param(
        {"input_text": '{"id": "\\udc80", "text": "x"}\n'}, "line 1 has text that is not valid Unicode", id="surrogate"
    ),
    pytest.param(
        {"themes_text": '[{"name": "A", "description": "\\ud800"}]'}, "not valid Unicode", id="theme-surrogate"
    ),
    pytest.param({"themes_text": "\ufeff" + THEMES}, "themes.json is not valid JSON", id="bom"),
    pytest.param({"themes_text": THEMES[:-1]}, "themes.json is not valid JSON", id="truncated-json"),
    pytest.param({"input_text": GOOD_LINE + '\n{"id": "b", "text": "cut'}, "line 2 is not valid JSON", id="truncated"),
    pytest.param({"input_text": json.dumps([json.loads(GOOD_LINE)])}, "line 1: a passage needs", id="a-json-list"),
    pytest.param({"input_text": "{'id': 'a', 'text': 'x'}\n"}, "line 1 is not valid JSON", id="single-quotes"),
]


@pytest.mark.parametrize(("files", "message"), MALFORMED)
def test_malformed_input_exits_2_with_a_message_and_writes_nothing(
    tmp_path: Path, files: dict[str, str], message: str, request_: ReturnRequest, personas: Personas
) -> None:
    themes(request_, personas.national_analyst)
    before = (Theme.objects.count(), Coding.objects.count(), Suggestion.objects.count())
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("themes", *_files(tmp_path, **files), stdout=out, stderr=err)
    assert exit_.value.code == 2
    assert out.getvalue() == "" and message in err.getvalue() and "Traceback" not in err.getvalue()
    assert (Theme.objects.count(), Coding.objects.count(), Suggestion.objects.count()) == before


def test_the_installed_command_refuses_deep_json_and_lone_surrogates_with_status_2(tmp_path: Path) -> None:
    oversight = Path(sys.executable).with_name("oversight")
    for files in ({"themes_text": "[" * 100_000}, {"input_text": '{"id": "\\udc80", "text": "x"}\n'}):
        args = [str(oversight), "themes", *_files(tmp_path, **files)]
        result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert "Traceback" not in result.stderr

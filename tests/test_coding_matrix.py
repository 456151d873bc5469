"""The theme-by-area matrix and the counts from the structured answers: computed on a small answered
request, in a fixed number of queries, shown by label, and refused (404) to everyone outside."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight.coding import services
from oversight.coding.models import Coding, Theme
from oversight.coding.summary import theme_matrix
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item
from oversight.returns import services as returns_services
from oversight.returns.counts import structured_counts
from oversight.returns.models import Acceptance, QuestionKind, ReturnRequest
from tests.conftest import client_for
from tests.personas import Personas
from tests.returns_helpers import question
from tests.test_coding import ANSWERS, _officer, answer_of, answered_request, code, themes
from tests.test_coding_access import REFUSED, person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(personas: Personas, item: Item) -> ReturnRequest:
    """Three areas answered; Advocacy (with a sub-theme) and Training coded; pending suggestions made."""
    request = answered_request(personas, item)
    analyst = personas.national_analyst
    advocacy, training = themes(request, analyst)
    funded = services.create_theme(request, analyst, services.ThemeDraft("Funded posts", parent=advocacy))
    wm, avon = answer_of(request, "west-midlands-police"), answer_of(request, "avon-and-somerset-police")
    code(analyst, wm, 0, advocacy)
    code(analyst, wm, 1, training)
    code(analyst, avon, 0, advocacy)
    code(analyst, avon, 0, funded)
    services.suggest_for_request(request)
    return request


def test_the_matrix_counts_distinct_passages_people_coded_by_theme_and_area(request_: ReturnRequest) -> None:
    matrix = theme_matrix(request_)
    names = [o.name for o in matrix.columns]
    assert names == sorted(names)
    assert len(names) == 2  # Merseyside answered but nothing of it is coded by a person
    assert matrix.answered == 3
    rows = {row.theme.name: row for row in matrix.rows}
    assert [row.theme.name for row in matrix.rows] == ["Advocacy", "Funded posts", "Training"]
    assert rows["Funded posts"].depth == 1
    avon = names.index(Organisation.objects.get(slug="avon-and-somerset-police").governing_body_on().name)  # type: ignore[union-attr]
    wm = 1 - avon
    assert rows["Advocacy"].cells[wm] == 1 and rows["Advocacy"].cells[avon] == 1
    assert rows["Advocacy"].areas == 2
    assert rows["Training"].cells == [1 if i == wm else 0 for i in range(2)]
    assert rows["Funded posts"].areas == 1


def test_two_coders_of_the_same_passage_count_once(personas: Personas, request_: ReturnRequest) -> None:
    other = person(personas, "other_national_analyst")
    advocacy = Theme.objects.get(request=request_, name="Advocacy")
    answer = answer_of(request_, "west-midlands-police")
    first = Coding.objects.get(answer=answer, theme=advocacy)
    Coding.objects.create(answer=answer, start=first.start, end=first.end, theme=advocacy, coder=other)
    rows = {row.theme.name: row for row in theme_matrix(request_).rows}
    assert rows["Advocacy"].passages == 2


def test_counts_of_the_structured_answers_by_label(personas: Personas, request_: ReturnRequest) -> None:
    (accepted,) = structured_counts(request_)
    assert accepted.question.kind == QuestionKind.ACCEPTED
    assert (accepted.answered, accepted.submitted) == (3, 3)
    assert [(o.label, o.count) for o in accepted.options] == [
        ("Accepted", 3), ("Partly accepted", 0), ("Not accepted", 0),
    ]  # fmt: skip
    assert accepted.summary == "3 of 3 accepted, 0 partly accepted, 0 not accepted"


def _answer_more(request: ReturnRequest, slugs: list[str]) -> None:
    accepted = question(request, QuestionKind.ACCEPTED).pk
    taken = question(request, QuestionKind.ACTIONS_TAKEN).pk
    for slug in slugs:
        body = Organisation.objects.get(slug=slug).governing_body_on()
        assert body is not None
        officer = _officer(body)
        record = request.returns.get(organisation=body)
        values = {accepted: Acceptance.PARTLY, taken: "We fund an advocate. We train staff."}
        record = returns_services.save_answers(record, officer, None, values)
        returns_services.submit_return(record, officer, record.version)


def test_query_counts_do_not_grow_with_the_number_of_returns(personas: Personas, request_: ReturnRequest) -> None:
    with CaptureQueriesContext(connection) as before:
        theme_matrix(request_)
        structured_counts(request_)
    slugs = [o.slug for o in Organisation.objects.filter(kind="force").exclude(slug__in=ANSWERS)[:3]]
    _answer_more(request_, slugs)
    with CaptureQueriesContext(connection) as after:
        theme_matrix(request_)
        counts = structured_counts(request_)
    assert len(after) == len(before)
    assert counts[0].summary.startswith("3 of 6 accepted, 3 partly accepted")


def test_the_pages_show_labels_not_codes(personas: Personas, request_: ReturnRequest) -> None:
    analyst = client_for(personas.national_analyst)
    page = analyst.get(reverse("returns:request", args=[request_.pk])).content.decode()
    assert "3 of 3 answered: 3 of 3 accepted, 0 partly accepted, 0 not accepted" in page
    assert "partly_accepted" not in page and "not_accepted" not in page
    coding = analyst.get(reverse("coding:request", args=[request_.pk])).content.decode()
    assert reverse("coding:matrix", args=[request_.pk]) in coding
    response = analyst.get(reverse("coding:matrix", args=[request_.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "govuk-visually-hidden" in html and "Coded in 2 of 3 areas" in html
    for column in theme_matrix(request_).columns:
        assert column.name in html


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_on_the_matrix(personas: Personas, request_: ReturnRequest, name: str) -> None:
    client = client_for(person(personas, name))
    assert client.get(reverse("coding:matrix", args=[request_.pk])).status_code == 404

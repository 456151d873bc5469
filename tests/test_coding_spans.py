"""Coding any words of an answer, not only a whole sentence: finding the words, coding them to several
themes at once, the page that does it without JavaScript, the words marked on the page, and how such
spans count in agreement, suggestions and the theme-by-area matrix."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from oversight.coding import services
from oversight.coding.models import Coding, Theme
from oversight.coding.passages import find_words, in_context, same_words, split_passages, trimmed
from oversight.coding.summary import theme_matrix
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns.models import ReturnRequest, VersionAnswer
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas
from tests.test_coding import ANSWERS, answer_of, answered_request, themes

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

WM = "We have funded an independent advocate for victims. Staff are trained in PPDA cases."


@pytest.fixture
def request_(personas: Personas, item: Item) -> ReturnRequest:
    return answered_request(personas, item)


@pytest.fixture
def colleague(db: None) -> User:
    user = User.objects.create_user("apcc.second", first_name="Sam", last_name="Reid")
    member(user, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    return user


def _span(answer: VersionAnswer, words: str) -> tuple[int, int]:
    [span] = find_words(answer.text, words)
    return span


def _draft(answer: VersionAnswer, words: str, *chosen: Theme, **extra: object) -> services.SpanDraft:
    return services.SpanDraft(answer, *_span(answer, words), chosen, **extra)  # type: ignore[arg-type]


# --- finding the words ------------------------------------------------------------------------------


def test_words_are_found_as_written_whatever_the_spacing() -> None:
    text = "Staff are trained.\nStaff  are\ntrained again. staff are trained."
    assert [text[a:b] for a, b in find_words(text, "Staff are trained")] == [
        "Staff are trained", "Staff  are\ntrained",
    ]  # fmt: skip
    assert find_words(text, "  staff are  ") == [(text.rindex("staff"), text.rindex("staff") + 9)]
    assert find_words(text, "Staff were trained") == []
    assert find_words(text, "   ") == []
    assert find_words("a.b (c)", ".b (c") == [(1, 6)]  # punctuation is text, not a pattern


def test_same_words_and_trimming() -> None:
    assert same_words("Staff  are\ntrained", "Staff are trained")
    assert not same_words("Staff are trained", "staff are trained")
    assert trimmed("  two words ", 0, 12) == (2, 11)


def test_words_are_found_as_whole_words() -> None:
    text = "Staff are trained in PPDA cases."
    assert find_words(text, "in") == [(text.index(" in ") + 1, text.index(" in ") + 3)]
    assert find_words(text, "rain") == []
    assert find_words(text, "cases.") == [(text.index("cases"), len(text))]


def test_each_place_is_shown_with_the_words_around_it() -> None:
    text = "Here the advocate is funded by the grant for three years, and the advocate is independent of the force."
    first, second = find_words(text, "the advocate")
    assert first == (5, 17)
    before, words, after = in_context(text, second, width=20)
    assert (before, words, after) == ("…three years, and ", "the advocate", " is independent of…")
    assert in_context(text, first, width=20) == ("Here ", "the advocate", " is funded by the…")


# --- the service ------------------------------------------------------------------------------------


def test_words_inside_a_sentence_are_coded_to_several_themes_at_once(
    personas: Personas, request_: ReturnRequest
) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    draft = _draft(answer, "independent advocate", advocacy, training, memo=" Not commissioned ", quote=True)
    made = services.code_span(personas.national_analyst, draft)
    assert [(c.theme.name, c.text, c.memo, c.quote) for c in made] == [
        ("Advocacy", "independent advocate", "Not commissioned", True),
        ("Training", "independent advocate", "Not commissioned", True),
    ]
    assert Coding.objects.count() == 2


def test_words_across_two_sentences_are_one_span(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    [coding] = services.code_span(personas.national_analyst, _draft(answer, "victims. Staff", advocacy))
    assert coding.text == "victims. Staff"


def test_one_theme_already_coded_refuses_them_all(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    services.code_span(personas.national_analyst, _draft(answer, "advocate", training))
    with pytest.raises(ValidationError, match=r"already coded these words to “Training”\. Nothing was coded"):
        services.code_span(personas.national_analyst, _draft(answer, "advocate", advocacy, training))
    assert list(Coding.objects.values_list("theme__name", flat=True)) == ["Training"]


def test_a_theme_deleted_since_the_page_was_opened_is_refused(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    draft = _draft(answer, "advocate", advocacy, training)
    services.delete_theme(training, personas.national_analyst)
    with pytest.raises(ValidationError, match="“Training” has been deleted or merged"):
        services.code_span(personas.national_analyst, draft)
    assert not Coding.objects.exists()


def test_themes_of_two_requests_or_none_are_refused(personas: Personas, request_: ReturnRequest, item: Item) -> None:
    from tests.returns_helpers import draft_request, send

    advocacy, _ = themes(request_, personas.national_analyst)
    other = send(draft_request(personas, item, title="Another"), personas.national_analyst)
    foreign = services.create_theme(other, personas.national_analyst, services.ThemeDraft("Elsewhere"))
    answer = answer_of(request_, "west-midlands-police")
    with pytest.raises(ValidationError, match="themes of one request"):
        services.code_span(personas.national_analyst, _draft(answer, "advocate", advocacy, foreign))
    with pytest.raises(ValidationError, match="at least one theme"):
        services.code_span(personas.national_analyst, _draft(answer, "advocate"))
    with pytest.raises(ValidationError, match="No passage"):
        services.code_span(personas.national_analyst, services.SpanDraft(answer, 5, 500, (advocacy,)))
    assert not Coding.objects.exists()


def test_only_the_requesting_bodys_analysts_code_words(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    for person in (personas.opcc_officer, personas.hmicfrs_lead, personas.administrator, personas.no_role):
        with pytest.raises(PermissionDenied):
            services.code_span(person, _draft(answer, "advocate", advocacy))
    assert not Coding.objects.exists()


def test_two_analysts_coding_the_same_words_at_once_both_keep_theirs(
    personas: Personas, request_: ReturnRequest, colleague: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The colleague's coding is saved between the analyst's check and the analyst's save."""
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    check = services._refuse_coded_already
    raced: list[Coding] = []

    def meanwhile(by: User, draft: services.SpanDraft, chosen: list[Theme]) -> None:
        check(by, draft, chosen)
        if by == personas.national_analyst:
            raced.extend(services.code_span(colleague, draft))

    monkeypatch.setattr(services, "_refuse_coded_already", meanwhile)
    services.code_span(personas.national_analyst, _draft(answer, "independent advocate", advocacy))
    assert raced
    rows = Coding.objects.values_list("coder__username", "start", "end", "theme__name")
    start, end = _span(answer, "independent advocate")
    assert sorted(rows) == [("apcc.analyst", start, end, "Advocacy"), ("apcc.second", start, end, "Advocacy")]


def test_the_same_analyst_twice_at_once_is_told_not_a_500(
    personas: Personas, request_: ReturnRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their own coding saved a moment earlier (by a double click) meets the database's unique rule."""
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    draft = _draft(answer, "advocate", advocacy)
    monkeypatch.setattr(services, "_refuse_coded_already", lambda *args: None)
    services.code_span(personas.national_analyst, draft)
    with pytest.raises(ValidationError, match="already coded these words to “Advocacy”"):
        services.code_span(personas.national_analyst, draft)
    assert Coding.objects.count() == 1


# --- agreement, suggestions and the matrix ----------------------------------------------------------


def test_a_span_counts_toward_every_sentence_it_overlaps(
    personas: Personas, request_: ReturnRequest, colleague: User
) -> None:
    """The rule: words inside a sentence code that sentence; words across two sentences code both."""
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    first, second = split_passages(answer.text)
    services.code_span(personas.national_analyst, _draft(answer, "independent advocate", advocacy))
    services.code_span(colleague, services.SpanDraft(answer, *first, (advocacy,)))
    services.code_span(personas.national_analyst, _draft(answer, "victims. Staff", training))
    services.code_span(colleague, _draft(answer, "trained", training))
    result = services.agreement_between(request_, personas.national_analyst, personas.national_analyst, colleague)
    # Two shared sentences. Advocacy: analyst Y N, colleague Y N (kappa 1); training: analyst Y Y,
    # colleague N Y (chance 1/2, observed 1/2: kappa 0).
    assert result.units == 2
    assert result.per_theme == {"Advocacy": pytest.approx(1.0), "Training": pytest.approx(0.0)}
    units = services._codings_of(request_, personas.national_analyst)
    assert units == {(answer.pk, *first): {"Advocacy", "Training"}, (answer.pk, *second): {"Training"}}
    # A sentence any coding overlaps is coded: no suggestion is made for it.
    uncoded = {(a.pk, s, e) for a, s, e in services.uncoded_passages(request_)}
    assert (answer.pk, *first) not in uncoded and (answer.pk, *second) not in uncoded
    assert len(uncoded) == 4


def test_the_matrix_counts_a_span_as_one_passage(personas: Personas, request_: ReturnRequest, colleague: User) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    services.code_span(personas.national_analyst, _draft(answer, "independent advocate", advocacy))
    services.code_span(colleague, _draft(answer, "independent advocate", advocacy))  # the same passage
    services.code_span(colleague, _draft(answer, "victims. Staff", advocacy))
    matrix = theme_matrix(request_)
    assert [c.name for c in matrix.columns] == [answer.version.return_record.organisation.name]
    assert [(row.theme.name, row.cells) for row in matrix.rows] == [("Advocacy", [2]), ("Training", [0])]


# --- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def analyst(personas: Personas) -> Client:
    return client_for(personas.national_analyst)


def _post(client: Client, request: ReturnRequest, **data: object) -> tuple[int, str]:
    response = client.post(reverse("coding:code", args=[request.pk]), data)
    return response.status_code, response.content.decode() if response.status_code != 302 else response["Location"]


def test_the_page_offers_to_code_other_words_of_each_answer(
    personas: Personas, analyst: Client, request_: ReturnRequest
) -> None:
    themes(request_, personas.national_analyst)
    page = analyst.get(reverse("coding:request", args=[request_.pk])).content.decode()
    assert page.count("Code other words from this answer") == 3
    assert page.count('<label class="govuk-label govuk-label--s" for="span-words-') == 3
    assert "The words to code, exactly as in the answer" in page
    assert "oversight/span-select.js" in page


def test_words_typed_in_are_coded_to_the_themes_ticked(
    personas: Personas, analyst: Client, request_: ReturnRequest
) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    status, location = _post(
        analyst, request_, answer=answer.pk, words="independent  advocate", themes=[advocacy.pk, training.pk],
        memo="Funded", quote="on",
    )  # fmt: skip
    assert status == 302 and location.endswith(f"#answer-{answer.pk}")
    assert sorted(Coding.objects.values_list("theme__name", "memo", "quote")) == [
        ("Advocacy", "Funded", True), ("Training", "Funded", True),
    ]  # fmt: skip
    assert {c.text for c in Coding.objects.all()} == {"independent advocate"}
    page = analyst.get(reverse("coding:request", args=[request_.pk])).content.decode()
    assert "“independent advocate” coded to “Advocacy”, “Training”." in page
    marked = (
        '<mark>independent advocate<span class="govuk-visually-hidden"> (coded to Advocacy, Training)</span></mark>'
    )
    assert f"We have funded an {marked} for victims." in page


def test_offsets_from_a_selection_are_used_when_they_hold_the_words(
    personas: Personas, analyst: Client, request_: ReturnRequest
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "avon-and-somerset-police")  # "An advocate post ... Training for call ..."
    text = answer.text
    start = text.index(" advocate")  # a selection that took the space before the word
    status, _ = _post(
        analyst, request_, answer=answer.pk, words="advocate", start=start, end=start + 9, themes=[advocacy.pk]
    )
    assert status == 302
    assert Coding.objects.get().text == "advocate" and Coding.objects.get().start == start + 1
    # Offsets that do not hold the words (an altered page) are ignored: the words are looked for.
    Coding.objects.all().delete()
    status, _ = _post(analyst, request_, answer=answer.pk, words="call handlers", start=0, end=5, themes=[advocacy.pk])
    assert status == 302 and Coding.objects.get().text == "call handlers"


def test_words_not_in_the_answer_are_an_error_with_the_form_kept(
    personas: Personas, analyst: Client, request_: ReturnRequest
) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    status, page = _post(
        analyst, request_, answer=answer.pk, words="an unpaid advocate", themes=[training.pk], memo="Check this"
    )
    assert status == 400 and not Coding.objects.exists()
    assert "<title>Error: " in page
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    assert f'<a href="#span-words-{answer.pk}">These words are not in the answer' in summary
    assert f'id="span-words-{answer.pk}-error"' in page
    kept = re.search(rf'<textarea[^>]*id="span-words-{answer.pk}"[^>]*>([^<]*)</textarea>', page)
    assert kept is not None and kept.group(1) == "an unpaid advocate"
    assert f'value="{training.pk}" checked' in page and f'value="{advocacy.pk}" checked' not in page
    assert f'id="span-memo-{answer.pk}" name="memo" type="text" value="Check this"' in page
    assert '<details class="govuk-details govuk-!-margin-bottom-0" data-span-details open>' in page


def test_no_words_or_no_theme_are_errors(personas: Personas, analyst: Client, request_: ReturnRequest) -> None:
    themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    status, page = _post(analyst, request_, answer=answer.pk, words="  ")
    assert status == 400
    assert "Enter the words to code, exactly as in the answer" in page and "Select at least one theme" in page
    assert f'<a href="#span-themes-{answer.pk}-1">Select at least one theme</a>' in page
    status, page = _post(analyst, request_, answer=answer.pk, words="advocate", themes=[999_999])
    assert status == 400 and "Choose themes of this request" in page
    assert not Coding.objects.exists()


REPEATED = "The advocate meets each victim. The advocate is independent of the force."


@pytest.fixture
def repeated(personas: Personas, item: Item, monkeypatch: pytest.MonkeyPatch) -> ReturnRequest:
    monkeypatch.setitem(ANSWERS, "merseyside-police", REPEATED)
    return answered_request(personas, item)


def test_words_that_appear_more_than_once_are_chosen_from_a_list(
    personas: Personas, analyst: Client, repeated: ReturnRequest
) -> None:
    advocacy, _ = themes(repeated, personas.national_analyst)
    answer = answer_of(repeated, "merseyside-police")
    status, page = _post(analyst, repeated, answer=answer.pk, words="The advocate", themes=[advocacy.pk])
    assert status == 400 and not Coding.objects.exists()
    assert "These words appear 2 times in the answer: choose which to code" in page
    assert "Which of them do you mean?" in page
    assert f'<a href="#span-occurrence-{answer.pk}-1">' in page
    assert page.count('name="occurrence" type="radio"') == 2
    second = "The advocate meets each victim. <strong>The advocate</strong> is independent of the force."
    assert f"Place 2: </span>{second}" in page
    status, _ = _post(analyst, repeated, answer=answer.pk, words="The advocate", themes=[advocacy.pk], occurrence=2)
    assert status == 302 and Coding.objects.get().start == REPEATED.rindex("The advocate")
    status, page = _post(analyst, repeated, answer=answer.pk, words="The advocate", themes=[advocacy.pk], occurrence=3)
    assert status == 400 and "choose which to code" in page


def test_coding_the_same_words_twice_is_a_message_not_a_500(
    personas: Personas, analyst: Client, request_: ReturnRequest
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    data = {"answer": answer.pk, "words": "PPDA cases", "themes": [advocacy.pk]}
    assert _post(analyst, request_, **data)[0] == 302
    status, page = _post(analyst, request_, **data)
    assert status == 400 and "You have already coded these words to “Advocacy”. Nothing was coded." in page
    assert Coding.objects.count() == 1


@pytest.mark.parametrize("name", ["opcc_officer", "hmicfrs_lead", "administrator", "no_role"])
def test_refused_people_get_404_and_nothing_is_coded(personas: Personas, request_: ReturnRequest, name: str) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    client = client_for(getattr(personas, name))
    status, _ = _post(client, request_, answer=answer.pk, words="advocate", themes=[advocacy.pk])
    assert status == 404 and not Coding.objects.exists()


def test_an_answer_that_is_not_coded_is_not_a_choice(
    personas: Personas, analyst: Client, request_: ReturnRequest
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    chosen = VersionAnswer.objects.exclude(pk__in=services.codable_answers(request_)).first()  # "accepted"
    assert chosen is not None
    status, page = _post(analyst, request_, answer=chosen.pk, words="accepted", themes=[advocacy.pk])
    assert status == 400 and "reload the page and try again" in page and not Coding.objects.exists()
    assert WM.split(". ")[0] in page  # the page is shown again, with the answers to code

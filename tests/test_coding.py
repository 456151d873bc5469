"""Coding a request's returns: themes, people's codings of passages, and the system's suggestions
(accepted one by one or in bulk, rejected), with the bad input the issue names."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import ProtectedError

from oversight.coding import services
from oversight.coding.models import BulkAcceptance, Coding, Suggestion, SuggestionStatus, Theme
from oversight.coding.passages import split_passages
from oversight.concurrency import ConcurrentEditError
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns import services as returns_services
from oversight.returns.models import Acceptance, QuestionKind, ReturnRequest, VersionAnswer
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import draft_request, question, send

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

ANSWERS = {
    "west-midlands-police": "We have funded an independent advocate for victims. Staff are trained in PPDA cases.",
    "avon-and-somerset-police": "An advocate post is funded from the grant. Training for call handlers began in May.",
    "merseyside-police": "We commissioned a specialist advocate service. The budget is under review.",
}


def _officer(body: Organisation) -> User:
    user = User.objects.create_user(f"{body.slug}.opcc")
    member(user, body, Role.OPCC_OFFICER)
    return user


def answered_request(personas: Personas, item: Item) -> ReturnRequest:
    """The APCC's request, answered by three governing bodies with a few sentences on actions taken."""
    request = send(draft_request(personas, item), personas.national_analyst)
    accepted, actions = question(request, QuestionKind.ACCEPTED).pk, question(request, QuestionKind.ACTIONS_TAKEN).pk
    for force, text in ANSWERS.items():
        body = Organisation.objects.get(slug=force).governing_body_on()
        assert body is not None
        officer = _officer(body)
        record = request.returns.get(organisation=body)
        record = returns_services.save_answers(record, officer, None, {accepted: Acceptance.ACCEPTED, actions: text})
        returns_services.submit_return(record, officer, record.version)
    return request


def coded_request(personas: Personas, item: Item) -> ReturnRequest:
    """The answered request with two themes, one analyst's coding and pending suggestions."""
    request = answered_request(personas, item)
    advocacy, _ = themes(request, personas.national_analyst)
    code(personas.national_analyst, answer_of(request, "west-midlands-police"), 0, advocacy)
    services.suggest_for_request(request)
    return request


def answer_of(request: ReturnRequest, force: str) -> VersionAnswer:
    return next(a for a in services.codable_answers(request) if a.text == ANSWERS[force])


def themes(request: ReturnRequest, by: User) -> tuple[Theme, Theme]:
    advocacy = services.create_theme(request, by, services.ThemeDraft("Advocacy", "Independent advocates for victims"))
    training = services.create_theme(request, by, services.ThemeDraft("Training", "Training of staff and officers"))
    return advocacy, training


@pytest.fixture
def request_(personas: Personas, item: Item) -> ReturnRequest:
    return answered_request(personas, item)


def code(by: User, answer: VersionAnswer, sentence: int, theme: Theme, **extra: object) -> Coding:
    start, end = split_passages(answer.text)[sentence]
    return services.code_passage(by, services.CodingDraft(answer, start, end, theme, **extra))  # type: ignore[arg-type]


# --- passages and themes ----------------------------------------------------------------------------


def test_passages_are_sentences_with_offsets() -> None:
    text = "We accept.  We funded an ISVA!\nA line with no stop\n\nWhy? £3.5 million"
    assert [text[a:b] for a, b in split_passages(text)] == [
        "We accept.", "We funded an ISVA!", "A line with no stop", "Why?", "£3.5 million",
    ]  # fmt: skip


def test_only_the_prose_answers_of_submitted_versions_are_codable(request_: ReturnRequest) -> None:
    answers = list(services.codable_answers(request_))
    assert sorted(a.text for a in answers) == sorted(ANSWERS.values())


def test_theme_names_are_unique_per_request(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    with pytest.raises(ValidationError, match="already a theme"):
        services.create_theme(request_, personas.national_analyst, services.ThemeDraft(" advocacy "))
    with pytest.raises(ValidationError, match="Enter a name"):
        services.create_theme(request_, personas.national_analyst, services.ThemeDraft("  "))
    child = services.create_theme(request_, personas.national_analyst, services.ThemeDraft("ISVA", parent=advocacy))
    with pytest.raises(ValidationError, match="under itself"):
        services.update_theme(advocacy, personas.national_analyst, None, services.ThemeDraft("Advocacy", parent=child))


def test_a_theme_edited_on_a_stale_page_is_refused(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    services.update_theme(advocacy, personas.national_analyst, 1, services.ThemeDraft("Advocates"))
    with pytest.raises(ConcurrentEditError):
        services.update_theme(advocacy, personas.national_analyst, 1, services.ThemeDraft("Advocacy services"))
    advocacy.refresh_from_db()
    assert (advocacy.name, advocacy.version) == ("Advocates", 2)


def test_only_the_requesting_bodys_analysts_define_themes(personas: Personas, request_: ReturnRequest) -> None:
    for person in (personas.opcc_officer, personas.administrator, personas.no_role):
        with pytest.raises(PermissionDenied):
            services.create_theme(request_, person, services.ThemeDraft("Mine"))
    assert not Theme.objects.exists()


# --- codings ----------------------------------------------------------------------------------------


def test_a_passage_is_coded_with_a_memo_and_a_quote_mark(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    coding = code(personas.national_analyst, answer_of(request_, "west-midlands-police"), 0, advocacy,
                  memo="Funded, not commissioned", quote=True)  # fmt: skip
    assert coding.text == "We have funded an independent advocate for victims."
    assert coding.quote and coding.memo == "Funded, not commissioned"


@pytest.mark.parametrize("span", [(-1, 5), (5, 5), (10, 4), (0, 10_000)])
def test_a_span_outside_the_answer_is_refused(
    personas: Personas, request_: ReturnRequest, span: tuple[int, int]
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    with pytest.raises(ValidationError, match="No passage"):
        services.code_passage(personas.national_analyst, services.CodingDraft(answer, *span, advocacy))
    assert not Coding.objects.exists()


def test_a_theme_of_another_request_is_refused(personas: Personas, request_: ReturnRequest, item: Item) -> None:
    other = send(draft_request(personas, item, title="Another"), personas.national_analyst)
    foreign = services.create_theme(other, personas.national_analyst, services.ThemeDraft("Elsewhere"))
    with pytest.raises(ValidationError, match="not part of this request"):
        code(personas.national_analyst, answer_of(request_, "merseyside-police"), 0, foreign)


def test_coding_the_same_passage_twice_is_refused_but_two_analysts_keep_theirs(
    personas: Personas, request_: ReturnRequest
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    colleague = User.objects.create_user("apcc.second")
    member(colleague, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    answer = answer_of(request_, "west-midlands-police")
    code(personas.national_analyst, answer, 0, advocacy)
    code(colleague, answer, 0, advocacy)
    with pytest.raises(ValidationError, match="already coded"):
        code(personas.national_analyst, answer, 0, advocacy)
    assert Coding.objects.count() == 2


def test_a_theme_with_codings_is_not_deleted_but_can_be_merged(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    answer = answer_of(request_, "west-midlands-police")
    code(personas.national_analyst, answer, 0, advocacy, memo="first")
    code(personas.national_analyst, answer, 0, training, memo="second", quote=True)
    code(personas.national_analyst, answer, 1, training)
    with pytest.raises(ValidationError, match="has 2 coded passages: merge it"):
        services.delete_theme(training, personas.national_analyst)
    with pytest.raises(ProtectedError):
        training.delete()  # the database refuses too
    services.merge_themes(training, advocacy, personas.national_analyst)
    assert not Theme.objects.filter(pk=training.pk).exists()
    merged = list(Coding.objects.order_by("start").values_list("theme__name", "memo", "quote"))
    assert merged == [("Advocacy", "first\n\nsecond", True), ("Advocacy", "", False)]


def test_an_empty_theme_is_deleted(personas: Personas, request_: ReturnRequest) -> None:
    _, training = themes(request_, personas.national_analyst)
    services.delete_theme(training, personas.national_analyst)
    assert list(Theme.objects.values_list("name", flat=True)) == ["Advocacy"]


def test_merging_into_itself_or_across_requests_is_refused(
    personas: Personas, request_: ReturnRequest, item: Item
) -> None:
    advocacy, _ = themes(request_, personas.national_analyst)
    other = send(draft_request(personas, item, title="Another"), personas.national_analyst)
    foreign = services.create_theme(other, personas.national_analyst, services.ThemeDraft("Elsewhere"))
    with pytest.raises(ValidationError, match="different theme"):
        services.merge_themes(advocacy, advocacy, personas.national_analyst)
    with pytest.raises(ValidationError, match="same request"):
        services.merge_themes(advocacy, foreign, personas.national_analyst)


# --- suggestions ------------------------------------------------------------------------------------


def test_suggestions_cover_every_uncoded_passage_and_explain_themselves(
    personas: Personas, request_: ReturnRequest
) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    code(personas.national_analyst, answer_of(request_, "west-midlands-police"), 1, training)
    suggestions = services.suggest_for_request(request_)
    assert len(suggestions) == 5  # six sentences, one coded
    assert all(0 <= s.score <= 1 and s.because for s in suggestions)
    by_text = {s.text: s.theme for s in Suggestion.objects.select_related("answer", "theme")}
    assert by_text["An advocate post is funded from the grant."] == advocacy
    assert by_text["Training for call handlers began in May."] == training


def test_running_again_replaces_pending_and_keeps_decided(personas: Personas, request_: ReturnRequest) -> None:
    themes(request_, personas.national_analyst)
    first = services.suggest_for_request(request_)
    services.reject_suggestion(first[0], personas.national_analyst)
    coding = services.accept_suggestion(first[1], personas.national_analyst)
    services.suggest_for_request(request_)
    assert Suggestion.objects.get(pk=first[0].pk).status == SuggestionStatus.REJECTED
    assert Suggestion.objects.get(pk=first[1].pk).status == SuggestionStatus.ACCEPTED
    assert not Suggestion.objects.filter(pk__in=[s.pk for s in first[2:]]).exists()
    # The accepted passage is coded now; the rejected one is not suggested the same theme again.
    pending = Suggestion.objects.pending()
    assert not pending.filter(answer=coding.answer, start=coding.start).exists()
    assert not pending.filter(answer=first[0].answer, start=first[0].start, theme=first[0].theme).exists()


def test_a_pending_suggestion_beside_a_persons_coding_is_kept(personas: Personas, request_: ReturnRequest) -> None:
    _, training = themes(request_, personas.national_analyst)
    suggestion = services.suggest_for_request(request_)[0]
    start, end = suggestion.start, suggestion.end
    services.code_passage(personas.national_analyst, services.CodingDraft(suggestion.answer, start, end, training))
    services.suggest_for_request(request_)
    assert Suggestion.objects.pending().filter(pk=suggestion.pk).exists()
    assert Suggestion.objects.filter(answer=suggestion.answer, start=start).count() == 1


def test_accepting_makes_the_persons_coding_linked_back(personas: Personas, request_: ReturnRequest) -> None:
    themes(request_, personas.national_analyst)
    suggestion = services.suggest_for_request(request_)[0]
    coding = services.accept_suggestion(suggestion, personas.national_analyst)
    suggestion.refresh_from_db()
    assert coding.coder == personas.national_analyst and coding.suggestion == suggestion
    assert (coding.answer, coding.start, coding.end, coding.theme) == (
        suggestion.answer, suggestion.start, suggestion.end, suggestion.theme,
    )  # fmt: skip
    assert suggestion.decided_by == personas.national_analyst and suggestion.decided_at is not None
    with pytest.raises(ValidationError, match="already been accepted"):
        services.reject_suggestion(suggestion, personas.national_analyst)


def test_bulk_acceptance_above_a_confidence_is_recorded(personas: Personas, request_: ReturnRequest) -> None:
    themes(request_, personas.national_analyst)
    suggestions = services.suggest_for_request(request_)
    threshold = sorted(s.score for s in suggestions)[len(suggestions) // 2]
    expected = {s.pk for s in suggestions if s.score >= threshold}
    bulk = services.accept_above(request_, threshold, personas.national_analyst)
    assert BulkAcceptance.objects.get() == bulk
    assert (bulk.threshold, bulk.by, bulk.accepted) == (threshold, personas.national_analyst, len(expected))
    assert set(bulk.suggestions.values_list("pk", flat=True)) == expected
    assert Coding.objects.filter(suggestion__bulk=bulk, coder=personas.national_analyst).count() == len(expected)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        services.accept_above(request_, 1.5, personas.national_analyst)


def test_suggestions_are_refused_to_everyone_but_the_analysts(personas: Personas, request_: ReturnRequest) -> None:
    themes(request_, personas.national_analyst)
    suggestion = services.suggest_for_request(request_)[0]
    for person in (personas.opcc_officer, personas.owner, personas.no_role):
        with pytest.raises(PermissionDenied):
            services.accept_suggestion(suggestion, person)
        with pytest.raises(PermissionDenied):
            services.accept_above(request_, 0.0, person)
        with pytest.raises(PermissionDenied):
            services.refresh_suggestions(request_, person)
    assert not Coding.objects.exists() and not BulkAcceptance.objects.exists()


# --- agreement --------------------------------------------------------------------------------------


def test_agreement_between_two_analysts_and_with_the_suggestions(personas: Personas, request_: ReturnRequest) -> None:
    advocacy, training = themes(request_, personas.national_analyst)
    colleague = User.objects.create_user("apcc.second")
    member(colleague, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    wm, avon = answer_of(request_, "west-midlands-police"), answer_of(request_, "avon-and-somerset-police")
    for sentence, theme in [(0, advocacy), (1, training)]:
        code(personas.national_analyst, wm, sentence, theme)
        code(colleague, wm, sentence, theme)
    code(personas.national_analyst, avon, 0, advocacy)
    code(colleague, avon, 0, training)
    code(colleague, avon, 1, training)  # the first analyst did not code it: not a shared unit
    result = services.agreement_between(request_, personas.national_analyst, personas.national_analyst, colleague)
    # Three shared passages. Advocacy: YNY vs YNN -> observed 2/3, chance 2/9+2/9=4/9 -> 0.4. Same for training.
    assert result.units == 3
    assert result.per_theme == {"Advocacy": pytest.approx(0.4), "Training": pytest.approx(0.4)}
    assert result.overall == pytest.approx(0.4)
    assert list(services.coders_of(request_)) == [personas.national_analyst, colleague]
    services.suggest_for_request(request_)
    suggestion = Suggestion.objects.filter(answer__text=ANSWERS["merseyside-police"]).first()
    assert suggestion is not None
    services.accept_suggestion(suggestion, colleague)
    # An accepted suggestion agrees with itself by construction: it does not count as the person's own.
    with_system = services.agreement_with_suggestions(request_, colleague, colleague)
    assert with_system.units == 0 and with_system.per_theme[suggestion.theme.name] is None
    # The person's own coding of a passage the system also coded is compared: agreeing on the theme.
    pending = Suggestion.objects.filter(request=request_).pending().exclude(pk=suggestion.pk).first()
    assert pending is not None
    draft = services.CodingDraft(pending.answer, pending.start, pending.end, pending.theme)
    services.code_passage(colleague, draft)
    with_own = services.agreement_with_suggestions(request_, colleague, colleague)
    assert with_own.units == 1
    with pytest.raises(PermissionDenied):
        services.agreement_between(request_, personas.opcc_officer, colleague, personas.national_analyst)

"""National returns: requests and their sending, returns and their states, versions, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from oversight.concurrency import ConcurrentEditError
from oversight.organisations.models import Organisation, OrganisationKind, Role
from oversight.recommendations.models import Item
from oversight.returns import services
from oversight.returns.models import (
    STANDARD_QUESTIONS,
    Acceptance,
    QuestionKind,
    Recipients,
    RequestStatus,
    Return,
    ReturnRequest,
    ReturnStatus,
    VersionAnswer,
)
from tests.documents_corpus import simple_pdf
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import DEADLINE, draft_request, question, send

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

TAKEN = "We reviewed the four commissioned services in 2023."


def _answer(record: Return, personas: Personas, **by_kind: str) -> Return:
    answers = {question(record.request, kind).pk: text for kind, text in by_kind.items()}
    return services.save_answers(record, personas.opcc_officer, record.version, answers)


def _submitted(record: Return, personas: Personas) -> Return:
    record = _answer(record, personas, accepted=Acceptance.ACCEPTED, actions_taken=TAKEN)
    return services.submit_return(record, personas.opcc_officer, record.version)


# --- requests -------------------------------------------------------------------------------------


def test_a_new_request_asks_the_standard_questions_of_all_43_governing_bodies(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    assert request.status == RequestStatus.DRAFT
    assert [q.kind for q in request.questions.all()] == list(STANDARD_QUESTIONS)
    assert [q.kind for q in request.questions.filter(required=True)] == [QuestionKind.ACCEPTED]
    asked = request.organisations.all()
    assert asked.count() == 43 and {org.kind for org in asked} == {OrganisationKind.GOVERNING_BODY}


def test_a_request_to_forces_or_to_chosen_organisations(personas: Personas, item: Item, wmp: Organisation) -> None:
    forces = draft_request(personas, item, recipients=Recipients.FORCES)
    assert forces.organisations.count() == 43 and all(org.is_force for org in forces.organisations.all())
    chosen = draft_request(personas, item, recipients=Recipients.CHOSEN, chosen=(wmp,))
    assert list(chosen.organisations.all()) == [wmp]
    with pytest.raises(ValidationError, match="Select the governing bodies or forces"):
        draft_request(personas, item, recipients=Recipients.CHOSEN, chosen=())
    with pytest.raises(ValidationError, match="Select the governing bodies or forces"):
        draft_request(personas, item, recipients=Recipients.CHOSEN, chosen=(Organisation.objects.get(slug="npcc"),))


def test_only_an_analyst_of_the_body_creates_its_requests(personas: Personas, item: Item) -> None:
    npcc = Organisation.objects.get(slug="npcc")
    with pytest.raises(PermissionDenied):
        draft_request(personas, item, body=npcc)
    for person in (personas.opcc_officer, personas.administrator, personas.no_role):
        draft = services.RequestDraft(
            body=Organisation.objects.get(slug="apcc"), title="T", items=[item], deadline=DEADLINE
        )
        with pytest.raises(PermissionDenied):
            services.create_request(person, draft)


def test_sending_creates_one_draft_return_per_organisation_and_a_transition(sent_request: ReturnRequest) -> None:
    assert sent_request.status == RequestStatus.SENT and sent_request.sent_at is not None
    returns = sent_request.returns.all()
    assert returns.count() == 43 and {r.status for r in returns} == {ReturnStatus.DRAFT}
    [step] = sent_request.transitions.all()
    assert (step.from_status, step.to_status) == (RequestStatus.DRAFT, RequestStatus.SENT)


def test_a_sent_request_cannot_be_sent_again_or_have_its_questions_changed(
    sent_request: ReturnRequest, personas: Personas
) -> None:
    analyst = personas.national_analyst
    with pytest.raises(ValidationError, match="has been sent"):
        services.send_request(sent_request, analyst, None)
    with pytest.raises(ValidationError, match="has been sent"):
        services.add_question(sent_request, analyst, None, services.QuestionDraft(QuestionKind.FREE_TEXT, "More?"))
    with pytest.raises(ValidationError, match="has been sent"):
        services.remove_question(sent_request, analyst, None, sent_request.questions.first().pk)  # type: ignore[union-attr]
    assert sent_request.returns.count() == 43


def test_sending_needs_questions_and_a_deadline_not_passed(personas: Personas, item: Item) -> None:
    empty = draft_request(personas, item, standard=())
    with pytest.raises(ValidationError, match="at least one question"):
        send(empty, personas.national_analyst)
    late = draft_request(personas, item, deadline=dt.date(2023, 12, 31))
    with pytest.raises(ValidationError, match="deadline has passed"):
        send(late, personas.national_analyst)
    assert not Return.objects.exists()


def test_further_questions_are_checked(personas: Personas, item: Item) -> None:
    request = draft_request(personas, item)
    analyst = personas.national_analyst
    with pytest.raises(ValidationError, match="at least two options"):
        services.add_question(
            request, analyst, None, services.QuestionDraft(QuestionKind.CHOICE, "Which?", options=("A",))
        )
    with pytest.raises(ValidationError, match="kind of answer"):
        services.add_question(request, analyst, None, services.QuestionDraft(QuestionKind.ACCEPTED, "Again?"))
    added = services.add_question(request, analyst, None, services.QuestionDraft(QuestionKind.YES_NO, "Any advocate?"))
    assert request.questions.last() == added
    with pytest.raises(ConcurrentEditError):
        services.add_question(request, analyst, 1, services.QuestionDraft(QuestionKind.FREE_TEXT, "Stale page?"))


# --- returns: answers, submission, clarification ---------------------------------------------------


def test_submitting_keeps_the_answers_as_version_1(wm_return: Return, personas: Personas) -> None:
    record = _submitted(wm_return, personas)
    assert record.status == ReturnStatus.SUBMITTED and record.first_submitted_at is not None
    [version] = record.versions.all()
    assert version.number == 1 and version.submitted_by == personas.opcc_officer
    texts = {a.question.kind: a.text for a in version.answers.select_related("question")}
    assert texts == {QuestionKind.ACCEPTED: Acceptance.ACCEPTED, QuestionKind.ACTIONS_TAKEN: TAKEN}
    [step] = record.transitions.all()
    assert (step.by, step.from_status, step.to_status) == (personas.opcc_officer, "draft", "submitted")


def test_a_submitted_return_is_never_edited(wm_return: Return, personas: Personas) -> None:
    record = _submitted(wm_return, personas)
    with pytest.raises(
        ValidationError, match=r"was submitted on .* and cannot be changed.*returns it for clarification"
    ):
        _answer(record, personas, actions_taken="Changed after submission")
    record.refresh_from_db()
    assert record.answers.get(question__kind=QuestionKind.ACTIONS_TAKEN).text == TAKEN
    with pytest.raises(ValidationError, match="Only a return that is “not submitted”"):
        services.submit_return(record, personas.opcc_officer, record.version)


def test_versions_and_their_answers_refuse_changes(wm_return: Return, personas: Personas) -> None:
    record = _submitted(wm_return, personas)
    version = record.versions.get()
    answer = version.answers.get(question__kind=QuestionKind.ACTIONS_TAKEN)
    answer.text = "Rewritten"
    with pytest.raises(ValidationError, match="cannot be changed once written"):
        answer.save()
    version.number = 5
    with pytest.raises(ValidationError, match="cannot be changed once written"):
        version.save()
    assert VersionAnswer.objects.get(pk=answer.pk).text == TAKEN


def test_an_answer_to_a_question_that_does_not_exist_is_refused(
    wm_return: Return, personas: Personas, item: Item
) -> None:
    other = draft_request(personas, item, title="Another request")
    foreign = question(other, QuestionKind.ACTIONS_TAKEN).pk
    for unknown in (foreign, 10**9):
        answers = {question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk: TAKEN, unknown: "Where does this go?"}
        with pytest.raises(ValidationError, match=f"no question {unknown}: nothing was saved"):
            services.save_answers(wm_return, personas.opcc_officer, wm_return.version, answers)
    assert not wm_return.answers.exists()
    wm_return.refresh_from_db()
    assert wm_return.version == 1


def test_a_choice_outside_the_options_is_refused(wm_return: Return, personas: Personas) -> None:
    with pytest.raises(ValidationError, match="Choose one of the answers offered"):
        _answer(wm_return, personas, accepted="maybe")
    funded = wm_return.request.questions.get(kind=QuestionKind.CHOICE)
    with pytest.raises(ValidationError):
        services.save_answers(wm_return, personas.opcc_officer, None, {funded.pk: "Lottery"})
    saved = services.save_answers(wm_return, personas.opcc_officer, None, {funded.pk: "Grant"})
    assert saved.answers.get(question=funded).text == "Grant"


def test_submission_needs_the_required_answers_and_reasons_for_not_accepting(
    wm_return: Return, personas: Personas
) -> None:
    with pytest.raises(ValidationError) as missing:
        services.submit_return(wm_return, personas.opcc_officer, None)
    accepted = question(wm_return.request, QuestionKind.ACCEPTED)
    assert missing.value.message_dict == {f"q{accepted.pk}": [f"Answer “{accepted.text}”"]}
    record = _answer(wm_return, personas, accepted=Acceptance.NOT_ACCEPTED)
    with pytest.raises(ValidationError, match="reasons the recommendation is not accepted"):
        services.submit_return(record, personas.opcc_officer, record.version)
    record = _answer(record, personas, reasons_not_accepted="No funding this year.")
    assert services.submit_return(record, personas.opcc_officer, record.version).status == ReturnStatus.SUBMITTED


def test_returned_for_clarification_then_resubmitted_keeps_both_versions(wm_return: Return, personas: Personas) -> None:
    record = _submitted(wm_return, personas)
    taken = question(record.request, QuestionKind.ACTIONS_TAKEN)
    record = services.return_for_clarification(
        record, personas.national_analyst, record.version, {taken.pk: "Which services?", None: "And when?"}
    )
    assert record.status == ReturnStatus.RETURNED
    assert {(p.question_id, p.text) for p in record.open_points()} == {
        (taken.pk, "Which services?"),
        (None, "And when?"),
    }
    returned = record.transitions.last()
    assert (returned.by, returned.to_status) == (personas.national_analyst, ReturnStatus.RETURNED)
    assert "Which services?" in returned.reason
    record = _answer(record, personas, actions_taken="All four services, reviewed in 2023.")
    record = services.resubmit_return(record, personas.opcc_officer, record.version)
    assert record.status == ReturnStatus.RESUBMITTED and not record.open_points()
    first, second = record.versions.all()
    assert first.answers.get(question=taken).text == TAKEN
    assert second.answers.get(question=taken).text == "All four services, reviewed in 2023."
    assert second.status == ReturnStatus.RESUBMITTED
    assert [p.text for p in first.clarification_points.all()] == ["Which services?", "And when?"]
    steps = [(t.from_status, t.to_status) for t in record.transitions.all()]
    assert steps == [("draft", "submitted"), ("submitted", "returned"), ("returned", "resubmitted")]


def test_clarification_is_asked_only_by_the_requesting_body_of_a_submitted_return(
    wm_return: Return, personas: Personas
) -> None:
    taken = question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk
    with pytest.raises(ValidationError, match="Only a submitted return"):
        services.return_for_clarification(wm_return, personas.national_analyst, None, {taken: "Why?"})
    record = _submitted(wm_return, personas)
    with pytest.raises(PermissionDenied):
        services.return_for_clarification(record, personas.opcc_officer, None, {taken: "Why?"})
    with pytest.raises(ValidationError, match="Say what needs clarifying"):
        services.return_for_clarification(record, personas.national_analyst, None, {taken: "  "})
    with pytest.raises(ValidationError, match="no question 999999"):
        services.return_for_clarification(record, personas.national_analyst, None, {999999: "Why?"})
    with pytest.raises(ValidationError, match="Only a return that is “returned for clarification”"):
        services.resubmit_return(record, personas.opcc_officer, None)
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED and not record.versions.get().clarification_points.exists()


def test_only_the_organisations_people_answer_its_return(wm_return: Return, personas: Personas) -> None:
    taken = question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk
    for person in (personas.national_analyst, personas.liaison, personas.committee_member, personas.no_role):
        with pytest.raises(PermissionDenied):
            services.save_answers(wm_return, person, None, {taken: "Not mine to write"})
    assert not wm_return.answers.exists()


def test_a_forces_liaison_officer_answers_when_forces_are_asked(wmp_force_return: Return, personas: Personas) -> None:
    taken = question(wmp_force_return.request, QuestionKind.ACTIONS_TAKEN).pk
    saved = services.save_answers(wmp_force_return, personas.liaison, None, {taken: TAKEN})
    assert saved.answers.get().text == TAKEN
    with pytest.raises(PermissionDenied):
        services.save_answers(wmp_force_return, personas.opcc_officer, None, {taken: "The PCC is not asked"})


def test_concurrent_edits_never_silently_overwrite(wm_return: Return, personas: Personas) -> None:
    colleague = personas.opcc_officer.__class__.objects.create_user("opcc.colleague")
    member(colleague, wm_return.organisation, Role.OPCC_OFFICER)
    taken = question(wm_return.request, QuestionKind.ACTIONS_TAKEN).pk
    opened = wm_return.version  # both opened the page at this version
    services.save_answers(wm_return, personas.opcc_officer, opened, {taken: "First"})
    with pytest.raises(ConcurrentEditError, match="Someone else changed this return"):
        services.save_answers(wm_return, colleague, opened, {taken: "Second, from a stale page"})
    assert wm_return.answers.get().text == "First"
    with pytest.raises(ConcurrentEditError):
        services.submit_return(wm_return, colleague, opened)
    wm_return.refresh_from_db()
    assert wm_return.status == ReturnStatus.DRAFT


def test_days_late_counts_from_the_deadline(wm_return: Return, personas: Personas) -> None:
    wm_return.request.deadline = dt.date(2024, 3, 1)
    assert wm_return.days_late(dt.date(2024, 3, 1)) == 0
    assert wm_return.days_late(dt.date(2024, 3, 11)) == 10
    wm_return.first_submitted_at = timezone.make_aware(dt.datetime(2024, 3, 4, 12))
    assert wm_return.days_late(dt.date(2024, 5, 1)) == 3


def test_evidence_files_are_checked_kept_by_hash_and_carried_into_the_version(
    sent_request: ReturnRequest, personas: Personas
) -> None:
    request = draft_request(personas, sent_request.items.get(), title="With evidence")
    evidence = services.add_question(
        request,
        personas.national_analyst,
        None,
        services.QuestionDraft(QuestionKind.EVIDENCE, "Your service specification"),
    )
    send(request, personas.national_analyst)
    record = Return.objects.get(request=request, organisation__memberships__user=personas.opcc_officer)
    bad = SimpleUploadedFile("spec.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="do not match its type"):
        services.save_answers(record, personas.opcc_officer, None, {}, {evidence.pk: bad})
    accepted = question(request, QuestionKind.ACCEPTED).pk
    spec = simple_pdf([["A specification"]])
    good = SimpleUploadedFile("spec.pdf", spec, content_type="application/pdf")
    record = services.save_answers(record, personas.opcc_officer, None, {accepted: "accepted"}, {evidence.pk: good})
    kept = record.answers.get(question=evidence)
    assert kept.file_name == "spec.pdf" and kept.file.name.endswith(kept.sha256)
    record = services.submit_return(record, personas.opcc_officer, record.version)
    submitted = record.versions.get().answers.get(question=evidence)
    assert (submitted.file.name, submitted.sha256) == (kept.file.name, kept.sha256)
    assert submitted.file.read() == spec


def test_a_passage_is_a_span_of_a_submitted_answer(wm_return: Return, personas: Personas) -> None:
    record = _submitted(wm_return, personas)
    answer = record.versions.get().answers.get(question__kind=QuestionKind.ACTIONS_TAKEN)
    assert answer.passage(3, 11) == "reviewed"
    with pytest.raises(ValueError, match="No passage"):
        answer.passage(5, 10_000)

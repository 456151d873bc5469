"""National returns as guarded changes: write a request, edit its details and send it, close it;
answer, submit, return for clarification and resubmit a return. Each state change is one function that locks the row
(`oversight.concurrency.lock_for_change`), checks the access rule and writes a transition row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from oversight.concurrency import bump_version, lock_for_change, require
from oversight.lib.screening import kept_name
from oversight.organisations.models import Organisation, OrganisationKind
from oversight.recommendations.models import Item
from oversight.recommendations.services import check_evidence_file

from . import access
from .models import (
    FURTHER_KINDS,
    STANDARD_QUESTIONS,
    Acceptance,
    Answer,
    ClarificationPoint,
    Question,
    QuestionKind,
    Recipients,
    RequestStatus,
    RequestTransition,
    Return,
    ReturnRequest,
    ReturnStatus,
    ReturnTransition,
    ReturnVersion,
    VersionAnswer,
)
from .rules import MAX_QUESTIONS

# Requests


def organisations_for(recipients: str, chosen: Iterable[Organisation] = ()) -> QuerySet[Organisation]:
    """The organisations a request goes to: every active governing body or force, or those chosen."""
    active = Organisation.objects.filter(is_active=True)
    if recipients == Recipients.GOVERNING_BODIES:
        return active.filter(kind=OrganisationKind.GOVERNING_BODY)
    if recipients == Recipients.FORCES:
        return active.filter(kind=OrganisationKind.FORCE)
    ids = [organisation.pk for organisation in chosen]
    askable = active.filter(kind__in=(OrganisationKind.GOVERNING_BODY, OrganisationKind.FORCE), pk__in=ids)
    if not ids or askable.count() != len(set(ids)):
        raise ValidationError({"organisations": "Select the governing bodies or forces to ask"})
    return askable


@dataclass(frozen=True)
class RequestDraft:
    """What an analyst writes to start a request; questions are added to the draft afterwards."""

    body: Organisation
    title: str
    items: list[Item]
    deadline: dt.date
    recipients: str = Recipients.GOVERNING_BODIES
    chosen: tuple[Organisation, ...] = ()
    introduction: str = ""
    standard: tuple[str, ...] = tuple(STANDARD_QUESTIONS)


def create_request(by: User, draft: RequestDraft) -> ReturnRequest:
    """A draft request with the standard questions chosen, to the organisations chosen."""
    require(draft.body.pk in access.requesting_body_ids(by), "You cannot send requests for this body.")
    if not draft.title.strip():
        raise ValidationError({"title": "Enter a title"})
    if not draft.items:
        raise ValidationError({"items": "Select the recommendation the request is about"})
    if unknown := set(draft.standard) - set(STANDARD_QUESTIONS):
        raise ValidationError({"standard": f"Unknown standard questions: {', '.join(sorted(unknown))}"})
    organisations = organisations_for(draft.recipients, draft.chosen)
    with transaction.atomic():
        request = ReturnRequest.objects.create(
            title=draft.title.strip(), body=draft.body, introduction=draft.introduction.strip(),
            deadline=draft.deadline, recipients=draft.recipients, created_by=by,
        )  # fmt: skip
        request.items.set(draft.items)
        request.organisations.set(organisations)
        for position, kind in enumerate(k for k in STANDARD_QUESTIONS if k in draft.standard):
            required = kind == QuestionKind.ACCEPTED
            Question.objects.create(
                request=request, position=position, kind=kind, text=STANDARD_QUESTIONS[kind], required=required
            )
    return request


def _draft(request: ReturnRequest, by: User, version: int | None, what: str = "its questions") -> ReturnRequest:
    locked = lock_for_change(ReturnRequest, request.pk, version, noun="request")
    require(access.can_manage_request(by, locked))
    if not locked.is_draft:
        raise ValidationError(f"This request has been sent: {what} can no longer change.")
    return locked


@dataclass(frozen=True)
class RequestChanges:
    """A draft's details as the analyst edits them; None leaves a detail as it is. The organisations
    asked follow the recipients: every governing body, every force, or those chosen."""

    title: str | None = None
    deadline: dt.date | None = None
    recipients: str | None = None
    chosen: tuple[Organisation, ...] = ()
    introduction: str | None = None


def _check_changes(changes: RequestChanges, today: dt.date) -> None:
    if changes.title is not None and not changes.title.strip():
        raise ValidationError({"title": "Enter a title"})
    if changes.deadline is not None and changes.deadline < today:
        raise ValidationError({"deadline": "The deadline must be today or in the future"})
    if changes.recipients is not None and changes.recipients not in Recipients.values:
        raise ValidationError({"recipients": "Choose who is asked: governing bodies, forces or those you choose"})


def update_request(
    request: ReturnRequest, by: User, version: int | None, changes: RequestChanges, today: dt.date | None = None
) -> ReturnRequest:
    """Change a draft's title, deadline, introduction or recipients; a sent request's details stay as sent."""
    _check_changes(changes, today or timezone.localdate())
    organisations = organisations_for(changes.recipients, changes.chosen) if changes.recipients else None
    with transaction.atomic():
        locked = _draft(request, by, version, what="its details")
        if changes.title is not None:
            locked.title = changes.title.strip()
        if changes.deadline is not None:
            locked.deadline = changes.deadline
        if changes.introduction is not None:
            locked.introduction = changes.introduction.strip()
        if organisations is not None and changes.recipients is not None:
            locked.recipients = changes.recipients
            locked.organisations.set(organisations)
        bump_version(locked, "title", "deadline", "introduction", "recipients")
    return locked


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    text: str
    hint: str = ""
    options: tuple[str, ...] = ()
    required: bool = False


def add_question(request: ReturnRequest, by: User, version: int | None, draft: QuestionDraft) -> Question:
    """One further question of the analyst's own (yes/no, choice, free text or evidence)."""
    if draft.kind not in FURTHER_KINDS:
        raise ValidationError({"kind": "Select what kind of answer the question needs"})
    if not draft.text.strip():
        raise ValidationError({"text": "Enter the question"})
    options = tuple(dict.fromkeys(option.strip() for option in draft.options if option.strip()))
    if draft.kind == QuestionKind.CHOICE and len(options) < 2:
        raise ValidationError({"options": "Enter at least two options, one on each line"})
    with transaction.atomic():
        locked = _draft(request, by, version)
        if locked.questions.count() >= MAX_QUESTIONS:
            raise ValidationError(f"A request can have at most {MAX_QUESTIONS} questions.")
        position = (locked.questions.aggregate(n=Max("position"))["n"] or 0) + 1
        question = Question.objects.create(
            request=locked, position=position, kind=draft.kind, text=draft.text.strip(), hint=draft.hint.strip(),
            options=list(options) if draft.kind == QuestionKind.CHOICE else [], required=draft.required,
        )  # fmt: skip
        bump_version(locked)
    return question


def remove_question(request: ReturnRequest, by: User, version: int | None, question_id: int) -> None:
    with transaction.atomic():
        locked = _draft(request, by, version)
        deleted, _ = locked.questions.filter(pk=question_id).delete()
        if not deleted:
            raise ValidationError("That question is not part of this request.")
        bump_version(locked)


def send_request(request: ReturnRequest, by: User, version: int | None, today: dt.date | None = None) -> ReturnRequest:
    """Draft -> sent: one return, not yet submitted, for each organisation asked."""
    with transaction.atomic():
        locked = _draft(request, by, version)
        if not locked.questions.exists():
            raise ValidationError("Add at least one question before sending the request.")
        if locked.deadline < (today or timezone.localdate()):
            raise ValidationError({"deadline": "The deadline has passed: change it before sending the request."})
        organisations = list(locked.organisations.filter(is_active=True))
        if not organisations:
            raise ValidationError("The request asks no organisation.")
        Return.objects.bulk_create([Return(request=locked, organisation=org) for org in organisations])
        RequestTransition.objects.create(request=locked, by=by, from_status=locked.status, to_status=RequestStatus.SENT)
        locked.status, locked.sent_at = RequestStatus.SENT, timezone.now()
        bump_version(locked, "status", "sent_at")
    return locked


def close_request(request: ReturnRequest, by: User, version: int | None, reason: str = "") -> ReturnRequest:
    """Sent -> closed: the requesting body has what it needs. Its returns take no more answers,
    submissions or clarifications; who closed it and when are kept, with a transition row."""
    with transaction.atomic():
        locked = lock_for_change(ReturnRequest, request.pk, version, noun="request")
        require(access.can_manage_request(by, locked))
        if locked.status != RequestStatus.SENT:
            status = locked.get_status_display().lower()
            raise ValidationError(f"Only a sent request can be closed: this one is {status}.")
        RequestTransition.objects.create(
            request=locked, by=by, from_status=locked.status, to_status=RequestStatus.CLOSED, reason=reason.strip()
        )
        locked.status, locked.closed_at, locked.closed_by = RequestStatus.CLOSED, timezone.now(), by
        bump_version(locked, "status", "closed_at", "closed_by")
    return locked


def _check_open(record: Return) -> None:
    """A closed request's returns no longer change. The request row is locked, so a request closed
    while a return is being submitted either comes first (and refuses it) or waits for it."""
    request = ReturnRequest.objects.select_for_update().get(pk=record.request_id)
    if request.is_closed:
        closed = f" on {timezone.localdate(request.closed_at):%-d %B %Y}" if request.closed_at else ""
        raise ValidationError(
            f"This request was closed{closed}: it takes no more answers, submissions or clarifications."
        )


# Returns


def _locked_return(record: Return, by: User, version: int | None) -> Return:
    locked = lock_for_change(Return, record.pk, version, noun="return")
    require(access.can_view_return(by, locked))
    return locked


def _editable(record: Return, by: User, version: int | None) -> Return:
    locked = _locked_return(record, by, version)
    require(access.can_answer_return(by, locked), "You cannot answer for this organisation.")
    _check_open(locked)
    if not locked.is_editable:
        submitted = timezone.localdate(locked.last_submitted_at) if locked.last_submitted_at else None
        when = f" on {submitted:%-d %B %Y}" if submitted else ""
        raise ValidationError(
            f"This return was submitted{when} and cannot be changed. It can be changed again only if "
            "the requesting body returns it for clarification."
        )
    return locked


def _questions(record: Return) -> dict[int, Question]:
    return {question.pk: question for question in record.request.questions.all()}


def _check_answers(questions: Mapping[int, Question], answers: Mapping[int, str]) -> dict[int, str]:
    """Each answer cleaned by its question; an answer to a question not in the request is refused."""
    if unknown := [str(pk) for pk in answers if pk not in questions]:
        raise ValidationError(f"This request has no question {', '.join(unknown)}: nothing was saved.")
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for pk, value in answers.items():
        try:
            cleaned[pk] = questions[pk].clean_answer(value)
        except ValidationError as error:
            errors[f"q{pk}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_answers(
    record: Return,
    by: User,
    version: int | None,
    answers: Mapping[int, str],
    files: Mapping[int, UploadedFile] | None = None,
) -> Return:
    """Change the working answers of an editable return; a stale page or an unknown question changes nothing."""
    files = files or {}
    with transaction.atomic():
        locked = _editable(record, by, version)
        questions = _questions(locked)
        cleaned = _check_answers(questions, answers)
        _check_files(questions, files)
        for pk, text in cleaned.items():
            _write_answer(locked, pk, text, by)
        for pk, upload in files.items():
            _store_file(locked, questions[pk], upload, by)
        bump_version(locked)
    return locked


def _write_answer(record: Return, question_id: int, text: str, by: User) -> None:
    """Keep the answer; an empty answer to a question never answered writes no row."""
    updated = Answer.objects.filter(return_record=record, question_id=question_id).update(
        text=text, updated_by=by, updated_at=timezone.now()
    )
    if not updated and text:
        Answer.objects.create(return_record=record, question_id=question_id, text=text, updated_by=by)


def _check_files(questions: Mapping[int, Question], files: Mapping[int, UploadedFile]) -> None:
    for pk, upload in files.items():
        question = questions.get(pk)
        if question is None or not question.is_file:
            raise ValidationError(f"Question {pk} of this request does not take a file: nothing was saved.")
        try:
            check_evidence_file(upload)
        except ValidationError as error:
            raise ValidationError({f"q{pk}": error.message_dict["file"]}) from error


def _store_file(record: Return, question: Question, upload: UploadedFile, by: User) -> None:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    answer, _ = Answer.objects.get_or_create(return_record=record, question=question, defaults={"updated_by": by})
    answer.sha256, answer.updated_by = digest.hexdigest(), by
    answer.file_name = kept_name(upload.name or "", "evidence")
    answer.file.save(answer.sha256, upload, save=False)
    answer.save()


def _check_complete(record: Return) -> None:
    """Required questions answered, and reasons given where the answer on acceptance calls for them."""
    answers = {answer.question_id: answer for answer in record.answers.select_related("question")}
    errors: dict[str, list[str]] = {}
    for question in record.request.questions.all():
        answer = answers.get(question.pk)
        if question.required and (answer is None or answer.is_empty):
            errors[f"q{question.pk}"] = [f"Answer “{question.text}”"]
    acceptance = next((a.text for a in answers.values() if a.question.kind == QuestionKind.ACCEPTED), "")
    if acceptance == Acceptance.NOT_ACCEPTED:
        for question in record.request.questions.filter(kind=QuestionKind.REASONS_NOT_ACCEPTED):
            if (answer := answers.get(question.pk)) is None or answer.is_empty:
                errors[f"q{question.pk}"] = ["Give the reasons the recommendation is not accepted"]
    if errors:
        raise ValidationError(errors)


def _snapshot(record: Return, by: User, status: str) -> ReturnVersion:
    number = (record.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReturnVersion.objects.create(return_record=record, number=number, status=status, submitted_by=by)
    VersionAnswer.objects.bulk_create(
        VersionAnswer(
            version=version,
            question_id=answer.question_id,
            text=answer.text,
            file=answer.file.name,
            file_name=answer.file_name,
            sha256=answer.sha256,
        )
        for answer in record.answers.all()
    )
    return version


def _submit(record: Return, by: User, version: int | None, source: ReturnStatus, target: ReturnStatus) -> Return:
    with transaction.atomic():
        locked = _locked_return(record, by, version)
        require(access.can_answer_return(by, locked), "You cannot answer for this organisation.")
        _check_open(locked)
        if locked.status != source:
            raise ValidationError(f"Only a return that is “{source.label.lower()}” can be {target.label.lower()}.")
        _check_complete(locked)
        _snapshot(locked, by, target)
        ReturnTransition.objects.create(return_record=locked, by=by, from_status=locked.status, to_status=target)
        now = timezone.now()
        locked.status, locked.last_submitted_at = target, now
        locked.first_submitted_at = locked.first_submitted_at or now
        bump_version(locked, "status", "first_submitted_at", "last_submitted_at")
    return locked


def submit_return(record: Return, by: User, version: int | None) -> Return:
    """Not submitted -> submitted: the answers as they stand become version 1, never edited."""
    return _submit(record, by, version, ReturnStatus.DRAFT, ReturnStatus.SUBMITTED)


def resubmit_return(record: Return, by: User, version: int | None) -> Return:
    """Returned for clarification -> resubmitted: the clarified answers become a new version."""
    return _submit(record, by, version, ReturnStatus.RETURNED, ReturnStatus.RESUBMITTED)


def return_for_clarification(
    record: Return, by: User, version: int | None, points: Mapping[int | None, str], reason: str = ""
) -> Return:
    """Submitted or resubmitted -> returned: the points that need clarifying, per question (None: overall),
    kept on the version they are about; the organisation can then edit its answers again."""
    points = {pk: text.strip() for pk, text in points.items() if text.strip()}
    if not points:
        raise ValidationError("Say what needs clarifying, for at least one question.")
    with transaction.atomic():
        locked = _locked_return(record, by, version)
        require(access.can_return_for_clarification(by, locked), "Only the requesting body can return a return.")
        _check_open(locked)
        if locked.status not in (ReturnStatus.SUBMITTED, ReturnStatus.RESUBMITTED):
            raise ValidationError("Only a submitted return can be returned for clarification.")
        questions = _questions(locked)
        if unknown := [str(pk) for pk in points if pk is not None and pk not in questions]:
            raise ValidationError(f"This request has no question {', '.join(unknown)}: nothing was returned.")
        latest = locked.versions.order_by("-number").first()
        assert latest is not None  # a submitted return has a version
        ClarificationPoint.objects.bulk_create(
            ClarificationPoint(version=latest, question_id=pk, text=text) for pk, text in points.items()
        )
        summary = reason.strip() or "; ".join(points.values())
        ReturnTransition.objects.create(
            return_record=locked, by=by, from_status=locked.status, to_status=ReturnStatus.RETURNED, reason=summary
        )
        locked.status = ReturnStatus.RETURNED
        bump_version(locked, "status")
    return locked

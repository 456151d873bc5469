"""National returns in the API: requests (for the requesting body's analysts: create, edit and send a
draft, add and remove its questions, close a sent one) and returns (for them, and for the organisation
asked), scoped by `returns.access`; changes only through `returns.services`.

A caller outside a request or return gets 404 whether or not it exists; one who can see a return
but may not make a change gets 403. Errors become responses in `oversight.api.urls`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from oversight.forms import DOCUMENT_TEXT, NO_NUL, SHORT_TEXT, TEXT
from oversight.organisations.models import Organisation
from oversight.recommendations.api import Pagination
from oversight.recommendations.models import Item
from oversight.recommendations.schemas import ErrorOut, InvalidOut, OrganisationRef

from . import access, services
from .models import (
    STANDARD_QUESTIONS,
    Question,
    Return,
    ReturnQuerySet,
    ReturnRequest,
    ReturnVersion,
    VersionAnswer,
)

router = Router(tags=["returns"])
REFUSALS = {401: ErrorOut, 404: ErrorOut}
WRITE_REFUSALS = {**REFUSALS, 400: InvalidOut, 403: ErrorOut, 409: ErrorOut}


class QuestionOut(Schema):
    id: int
    kind: str = Field(description="accepted, actions_taken, actions_intended, reasons_no_action, "
                      "reasons_not_accepted, yes_no, choice, free_text or evidence")  # fmt: skip
    text: str
    hint: str
    options: list[str] = Field(description="For a choice: the options offered")
    required: bool


class RequestOut(Schema):
    id: int
    title: str
    body: OrganisationRef = Field(description="The national body asking")
    status: str = Field(description="draft, sent or closed")
    deadline: dt.date
    recipients: str = Field(description="governing_bodies, forces or chosen")
    item_ids: list[int] = Field(description="The register items (recommendations) asked about")
    sent_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = Field(None, description="The username of who closed it")
    version: int = Field(description="Send it back with a change: a stale version is refused (409)")

    @staticmethod
    def resolve_closed_by(obj: ReturnRequest) -> str | None:
        return obj.closed_by.username if obj.closed_by else None

    @staticmethod
    def resolve_item_ids(obj: ReturnRequest) -> list[int]:
        return [item.pk for item in obj.items.all()]


class ReturnCountsOut(Schema):
    total: int = Field(description="Organisations asked")
    answered: int = Field(description="Organisations that have submitted at least once")
    by_status: dict[str, int] = Field(description="Returns in each status: draft, submitted, returned, resubmitted")


class RequestDetailOut(RequestOut):
    introduction: str
    questions: list[QuestionOut]
    counts: ReturnCountsOut

    @staticmethod
    def resolve_questions(obj: ReturnRequest) -> list[Question]:
        return list(obj.questions.all())

    @staticmethod
    def resolve_counts(obj: ReturnRequest) -> dict[str, object]:
        statuses = list(obj.returns.values_list("status", "first_submitted_at"))
        by_status: dict[str, int] = {}
        for status, _ in statuses:
            by_status[status] = by_status.get(status, 0) + 1
        answered = sum(1 for _, first in statuses if first is not None)
        return {"total": len(statuses), "answered": answered, "by_status": by_status}


class ReturnOut(Schema):
    id: int
    request_id: int
    organisation: OrganisationRef
    status: str = Field(description="draft, submitted, returned or resubmitted")
    first_submitted_at: dt.datetime | None = None
    last_submitted_at: dt.datetime | None = None
    days_late: int = Field(description="Days after the deadline it was first submitted, or is now late")
    version: int = Field(description="Send it back with a change: a stale version is refused (409)")

    @staticmethod
    def resolve_days_late(obj: Return) -> int:
        return obj.days_late()


class AnswerOut(Schema):
    question_id: int
    text: str = Field(description="The answer; for a chosen answer, the value chosen")
    file_name: str = Field(description="For evidence: the file's name; empty otherwise")
    sha256: str = Field(description="For evidence: the file's SHA-256")


class ClarificationOut(Schema):
    question_id: int | None = Field(None, description="The question it is about; null for the return overall")
    text: str


class VersionOut(Schema):
    number: int
    status: str = Field(description="submitted or resubmitted")
    submitted_at: dt.datetime
    answers: list[AnswerOut] = Field(description="As submitted: never changed. Passages are offsets into `text`.")
    clarification_points: list[ClarificationOut] = Field(description="What the requesting body asked to clarify")

    @staticmethod
    def resolve_answers(obj: ReturnVersion) -> list[VersionAnswer]:
        return list(obj.answers.all())

    @staticmethod
    def resolve_clarification_points(obj: ReturnVersion) -> list[object]:
        return list(obj.clarification_points.all())


class ReturnDetailOut(ReturnOut):
    answers: list[AnswerOut] = Field(description="The working answers (a draft, or being clarified)")
    versions: list[VersionOut]

    @staticmethod
    def resolve_answers(obj: Return) -> list[object]:
        return list(obj.answers.all())

    @staticmethod
    def resolve_versions(obj: Return) -> list[ReturnVersion]:
        return list(obj.versions.all())


class VersionIn(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you last read")


class AnswersIn(VersionIn):
    answers: dict[str, str] = Field(
        description="Answers by question id; an id that is not a question of this request is refused (400)"
    )


class PointIn(Schema):
    question_id: int | None = Field(None, ge=1, le=2**62, description="The question; null for the return overall")
    text: str = Field(min_length=1, max_length=TEXT, pattern=NO_NUL)


class ClarificationIn(VersionIn):
    points: list[PointIn] = Field(min_length=1, max_length=100)


Id = Annotated[int, Field(ge=1, le=2**62)]
RecipientsIn = Literal["governing_bodies", "forces", "chosen"]
StandardIn = Literal["accepted", "actions_taken", "actions_intended", "reasons_no_action", "reasons_not_accepted"]


class RequestIn(Schema):
    body_id: Id | None = Field(None, description="The national body asking; may be left out if you are an "
                               "analyst of one body only")  # fmt: skip
    title: str = Field(min_length=1, max_length=300, pattern=NO_NUL)
    item_ids: list[Id] = Field(min_length=1, max_length=50, description="The recommendations asked about")
    deadline: dt.date = Field(description="Today or later")
    recipients: RecipientsIn = "governing_bodies"
    organisation_ids: list[Id] = Field([], max_length=200, description="With recipients 'chosen': who is asked")
    introduction: str = Field("", max_length=TEXT, pattern=NO_NUL)
    standard: list[StandardIn] | None = Field(None, description="The standard questions to ask; all if left out")


class RequestChangesIn(VersionIn):
    title: str | None = Field(None, min_length=1, max_length=300, pattern=NO_NUL)
    deadline: dt.date | None = None
    recipients: RecipientsIn | None = None
    organisation_ids: list[Id] = Field([], max_length=200, description="With recipients 'chosen': who is asked")
    introduction: str | None = Field(None, max_length=TEXT, pattern=NO_NUL)


class QuestionIn(VersionIn):
    kind: Literal["yes_no", "choice", "free_text", "evidence"]
    text: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    hint: str = Field("", max_length=500, pattern=NO_NUL)
    options: list[Annotated[str, Field(max_length=SHORT_TEXT, pattern=NO_NUL)]] = Field(
        [], max_length=50, description="For a choice: at least two options"
    )
    required: bool = False


class CloseIn(VersionIn):
    reason: str = Field("", max_length=TEXT, pattern=NO_NUL, description="Why it is closed, kept in its history")


def _returns(request: HttpRequest) -> ReturnQuerySet:
    return access.visible_returns(request.user).select_related("request", "organisation")


def _return(request: HttpRequest, return_id: int) -> Return:
    return get_object_or_404(_returns(request), pk=return_id)


@router.get("/requests", response=list[RequestOut], summary="List the requests you manage")
@paginate(Pagination)
def list_requests(request: HttpRequest) -> list[ReturnRequest]:
    """Requests of the national bodies you are an analyst in, newest first."""
    return access.visible_requests(request.user).select_related("body").prefetch_related("items")  # type: ignore[return-value]


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **REFUSALS}, summary="A request and its counts")
def request_detail(request: HttpRequest, request_id: int) -> ReturnRequest:
    return get_object_or_404(access.visible_requests(request.user).select_related("body"), pk=request_id)


@router.get("/requests/{request_id}/returns", response={200: list[ReturnOut], **REFUSALS}, summary="The tracker")
def request_returns(request: HttpRequest, request_id: int) -> list[Return]:
    """Every organisation's return to the request, with its status, submission dates and lateness."""
    found = get_object_or_404(access.visible_requests(request.user), pk=request_id)
    return list(found.returns.select_related("request", "organisation"))


@router.get("/returns", response=list[ReturnOut], summary="List the returns you may read")
@paginate(Pagination)
def list_returns(request: HttpRequest) -> list[Return]:
    """Your organisations' returns, and every return to the requests you manage."""
    return _returns(request)  # type: ignore[return-value]


@router.get(
    "/returns/{return_id}", response={200: ReturnDetailOut, **REFUSALS}, summary="A return, its answers and versions"
)
def return_detail(request: HttpRequest, return_id: int) -> Return:
    return _return(request, return_id)


def _question_ids(answers: dict[str, str]) -> dict[int, str]:
    parsed: dict[int, str] = {}
    for key, text in answers.items():
        if not key.isdigit() or len(key) > 18:
            raise ValidationError(f"This request has no question {key[:40]!r}: nothing was saved.")
        if len(text) > DOCUMENT_TEXT or "\x00" in text:
            raise ValidationError({f"q{key}": [f"An answer must be {DOCUMENT_TEXT:,} characters or less, with no NUL"]})
        parsed[int(key)] = text
    return parsed


@router.put("/returns/{return_id}/answers", response={200: ReturnDetailOut, **WRITE_REFUSALS}, summary="Save answers")
def save_answers(request: HttpRequest, return_id: int, payload: AnswersIn) -> Return:
    """Change the working answers while the return is a draft or returned for clarification.
    A submitted return answers 400 and is not changed."""
    record = _return(request, return_id)
    return services.save_answers(record, request.user, payload.version, _question_ids(payload.answers))  # type: ignore[arg-type]


@router.post("/returns/{return_id}/submit", response={200: ReturnDetailOut, **WRITE_REFUSALS}, summary="Submit")
def submit(request: HttpRequest, return_id: int, payload: VersionIn) -> Return:
    return services.submit_return(_return(request, return_id), request.user, payload.version)  # type: ignore[arg-type]


@router.post("/returns/{return_id}/resubmit", response={200: ReturnDetailOut, **WRITE_REFUSALS}, summary="Resubmit")
def resubmit(request: HttpRequest, return_id: int, payload: VersionIn) -> Return:
    return services.resubmit_return(_return(request, return_id), request.user, payload.version)  # type: ignore[arg-type]


@router.post(
    "/returns/{return_id}/clarification",
    response={200: ReturnDetailOut, **WRITE_REFUSALS},
    summary="Return for clarification",
)
def clarification(request: HttpRequest, return_id: int, payload: ClarificationIn) -> Return:
    """The requesting body's analysts send a submitted return back, with what needs clarifying."""
    points = {point.question_id: point.text for point in payload.points}
    return services.return_for_clarification(_return(request, return_id), request.user, payload.version, points)  # type: ignore[arg-type]


# Writing a request


def _body(request: HttpRequest, body_id: int | None) -> Organisation:
    """The national body the caller asks for: one they are an analyst of, or 404."""
    bodies = access.requesting_body_ids(request.user)
    if body_id is None and len(bodies) == 1:
        (body_id,) = bodies
    if body_id is None and bodies:
        raise ValidationError({"body_id": ["Say which national body the request is sent for"]})
    if body_id not in bodies:
        raise Http404("Not found")
    return Organisation.objects.get(pk=body_id)


def _items(ids: list[int]) -> list[Item]:
    items = list(Item.objects.recommendations().filter(pk__in=ids))
    if len(items) != len(set(ids)):
        unknown = sorted(set(ids) - {item.pk for item in items})
        raise ValidationError({"item_ids": [f"No recommendation {', '.join(map(str, unknown))}: nothing was saved."]})
    return items


def _chosen(ids: list[int]) -> tuple[Organisation, ...]:
    return tuple(Organisation.objects.filter(pk__in=ids))


def _managed_request(request: HttpRequest, request_id: int) -> ReturnRequest:
    return get_object_or_404(access.visible_requests(request.user), pk=request_id)


@router.post("/requests", response={200: RequestDetailOut, **WRITE_REFUSALS}, summary="Create a draft request")
def create_request(request: HttpRequest, payload: RequestIn) -> ReturnRequest:
    """A draft with the standard questions chosen; add questions of your own, then send it."""
    body = _body(request, payload.body_id)
    if payload.deadline < timezone.localdate():
        raise ValidationError({"deadline": ["The deadline must be today or in the future"]})
    draft = services.RequestDraft(
        body=body, title=payload.title, items=_items(payload.item_ids), deadline=payload.deadline,
        recipients=payload.recipients, chosen=_chosen(payload.organisation_ids), introduction=payload.introduction,
        standard=tuple(payload.standard) if payload.standard is not None else tuple(STANDARD_QUESTIONS),
    )  # fmt: skip
    return services.create_request(request.user, draft)  # type: ignore[arg-type]


@router.patch("/requests/{request_id}", response={200: RequestDetailOut, **WRITE_REFUSALS}, summary="Edit a draft")
def edit_request(request: HttpRequest, request_id: int, payload: RequestChangesIn) -> ReturnRequest:
    """Change a draft's title, deadline, introduction or recipients; what is left out stays as it is.
    A sent request answers 400 and is not changed."""
    found = _managed_request(request, request_id)
    if payload.organisation_ids and payload.recipients != "chosen":
        raise ValidationError({"organisation_ids": ["Set recipients to 'chosen' to choose the organisations"]})
    changes = services.RequestChanges(
        title=payload.title, deadline=payload.deadline, recipients=payload.recipients,
        chosen=_chosen(payload.organisation_ids), introduction=payload.introduction,
    )  # fmt: skip
    return services.update_request(found, request.user, payload.version, changes)  # type: ignore[arg-type]


@router.post(
    "/requests/{request_id}/questions", response={200: RequestDetailOut, **WRITE_REFUSALS}, summary="Add a question"
)
def add_question(request: HttpRequest, request_id: int, payload: QuestionIn) -> ReturnRequest:
    """A question of your own on a draft: yes or no, a choice of options, free text or a file."""
    found = _managed_request(request, request_id)
    draft = services.QuestionDraft(payload.kind, payload.text, payload.hint, tuple(payload.options), payload.required)
    services.add_question(found, request.user, payload.version, draft)  # type: ignore[arg-type]
    return _managed_request(request, request_id)


@router.delete(
    "/requests/{request_id}/questions/{question_id}",
    response={200: RequestDetailOut, **WRITE_REFUSALS},
    summary="Remove a question",
)
def remove_question(request: HttpRequest, request_id: int, question_id: int, payload: VersionIn) -> ReturnRequest:
    found = _managed_request(request, request_id)
    services.remove_question(found, request.user, payload.version, question_id)  # type: ignore[arg-type]
    return _managed_request(request, request_id)


@router.post("/requests/{request_id}/send", response={200: RequestDetailOut, **WRITE_REFUSALS}, summary="Send")
def send_request(request: HttpRequest, request_id: int, payload: VersionIn) -> ReturnRequest:
    """Draft -> sent: each organisation asked gets a return to answer; the questions no longer change."""
    found = _managed_request(request, request_id)
    return services.send_request(found, request.user, payload.version)  # type: ignore[arg-type]


@router.post("/requests/{request_id}/close", response={200: RequestDetailOut, **WRITE_REFUSALS}, summary="Close")
def close_request(request: HttpRequest, request_id: int, payload: CloseIn) -> ReturnRequest:
    """Sent -> closed: its returns take no more answers, submissions or clarifications."""
    found = _managed_request(request, request_id)
    return services.close_request(found, request.user, payload.version, payload.reason)  # type: ignore[arg-type]

"""National returns in the API: requests (for the requesting body's analysts) and returns (for them,
and for the organisation asked), scoped by `returns.access`; changes only through `returns.services`.

A caller outside a request or return gets 404 whether or not it exists; one who can see a return
but may not make a change gets 403. Errors become responses in `oversight.api.urls`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from oversight.forms import DOCUMENT_TEXT, NO_NUL, TEXT
from oversight.recommendations.api import Pagination
from oversight.recommendations.schemas import ErrorOut, InvalidOut, OrganisationRef

from . import access, services
from .models import Question, Return, ReturnQuerySet, ReturnRequest, ReturnVersion, VersionAnswer

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
    status: str = Field(description="draft or sent")
    deadline: dt.date
    recipients: str = Field(description="governing_bodies, forces or chosen")
    item_ids: list[int] = Field(description="The register items (recommendations) asked about")
    sent_at: dt.datetime | None = None
    version: int = Field(description="Send it back with a change: a stale version is refused (409)")

    @staticmethod
    def resolve_item_ids(obj: ReturnRequest) -> list[int]:
        return [item.pk for item in obj.items.all()]


class CountsOut(Schema):
    total: int = Field(description="Organisations asked")
    answered: int = Field(description="Organisations that have submitted at least once")
    by_status: dict[str, int] = Field(description="Returns in each status: draft, submitted, returned, resubmitted")


class RequestDetailOut(RequestOut):
    introduction: str
    questions: list[QuestionOut]
    counts: CountsOut

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

"""Coding in the API: a request's themes, codings and suggestions, for the requesting body's
analysts only (scoped by `coding.access`); changes only through `coding.services`.

The agreement endpoint gives the same Cohen's kappas as the agreement page (`coding/agreement.py`).
A caller outside the request gets 404 whether or not it exists. Errors become responses in
`oversight.api.urls`: bad input 400, nothing written.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from oversight.recommendations.schemas import ErrorOut, InvalidOut
from oversight.returns.models import ReturnRequest

from . import access, services
from .models import BulkAcceptance, Coding, Suggestion, Theme

router = Router(tags=["coding"])
REFUSALS = {401: ErrorOut, 404: ErrorOut}
WRITE_REFUSALS = {**REFUSALS, 400: InvalidOut, 403: ErrorOut, 409: ErrorOut}


class ThemeOut(Schema):
    id: int
    name: str
    description: str
    parent_id: int | None = None
    version: int


class ThemeIn(Schema):
    name: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    parent_id: int | None = None


class CodingOut(Schema):
    id: int
    answer_id: int = Field(description="The submitted answer (a version's answer) the passage is in")
    start: int
    end: int
    text: str = Field(description="The passage: the answer's text[start:end]")
    theme_id: int
    coder: str = Field(description="The coder's username")
    memo: str
    quote: bool
    suggestion_id: int | None = Field(None, description="The suggestion accepted to make it, if any")
    created_at: dt.datetime

    @staticmethod
    def resolve_coder(obj: Coding) -> str:
        return obj.coder.username


class CodingIn(Schema):
    answer_id: int
    start: int
    end: int
    theme_id: int
    memo: str = Field("", max_length=5000)
    quote: bool = False


class SuggestionOut(Schema):
    id: int
    answer_id: int
    start: int
    end: int
    text: str
    theme_id: int
    score: float = Field(description="Confidence in [0, 1]")
    because: str = Field(description="The words or coded examples behind it")
    status: str = Field(description="pending, accepted or rejected")
    decided_at: dt.datetime | None = None


class ThresholdIn(Schema):
    threshold: float = Field(description="Accept every pending suggestion with at least this confidence")


class BulkOut(Schema):
    id: int
    threshold: float
    accepted: int
    at: dt.datetime


class ComparisonOut(Schema):
    first: str = Field(description="A coder's username")
    second: str | None = Field(description="The other coder's username; null for the system's suggestions")
    units: int = Field(description="Passages (sentences) both coded: what kappa is counted over")
    overall: float | None = Field(description="The mean of the themes' kappas that are defined")
    per_theme: dict[str, float | None] = Field(
        description="Cohen's kappa by theme name; null where undefined (neither used it, or both on every passage)"
    )


class AgreementOut(Schema):
    comparisons: list[ComparisonOut] = Field(
        description="Each pair of coders, then each coder and the suggestions (only the coder's own codings, "
        "not those made by accepting a suggestion)"
    )


def _request(request: HttpRequest, request_id: int) -> ReturnRequest:
    return get_object_or_404(access.codable_requests(request.user), pk=request_id)


def _theme_in(found: ReturnRequest, theme_id: int | None, field: str) -> Theme | None:
    if theme_id is None:
        return None
    theme = Theme.objects.filter(request=found, pk=theme_id).first()
    if theme is None:
        raise ValidationError({field: [f"This request has no theme {theme_id}: nothing was saved."]})
    return theme


@router.get("/requests/{request_id}/themes", response={200: list[ThemeOut], **REFUSALS}, summary="The themes")
def themes(request: HttpRequest, request_id: int) -> list[Theme]:
    return list(Theme.objects.filter(request=_request(request, request_id)))


@router.post("/requests/{request_id}/themes", response={200: ThemeOut, **WRITE_REFUSALS}, summary="Add a theme")
def add_theme(request: HttpRequest, request_id: int, payload: ThemeIn) -> Theme:
    found = _request(request, request_id)
    parent = _theme_in(found, payload.parent_id, "parent_id")
    draft = services.ThemeDraft(payload.name, payload.description, parent)
    return services.create_theme(found, request.user, draft)  # type: ignore[arg-type]


@router.get("/requests/{request_id}/codings", response={200: list[CodingOut], **REFUSALS}, summary="Codings")
def codings(request: HttpRequest, request_id: int) -> list[Coding]:
    found = _request(request, request_id)
    return list(Coding.objects.filter(theme__request=found).select_related("answer", "coder"))


@router.post("/requests/{request_id}/codings", response={200: CodingOut, **WRITE_REFUSALS}, summary="Code a passage")
def code(request: HttpRequest, request_id: int, payload: CodingIn) -> Coding:
    """Code the span `text[start:end]` of a submitted answer to a theme; the span must lie in the text."""
    found = _request(request, request_id)
    theme = _theme_in(found, payload.theme_id, "theme_id")
    answer = services.codable_answers(found).filter(pk=payload.answer_id).first()
    if answer is None or theme is None:
        raise ValidationError({"answer_id": [f"This request has no codable answer {payload.answer_id}."]})
    draft = services.CodingDraft(answer, payload.start, payload.end, theme, payload.memo, payload.quote)
    return services.code_passage(request.user, draft)  # type: ignore[arg-type]


@router.get(
    "/requests/{request_id}/suggestions", response={200: list[SuggestionOut], **REFUSALS}, summary="Suggestions"
)
def suggestions(request: HttpRequest, request_id: int) -> list[Suggestion]:
    found = _request(request, request_id)
    return list(Suggestion.objects.filter(request=found).select_related("answer"))


@router.post(
    "/requests/{request_id}/suggestions", response={200: list[SuggestionOut], **WRITE_REFUSALS}, summary="Suggest"
)
def suggest(request: HttpRequest, request_id: int) -> list[Suggestion]:
    """Replace the pending suggestions with fresh ones for every uncoded passage."""
    return services.refresh_suggestions(_request(request, request_id), request.user)  # type: ignore[arg-type]


@router.post(
    "/requests/{request_id}/suggestions/accept-above",
    response={200: BulkOut, **WRITE_REFUSALS},
    summary="Accept in bulk above a confidence",
)
def accept_above(request: HttpRequest, request_id: int, payload: ThresholdIn) -> BulkAcceptance:
    return services.accept_above(_request(request, request_id), payload.threshold, request.user)  # type: ignore[arg-type]


def _suggestion(request: HttpRequest, suggestion_id: int) -> Suggestion:
    return get_object_or_404(access.visible_suggestions(request.user), pk=suggestion_id)


@router.post(
    "/suggestions/{suggestion_id}/accept", response={200: CodingOut, **WRITE_REFUSALS}, summary="Accept a suggestion"
)
def accept(request: HttpRequest, suggestion_id: int) -> Coding:
    return services.accept_suggestion(_suggestion(request, suggestion_id), request.user)  # type: ignore[arg-type]


@router.post(
    "/suggestions/{suggestion_id}/reject", response={200: SuggestionOut, **WRITE_REFUSALS}, summary="Reject it"
)
def reject(request: HttpRequest, suggestion_id: int) -> Suggestion:
    return services.reject_suggestion(_suggestion(request, suggestion_id), request.user)  # type: ignore[arg-type]


@router.get("/requests/{request_id}/agreement", response={200: AgreementOut, **REFUSALS}, summary="Agreement (kappa)")
def agreement(request: HttpRequest, request_id: int) -> dict[str, object]:
    """Cohen's kappa per theme and overall, between each pair of analysts and between each analyst and
    the system's suggestions, over the passages both coded."""
    table = services.agreement_table(_request(request, request_id), request.user)  # type: ignore[arg-type]
    return {
        "comparisons": [
            {
                "first": first.username,
                "second": second.username if second else None,
                "units": result.units,
                "overall": result.overall,
                "per_theme": result.per_theme,
            }
            for first, second, result in table
        ]
    }

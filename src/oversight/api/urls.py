"""The JSON API: each app's router under /api/v1/, the OpenAPI document at /api/openapi.json."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from oversight.cases.api import router as cases_router
from oversight.coding.api import router as coding_router
from oversight.coding.report_api import router as coding_report_router
from oversight.concurrency import ConcurrentEditError
from oversight.ingest.api import router as ingest_router
from oversight.notifications.api import router as notifications_router
from oversight.protection.api import router as protection_router
from oversight.protection.dashboard_api import router as protection_dashboard_router
from oversight.protection.import_api import router as protection_import_router
from oversight.recommendations.api import router as recommendations_router
from oversight.returns.api import router as returns_router

from .auth import FreshFactorNeeded, RateLimited, ReadOnlyToken, TokenAuth


def signed_in_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document is for people with access: a login session or a bearer token."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        try:
            if request.user.is_authenticated or (token and TokenAuth().authenticate(request, token)):
                return view(request, *args, **kwargs)
        except RateLimited as limited:
            return _too_many(limited)
        return JsonResponse({"detail": "Unauthorized"}, status=401)

    return guarded


api = NinjaAPI(
    title="Oversight API",
    version="1",
    description="Inspection recommendations and their tracking. Authenticate with `Authorization: Bearer <token>`.",
    auth=TokenAuth(),
    docs_url=None,
    docs_decorator=signed_in_or_token,
    urls_namespace="api",
)
api.add_router("/v1/recommendations/", recommendations_router)
api.add_router("/v1/cases/", cases_router)
api.add_router("/v1/ingest/", ingest_router)
api.add_router("/v1/returns/", returns_router)
api.add_router("/v1/coding/", coding_router)
api.add_router("/v1/coding/", coding_report_router)
api.add_router("/v1/protection/", protection_router)
api.add_router("/v1/protection/dashboard", protection_dashboard_router)
api.add_router("/v1/protection/imports", protection_import_router)
api.add_router("/v1/notifications", notifications_router)


def _too_many(limited: RateLimited) -> HttpResponse:
    response = JsonResponse({"detail": limited.detail}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return _too_many(exc)


@api.exception_handler(ReadOnlyToken)
def read_only(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
    # Refused before any record is looked up: the same answer for every path, so nothing leaks.
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(FreshFactorNeeded)
def fresh_factor_needed(request: HttpRequest, exc: FreshFactorNeeded) -> HttpResponse:
    # Raised only after the record was found in the caller's scope: someone outside got 404 first.
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer whether the record does not exist or the caller may not see it.
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Only reached for someone who can see the record: endpoints look it up in the caller's scope first.
    detail = str(exc) or "You cannot make this change."
    return api.create_response(
        request, {"detail": f"{detail} You can see this record but may not act on it."}, status=403
    )


@api.exception_handler(ConcurrentEditError)
def stale(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
    detail = "Someone else changed this record after you read it. Nothing was saved: read it again and retry."
    return api.create_response(request, {"detail": detail}, status=409)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A refused change (bad input, a step not open now): nothing was written."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = " ".join(message for messages in errors.values() for message in messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


def _open_to_token_auth(patterns: list[Any]) -> list[Any]:
    # The API authenticates each request with its own bearer token, not the login session.
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns


urls = (_open_to_token_auth(api.urls[0]), api.urls[1], api.urls[2])

"""Bearer-token authentication for the API, with rate limits per account and per address, read-only
tokens refused any change, and the steps the site takes only with a recent second factor refused to
a token (`refuse_without_fresh_second_factor`)."""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_value
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from oversight.accounts import rules
from oversight.accounts.models import hit, over_limit
from oversight.accounts.sessions import must_ask_again

from .models import ApiToken, hash_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RateLimited(Exception):
    """Too many requests: answered 429 with Retry-After (api/urls.py)."""

    def __init__(self, retry_after: int, detail: str) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.detail = detail


class ReadOnlyToken(Exception):
    """A read-only token was sent with a request that changes something: answered 403."""


class FreshFactorNeeded(Exception):
    """A step the site takes only with a recent second factor, asked of the API: answered 403."""


READ_ONLY_DETAIL = "This token is read-only: it may read but not change anything. Use a token that may write."
TOO_MANY_DETAIL = "Too many requests. Wait {seconds} seconds before trying again."
BAD_TOKENS_DETAIL = "Too many requests with a token that does not work from your address. Wait {seconds} seconds."
REVERIFY_MINUTES = int(rules.REVERIFY_AFTER.total_seconds() // 60)
FRESH_FACTOR_DETAIL = (
    f"This step needs your second factor entered within the last {REVERIFY_MINUTES} minutes, "
    "and an API token carries no second factor. Take the step on the site, which asks for your code. "
    "Nothing was changed."
)
# For the OpenAPI description of each operation that calls refuse_without_fresh_second_factor.
FRESH_FACTOR_NOTE = (
    f"Refused to an API token (403): the site asks for the second factor again when it is older than "
    f"{REVERIFY_MINUTES} minutes before this step (ASVS 4.0.3 V3.7.1), and a token carries none. "
    "Take the step on the site. Someone who cannot see the record still gets 404, and nothing is written."
)


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _limit(key: str, window: Any, limit: int, message: str) -> None:
    wait = hit(key, window, limit)
    if wait is not None:
        raise RateLimited(wait, message.format(seconds=wait))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        address = _address(request)
        _limit(f"api-address:{address}", rules.API_WINDOW, settings.API_REQUESTS_PER_ADDRESS, TOO_MANY_DETAIL)
        bad_key, bad_limit = f"api-bad-token:{address}", settings.API_BAD_TOKENS_PER_ADDRESS
        # Checked before the token is looked up: past the limit even a right guess is refused.
        wait = over_limit(bad_key, rules.API_BAD_TOKEN_WINDOW, bad_limit)
        if wait is not None:
            raise RateLimited(wait, BAD_TOKENS_DETAIL.format(seconds=wait))
        found = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            hit(bad_key, rules.API_BAD_TOKEN_WINDOW, bad_limit)
            return None
        _limit(f"api-account:{found.user_id}", rules.API_WINDOW, settings.API_REQUESTS_PER_ACCOUNT, TOO_MANY_DETAIL)
        if found.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyToken(READ_ONLY_DETAIL)
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # read by by_token
        _record_as_actor(found.user)
        return found.user


def _record_as_actor(user: AbstractBaseUser) -> None:
    """Name the token's holder in the audit trail.

    The audit middleware runs before the API authenticates the bearer token, so it saw an anonymous
    request; its context for this request is updated in place (a nested context would leak its signal).
    """
    try:
        context: dict[str, Any] = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


def by_token(request: HttpRequest) -> bool:
    """Whether the caller authenticated with a bearer token (whatever session cookie came with it)."""
    return getattr(request, "api_token", None) is not None


def refuse_without_fresh_second_factor(request: HttpRequest) -> None:
    """For an operation taking a step the site guards with `requires_fresh_second_factor`: call it
    after the record is looked up in the caller's scope (someone outside still gets 404, so the
    refusal says nothing of records they cannot see) and before anything is written.

    A token never carries a second factor, so it is always refused, even with a session cookie sent
    alongside (that session may be someone else's). A signed-in session, should the API ever take
    one, follows the site's rule: refused when the factor is older than REVERIFY_AFTER."""
    if by_token(request) or must_ask_again(request):
        raise FreshFactorNeeded(FRESH_FACTOR_DETAIL)

"""Bearer-token authentication for the API."""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_value
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
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

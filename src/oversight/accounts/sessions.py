"""The session guard: a session ends when the person's roles change, a session waits for its second
factor before anything else is shown, and sensitive actions ask for the factor again when it is older
than rules.REVERIFY_AFTER."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from oversight.organisations.access import memberships_of
from oversight.organisations.models import Membership

from .factors import has_factor, is_fresh, needs_second_factor

ROLES_SESSION_KEY = "oversight_roles_version"
PENDING_POST_SESSION_KEY = "oversight_pending_post"
ROLES_CHANGED_MESSAGE = "Your roles changed, so you have been signed out. Sign in again to carry on."
FACTOR_NEEDED_DETAIL = "Finish signing in with your second factor first."

View = Callable[..., HttpResponse]
AnyView = TypeVar("AnyView", bound=Callable[..., Any])
AnyUser = AbstractBaseUser | AnonymousUser


def roles_version(user: AnyUser, *, fresh: bool = False) -> str:
    """A digest of everything that decides what the person may do: their counting memberships (with
    the forces a cross-force role covers), staff and superuser. Read from the database itself, so a
    role granted, approved, revoked or edited straight into a table changes it all the same."""
    rows = Membership.objects.for_user(user).counting().prefetch_related("covers") if fresh else memberships_of(user)
    parts = sorted(f"{m.organisation_id}:{m.role}:{sorted(c.pk for c in m.covers.all())}" for m in rows)
    parts.append(f"staff={getattr(user, 'is_staff', False)} superuser={getattr(user, 'is_superuser', False)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@receiver(user_logged_in)
def remember_roles(sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[ROLES_SESSION_KEY] = roles_version(user, fresh=True)


def second_factor_exempt(view: AnyView) -> AnyView:
    """Mark a view reachable before the second factor: signing in, the factor itself, signing out."""
    view.second_factor_exempt = True  # type: ignore[attr-defined]
    return view


class SessionGuardMiddleware:
    """After authentication, django-otp's middleware and messages: ends a session whose roles
    changed, and holds a session that still owes its second factor at the factor's page (or, for the
    API, a 401)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: View, args: Any, kwargs: Any) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if self._roles_changed(request):
            return _end_session(request)
        if getattr(view, "second_factor_exempt", False) or user.is_verified():  # type: ignore[attr-defined]
            return None
        if not (needs_second_factor(user) or has_factor(user)):
            return None
        if _is_api(request):
            return JsonResponse({"detail": FACTOR_NEEDED_DETAIL}, status=401)
        return redirect(_factor_url(request.get_full_path()))

    @staticmethod
    def _roles_changed(request: HttpRequest) -> bool:
        current = roles_version(request.user)
        kept = request.session.get(ROLES_SESSION_KEY)
        if kept is None:  # a session from before the guard: it starts counting now
            request.session[ROLES_SESSION_KEY] = current
            return False
        return bool(kept != current)


def _is_api(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and "api" in match.namespaces)


def _end_session(request: HttpRequest) -> HttpResponse:
    api = _is_api(request)
    logout(request)
    if api:
        return JsonResponse({"detail": ROLES_CHANGED_MESSAGE}, status=401)
    messages.warning(request, ROLES_CHANGED_MESSAGE)
    return redirect("accounts:login")


def _factor_url(next_path: str) -> str:
    return f"{reverse('accounts:second_factor')}?{urlencode({'next': next_path})}"


# Asking again before a sensitive action ------------------------------------------------------------


def must_ask_again(request: HttpRequest) -> bool:
    """A person with a factor (everyone who needs one has one by now) whose factor is stale."""
    user = request.user
    if not user.is_authenticated or is_fresh(request):
        return False
    return needs_second_factor(user) or has_factor(user)


def requires_fresh_second_factor(when: Callable[[HttpRequest], bool] | None = None) -> Callable[[View], View]:
    """Decorate a sensitive view (for `when` requests only, if given): a stale factor is asked for
    again, and a form that was being sent is kept in the session and offered back to send once the
    code is in. Runs before the view looks anything up, so a locked record and a missing one are
    answered alike."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (when is None or when(request)) and must_ask_again(request):
                if request.method == "POST":
                    _keep_post(request)
                return redirect(_factor_url(request.get_full_path()) + "&again=1")
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def posted(request: HttpRequest) -> bool:
    """For `requires_fresh_second_factor(when=posted)`: the page may be read, sending it is the action."""
    return request.method == "POST"


def _keep_post(request: HttpRequest) -> None:
    fields = [(key, value) for key, values in request.POST.lists() for value in values if key != "csrfmiddlewaretoken"]
    request.session[PENDING_POST_SESSION_KEY] = {
        "path": request.get_full_path(),
        "fields": fields,
        "at": timezone.now().isoformat(),
    }


def pending_post(request: HttpRequest, next_path: str) -> list[tuple[str, str]] | None:
    """The form kept for `next_path`, taken from the session (once)."""
    kept = request.session.pop(PENDING_POST_SESSION_KEY, None)
    if not kept or kept.get("path") != next_path:
        return None
    return [(str(key), str(value)) for key, value in kept.get("fields", [])]

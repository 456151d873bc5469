"""The passkey pages: add one (with the current factor entered within 15 minutes), remove one, and
the JSON steps the page's script (static/oversight/passkeys.js) calls for both ceremonies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from oversight.request import AuthedRequest

from . import passkeys
from .models import Passkey, Stage, address_retry_after, is_locked_out, record_attempt
from .sessions import must_ask_again, requires_fresh_second_factor, second_factor_exempt
from .views import FACTOR_LOCKED, TOO_MANY_FROM_ADDRESS, _next, client_ip

NOT_USED = "Your passkey was not accepted. Try again, or enter a code instead."


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refused(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


@never_cache
@requires_fresh_second_factor()
def add(request: AuthedRequest) -> HttpResponse:
    return render(request, "accounts/passkey_add.html")


@require_POST
def register_options(request: AuthedRequest) -> HttpResponse:
    if must_ask_again(request):
        return _refused("Enter your code again first: reload the page.", 403)
    return HttpResponse(passkeys.registration_options(request, request.user), content_type="application/json")


@require_POST
def register(request: AuthedRequest) -> HttpResponse:
    if must_ask_again(request):
        return _refused("Enter your code again first: reload the page.", 403)
    data = _body(request)
    try:
        credential, name = json.dumps(data.get("credential")), str(data.get("name", ""))
        passkey = passkeys.register(request, request.user, credential, name)
    except passkeys.PasskeyRefused as refused:
        return _refused(str(refused))
    messages.success(request, f"The passkey '{passkey.name}' was added. You can use it instead of a code.")
    return JsonResponse({"redirect": reverse("accounts:manage")})


@second_factor_exempt
@require_POST
def sign_in_options(request: AuthedRequest) -> HttpResponse:
    if not Passkey.objects.filter(user=request.user).exists():
        raise Http404("No passkey")
    return HttpResponse(passkeys.authentication_options(request, request.user), content_type="application/json")


@second_factor_exempt
@require_POST
def sign_in(request: AuthedRequest) -> HttpResponse:
    """The passkey's answer: the same limits as a typed code (per account and per address)."""
    username = request.user.get_username()
    wait = address_retry_after(client_ip(request))
    if wait is not None:
        response = _refused(TOO_MANY_FROM_ADDRESS.format(minutes=max(1, (wait + 59) // 60)), 429)
        response["Retry-After"] = str(wait)
        return response
    if is_locked_out(username, Stage.SECOND_FACTOR):
        return _refused(FACTOR_LOCKED.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), 403)
    data = _body(request)
    passkey = passkeys.authenticate(request, request.user, json.dumps(data.get("credential")))
    record_attempt(username, passkey is not None, client_ip(request), Stage.SECOND_FACTOR)
    if passkey is None:
        return _refused(NOT_USED)
    next_path = _next(request, str(data.get("next") or ""))
    return JsonResponse({"redirect": f"{reverse('accounts:carry_on')}?{urlencode({'next': next_path})}"})


@require_POST
@requires_fresh_second_factor()
def remove(request: AuthedRequest, passkey_id: int) -> HttpResponse:
    passkey = get_object_or_404(Passkey, user=request.user, pk=passkey_id)
    passkey.delete()
    messages.success(request, f"The passkey '{passkey.name}' was removed.")
    return redirect("accounts:manage")


urlpatterns = [
    path("second-factor/passkeys/add/", add, name="passkey_add"),
    path("second-factor/passkeys/register/options/", register_options, name="passkey_register_options"),
    path("second-factor/passkeys/register/", register, name="passkey_register"),
    path("second-factor/passkeys/sign-in/options/", sign_in_options, name="passkey_sign_in_options"),
    path("second-factor/passkeys/sign-in/", sign_in, name="passkey_sign_in"),
    path("second-factor/passkeys/<int:passkey_id>/remove/", remove, name="passkey_remove"),
]

"""Signing in (with a limit per address), the second factor (enrol, verify, ask again, recovery
codes) and an administrator's reset of someone's lost factor."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from . import factors
from .forms import EnrolForm, FactorResetForm, LockoutAuthenticationForm, SecondFactorForm
from .models import FactorReset, Passkey, Stage, address_retry_after, is_locked_out, record_attempt
from .sessions import pending_post, requires_fresh_second_factor, second_factor_exempt

TOO_MANY_FROM_ADDRESS = (
    "There have been too many failed sign-in attempts from your network. Try again in {minutes} minutes."
)
FACTOR_LOCKED = (
    "Too many wrong codes were entered for this account. Try again in {minutes} minutes "
    "or ask your administrator to reset your second factor."
)
WRONG_CODE = "The code is not right, or was already used. Enter the code your app shows now, or an unused recovery code"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def too_many(request: HttpRequest, template: str, context: dict[str, Any], retry_after: int) -> HttpResponse:
    """429 with the page, its message in the error summary, and Retry-After in seconds."""
    minutes = max(1, (retry_after + 59) // 60)
    form = context["form"]
    form.is_valid()  # run the checks so that the error below is the only one shown
    form.errors.clear()
    form.add_error(None, TOO_MANY_FROM_ADDRESS.format(minutes=minutes))
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class SignInView(auth_views.LoginView):
    """Django's sign-in with the lock-out form, refusing an address that failed too often (any account)."""

    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = address_retry_after(client_ip(request))
        if wait is not None:
            # The username is kept; the password is not checked (nor recorded) while the address waits.
            kept = LockoutAuthenticationForm(request, data={"username": request.POST.get("username", "")})
            context = self.get_context_data(form=kept)
            return too_many(request, self.template_name, context, wait)
        return super().post(request, *args, **kwargs)


def _next(request: HttpRequest, candidate: str | None = None) -> str:
    """Where to go after the factor: the `next` asked for when it is on this site, else home."""
    candidate = candidate or request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _carry_on(request: HttpRequest, next_path: str) -> HttpResponse:
    """Back to where the person was going; a form kept while the factor was asked for is offered back."""
    fields = pending_post(request, next_path)
    if fields is not None:
        return render(request, "accounts/continue.html", {"action": next_path, "fields": fields})
    return redirect(next_path)


@never_cache
def carry_on(request: AuthedRequest) -> HttpResponse:
    """After a passkey (the script's answer): on to `next`, with any form kept for it."""
    return _carry_on(request, _next(request))


@second_factor_exempt
@never_cache
def second_factor(request: AuthedRequest) -> HttpResponse:
    """Enter the code: after the password, and again before a sensitive action."""
    next_path = _next(request)
    devices = factors.devices_of(request.user)
    if not devices:
        return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': next_path})}")
    form = SecondFactorForm(request.POST or None)
    context = {
        "form": form,
        "next": next_path,
        "again": request.user.is_verified(),  # type: ignore[attr-defined]
        "local": not settings.PRODUCTION,
        "has_passkey": any(isinstance(d, Passkey) for d in devices),
    }
    if request.method != "POST":
        return render(request, "accounts/second_factor.html", context)
    wait = address_retry_after(client_ip(request))
    if wait is not None:
        return too_many(request, "accounts/second_factor.html", context, wait)
    if form.is_valid() and _check_code(request, form):
        return _carry_on(request, next_path)
    return render(request, "accounts/second_factor.html", context, status=400)


def _check_code(request: AuthedRequest, form: SecondFactorForm) -> bool:
    username = request.user.get_username()
    if is_locked_out(username, Stage.SECOND_FACTOR):
        form.add_error("code", FACTOR_LOCKED.format(minutes=settings.LOGIN_LOCKOUT_MINUTES))
        return False
    device = factors.verify(request, request.user, form.cleaned_data["code"])
    record_attempt(username, device is not None, client_ip(request), Stage.SECOND_FACTOR)
    if device is None:
        form.add_error("code", WRONG_CODE)
        return False
    if isinstance(device, factors.RecoveryCodes):
        left = device.unused()
        messages.warning(request, f"You used a recovery code: {left} left. Get new ones on your second factor page.")
    return True


def _replacing(request: HttpRequest) -> bool:
    return factors.has_factor(request.user)


@second_factor_exempt
@never_cache
@requires_fresh_second_factor(when=_replacing)
def enrol(request: AuthedRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the secret), confirm with a code, then
    see the recovery codes once. Replacing an app needs the current one, entered within 15 minutes."""
    user = request.user
    if factors.has_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': reverse('accounts:enrol')})}")
    device = factors.pending_totp(user) or factors.start_totp(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = factors.confirm_totp(request, user, form.cleaned_data["code"])
        except ValidationError as error:
            add_service_error(form, ValidationError({"code": error.messages}))
        else:
            return _recovery_codes_page(request, codes, _next(request))
    context = {"form": form, "qr": factors.qr_svg(device), "secret": factors.secret_text(device)}
    context.update(next=_next(request), local=not settings.PRODUCTION)
    return render(request, "accounts/enrol.html", context, status=400 if form.errors else 200)


def _recovery_codes_page(request: HttpRequest, codes: list[str], next_path: str) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_path})


@never_cache
def manage(request: AuthedRequest) -> HttpResponse:
    """The person's own second factor: what they have, new recovery codes, a new app."""
    user = request.user
    devices = factors.devices_of(user)
    codes = next((d for d in devices if isinstance(d, factors.RecoveryCodes)), None)
    context = {
        "has_app": any(isinstance(d, factors.TOTPDevice) for d in devices),
        "passkeys": [d for d in devices if isinstance(d, Passkey)],
        "codes_left": codes.unused() if codes else 0,
        "needed": factors.needs_second_factor(user),
        "can_reset_others": factors.is_factor_administrator(user),
    }
    return render(request, "accounts/manage.html", context)


@require_POST
@never_cache
@requires_fresh_second_factor()
def new_recovery_codes(request: AuthedRequest) -> HttpResponse:
    if not factors.has_factor(request.user):
        return redirect("accounts:enrol")
    codes = factors.issue_recovery_codes(request.user)
    return _recovery_codes_page(request, codes, reverse("accounts:manage"))


@never_cache
@requires_fresh_second_factor()
def reset(request: AuthedRequest) -> HttpResponse:
    """An administrator removes someone else's lost factor, with a reason (recorded and alerted)."""
    if not factors.is_factor_administrator(request.user):
        raise Http404("No such page")
    form = FactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        try:
            if target is None:
                raise ValidationError({"username": "No active person has that username"})
            done = factors.reset_factors(target, request.user, form.cleaned_data["reason"])
        except PermissionDenied:
            add_service_error(form, ValidationError({"username": "You cannot reset your own second factor"}))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"The second factor of {done.user.username} was reset: they set up a new one when they next sign in.",
            )
            return redirect("accounts:reset")
    recent = FactorReset.objects.select_related("user", "reset_by").filter(reset_by=request.user)[:20]
    return render(request, "accounts/reset.html", {"form": form, "recent": recent}, status=400 if form.errors else 200)
